//! Crashes: the real server binary is killed with SIGKILL at random moments (at least 30
//! times) while clients submit applications (at least 3,000) and upload documents, each
//! request retried with its Idempotency-Key until it is acknowledged. Afterwards every
//! acknowledged submission is stored exactly once and answers its retry with its first
//! receipt, the database passes `PRAGMA integrity_check` and its foreign keys hold, and every
//! stored document row names an object of exactly the size it records (no half-written file
//! linked to anything).
//!
//! And PostgreSQL restarted under the server mid-run (when `ONETRIP_TEST_PG_RESTART` holds
//! the command that restarts the server named by `ONETRIP_TEST_POSTGRES_URL`, as `cargo
//! xtask bench` sets): the server reconnects by itself and no acknowledged write is lost.
//!
//! Ignored by the test command: `cargo xtask bench` runs them (`cargo test --release -p
//! onetrip-server --test crash -- --ignored --nocapture --test-threads=1`).

mod child;
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use child::{Conn, Server, field};
use common::{insurance, small_pdf, startup_with_consent};
use tokio::sync::Mutex;

const KILLS: usize = 30;
const SUBMISSIONS: usize = 3_000;
const SUBMITTERS: usize = 8;
const UPLOADERS: usize = 2;

/// A submission the server acknowledged: (Idempotency-Key, body, application number).
type Ack = (String, String, String);

/// Send until the server answers one of `ok` (retrying the same request, on a new connection
/// when the old one broke, while the server is down or answers 503).
async fn until_acknowledged(
    port: u16,
    conn: &mut Option<Conn>,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: (&str, &[u8]),
    ok: &[u16],
) -> (u16, String) {
    let started = Instant::now();
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{method} {path}: not acknowledged within 2 minutes"
        );
        if conn.is_none() {
            *conn = Conn::open(port).await.ok();
        }
        if let Some(c) = conn.as_mut() {
            match c.send(method, path, headers, Some(body)).await {
                Ok((status, answer)) if ok.contains(&status) => {
                    return (status, String::from_utf8_lossy(&answer).into_owned());
                }
                // Down, starting, or a transaction lost with the process: the same again.
                Ok((503, _)) => {}
                Ok((status, answer)) => panic!(
                    "{method} {path}: {status} {}",
                    String::from_utf8_lossy(&answer)
                ),
                Err(_) => *conn = None,
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Submitters: new applications until told to stop, each retried until acknowledged.
fn submitters(
    port: u16,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<Ack>>>,
    first_try: Arc<AtomicUsize>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..SUBMITTERS)
        .map(|w| {
            let (stop, acked, first_try) = (stop.clone(), acked.clone(), first_try.clone());
            tokio::spawn(async move {
                let mut conn = None;
                let mut n = w * 1_000_000;
                while !stop.load(Ordering::Relaxed) {
                    let key = uuid::Uuid::new_v4().to_string();
                    let body = insurance(n).to_string();
                    n += 1;
                    let (status, answer) = until_acknowledged(
                        port,
                        &mut conn,
                        "POST",
                        "/api/v1/applications",
                        &[("Idempotency-Key", &key)],
                        ("application/json", body.as_bytes()),
                        &[200, 201],
                    )
                    .await;
                    if status == 201 {
                        first_try.fetch_add(1, Ordering::Relaxed);
                    }
                    let number = field(&answer, "number").expect("a receipt");
                    acked.lock().await.push((key, body, number));
                }
            })
        })
        .collect()
}

/// A multipart body with one PDF for `material`.
fn multipart(material: &str, pdf: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----onetrip-crash-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"material\"\r\n\r\n{material}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"slot\"\r\n\r\npages\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(pdf);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploaders: a draft of 企业开办, then documents into it, each retried until acknowledged;
/// the ids of the files acknowledged.
fn uploaders(
    port: u16,
    stop: Arc<AtomicBool>,
    files: Arc<Mutex<Vec<String>>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..UPLOADERS)
        .map(|w| {
            let (stop, files) = (stop.clone(), files.clone());
            tokio::spawn(async move {
                let mut conn = None;
                let mut seed = (w as u32) * 1_000_000;
                while !stop.load(Ordering::Relaxed) {
                    let key = uuid::Uuid::new_v4().to_string();
                    let start = startup_with_consent().to_string();
                    let (_, answer) = until_acknowledged(
                        port,
                        &mut conn,
                        "POST",
                        "/api/v1/drafts",
                        &[("Idempotency-Key", &key)],
                        ("application/json", start.as_bytes()),
                        &[200, 201],
                    )
                    .await;
                    let session: serde_json::Value = serde_json::from_str(&answer).unwrap();
                    let token = session["draft"]["token"].as_str().unwrap().to_owned();
                    let draft_key = session["key"].as_str().unwrap().to_owned();
                    for material in ["articles-of-association", "lease-contract"] {
                        seed += 1;
                        let (content_type, body) = multipart(material, &small_pdf(seed));
                        let key = uuid::Uuid::new_v4().to_string();
                        let (_, answer) = until_acknowledged(
                            port,
                            &mut conn,
                            "POST",
                            &format!("/api/v1/drafts/{token}/files"),
                            &[("Idempotency-Key", &key), ("X-Draft-Key", &draft_key)],
                            (&content_type, &body),
                            &[200, 201],
                        )
                        .await;
                        files
                            .lock()
                            .await
                            .push(field(&answer, "id").expect("a file id"));
                    }
                }
            })
        })
        .collect()
}

/// A tiny deterministic generator for the kill times.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a fault test of a few minutes: cargo xtask bench"]
async fn kill_9_loses_no_acknowledged_write() {
    let mut server = Server::start("crash", None, &[]);
    server.ready(Duration::from_secs(60)).await;
    let port = server.port;
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::<Ack>::new()));
    let files = Arc::new(Mutex::new(Vec::<String>::new()));
    let first_try = Arc::new(AtomicUsize::new(0));
    let mut workers = submitters(port, stop.clone(), acked.clone(), first_try.clone());
    workers.extend(uploaders(port, stop.clone(), files.clone()));

    let started = Instant::now();
    let mut random = 0x9E37_79B9_7F4A_7C15_u64;
    let mut kills = 0;
    let mut restarts = Vec::new();
    while kills < KILLS || acked.lock().await.len() < SUBMISSIONS {
        // Up for a random while (20 to 400 ms after it is ready), then SIGKILL.
        tokio::time::sleep(Duration::from_millis(20 + next_random(&mut random) % 380)).await;
        server.kill9();
        kills += 1;
        server.spawn();
        restarts.push(server.ready(Duration::from_secs(60)).await);
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    let elapsed = started.elapsed();
    // One last crash, so that the end state is a crashed one too.
    server.kill9();
    server.spawn();
    server.ready(Duration::from_secs(60)).await;

    let acked = acked.lock().await.clone();
    let files = files.lock().await.clone();
    // Every acknowledged submission answers its retry with its first receipt.
    let mut conn = Conn::open(port).await.unwrap();
    for (key, body, number) in &acked {
        let (status, answer) = conn
            .call(
                "POST",
                "/api/v1/applications",
                &[("Idempotency-Key", key)],
                Some(body),
            )
            .await
            .unwrap();
        assert_eq!(status, 200, "{answer}");
        assert_eq!(field(&answer, "number").as_deref(), Some(number.as_str()));
    }
    server.kill9();

    let db = rusqlite::Connection::open(server.sqlite_path()).unwrap();
    let one = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    let stored = one("SELECT count(*) FROM applications");
    let distinct: std::collections::BTreeSet<&str> = acked.iter().map(|a| a.2.as_str()).collect();
    assert_eq!(
        distinct.len(),
        acked.len(),
        "two acknowledgements, one number"
    );
    assert_eq!(
        stored as usize,
        acked.len(),
        "stored applications vs acknowledged submissions"
    );
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let broken_keys: i64 = db
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken_keys, 0, "foreign keys broken");
    let no_events = one("SELECT count(*) FROM applications a WHERE NOT EXISTS \
         (SELECT 1 FROM events e WHERE e.application = a.number)");
    assert_eq!(
        no_events, 0,
        "applications stored without their first events"
    );

    // Documents: every acknowledged upload stored once; every row's object whole.
    let mut rows = db
        .prepare("SELECT id, object, bytes FROM files")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    rows.sort();
    for id in &files {
        assert_eq!(
            rows.iter().filter(|r| &r.0 == id).count(),
            1,
            "acknowledged upload {id}"
        );
    }
    for (id, object, bytes) in &rows {
        let path = server.files_dir().join(object);
        let len = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        assert_eq!(len as i64, *bytes, "{id}: {} is not whole", path.display());
    }
    let on_disk = std::fs::read_dir(server.files_dir().join("files"))
        .map(|d| d.count())
        .unwrap_or(0);
    let mut restart_ms: Vec<f64> = restarts.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    restart_ms.sort_by(f64::total_cmp);
    println!(
        "bench crash kills={kills} seconds={:.0} acknowledged={} first_try={} stored={stored} \
         uploads={} file_rows={} objects_on_disk={on_disk} integrity=ok restart_median={:.0}ms",
        elapsed.as_secs_f64(),
        acked.len(),
        first_try.load(Ordering::Relaxed),
        files.len(),
        rows.len(),
        child::percentile(&restart_ms, 50.0),
    );
    assert!(kills >= KILLS && acked.len() >= SUBMISSIONS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a fault test: cargo xtask bench"]
async fn postgres_restarted_mid_run_loses_nothing() {
    let (Ok(server_url), Ok(restart)) = (
        std::env::var("ONETRIP_TEST_POSTGRES_URL"),
        std::env::var("ONETRIP_TEST_PG_RESTART"),
    ) else {
        eprintln!("skipping: ONETRIP_TEST_POSTGRES_URL and ONETRIP_TEST_PG_RESTART are not set");
        return;
    };
    let url = common::fresh_postgres_database(&server_url).await;
    let server = Server::start("pg-restart", Some(&url), &[]);
    server.ready(Duration::from_secs(60)).await;
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::<Ack>::new()));
    let first_try = Arc::new(AtomicUsize::new(0));
    let workers = submitters(server.port, stop.clone(), acked.clone(), first_try.clone());
    let mut recoveries = Vec::new();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let status = std::process::Command::new("sh")
            .args(["-c", &restart])
            .status()
            .unwrap();
        assert!(status.success(), "restarting PostgreSQL failed");
        // Back when new submissions are acknowledged again: every submitter twice more.
        let restarted = Instant::now();
        let after = acked.lock().await.len();
        while acked.lock().await.len() < after + SUBMITTERS * 2 {
            assert!(
                restarted.elapsed() < Duration::from_secs(60),
                "the server did not reconnect within a minute: {}",
                server.log()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        recoveries.push(restarted.elapsed());
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    let acked = acked.lock().await.clone();
    let mut conn = Conn::open(server.port).await.unwrap();
    for (key, body, number) in &acked {
        let (status, answer) = conn
            .call(
                "POST",
                "/api/v1/applications",
                &[("Idempotency-Key", key)],
                Some(body),
            )
            .await
            .unwrap();
        assert_eq!(status, 200, "{answer}");
        assert_eq!(field(&answer, "number").as_deref(), Some(number.as_str()));
    }
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let stored: i64 = client
        .query_one("SELECT count(*) FROM applications", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored as usize, acked.len());
    let ms: Vec<String> = recoveries
        .iter()
        .map(|d| format!("{:.0}", d.as_secs_f64() * 1000.0))
        .collect();
    println!(
        "bench pg-restart restarts=3 acknowledged={} stored={stored} back_after_ms={}",
        acked.len(),
        ms.join(",")
    );
}
