//! The HTTP surface, in process, against a real SQLite database.

mod common;

use axum::body::Body;
use axum::http::Request;
use common::*;
use onetrip_server::clock::Timestamp;

#[tokio::test]
async fn health_reports_database_and_china_time() {
    let app = spawn().await;
    let response = app.get("/api/health").await;
    assert_eq!(response.status(), 200);
    let json = body_json(response).await;
    assert_eq!(json["status"], "ok");
    assert_eq!(json["database"], "sqlite");
    assert_eq!(json["now"], "2026-11-23T10:00:00+08:00");
    assert_eq!(json["catalog_version"].as_str().unwrap().len(), 16);
}

#[tokio::test]
async fn catalogue_lists_bundles_and_matters() {
    let app = spawn().await;
    let json = body_json(app.get("/api/v1/catalog").await).await;
    let bundles = json["bundles"].as_array().unwrap();
    let startup = bundles
        .iter()
        .find(|b| b["code"] == "company-startup")
        .expect("企业开办");
    assert_eq!(startup["name"], "企业开办");
    assert_eq!(startup["matters"].as_array().unwrap().len(), 6);
    // The bank account needs its one trip (面签), so the bundle is "at most one trip".
    assert_eq!(startup["trips"], 1);
    let bank = json["matters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == "bank-account")
        .unwrap();
    assert!(bank["trip_reason"].as_str().unwrap().contains("面签"));
}

#[tokio::test]
async fn unknown_api_routes_and_methods_get_the_envelope() {
    let app = spawn().await;
    assert_envelope(app.get("/api/nothing/here").await, 404, "not_found").await;
    assert_envelope(app.get("/api").await, 404, "not_found").await;
    let delete = Request::delete("/api/v1/catalog")
        .body(Body::empty())
        .unwrap();
    assert_envelope(app.send(delete).await, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn malformed_requests_get_4xx_envelopes_never_a_crash() {
    let app = spawn().await;
    let raw_key = "3b241101-e2bb-4255-8caf-4136c566a962";
    let key = Some(raw_key);
    assert_envelope(
        app.post_json("/api/v1/feedback", key, "{not json").await,
        400,
        "malformed_json",
    )
    .await;
    assert_envelope(
        app.post_json("/api/v1/feedback", key, "").await,
        400,
        "malformed_json",
    )
    .await;
    assert_envelope(
        app.post_json("/api/v1/feedback", key, r#"{"page":"/","useful":"yes"}"#)
            .await,
        422,
        "validation",
    )
    .await;
    assert_envelope(
        app.post_json(
            "/api/v1/feedback",
            key,
            r#"{"page":"/","useful":true,"extra":1}"#,
        )
        .await,
        422,
        "validation",
    )
    .await;
    // Bad UTF-8 inside a string.
    let bad_utf8 = Request::post("/api/v1/feedback")
        .header("content-type", "application/json")
        .header("idempotency-key", raw_key)
        .body(Body::from(
            b"{\"page\":\"/\xff\xfe\",\"useful\":true}".to_vec(),
        ))
        .unwrap();
    let response = app.send(bad_utf8).await;
    assert!(response.status().is_client_error(), "{}", response.status());
    // Wrong content type.
    let form = Request::post("/api/v1/feedback")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("idempotency-key", raw_key)
        .body(Body::from("page=/&useful=true"))
        .unwrap();
    assert_envelope(app.send(form).await, 415, "unsupported_media_type").await;
    // Larger than the JSON limit.
    let huge = format!(
        r#"{{"page":"/","useful":false,"comment":"{}"}}"#,
        "字".repeat(40_000)
    );
    assert_envelope(
        app.post_json("/api/v1/feedback", key, &huge).await,
        413,
        "payload_too_large",
    )
    .await;
}

#[tokio::test]
async fn feedback_needs_an_idempotency_key() {
    let app = spawn().await;
    let body = r#"{"page":"/","useful":true}"#;
    let json = assert_envelope(
        app.post_json("/api/v1/feedback", None, body).await,
        400,
        "bad_request",
    )
    .await;
    assert_eq!(
        json["error"]["fields"][0]["code"],
        "idempotency_key.missing"
    );
    let json = assert_envelope(
        app.post_json("/api/v1/feedback", Some("not-a-uuid"), body)
            .await,
        400,
        "bad_request",
    )
    .await;
    assert_eq!(json["error"]["fields"][0]["code"], "idempotency_key.format");
}

#[tokio::test]
async fn feedback_rules_come_back_as_codes_all_at_once() {
    let app = spawn().await;
    let body = format!(
        r#"{{"page":"?","useful":false,"comment":"{}"}}"#,
        "字".repeat(501)
    );
    let json = assert_envelope(
        app.post_json(
            "/api/v1/feedback",
            Some("9a4f2a8e-6d0b-4c57-9d55-2c8f1f6a0b11"),
            &body,
        )
        .await,
        422,
        "validation",
    )
    .await;
    let codes: Vec<&str> = json["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["feedback.comment_too_long", "feedback.page"]);
    assert_eq!(app.state.storage.feedback_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_retried_feedback_is_stored_once() {
    let app = spawn().await;
    let key = Some("0f8fad5b-d9cb-469f-a165-70867728950e");
    let body =
        r#"{"page":"/matters/bank-account","useful":false,"comment":" 面签时间能否提前告知？ "}"#;
    let first = app.post_json("/api/v1/feedback", key, body).await;
    assert_eq!(first.status(), 201);
    let first = body_json(first).await;
    assert_eq!(first["received_at"], "2026-11-23T10:00:00+08:00");
    // The network dropped the answer; the app sends the same request again.
    app.clock.set(Timestamp(NOW.0 + 60_000));
    let again = app.post_json("/api/v1/feedback", key, body).await;
    assert_eq!(again.status(), 200);
    assert_eq!(body_json(again).await, first);
    assert_eq!(app.state.storage.feedback_count().await.unwrap(), 1);
    // The same key with a different body is a client bug, not a retry.
    let other = r#"{"page":"/","useful":true}"#;
    let json = assert_envelope(
        app.post_json("/api/v1/feedback", key, other).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(json["error"]["fields"][0]["code"], "idempotency_key.reused");
    assert_eq!(app.state.storage.feedback_count().await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_identical_posts_store_exactly_one() {
    let app = spawn().await;
    let key = "6f1c1a7e-1d0a-4bb2-9a4e-2f3f1f0d9c21";
    let body = r#"{"page":"/","useful":true}"#;
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            let req = Request::post("/api/v1/feedback")
                .header("content-type", "application/json")
                .header("idempotency-key", key)
                .body(Body::from(body))
                .unwrap();
            tower::ServiceExt::oneshot(router, req)
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 200),
        "{statuses:?}"
    );
    assert_eq!(app.state.storage.feedback_count().await.unwrap(), 1);
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = spawn().await;
    let req = Request::post("/api/v1/feedback")
        .header("content-type", "application/json")
        .header("idempotency-key", "5b3c1f2a-0e4d-4d8e-9a57-6c2b9e1f0a33")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(r#"{"page":"/","useful":true}"#))
        .unwrap();
    assert_envelope(app.send(req).await, 403, "cross_site").await;
    let req = Request::post("/api/v1/feedback")
        .header("content-type", "application/json")
        .header("idempotency-key", "5b3c1f2a-0e4d-4d8e-9a57-6c2b9e1f0a33")
        .header("origin", "https://evil.example")
        .body(Body::from(r#"{"page":"/","useful":true}"#))
        .unwrap();
    assert_envelope(app.send(req).await, 403, "cross_site").await;
    assert_eq!(app.state.storage.feedback_count().await.unwrap(), 0);
}

#[tokio::test]
async fn the_rate_limiter_answers_429_with_retry_after() {
    let app = spawn_with(|c| c.rate_write = "2/60".parse().unwrap()).await;
    let body = r#"{"page":"/","useful":true}"#;
    for key in [
        "a1a1a1a1-0000-4000-8000-000000000001",
        "a1a1a1a1-0000-4000-8000-000000000002",
    ] {
        assert_eq!(
            app.post_json("/api/v1/feedback", Some(key), body)
                .await
                .status(),
            201
        );
    }
    let response = app
        .post_json(
            "/api/v1/feedback",
            Some("a1a1a1a1-0000-4000-8000-000000000003"),
            body,
        )
        .await;
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&retry), "{retry}");
    assert_envelope(response, 429, "rate_limited").await;
    // Reads have their own budget.
    assert_eq!(app.get("/api/v1/catalog").await.status(), 200);
}

#[tokio::test]
async fn maintenance_switch_serves_a_page_and_503s() {
    let app = spawn_with(|c| c.maintenance = true).await;
    let response = app.get("/api/v1/catalog").await;
    assert_eq!(response.headers()["retry-after"], "600");
    assert_envelope(response, 503, "maintenance").await;
    let page = app.get("/matters/bank-account").await;
    assert_eq!(page.status(), 503);
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("style-src 'self' 'sha256-")
    );
    assert!(body_string(page).await.contains("系统维护中"));
}

#[tokio::test]
async fn the_app_is_served_with_spa_fallback_and_caching() {
    let app = spawn().await;
    // A page the app routes but the server does not draw: index.html with 200.
    let index = app.get("/bundles/newborn/questions").await;
    assert_eq!(index.status(), 200);
    assert_eq!(index.headers()["cache-control"], "no-cache");
    assert!(body_string(index).await.contains("正在加载"));
    // An unknown matter: the same page, with 404, and the app says it is not found.
    let unknown = app.get("/matters/no-such-matter").await;
    assert_eq!(unknown.status(), 404);
    assert!(body_string(unknown).await.contains("正在加载"));
    // Hashed assets are immutable, and the precompressed variant is chosen.
    let req = Request::get("/onetrip-0123456789abcdef.js")
        .header("accept-encoding", "gzip, deflate, br")
        .body(Body::empty())
        .unwrap();
    let asset = app.send(req).await;
    assert_eq!(asset.status(), 200);
    assert_eq!(
        asset.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(asset.headers()["content-encoding"], "br");
    assert_eq!(body_string(asset).await, "brotli-bytes");
    // The application flow is two apps: each step's address gets its own app's page.
    for (uri, page) in [
        ("/apply/s/company", "form app"),
        ("/apply/review", "form app"),
        ("/apply/materials", "materials app"),
        ("/apply/supplement/7KQ2M9XA3T", "materials app"),
        (
            "/apply/materials-app/materials-0123456789abcdef.js",
            "materials()",
        ),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status(), 200, "{uri}");
        assert!(body_string(r).await.contains(page), "{uri}");
    }
}

/// 首屏: the guidance pages come with their content in index.html, marked for the app to take
/// over, with the page's title, revalidated by ETag and compressed; the loading line is gone.
#[tokio::test]
async fn guidance_pages_arrive_drawn() {
    let app = spawn().await;
    for (uri, title, content, view) in [
        (
            "/",
            "<title>一次办</title>",
            "办什么事？",
            "/api/v1/views/home?lang=zh-CN",
        ),
        (
            "/matters/company-registration",
            "<title>企业设立登记 - 一次办</title>",
            "企业设立登记",
            "/api/v1/views/matters/company-registration?lang=zh-CN",
        ),
        (
            "/bundles/company-startup",
            "<title>企业开办 - 一次办</title>",
            "企业开办",
            "/api/v1/views/bundles/company-startup?lang=zh-CN",
        ),
        (
            "/for/person",
            "个人办事",
            "个人办事",
            "/api/v1/views/for/person?lang=zh-CN",
        ),
        (
            "/departments/amr",
            "市场监督管理局",
            "企业设立登记",
            "/api/v1/views/departments/amr?lang=zh-CN",
        ),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status(), 200, "{uri}");
        assert_eq!(r.headers()["cache-control"], "no-cache", "{uri}");
        let etag = r.headers()["etag"].to_str().unwrap().to_owned();
        let body = body_string(r).await;
        assert!(body.contains(title), "{uri}: {title}");
        assert!(body.contains(content), "{uri}: {content}");
        assert!(body.contains(&format!("data-view=\"{view}\"")), "{uri}");
        assert!(!body.contains("正在加载"), "{uri}");
        assert!(
            body.contains("<script>probe()</script>"),
            "{uri}: the app still starts"
        );
        let again = app.get_with(uri, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status(), 304, "{uri}");
    }
    // The home page's search box waits for the app, which checks what is typed.
    let home = body_string(app.get("/").await).await;
    assert!(
        home.contains("aria-describedby=\"ot-search-hint\" disabled=\"\""),
        "{home}"
    );
    // Compressed on the wire like the views.
    let r = app
        .get_with(
            "/matters/company-registration",
            &[("accept-encoding", "br")],
        )
        .await;
    assert_eq!(r.headers()["content-encoding"], "br");
    // A stored checklist, with its print button.
    let made = app
        .post_json("/api/v1/checklists", Some(&key()), &startup().to_string())
        .await;
    assert_eq!(made.status(), 201);
    let id = body_json(made).await["id"].as_str().unwrap().to_owned();
    let page = body_string(app.get(&format!("/c/{id}")).await).await;
    assert!(
        page.contains(&format!(
            "data-view=\"/api/v1/views/checklists/{id}?lang=zh-CN\""
        )),
        "{page}"
    );
    assert!(page.contains("data-print"), "{page}");
    assert!(page.contains("告知单编号"), "{page}");
    // One that does not exist: the app's own page, with 404 (guesses meet the rate limit).
    let none = app.get("/c/0000000000").await;
    assert_eq!(none.status(), 404);
    assert!(body_string(none).await.contains("正在加载"));
    // A receipt: drawn afresh each time (what is outstanding changes), so without an ETag.
    let (number, _) = submitted_startup(&app).await;
    let r = app.get(&format!("/r/{number}")).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("etag").is_none());
    let page = body_string(r).await;
    assert!(
        page.contains(&format!(
            "data-view=\"/api/v1/views/applications/{number}?lang=zh-CN\""
        )),
        "{page}"
    );
    assert!(page.contains(&number));
    assert_eq!(app.get("/r/0000000000").await.status(), 404);
}

/// 长辈模式 and English from the phone's `ot_prefs` cookie are on the pages the server sends,
/// from their first paint, without the page's script reading localStorage: the drawn pages,
/// the app's own page and the application flow's; another ETag for other preferences; a
/// cookie we did not write changes nothing.
#[tokio::test]
async fn pages_come_in_the_phones_elder_mode_and_language() {
    let app = spawn().await;
    let elder = [("cookie", "ot_prefs=zh-CN.elder")];
    let plain = app.get("/matters/company-registration").await;
    let plain_tag = plain.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        body_string(plain)
            .await
            .contains("<html lang=\"zh-CN\"><head>")
    );
    let r = app.get_with("/matters/company-registration", &elder).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers().get_all("vary").iter().any(|v| v == "Cookie"));
    let tag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(tag, plain_tag, "the same ETag for another page");
    let page = body_string(r).await;
    assert!(
        page.contains("<html lang=\"zh-CN\" class=\"ot-elder\" data-prefs><head>"),
        "{page}"
    );
    assert!(page.contains("企业设立登记"));
    // Revalidated with its own ETag: the plain page's does not match.
    let again = app
        .get_with(
            "/matters/company-registration",
            &[elder[0], ("if-none-match", &plain_tag)],
        )
        .await;
    assert_eq!(again.status(), 200);
    // The app's own page (a code that does not exist) and 办件进度's.
    for uri in ["/c/0000000000", "/track/ABCDEFGHJK"] {
        let english = app.get_with(uri, &[("cookie", "ot_prefs=en")]).await;
        let page = body_string(english).await;
        assert!(
            page.contains("<html lang=\"en\" data-prefs>"),
            "{uri}: {page}"
        );
    }
    // The application flow's page (no draft: as built).
    let page = body_string(app.get_with("/apply/s/company", &elder).await).await;
    assert!(page.contains("class=\"ot-elder\" data-prefs"), "{page}");
    // Not a value the apps write: the page as built.
    for junk in [
        "ot_prefs=fr",
        "ot_prefs=zh-CN.elder.x",
        "ot_prefs=\"><script>",
    ] {
        let page = body_string(app.get_with("/", &[("cookie", junk)]).await).await;
        assert!(page.contains("<html lang=\"zh-CN\"><head>"), "{junk}");
        assert!(!page.contains("data-prefs"), "{junk}");
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn().await;
    for uri in [
        "/",
        "/api/health",
        "/api/nope",
        "/onetrip-0123456789abcdef.js",
        "/x/y",
    ] {
        let response = app.get(uri).await;
        let h = response.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{uri}: {csp}"
        );
        assert!(
            !csp.contains("'unsafe-eval'") && !csp.contains("unsafe-inline"),
            "{uri}: {csp}"
        );
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"),
            "{csp}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{uri}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{uri}");
        assert_eq!(h["x-frame-options"], "DENY", "{uri}");
        assert!(h.get("x-request-id").is_some(), "{uri}");
        assert!(h.get("access-control-allow-origin").is_none(), "{uri}");
    }
}

#[tokio::test]
async fn the_csp_allows_exactly_the_inline_probe() {
    use base64::Engine;
    use sha2::Digest;
    let app = spawn().await;
    let csp = app.get("/").await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(b"probe()"));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
}

#[tokio::test]
async fn the_openapi_document_is_served_complete_and_committed() {
    let app = spawn().await;
    let served = body_json(app.get("/api/openapi.json").await).await;
    let generated = serde_json::to_value(onetrip_server::openapi()).unwrap();
    assert_eq!(served, generated);
    let paths: Vec<&str> = generated["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        paths,
        [
            "/health",
            "/v1/applications",
            "/v1/applications/{number}",
            "/v1/applications/{number}/counter",
            "/v1/applications/{number}/files",
            "/v1/applications/{number}/files/order",
            "/v1/applications/{number}/files/{id}",
            "/v1/applications/{number}/materials",
            "/v1/applications/{number}/notices/{kind}",
            "/v1/applications/{number}/open",
            "/v1/applications/{number}/progress",
            "/v1/applications/{number}/progress/view",
            "/v1/applications/{number}/qr.png",
            "/v1/applications/{number}/rating",
            "/v1/applications/{number}/restart",
            "/v1/applications/{number}/supplements",
            "/v1/applications/{number}/withdraw",
            "/v1/banks",
            "/v1/bookings",
            "/v1/bookings/{token}",
            "/v1/bundles",
            "/v1/bundles/{code}",
            "/v1/bundles/{code}/questions",
            "/v1/catalog",
            "/v1/checklists",
            "/v1/checklists/{id}",
            "/v1/checklists/{id}/qr.png",
            "/v1/counter/{code}/qr.png",
            "/v1/drafts",
            "/v1/drafts/{token}",
            "/v1/drafts/{token}/files",
            "/v1/drafts/{token}/files/order",
            "/v1/drafts/{token}/files/{id}",
            "/v1/drafts/{token}/open",
            "/v1/drafts/{token}/qr.png",
            "/v1/drafts/{token}/review",
            "/v1/feedback",
            "/v1/matters",
            "/v1/matters/{code}",
            "/v1/matters/{code}/questions",
            "/v1/matters/{code}/slots",
            "/v1/search",
            "/v1/staff/applications",
            "/v1/staff/applications/{number}",
            "/v1/staff/applications/{number}/actions",
            "/v1/staff/applications/{number}/files/{id}",
            "/v1/staff/bookings/{code}/arrival",
            "/v1/staff/counter/{code}",
            "/v1/staff/followups",
            "/v1/staff/followups/{number}",
            "/v1/staff/me",
            "/v1/staff/session",
            "/v1/views/applications/{number}",
            "/v1/views/bundles/{code}",
            "/v1/views/checklists/{id}",
            "/v1/views/departments/{code}",
            "/v1/views/for/{kind}",
            "/v1/views/home",
            "/v1/views/matters/{code}",
            "/v1/views/search",
        ]
    );
    // Every documented operation answers something other than "no such route" (a 404 for an
    // unknown checklist says so in its own words).
    for path in &paths {
        let uri = format!("/api{path}")
            .replace("/bundles/{code}", "/bundles/company-startup")
            .replace("/matters/{code}", "/matters/company-registration")
            .replace("/departments/{code}", "/departments/amr")
            .replace("{kind}", "person")
            .replace("{id}", "0000000000");
        let response = app.get(&uri).await;
        if response.status() == 404 {
            let json = body_json(response).await;
            assert_ne!(
                json["error"]["message"],
                onetrip_api::ErrorCode::NotFound.message_zh(),
                "{uri}"
            );
        }
    }
    // docs/openapi.json is the committed copy; UPDATE_OPENAPI=1 rewrites it.
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let pretty = onetrip_server::openapi().to_pretty_json().unwrap() + "\n";
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&file, &pretty).unwrap();
    }
    let committed = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        committed == pretty,
        "docs/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test -p onetrip-server --test api`"
    );
}

#[cfg(feature = "test-clock")]
#[tokio::test]
async fn the_test_clock_can_be_moved_over_http() {
    let app = spawn().await;
    let req = Request::put("/api/test/clock")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"now_ms":1798732800000}"#))
        .unwrap();
    assert_eq!(app.send(req).await.status(), 204);
    let json = body_json(app.get("/api/health").await).await;
    assert_eq!(json["now"], "2027-01-01T00:00:00+08:00");
}

/// The document as schemathesis reads it (`cargo xtask api-fuzz`): one operationId per
/// operation, every `$ref` resolved, and on every operation the answers the shared layers give
/// (429 and 503 everywhere, 403 to a cross-site write, 400/413/415/422 where there is a body,
/// 401 and the session cookie on the staff operations).
#[test]
fn the_openapi_document_is_complete_for_a_fuzzer() {
    let doc = serde_json::to_value(onetrip_server::openapi()).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    for r in &refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r}"));
        assert!(schemas.contains_key(name), "unresolved {r}");
    }
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{method} {path}");
            let id = op["operationId"].as_str().unwrap().to_owned();
            assert!(ids.insert(id.clone()), "{at}: operationId {id} twice");
            let statuses: Vec<&str> = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            let has = |s: &str| statuses.contains(&s);
            assert!(has("429") && has("503"), "{at}: {statuses:?}");
            if method != "get" {
                assert!(has("403"), "{at}: {statuses:?}");
            }
            if op.get("requestBody").is_some() {
                for s in ["400", "413", "415", "422"] {
                    assert!(has(s), "{at}: no {s}");
                }
            }
            let staff = path.starts_with("/v1/staff/") && path != "/v1/staff/session";
            assert_eq!(op.get("security").is_some(), staff, "{at}");
            if staff {
                assert!(has("401"), "{at}: {statuses:?}");
            }
        }
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["staff_session"]["name"],
        "onetrip_staff"
    );
}

fn collect_refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                match (k.as_str(), x.as_str()) {
                    ("$ref", Some(r)) => out.push(r.to_owned()),
                    _ => collect_refs(x, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// Every documented write, sent as a browser on another site sends it, is refused before it
/// reaches its handler: a 403 `cross_site` envelope whatever the path, body or resource.
#[tokio::test]
async fn every_documented_write_refuses_cross_site_requests() {
    let app = spawn().await;
    let doc = serde_json::to_value(onetrip_server::openapi()).unwrap();
    let mut writes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            writes += 1;
            let uri = format!("/api{path}")
                .replace("{number}", "7KQ2M9XA3T")
                .replace("{token}", "0000000000000000000000")
                .replace("{code}", "ABCD2345")
                .replace("{id}", "F000000000000000");
            for header in [
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://evil.example"),
            ] {
                let req = Request::builder()
                    .method(method.to_uppercase().as_str())
                    .uri(&uri)
                    .header("content-type", "application/json")
                    .header(header.0, header.1)
                    .body(Body::from("{}"))
                    .unwrap();
                assert_envelope(app.send(req).await, 403, "cross_site").await;
            }
        }
    }
    assert!(writes >= 27, "{writes}");
}

/// An Idempotency-Key is a UUID in its usual 36-character form, as the document's pattern
/// says: the 32-digit form without dashes was taken before.
#[tokio::test]
async fn idempotency_keys_are_uuids_with_dashes() {
    let app = spawn().await;
    let body = r#"{"page":"/","useful":true}"#;
    for bad in [
        "3b241101e2bb42558caf4136c566a962",
        "{3b241101-e2bb-4255-8caf-4136c566a962}",
        "urn:uuid:3b241101-e2bb-4255-8caf-4136c566a962",
    ] {
        let json = assert_envelope(
            app.post_json("/api/v1/feedback", Some(bad), body).await,
            400,
            "bad_request",
        )
        .await;
        assert_eq!(json["error"]["fields"][0]["code"], "idempotency_key.format");
    }
    let upper = "3B241101-E2BB-4255-8CAF-4136C566A962";
    let res = app.post_json("/api/v1/feedback", Some(upper), body).await;
    assert_eq!(res.status(), 201);
}

/// JSON Schema counts `5.0` as the integer 5; so does the server, for the whole numbers of
/// its requests. A fraction, a negative or a number too large is still refused.
#[test]
fn whole_numbers_may_be_written_with_a_decimal_point() {
    use onetrip_api::progress::RatingRequest;
    use onetrip_api::staff::StaffAction;
    let r: RatingRequest =
        serde_json::from_str(r#"{"level": 5.0, "trips": 1.0, "guide": null}"#).unwrap();
    assert_eq!((r.level, r.trips, r.guide), (5, Some(1), None));
    let r: RatingRequest = serde_json::from_str(r#"{"level": 4}"#).unwrap();
    assert_eq!((r.level, r.trips), (4, None));
    for bad in [
        r#"{"level": 4.5}"#,
        r#"{"level": -1}"#,
        r#"{"level": 256}"#,
        r#"{"level": 1e300}"#,
        r#"{"level": "5"}"#,
        r#"{"level": 5, "speed": 2.5}"#,
    ] {
        assert!(serde_json::from_str::<RatingRequest>(bad).is_err(), "{bad}");
    }
    let a: StaffAction = serde_json::from_str(
        r#"{"action": "request_correction", "matter": "m", "items": [], "days": 26.0}"#,
    )
    .unwrap();
    assert!(matches!(a, StaffAction::RequestCorrection { days: 26, .. }));
}

/// The staff queue's cursor is what `next` gives: digits, a dot, the number. A signed or
/// overlong time was parsed before; it is a 400 like any other bad cursor.
#[tokio::test]
async fn the_staff_queue_refuses_a_cursor_it_did_not_give() {
    let app = spawn().await;
    seed_staff(&app).await;
    let cookie = staff_cookie(&app, "window").await;
    for after in ["%2B5.X", "-5.X", "1234567890123456789.X", ".X", "5"] {
        let res = app
            .get_with(
                &format!("/api/v1/staff/applications?list=all&after={after}"),
                &[("cookie", cookie.as_str())],
            )
            .await;
        assert_envelope(res, 400, "bad_request").await;
    }
    let res = app
        .get_with(
            "/api/v1/staff/applications?list=all&after=5.X",
            &[("cookie", cookie.as_str())],
        )
        .await;
    assert_eq!(res.status(), 200);
}
