//! 一表登记 end to end through the HTTP API, on the real catalogue and a real SQLite file:
//! drafts (save, reload with the key, resume on another device with the second factor),
//! submission (re-validated with the domain's rules, one application per Idempotency-Key even
//! under 50 concurrent retries), hostile bodies, and the receipt's promised date across
//! Spring Festival and National Day.

mod common;

use axum::body::Body;
use axum::http::Request;
use common::{
    ADULT, TestApp, assert_envelope, body_json, consent, key, spawn, startup, startup_data,
    startup_with_consent,
};
use onetrip_server::clock::Timestamp;
use serde_json::{Value, json};

fn application(data: Value) -> String {
    let mut body = startup();
    body["data"] = data;
    body["consent"] = consent();
    body.to_string()
}

async fn send_with(
    app: &TestApp,
    method: &str,
    uri: &str,
    draft_key: Option<&str>,
    body: Option<String>,
) -> axum::http::Response<Body> {
    let headers: Vec<(&str, &str)> = draft_key.map(|k| ("x-draft-key", k)).into_iter().collect();
    app.request(method, uri, &headers, body).await
}

/// A draft for `startup()` with a file for every material it asks for: (token, draft key).
async fn prepared(app: &TestApp) -> (String, String) {
    let (token, draft_key) = common::create_draft(app, &startup_with_consent()).await;
    common::supply_materials(app, &token, &draft_key, &[]).await;
    (token, draft_key)
}

/// `application(data)` from the draft `token`.
fn from_draft(data: Value, token: &str) -> String {
    let mut body: Value = serde_json::from_str(&application(data)).unwrap();
    body["draft"] = json!(token);
    body.to_string()
}

async fn count(app: &TestApp) -> u64 {
    app.state.storage.application_count().await.unwrap()
}

#[tokio::test]
async fn a_draft_is_saved_reopened_elsewhere_with_the_second_factor_and_submitted() {
    let app = spawn().await;
    let start = startup_with_consent();
    let create_key = key();
    let res = app
        .post_json("/api/v1/drafts", Some(&create_key), &start.to_string())
        .await;
    assert_eq!(res.status(), 201);
    let session = body_json(res).await;
    let draft_key = session["key"].as_str().unwrap().to_owned();
    let token = session["draft"]["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 22);
    assert_eq!(session["draft"]["factor"], "none");
    assert_eq!(session["draft"]["expires_on"], "2026-12-23");
    let sections: Vec<&str> = session["draft"]["form"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        sections,
        [
            "company",
            "shareholders",
            "legal_rep",
            "seal",
            "invoice",
            "bank",
            "payroll",
            "housing_fund",
            "applicant",
            "mailing"
        ]
    );
    assert_eq!(
        session["draft"]["form"]["declarations"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    // A retry of the creation gets the same draft and key.
    let again = body_json(
        app.post_json("/api/v1/drafts", Some(&create_key), &start.to_string())
            .await,
    )
    .await;
    assert_eq!(again["draft"]["token"], token.as_str());
    assert_eq!(again["key"], draft_key.as_str());

    // Without consent nothing starts.
    let mut no_consent = startup();
    no_consent["consent"] = json!({"privacy": true, "sensitive": false});
    let res = app
        .post_json("/api/v1/drafts", Some(&key()), &no_consent.to_string())
        .await;
    let err = assert_envelope(res, 422, "validation").await;
    assert_eq!(err["error"]["fields"][0]["code"], "consent.required");

    // Save a step; read it back with the key, not without.
    let uri = format!("/api/v1/drafts/{token}");
    let save = json!({"data": {"values": {"company.name": "杭州市云帆信息科技有限公司"}}});
    let res = send_with(&app, "PUT", &uri, Some(&draft_key), Some(save.to_string())).await;
    assert_eq!(res.status(), 200);
    let res = send_with(&app, "GET", &uri, None, None).await;
    assert_envelope(res, 403, "forbidden").await;
    let res = send_with(&app, "GET", &uri, Some("wrong"), None).await;
    assert_envelope(res, 403, "forbidden").await;
    let back = body_json(send_with(&app, "GET", &uri, Some(&draft_key), None).await).await;
    assert_eq!(
        back["data"]["values"]["company.name"],
        "杭州市云帆信息科技有限公司"
    );

    // No second factor yet: the resume link cannot open it; a PIN sets one.
    let open = format!("/api/v1/drafts/{token}/open");
    let res = app.post_json(&open, None, r#"{"factor":"123456"}"#).await;
    let err = assert_envelope(res, 422, "validation").await;
    assert_eq!(err["error"]["fields"][0]["code"], "draft.no_factor");
    let res = send_with(
        &app,
        "PUT",
        &uri,
        Some(&draft_key),
        Some(json!({"data": {}, "pin": "12a"}).to_string()),
    )
    .await;
    let err = assert_envelope(res, 422, "validation").await;
    assert_eq!(err["error"]["fields"][0]["code"], "pin.format");
    let saved = body_json(
        send_with(
            &app,
            "PUT",
            &uri,
            Some(&draft_key),
            Some(json!({"data": save["data"], "pin": "246810"}).to_string()),
        )
        .await,
    )
    .await;
    assert_eq!(saved["factor"], "pin");
    // Once an ID number is in the draft, its last six characters open it instead.
    let mut full = startup_data();
    full["values"]["company.name"] = json!("杭州市云帆信息科技有限公司");
    let saved = body_json(
        send_with(
            &app,
            "PUT",
            &uri,
            Some(&draft_key),
            Some(json!({"data": full}).to_string()),
        )
        .await,
    )
    .await;
    assert_eq!(saved["factor"], "id_tail");
    assert_eq!(saved["factor_field"], "证件号码");

    // Another device: wrong factor, then right; the first device's key stops working.
    let res = app.post_json(&open, None, r#"{"factor":"246810"}"#).await;
    let err = assert_envelope(res, 422, "validation").await;
    assert_eq!(err["error"]["fields"][0]["code"], "draft.factor_wrong");
    let res = app.post_json(&open, None, r#"{"factor":"010021"}"#).await;
    assert_eq!(res.status(), 200);
    let second = body_json(res).await;
    let second_key = second["key"].as_str().unwrap().to_owned();
    assert_eq!(
        second["draft"]["data"]["groups"]["shareholders"][1]["name"],
        "李四"
    );
    let res = send_with(&app, "GET", &uri, Some(&draft_key), None).await;
    assert_envelope(res, 403, "forbidden").await;

    // Submit from the second device, with the documents: one application, the draft deleted
    // with it.
    common::supply_materials(&app, &token, &second_key, &[]).await;
    let mut body: Value = serde_json::from_str(&application(startup_data())).unwrap();
    body["draft"] = json!(token);
    let submit_key = key();
    let res = send_with_key(&app, &submit_key, Some(&second_key), body.to_string()).await;
    assert_eq!(res.status(), 201);
    let receipt = body_json(res).await;
    let number = receipt["number"].as_str().unwrap().to_owned();
    assert_eq!(number.len(), 10);
    assert_eq!(receipt["delivery"], "ems");
    assert_eq!(receipt["matters"].as_array().unwrap().len(), 6);
    assert!(
        receipt["savings"]["fields_merged"].as_u64().unwrap()
            < receipt["savings"]["fields_separate"].as_u64().unwrap()
    );
    let res = send_with(&app, "GET", &uri, Some(&second_key), None).await;
    assert_envelope(res, 404, "not_found").await;
    // The retry (a double tap) gets the same receipt; the same key with other data is refused.
    let res = send_with_key(&app, &submit_key, Some(&second_key), body.to_string()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body_json(res).await["number"], number.as_str());
    let mut other = startup_data();
    other["values"]["company.employee_count"] = json!("6");
    let res = send_with_key(&app, &submit_key, None, application(other)).await;
    let err = assert_envelope(res, 422, "validation").await;
    assert_eq!(err["error"]["fields"][0]["code"], "idempotency_key.reused");
    assert_eq!(count(&app).await, 1);

    // The receipt reads back by number, as a page and as a QR code; no personal data in it.
    let got = body_json(
        app.get(&format!("/api/v1/applications/{}", number.to_lowercase()))
            .await,
    )
    .await;
    assert_eq!(got["number"], number.as_str());
    let page = body_json(
        app.get(&format!("/api/v1/views/applications/{number}"))
            .await,
    )
    .await;
    let html = page["html"].as_str().unwrap();
    assert!(html.contains("申请编号"), "{html}");
    for secret in [ADULT, "13812345678", "张三", "解放路"] {
        assert!(
            !html.contains(secret) && !got.to_string().contains(secret),
            "{secret} leaked"
        );
    }
    let qr = app
        .get(&format!("/api/v1/applications/{number}/qr.png"))
        .await;
    assert_eq!(qr.status(), 200);
    assert_eq!(qr.headers()["content-type"], "image/png");
}

async fn send_with_key(
    app: &TestApp,
    idem: &str,
    draft_key: Option<&str>,
    body: String,
) -> axum::http::Response<Body> {
    let mut req = Request::post("/api/v1/applications")
        .header("content-type", "application/json")
        .header("sec-fetch-site", "same-origin")
        .header("idempotency-key", idem);
    if let Some(k) = draft_key {
        req = req.header("x-draft-key", k);
    }
    app.send(req.body(Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn the_server_answers_every_rule_with_the_domains_codes_and_stores_nothing() {
    let app = spawn().await;
    let mut bad = startup_data();
    bad["values"]["company.name"] = json!("云帆科技");
    bad["groups"]["shareholders"][1]["share_percent"] = json!("30");
    bad["groups"]["shareholders"][1]["paid_by"] = json!("2035-01-01");
    bad["values"]
        .as_object_mut()
        .unwrap()
        .remove("mailing.address");
    bad["declarations"] = json!(["amr"]);
    let res = send_with_key(&app, &key(), None, application(bad)).await;
    let err = assert_envelope(res, 422, "validation").await;
    let fields = common::field_codes(&err);
    for expected in [
        ("company.name", "company_name.form"),
        ("shareholders", "shareholders.share_sum"),
        ("shareholders[1].paid_by", "paid_by.beyond_5_years"),
        ("mailing.address", "field.required"),
        ("declarations.tax", "declaration.required"),
    ] {
        assert!(
            fields.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} missing from {fields:?}"
        );
    }
    assert_eq!(count(&app).await, 0);
}

#[tokio::test]
async fn fifty_concurrent_submissions_with_one_key_store_one_application() {
    let app = spawn().await;
    let idem = key();
    let (token, draft_key) = prepared(&app).await;
    let body = from_draft(startup_data(), &token);
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (router, idem, body, draft_key) = (
            app.router.clone(),
            idem.clone(),
            body.clone(),
            draft_key.clone(),
        );
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = Request::post("/api/v1/applications")
                .header("content-type", "application/json")
                .header("sec-fetch-site", "same-origin")
                .header("idempotency-key", idem)
                .header("x-draft-key", draft_key)
                .body(Body::from(body))
                .unwrap();
            let res = router.oneshot(req).await.unwrap();
            let status = res.status().as_u16();
            (
                status,
                body_json(res).await["number"].as_str().map(str::to_owned),
            )
        }));
    }
    let mut numbers = std::collections::BTreeSet::new();
    let mut created = 0;
    for t in tasks {
        let (status, number) = t.await.unwrap();
        assert!(status == 201 || status == 200, "{status}");
        created += usize::from(status == 201);
        numbers.insert(number.unwrap());
    }
    assert_eq!(created, 1);
    assert_eq!(numbers.len(), 1);
    assert_eq!(count(&app).await, 1);
}

#[tokio::test]
async fn hostile_bodies_get_4xx_and_store_nothing() {
    let app = spawn().await;
    let huge_rows: Vec<Value> = (0..100_000).map(|_| json!({"name": "张三"})).collect();
    let mut many = startup_data();
    many["groups"]["shareholders"] = json!(huge_rows);
    let mut long = startup_data();
    long["values"]["company.business_scope"] = json!("软".repeat(10 * 1024 * 1024 / 3));
    let mut wrong_type = startup_data();
    wrong_type["values"]["company.employee_count"] = json!(5);
    let mut unknown = startup_data();
    unknown["nickname"] = json!("x");
    let mut unknown_field = startup_data();
    unknown_field["values"]["company.secret"] = json!("x");
    let cases: Vec<(String, u16)> = vec![
        (application(many), 413),
        (application(long), 413),
        (application(wrong_type), 422),
        (application(unknown), 422),
        (application(unknown_field), 422),
        ("[]".into(), 422),
        ("{".into(), 400),
        ("null".into(), 422),
        (
            json!({"subject": {"kind": "bundle", "code": "company-startup"}}).to_string(),
            422,
        ),
        (application(json!({"values": {"company.name": ["a"]}})), 422),
    ];
    for (i, (body, status)) in cases.into_iter().enumerate() {
        let res = send_with_key(&app, &key(), None, body).await;
        assert_eq!(res.status().as_u16(), status, "case {i}");
        let json = body_json(res).await;
        assert!(json["error"]["code"].is_string(), "case {i}: {json}");
    }
    // Without an Idempotency-Key nothing is written either.
    let res = app
        .post_json("/api/v1/applications", None, &application(startup_data()))
        .await;
    assert_envelope(res, 400, "bad_request").await;
    assert_eq!(count(&app).await, 0);
}

/// Registration takes 1 working day and the bank account 3 more after it.
async fn promised_when_submitted_at(ms: i64) -> (String, String) {
    let app = spawn().await;
    app.clock.set(Timestamp(ms));
    let (token, draft_key) = prepared(&app).await;
    let res = send_with_key(
        &app,
        &key(),
        Some(&draft_key),
        from_draft(startup_data(), &token),
    )
    .await;
    assert_eq!(res.status(), 201);
    let receipt = body_json(res).await;
    assert_eq!(receipt["promised"]["provisional"], false);
    let registration = receipt["matters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == "company-registration")
        .unwrap()["promised"]["date"]
        .as_str()
        .unwrap()
        .to_owned();
    (
        registration,
        receipt["promised"]["date"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn the_promised_date_skips_spring_festival_and_counts_its_working_saturday() {
    // Friday 2026-02-13, 10:00 China time. Saturday the 14th is an adjusted working day; 15–23
    // February is the holiday.
    let (registration, last) = promised_when_submitted_at(1_770_948_000_000).await;
    assert_eq!(registration, "2026-02-14");
    assert_eq!(last, "2026-02-26");
}

#[tokio::test]
async fn the_promised_date_skips_national_day() {
    // Tuesday 2025-09-30; 1–8 October is the holiday, Saturday the 11th a working day.
    let (registration, last) = promised_when_submitted_at(1_759_197_600_000).await;
    assert_eq!(registration, "2025-10-09");
    assert_eq!(last, "2025-10-13");
}

#[tokio::test]
async fn expired_drafts_are_purged_and_cannot_be_opened() {
    let app = spawn().await;
    let start = startup_with_consent();
    let session = body_json(
        app.post_json("/api/v1/drafts", Some(&key()), &start.to_string())
            .await,
    )
    .await;
    let token = session["draft"]["token"].as_str().unwrap().to_owned();
    let draft_key = session["key"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/drafts/{token}");
    app.clock
        .set(Timestamp(common::NOW.0 + 31 * 24 * 3600 * 1000));
    let res = send_with(&app, "GET", &uri, Some(&draft_key), None).await;
    assert_envelope(res, 404, "not_found").await;
    let purged = app
        .state
        .storage
        .purge_drafts(app.state.clock.now())
        .await
        .unwrap();
    assert_eq!(purged, 1);
    assert_eq!(app.state.storage.draft_count().await.unwrap(), 0);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

#[tokio::test]
async fn a_draft_keeps_its_answers_when_the_catalogue_changes_and_names_what_went() {
    let before = spawn().await;
    let start = startup_with_consent();
    let session = body_json(
        before
            .post_json("/api/v1/drafts", Some(&key()), &start.to_string())
            .await,
    )
    .await;
    let token = session["draft"]["token"].as_str().unwrap().to_owned();
    let draft_key = session["key"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/drafts/{token}");
    let res = send_with(
        &before,
        "PUT",
        &uri,
        Some(&draft_key),
        Some(json!({"data": startup_data()}).to_string()),
    )
    .await;
    assert_eq!(res.status(), 200);

    // The same database, a new catalogue: registration no longer asks for the business scope.
    let catalog = common::temp_dir().join("catalog");
    copy_dir(
        &std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalog"),
        &catalog,
    );
    let matter = catalog.join("matters/company-registration.toml");
    let text = std::fs::read_to_string(&matter).unwrap();
    let edited = text.replacen(
        "[[field]]\nkey = \"company.business_scope\"\nmax = 2000\n",
        "",
        1,
    );
    assert_ne!(edited, text, "the catalogue changed");
    std::fs::write(&matter, edited).unwrap();
    // `before` stays alive: its folder holds the database file.
    let database_url = before.state.config.database_url.clone();
    let after = common::spawn_with(|c| {
        c.catalog = catalog.clone();
        c.database_url = database_url.clone();
    })
    .await;
    let draft = body_json(send_with(&after, "GET", &uri, Some(&draft_key), None).await).await;
    assert_eq!(draft["dropped"], json!(["经营范围"]), "{draft}");
    assert!(
        draft["data"]["values"]
            .get("company.business_scope")
            .is_none()
    );
    assert_eq!(
        draft["data"]["values"]["company.name"],
        "杭州市云帆信息科技有限公司"
    );
    assert_eq!(draft["data"]["groups"]["shareholders"][1]["name"], "李四");
    // Told once: the draft now matches the catalogue.
    let again = body_json(send_with(&after, "GET", &uri, Some(&draft_key), None).await).await;
    assert!(again.get("dropped").is_none(), "{again}");
}

/// 首屏 of the application flow: a step reloaded mid-draft comes with its top drawn from the
/// draft the `ot_draft` cookie names (the caption with the step, 全部步骤, the heading, the
/// hint, and a section's fields; on the review, its help and what applying together saves), never with an answer in
/// it and never stored. Without the cookie, with a wrong key, or for a section the form does
/// not have, the page is the one Trunk built.
#[tokio::test]
async fn a_reloaded_step_arrives_with_its_top_drawn_and_nothing_personal() {
    let app = spawn().await;
    let (token, draft_key) = common::create_draft(&app, &startup_with_consent()).await;
    let saved = app
        .request(
            "PUT",
            &format!("/api/v1/drafts/{token}"),
            &[("x-draft-key", &draft_key)],
            Some(json!({ "data": startup_data() }).to_string()),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let form = body_json(saved).await["form"].clone();
    let section = &form["sections"][1];
    let page = |uri: String, cookie: String| {
        let app = &app;
        async move {
            let r = app
                .send(
                    Request::get(&uri)
                        .header("cookie", cookie)
                        .header("accept-encoding", "identity")
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            assert_eq!(r.status(), 200, "{uri}");
            assert_eq!(r.headers()["cache-control"], "no-store", "{uri}");
            common::body_string(r).await
        }
    };
    let cookie = format!("theme=1; ot_draft={token}:{draft_key}");
    let uri = format!("/apply/s/{}", section["key"].as_str().unwrap());
    let drawn = page(uri.clone(), cookie.clone()).await;
    let title = section["title"].as_str().unwrap();
    assert!(
        drawn.contains(&format!("<title>{title} - 一次办</title>")),
        "{drawn}"
    );
    assert!(drawn.contains(&format!(
        "<h1 class=\"ot-heading-xl\" data-drawn=\"\">{title}</h1>"
    )));
    assert!(drawn.contains("企业开办 · 第 2 步，共 "), "{drawn}");
    assert!(drawn.contains(&format!("<a href=\"{uri}\" aria-current=\"step\">")));
    assert!(drawn.contains("<summary>全部步骤</summary>"));
    if let Some(help) = section["help"].as_str() {
        assert!(drawn.contains(&format!(
            "<p class=\"ot-field__hint\" data-drawn=\"\">{help}</p>"
        )));
    }
    assert!(!drawn.contains("正在加载"), "the loading line is replaced");
    // Its form too, with the draft's two rows, without values (the page's script puts in the
    // tab's answers): the app starts when a field is used.
    assert_eq!(section["key"], "shareholders");
    for k in ["shareholders[0].name", "shareholders[1].id_number"] {
        assert!(drawn.contains(&format!(" data-k=\"{k}\"")), "{k}: {drawn}");
    }
    assert!(!drawn.contains("shareholders[2]."), "a third row drawn");
    assert!(drawn.contains("<template id=\"ot-fields\"><form novalidate=\"\">"));
    assert!(drawn.contains("<legend class=\"ot-heading-m\">第 2 位</legend>"));
    assert!(drawn.contains("<button type=\"submit\" class=\"ot-button\">继续</button>"));
    assert!(!drawn.contains(" value=\"张"), "a value drawn");
    for personal in [ADULT, "13812345678", "张三", "解放路", draft_key.as_str()] {
        assert!(!drawn.contains(personal), "{personal} drawn");
    }
    let review = page("/apply/review".into(), cookie.clone()).await;
    assert!(review.contains("<title>核对您填写的信息 - 一次办</title>"));
    assert!(review.contains("提交前请逐项核对"));
    assert!(review.contains("一张表：共填"), "{review}");
    for personal in [ADULT, "13812345678", "张三", "解放路", draft_key.as_str()] {
        assert!(
            !review.contains(personal),
            "{personal} drawn in the review's page"
        );
    }
    // The answers below it come only to the key's holder (the page's script asks for them).
    let answers = format!("/api/v1/drafts/{token}/review");
    let res = app.get_with(&answers, &[("x-draft-key", &draft_key)]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body = common::body_json(res).await;
    let html = body["html"].as_str().unwrap();
    for answer in [ADULT, "张三", "解放路"] {
        assert!(html.contains(answer), "{answer} not in the review: {html}");
    }
    assert!(html.contains("?from=review\">修改<span class=\"ot-visually-hidden\">"));
    assert!(html.contains("<button type=\"submit\" class=\"ot-button\" disabled=\"\" data-early=\"\">确认无误，提交申请</button>"));
    for (key, status) in [("not-the-key", 403), ("", 403)] {
        let res = app.get_with(&answers, &[("x-draft-key", key)]).await;
        assert_eq!(res.status(), status, "{key}");
    }
    // As built: no cookie, a wrong key, an unknown section, a draft gone.
    let wrong = format!("ot_draft={token}:not-the-key");
    for (uri, cookie) in [
        (uri.clone(), String::new()),
        (uri.clone(), wrong),
        ("/apply/s/nonesuch".into(), cookie.clone()),
        (uri.clone(), format!("ot_draft={token}")),
    ] {
        let built = page(uri.clone(), cookie.clone()).await;
        assert_eq!(built, common::APPLY_HTML, "{uri} {cookie}");
    }
}
