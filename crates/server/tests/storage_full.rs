//! Storage full: the database file may grow only so far (`sqlite://…?max_page_count=N`, the
//! way SQLite reports a full disk). Submissions then fail with a clear 503 in the error
//! envelope, nothing already stored is damaged, an acknowledged submission retried with its
//! key still gets its first receipt, and once space is back the same submission goes through.

mod common;

use common::{assert_envelope, body_json, insurance, key, spawn_with};

fn database(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("test.db")).unwrap()
}

#[tokio::test]
async fn a_full_database_answers_503_and_keeps_what_it_holds() {
    let dir = common::temp_dir();
    let url = format!("sqlite://{}/test.db?max_page_count=320", dir.display());
    let app = spawn_with(|c| c.database_url = url).await;
    let mut stored: Vec<(String, String, String)> = Vec::new();
    let mut full = None;
    for n in 0..5_000 {
        let idem = key();
        let body = insurance(n).to_string();
        let res = app
            .post_json("/api/v1/applications", Some(&idem), &body)
            .await;
        match res.status().as_u16() {
            201 => {
                let receipt = body_json(res).await;
                stored.push((idem, body, receipt["number"].as_str().unwrap().to_owned()));
            }
            503 => {
                full = Some(res);
                break;
            }
            other => panic!("submission {n}: {other} {}", body_json(res).await),
        }
    }
    let res = full.expect("320 pages never filled up");
    assert!(
        stored.len() >= 20,
        "only {} stored before full: the limit is too tight to test anything",
        stored.len()
    );
    assert_eq!(res.headers()["retry-after"], "5");
    let err = assert_envelope(res, 503, "unavailable").await;
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap()
            .contains("您填写的内容都还在"),
        "{err}"
    );

    // While full, 40 at once: each 201 or 503, never anything else (no 500, no hang).
    let mut tasks = Vec::new();
    for n in 0..40 {
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let idem = key();
            let body = insurance(10_000 + n).to_string();
            let req = axum::http::Request::post("/api/v1/applications")
                .header("content-type", "application/json")
                .header("sec-fetch-site", "same-origin")
                .header("idempotency-key", &idem)
                .body(axum::body::Body::from(body.clone()))
                .unwrap();
            let res = router.oneshot(req).await.unwrap();
            let status = res.status().as_u16();
            let receipt = body_json(res).await;
            (status, idem, body, receipt)
        }));
    }
    for t in tasks {
        let (status, idem, body, receipt) = t.await.unwrap();
        match status {
            201 => stored.push((idem, body, receipt["number"].as_str().unwrap().to_owned())),
            503 => assert_eq!(receipt["error"]["code"], "unavailable"),
            other => panic!("{other} {receipt}"),
        }
    }

    eprintln!(
        "storage full: {} stored before and during the full state",
        stored.len()
    );
    // Every acknowledged submission is there exactly once, whole, and a retry of each with
    // its key answers its first receipt, full or not.
    let db = database(&dir);
    let count: i64 = db
        .query_row("SELECT count(*) FROM applications", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count as usize, stored.len());
    for (idem, body, number) in stored.iter().step_by(7) {
        let res = app
            .post_json("/api/v1/applications", Some(idem), body)
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(body_json(res).await["number"], number.as_str());
        let events: i64 = db
            .query_row(
                "SELECT count(*) FROM events WHERE application = ?1",
                [number],
                |r| r.get(0),
            )
            .unwrap();
        assert!(events >= 1, "{number} has no events");
    }
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let orphans: i64 = db
        .query_row(
            "SELECT count(*) FROM events WHERE application NOT IN (SELECT number FROM applications)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0, "events of applications that were not stored");
    drop(db);

    // Space back (a server started without the limit, on the same file): the submission that
    // was refused goes through.
    let url = format!("sqlite://{}/test.db", dir.display());
    let again = spawn_with(|c| c.database_url = url).await;
    let res = again
        .post_json(
            "/api/v1/applications",
            Some(&key()),
            &insurance(99_999).to_string(),
        )
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn a_malformed_sqlite_option_stops_the_start() {
    for url in [
        "sqlite:///tmp/x.db?max_page_count=lots",
        "sqlite:///tmp/x.db?journal=off",
    ] {
        let err = onetrip_server::storage::open(url).await.err().unwrap();
        assert!(err.to_string().contains("DATABASE_URL"), "{err}");
    }
}
