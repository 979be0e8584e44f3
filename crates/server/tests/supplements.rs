//! 容缺受理 and 补正 through the HTTP API, on SQLite always and PostgreSQL when
//! `ONETRIP_TEST_POSTGRES_URL` names a server: a submission refused for its materials, accepted
//! with a deferral (a request due in working days, listed on the receipt), supplied and handed
//! in; a department's correction; the application key, the second factor and its lock; the
//! interim staff token.

mod common;

use axum::body::Body;
use common::{
    ADULT, NOW, TestApp, assert_envelope, body_json, body_string, create_draft, field_codes, key,
    plain_jpeg, seed_staff, small_pdf, spawn, spawn_with, staff_act, staff_cookie, startup_data,
    startup_with_consent, upload_to,
};
use onetrip_server::clock::Timestamp;
use serde_json::{Value, json};

async fn send(
    app: &TestApp,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> axum::http::Response<Body> {
    app.request(method, uri, headers, body.map(|b| b.to_string()))
        .await
}

/// Hand in the outstanding requests `ids` with the application key `ak`.
async fn hand_in(
    app: &TestApp,
    number: &str,
    ak: &[(&str, &str)],
    ids: Value,
) -> axum::http::Response<Body> {
    let uri = format!("/api/v1/applications/{number}/supplements");
    send(app, "POST", &uri, ak, Some(json!({ "requests": ids }))).await
}

/// Submit `body` from the draft whose key is `draft_key`, with a fresh Idempotency-Key.
async fn submit(app: &TestApp, draft_key: &str, body: &Value) -> axum::http::Response<Body> {
    let idem = key();
    let headers = [
        ("idempotency-key", idem.as_str()),
        ("x-draft-key", draft_key),
    ];
    send(
        app,
        "POST",
        "/api/v1/applications",
        &headers,
        Some(body.clone()),
    )
    .await
}

/// Upload a photo of the ID card's `side` (front or back) to the draft `token`.
async fn id_card_photo(
    app: &TestApp,
    token: &str,
    dk: &[(&str, &str)],
    side: &str,
    (name, bytes): (&str, &[u8]),
) -> axum::http::Response<Body> {
    let uri = format!("/api/v1/drafts/{token}/files");
    upload_to(app, &uri, dk, "id-card", side, (name, "image/jpeg", bytes)).await
}

/// Assert the answer is 403 forbidden, in our error envelope.
async fn forbidden(res: axum::http::Response<Body>) {
    assert_envelope(res, 403, "forbidden").await;
}

/// The field codes of a 422 validation envelope.
async fn refused(res: axum::http::Response<Body>) -> Vec<(String, String)> {
    field_codes(&assert_envelope(res, 422, "validation").await)
}

/// The whole story against one database.
async fn story(app: TestApp) {
    // A draft with the data saved (the ID number becomes the second factor).
    let (token, draft_key) = create_draft(&app, &startup_with_consent()).await;
    let dk = [("x-draft-key", draft_key.as_str())];
    let res = send(
        &app,
        "PUT",
        &format!("/api/v1/drafts/{token}"),
        &dk,
        Some(json!({"data": startup_data()})),
    )
    .await;
    assert_eq!(res.status(), 200);
    let saved = body_json(res).await;
    assert_eq!(saved["factor"], "id_tail");
    let materials = saved["form"]["materials"].as_array().unwrap().clone();
    let deferrable: Vec<(String, u32)> = materials
        .iter()
        .filter(|m| m["need"] == "deferrable")
        .map(|m| {
            (
                m["key"].as_str().unwrap().to_owned(),
                m["deferrable_days"].as_u64().unwrap() as u32,
            )
        })
        .collect();
    assert!(
        !deferrable.is_empty(),
        "the situation has a deferrable material"
    );
    let (late, late_days) = deferrable[0].clone();
    let late_def = materials
        .iter()
        .find(|m| m["key"] == late.as_str())
        .unwrap();

    // Submitting without documents names every one, with the same codes as the app.
    let mut body = startup_with_consent();
    body["data"] = startup_data();
    body["draft"] = json!(token);
    let res = submit(&app, &draft_key, &body).await;
    let got = refused(res).await;
    assert!(
        got.contains(&("materials.id-card.front".into(), "material.missing".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&(
            format!("materials.{late}"),
            "material.commitment_required".into()
        )),
        "{got:?}"
    );

    // The server reviews uploads as the browser does: too few pixels, the same file twice.
    let small = plain_jpeg(400, 300, 1);
    let res = id_card_photo(&app, &token, &dk, "front", ("small.jpg", &small)).await;
    assert_eq!(
        refused(res).await,
        [("file".to_owned(), "file.too_small_px".to_owned())]
    );
    let card = plain_jpeg(1000, 860, 2);
    let front = id_card_photo(&app, &token, &dk, "front", ("front.jpg", &card)).await;
    assert_eq!(front.status(), 201);
    let res = id_card_photo(&app, &token, &dk, "back", ("same.jpg", &card)).await;
    assert_eq!(
        refused(res).await,
        [("file".to_owned(), "file.duplicate".to_owned())]
    );
    let res = send(
        &app,
        "DELETE",
        &format!(
            "/api/v1/drafts/{token}/files/{}",
            body_json(front).await["id"].as_str().unwrap()
        ),
        &dk,
        None,
    )
    .await;
    assert_eq!(res.status(), 204);

    // Everything but the deferrable material, which the applicant commits to bring later.
    common::supply_materials(&app, &token, &draft_key, &[late.as_str()]).await;
    body["data"]["deferred"] = json!([late]);
    let res = submit(&app, &draft_key, &body).await;
    let status = res.status();
    let receipt = body_json(res).await;
    assert_eq!(status, 201, "{receipt}");
    let number = receipt["number"].as_str().unwrap().to_owned();
    assert_eq!(receipt["deferred"], true);
    let due = app
        .state
        .catalog
        .calendar
        .add_working_days(NOW.china_date(), late_days)
        .date
        .to_string();
    assert_eq!(receipt["outstanding"].as_array().unwrap().len(), 1);
    assert_eq!(receipt["outstanding"][0]["material"], late.as_str());
    assert_eq!(receipt["outstanding"][0]["kind"], "deferred");
    assert_eq!(receipt["outstanding"][0]["due"], due.as_str());
    assert_eq!(receipt["outstanding"][0]["resolved"], false);
    // The receipt read back (JSON and page) says what is outstanding and where to supply it.
    let got = body_json(app.get(&format!("/api/v1/applications/{number}")).await).await;
    assert_eq!(got["outstanding"], receipt["outstanding"]);
    let page = body_json(
        app.get(&format!("/api/v1/views/applications/{number}"))
            .await,
    )
    .await;
    let html = page["html"].as_str().unwrap();
    for words in [
        "还需补交的材料",
        "容缺受理",
        "截止日期",
        &due,
        &format!("/apply/supplement/{number}"),
        "补交材料",
    ] {
        assert!(html.contains(words), "{words} missing: {html}");
    }
    for secret in [ADULT, "13812345678", "张三"] {
        assert!(!html.contains(secret) && !got.to_string().contains(secret));
    }

    // The device that submitted keeps its draft key as the application key.
    let materials_uri = format!("/api/v1/applications/{number}/materials");
    forbidden(send(&app, "GET", &materials_uri, &[], None).await).await;
    forbidden(
        send(
            &app,
            "GET",
            &materials_uri,
            &[("x-application-key", "not-the-key")],
            None,
        )
        .await,
    )
    .await;
    let ak = [("x-application-key", draft_key.as_str())];
    let res = send(&app, "GET", &materials_uri, &ak, None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let view = body_json(res).await;
    assert_eq!(view["number"], number.as_str());
    assert_eq!(view["requests"].as_array().unwrap().len(), 1);
    assert_eq!(view["materials"][0]["key"], late.as_str());
    assert!(view["files"].as_array().unwrap().is_empty());
    let request_id = view["requests"][0]["id"].as_str().unwrap().to_owned();

    // Handing in before uploading names what is missing.
    let res = hand_in(&app, &number, &ak, json!([request_id])).await;
    assert!(
        refused(res)
            .await
            .iter()
            .all(|(f, c)| f.starts_with(&format!("materials.{late}")) && c == "material.missing")
    );
    let res = hand_in(&app, &number, &ak, json!(["RNOSUCHREQUEST0"])).await;
    assert_eq!(refused(res).await[0].1, "request.unknown");

    // Upload the late material (only materials with an open request are accepted).
    let files_uri = format!("/api/v1/applications/{number}/files");
    let res = upload_to(
        &app,
        &files_uri,
        &ak,
        "id-card",
        "front",
        ("x.jpg", "image/jpeg", &plain_jpeg(1000, 860, 77)),
    )
    .await;
    assert_eq!(refused(res).await[0].1, "file.material_unknown");
    let sides: Vec<&str> = if late_def["both_sides"] == true {
        vec!["front", "back"]
    } else {
        vec!["pages"]
    };
    let pdf = late_def["types"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t == "pdf");
    let mut uploaded = Vec::new();
    for (i, side) in sides.iter().enumerate() {
        let (name, ct, bytes) = if pdf {
            ("late.pdf", "application/pdf", small_pdf(500 + i as u32))
        } else {
            let px = late_def["min_px"].as_u64().unwrap_or(400) as u32 + 8;
            ("late.jpg", "image/jpeg", plain_jpeg(px, px, 500 + i as u32))
        };
        let res = upload_to(&app, &files_uri, &ak, &late, side, (name, ct, &bytes)).await;
        assert_eq!(res.status(), 201, "{}", body_string(res).await);
        uploaded.push(body_json(res).await);
    }
    // A wrong upload can be removed before it is handed in.
    let (name, ct, bytes) = if pdf {
        ("extra.pdf", "application/pdf", small_pdf(900))
    } else {
        ("extra.jpg", "image/jpeg", plain_jpeg(1000, 1000, 900))
    };
    let res = upload_to(&app, &files_uri, &ak, &late, sides[0], (name, ct, &bytes)).await;
    assert_eq!(res.status(), 201);
    let extra = body_json(res).await;
    let res = send(&app, "DELETE", extra["url"].as_str().unwrap(), &ak, None).await;
    assert_eq!(res.status(), 204);
    let first = &uploaded[0];
    let file_url = first["url"].as_str().unwrap().to_owned();
    assert!(file_url.starts_with(&format!("/api/v1/applications/{number}/files/")));
    let res = send(&app, "GET", &file_url, &ak, None).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    forbidden(send(&app, "GET", &file_url, &[], None).await).await;

    let res = hand_in(&app, &number, &ak, json!([request_id])).await;
    assert_eq!(res.status(), 200);
    let view = body_json(res).await;
    assert_eq!(view["requests"][0]["resolved"], true);
    assert_eq!(view["files"].as_array().unwrap().len(), uploaded.len());
    // Handed in: no longer removable; the receipt has nothing outstanding, but stays deferred.
    let res = send(&app, "DELETE", &file_url, &ak, None).await;
    assert_eq!(refused(res).await[0].1, "file.handed_in");
    let got = body_json(app.get(&format!("/api/v1/applications/{number}")).await).await;
    assert!(got["outstanding"].as_array().unwrap().is_empty());
    assert_eq!(got["deferred"], true);
    // Handing in again changes nothing.
    let res = hand_in(&app, &number, &ak, json!([request_id])).await;
    assert_eq!(res.status(), 200);

    // The window accepts; the department that needs the ID card asks for it again (补正).
    seed_staff(&app).await;
    let window = staff_cookie(&app, "window").await;
    let res = staff_act(&app, &window, &number, json!({"action": "accept"})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body_json(res).await["status"], "processing");
    let amr = staff_cookie(&app, "amr").await;
    let correction = |items: Value, days: u32| {
        json!({"action": "request_correction", "matter": "company-registration",
               "items": items, "days": days})
    };
    let unsigned = app
        .request(
            "POST",
            &format!("/api/v1/staff/applications/{number}/actions"),
            &[],
            Some(correction(json!([]), 5).to_string()),
        )
        .await;
    assert_envelope(unsigned, 401, "unauthorized").await;
    let res = staff_act(
        &app,
        &amr,
        &number,
        correction(json!([{"material": "no-such-thing", "reason": " "}]), 31),
    )
    .await;
    assert_eq!(
        refused(res).await,
        [
            (
                "items[0].material".to_owned(),
                "material.unknown".to_owned()
            ),
            ("items[0].reason".to_owned(), "field.required".to_owned()),
            ("days".to_owned(), "field.too_large".to_owned()),
        ]
    );
    let res = staff_act(
        &app,
        &amr,
        &number,
        correction(
            json!([{"material": "id-card", "reason": "身份证国徽面照片反光，看不清有效期"}]),
            5,
        ),
    )
    .await;
    assert_eq!(res.status(), 200);
    let detail = body_json(res).await;
    assert_eq!(detail["status"], "correction_requested");
    let asked = detail["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "correction")
        .unwrap()
        .clone();
    assert!(asked["department_name"].as_str().is_some());
    let due5 = app
        .state
        .catalog
        .calendar
        .add_working_days(NOW.china_date(), 5)
        .date
        .to_string();
    assert_eq!(asked["due"], due5.as_str());
    let got = body_json(app.get(&format!("/api/v1/applications/{number}")).await).await;
    assert_eq!(got["outstanding"].as_array().unwrap().len(), 1);
    assert_eq!(
        got["outstanding"][0]["reason"],
        "身份证国徽面照片反光，看不清有效期"
    );
    let html = body_json(
        app.get(&format!("/api/v1/views/applications/{number}"))
            .await,
    )
    .await["html"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        html.contains("需补正") && html.contains("看不清有效期"),
        "{html}"
    );
    let view = body_json(send(&app, "GET", &materials_uri, &ak, None).await).await;
    assert_eq!(view["requests"][0]["kind"], "correction");
    assert_eq!(view["requests"][0]["resolved"], false);
    assert!(
        view["materials"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["key"] == "id-card")
    );
    // Staff download any file of the application: attachment, nosniff, no-store.
    let staff_file = format!(
        "/api/v1/staff/applications/{number}/files/{}",
        first["id"].as_str().unwrap()
    );
    assert_envelope(
        send(&app, "GET", &staff_file, &[], None).await,
        401,
        "unauthorized",
    )
    .await;
    let res = send(&app, "GET", &staff_file, &[("cookie", amr.as_str())], None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store")
    );

    // Another device opens the application with the second factor; five wrong tries lock it.
    let open = format!("/api/v1/applications/{number}/open");
    for _ in 0..4 {
        let res = send(&app, "POST", &open, &[], Some(json!({"factor": "999999"}))).await;
        assert_eq!(refused(res).await[0].1, "application.factor_wrong");
    }
    let res = send(&app, "POST", &open, &[], Some(json!({"factor": "999999"}))).await;
    assert_envelope(res, 422, "validation").await;
    let res = send(&app, "POST", &open, &[], Some(json!({"factor": "010021"}))).await;
    assert!(res.headers().contains_key("retry-after"));
    assert_envelope(res, 429, "rate_limited").await;
    app.clock.set(Timestamp(NOW.0 + 16 * 60 * 1000));
    let res = send(&app, "POST", &open, &[], Some(json!({"factor": "010021"}))).await;
    assert_eq!(res.status(), 200);
    let new_key = body_json(res).await["key"].as_str().unwrap().to_owned();
    forbidden(send(&app, "GET", &materials_uri, &ak, None).await).await;
    let res = send(
        &app,
        "GET",
        &materials_uri,
        &[("x-application-key", new_key.as_str())],
        None,
    )
    .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn deferral_supplement_and_correction_on_sqlite() {
    story(spawn().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deferral_supplement_and_correction_on_postgres() {
    let Some(server) = common::postgres_server() else {
        return;
    };
    let url = common::fresh_postgres_database(&server).await;
    let app = spawn_with(|c| c.database_url = url).await;
    story(app).await;
}
