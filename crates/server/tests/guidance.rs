//! The guidance API (lists, search, guides, bundle pages, stored checklists and their QR codes)
//! in process against a real SQLite database. The catalogue is data that others edit: these
//! tests rely only on the codes `company-startup`, `newborn`, `company-registration` and
//! `bank-account`, and read questions and options from the API's answers.

mod common;

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::Request;
use common::*;
use http_body_util::BodyExt;
use onetrip_domain::catalog::questions::{Answers, GatedQuestion, Walk, walk};
use onetrip_server::{AppState, router};
use serde_json::{Value, json};

const KEY_A: &str = "6f1c2a9e-0b7d-4c51-9a3e-2d8f4b6c1e70";
const KEY_B: &str = "0d3e5f71-8a2b-4c6d-9e0f-1a2b3c4d5e6f";

/// Every question that applies answered with its first option, walking as the app does.
fn first_options(questions: &Value) -> Answers {
    let questions: Vec<GatedQuestion> =
        serde_json::from_value(questions.clone()).expect("questions in the domain's shape");
    let mut answers = Answers::new();
    while let Ok(Walk { next: Some(i), .. }) = walk(&questions, &answers) {
        let q = &questions[i].question;
        answers.insert(q.key.clone(), q.options[0].value.clone());
    }
    answers
}

async fn ok_json(app: &TestApp, uri: &str) -> Value {
    let response = app.get(uri).await;
    assert_eq!(response.status(), 200, "{uri}");
    body_json(response).await
}

fn codes(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A checklist request for a subject, answered in the most common situation.
async fn typical_request(app: &TestApp, kind: &str, code: &str) -> Value {
    let page = ok_json(app, &format!("/api/v1/{kind}s/{code}")).await;
    json!({
        "subject": { "kind": kind, "code": code },
        "answers": first_options(&page["questions"]),
    })
}

async fn post_checklist(app: &TestApp, key: &str, body: &Value) -> axum::http::Response<Body> {
    app.post_json("/api/v1/checklists", Some(key), &body.to_string())
        .await
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A private copy of the repository's catalogue, to edit.
fn catalogue_copy(app: &TestApp) -> PathBuf {
    let dir = app.dir.join("catalog");
    copy_dir(&app.state.config.catalog, &dir);
    dir
}

/// Another app over the same database, serving the catalogue in `dir`.
fn same_database_with_catalogue(app: &TestApp, dir: &Path) -> axum::Router {
    let mut config = (*app.state.config).clone();
    config.catalog = dir.to_owned();
    let catalog = onetrip_server::catalog::load(dir).unwrap();
    let state = AppState::new(
        config,
        app.state.storage.clone(),
        catalog,
        Some(app.clock.clone()),
    );
    router(state)
}

async fn send_to(router: &axum::Router, uri: &str) -> axum::http::Response<Body> {
    use tower::ServiceExt;
    router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn lists_follow_the_catalogue_and_filter() {
    let app = spawn().await;
    let index = ok_json(&app, "/api/v1/catalog").await;

    let matters = ok_json(&app, "/api/v1/matters").await;
    assert_eq!(matters["matters"], index["matters"]);
    let bundles = ok_json(&app, "/api/v1/bundles").await;
    assert_eq!(bundles["bundles"], index["bundles"]);
    for code in ["company-startup", "newborn"] {
        assert!(
            codes(&bundles["bundles"]).contains(&code.to_owned()),
            "{code}"
        );
    }

    for kind in ["person", "company"] {
        let only = ok_json(&app, &format!("/api/v1/matters?for={kind}")).await;
        let want: Vec<&Value> = index["matters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["for_whom"].as_array().unwrap().contains(&json!(kind)))
            .collect();
        assert_eq!(
            only["matters"].as_array().unwrap().len(),
            want.len(),
            "{kind}"
        );
        let only = ok_json(&app, &format!("/api/v1/bundles?for={kind}")).await;
        for b in only["bundles"].as_array().unwrap() {
            assert_eq!(b["for_whom"], kind);
        }
    }

    let registration = ok_json(&app, "/api/v1/matters/company-registration").await;
    let department = registration["matter"]["department"].as_str().unwrap();
    let same = ok_json(&app, &format!("/api/v1/matters?department={department}")).await;
    let same = same["matters"].as_array().unwrap();
    assert!(same.iter().all(|m| m["department_code"] == department));
    assert!(same.iter().any(|m| m["code"] == "company-registration"));

    // Searched, best first; an empty q is no search at all.
    let found = ok_json(&app, "/api/v1/bundles?q=%E5%BC%80%E5%85%AC%E5%8F%B8").await;
    assert_eq!(found["bundles"][0]["code"], "company-startup");
    let blank = ok_json(&app, "/api/v1/matters?q=").await;
    assert_eq!(blank["matters"], index["matters"]);

    let bad = app.get("/api/v1/matters?for=robot").await;
    assert_envelope(bad, 400, "bad_request").await;
    let long = format!("/api/v1/bundles?q={}", "a".repeat(51));
    assert_envelope(app.get(&long).await, 422, "validation").await;
}

#[tokio::test]
async fn search_finds_the_company_startup_bundle_first_and_times_itself() {
    let app = spawn().await;
    // 开公司: what people say, not the catalogue's 企业开办.
    let response = app
        .get("/api/v1/search?q=%E5%BC%80%E5%85%AC%E5%8F%B8")
        .await;
    assert_eq!(response.status(), 200);
    let timing = response.headers()["server-timing"].to_str().unwrap();
    let ms: f64 = timing
        .strip_prefix("search;dur=")
        .expect(timing)
        .parse()
        .unwrap();
    assert!(ms >= 0.0);
    let json = body_json(response).await;
    assert_eq!(json["query"], "开公司");
    assert_eq!(json["bundles"][0]["code"], "company-startup");

    // Narrowed to people, a company bundle is not offered.
    let people = ok_json(
        &app,
        "/api/v1/search?q=%E5%BC%80%E5%85%AC%E5%8F%B8&for=person",
    )
    .await;
    assert!(
        people["bundles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["code"] != "company-startup")
    );

    // An ID or phone number is refused: it must not end up in an address or a log.
    let json = assert_envelope(
        app.get("/api/v1/search?q=11010519491231002X").await,
        422,
        "validation",
    )
    .await;
    assert_eq!(json["error"]["fields"][0]["code"], "q.personal_data");

    // Fifty characters are fine, fifty-one are not; nothing to search for is refused.
    let fifty = "办".repeat(50);
    assert_eq!(
        app.get(&format!("/api/v1/search?q={fifty}")).await.status(),
        200
    );
    for uri in [
        format!("/api/v1/search?q={fifty}a"),
        "/api/v1/search?q=".to_owned(),
        "/api/v1/search?q=%20%20".to_owned(),
        "/api/v1/search".to_owned(),
    ] {
        let json = assert_envelope(app.get(&uri).await, 422, "validation").await;
        assert_eq!(json["error"]["fields"][0]["field"], "q", "{uri}");
        assert_ne!(
            json["error"]["message"],
            onetrip_api::ErrorCode::Validation.message_zh(),
            "a message about the search: {uri}"
        );
    }
}

#[tokio::test]
async fn the_service_guide_resolves_materials_fields_and_bundles() {
    let app = spawn().await;
    let index = ok_json(&app, "/api/v1/catalog").await;
    let guide = ok_json(&app, "/api/v1/matters/company-registration").await;
    assert_eq!(guide["version"], index["version"]);
    let matter = &guide["matter"];
    assert_eq!(matter["code"], "company-registration");
    assert_eq!(guide["department"]["code"], matter["department"]);
    assert!(!guide["hotline"].as_str().unwrap().is_empty());

    // Every material the matter lists, once each, merged.
    let mut listed: Vec<&str> = matter["material"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    listed.dedup();
    let merged: Vec<&str> = guide["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["key"].as_str().unwrap())
        .collect();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let mut merged_sorted = merged.clone();
    merged_sorted.sort_unstable();
    assert_eq!(merged_sorted, sorted);
    for m in guide["materials"].as_array().unwrap() {
        assert!(!m["name"].as_str().unwrap().is_empty(), "resolved: {m}");
    }
    // Fields resolved from the catalogue's list, in the matter's order.
    let field_keys: Vec<&Value> = matter["field"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["key"])
        .collect();
    let resolved: Vec<&Value> = guide["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["key"])
        .collect();
    assert_eq!(resolved, field_keys);
    assert!(codes(&guide["bundles"]).contains(&"company-startup".to_owned()));
    let questions = matter["question"].as_array().map_or(0, Vec::len);
    assert_eq!(guide["questions"].as_array().unwrap().len(), questions);

    let json = assert_envelope(app.get("/api/v1/matters/nope").await, 404, "not_found").await;
    assert!(json["error"]["message"].as_str().unwrap().contains("事项"));
}

#[tokio::test]
async fn a_bundle_page_lists_members_departments_and_savings() {
    let app = spawn().await;
    let page = ok_json(&app, "/api/v1/bundles/company-startup").await;
    let summary = &page["summary"];
    assert_eq!(summary["code"], "company-startup");
    let members: Vec<&Value> = page["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["matter"]["code"])
        .collect();
    let listed: Vec<&Value> = summary["matters"].as_array().unwrap().iter().collect();
    assert_eq!(members, listed);
    assert!(members.contains(&&json!("bank-account")));

    // Departments once each, in the order their first member appears.
    let mut want: Vec<&Value> = Vec::new();
    for m in page["members"].as_array().unwrap() {
        let d = &m["matter"]["department_code"];
        if !want.contains(&d) {
            want.push(d);
        }
    }
    let got: Vec<&Value> = page["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["code"])
        .collect();
    assert_eq!(got, want);

    let savings = &page["savings"];
    assert_eq!(savings["trips_merged"], summary["trips"]);
    assert_eq!(savings["days_merged"], summary["promised_days"]);
    assert!(savings["days_separate"].as_u64() >= savings["days_merged"].as_u64());
    assert!(page["questions"].is_array());

    let json = assert_envelope(app.get("/api/v1/bundles/nope").await, 404, "not_found").await;
    assert!(!json["error"]["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn catalogue_reads_revalidate_with_etags() {
    let app = spawn().await;
    let mut tags = Vec::new();
    for uri in [
        "/api/v1/catalog",
        "/api/v1/matters",
        "/api/v1/matters?for=company",
        "/api/v1/bundles",
        "/api/v1/search?q=%E5%BC%80%E5%85%AC%E5%8F%B8",
        "/api/v1/matters/bank-account",
        "/api/v1/bundles/newborn",
    ] {
        let first = app.get(uri).await;
        assert_eq!(first.status(), 200, "{uri}");
        assert_eq!(first.headers()["cache-control"], "no-cache", "{uri}");
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        // Weak: one tag for the brotli, gzip and plain bodies.
        assert!(
            etag.starts_with("W/\"") && etag.ends_with('"'),
            "weak: {etag}"
        );
        let body = body_string(first).await;

        let again = Request::get(uri)
            .header("if-none-match", &etag)
            .body(Body::empty())
            .unwrap();
        let again = app.send(again).await;
        assert_eq!(again.status(), 304, "{uri}");
        assert_eq!(again.headers()["etag"], etag.as_str());
        assert!(again.headers().get("content-type").is_none());
        let bytes = again.into_body().collect().await.unwrap().to_bytes();
        assert!(bytes.is_empty(), "{uri}");

        let stale = Request::get(uri)
            .header("if-none-match", "\"not-this-one\"")
            .body(Body::empty())
            .unwrap();
        let stale = app.send(stale).await;
        assert_eq!(stale.status(), 200);
        assert_eq!(body_string(stale).await, body, "{uri}");
        tags.push(etag);
    }
    let mut unique = tags.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), tags.len(), "one tag per path and query");

    // Errors are not tagged, and a tag never turns a 404 into a 304.
    let missing = Request::get("/api/v1/matters/nope")
        .header("if-none-match", "*")
        .body(Body::empty())
        .unwrap();
    let missing = app.send(missing).await;
    assert_eq!(missing.status(), 404);
    assert!(missing.headers().get("etag").is_none());
}

#[tokio::test]
async fn a_checklist_is_stored_and_read_back_unchanged() {
    let app = spawn().await;
    let request = typical_request(&app, "bundle", "company-startup").await;
    let response = post_checklist(&app, KEY_A, &request).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created = body_json(response).await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(id.len(), 10);
    assert!(
        id.bytes()
            .all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b))
    );
    assert_eq!(location, format!("/api/v1/checklists/{id}"));
    // The link comes from PUBLIC_BASE_URL, never from the request's Host.
    assert_eq!(created["url"], format!("http://127.0.0.1:8080/c/{id}"));
    assert_eq!(created["qr_url"], format!("/api/v1/checklists/{id}/qr.png"));
    assert_eq!(created["created_at"], "2026-11-23T10:00:00+08:00");
    assert_eq!(created["changed"], false);
    let index = ok_json(&app, "/api/v1/catalog").await;
    assert_eq!(created["catalog_version"], index["version"]);
    let checklist = &created["checklist"];
    assert_eq!(checklist["subject"], request["subject"]);
    assert_eq!(
        checklist["answers"].as_array().unwrap().len(),
        request["answers"].as_object().unwrap().len()
    );

    let read = app.get(&format!("/api/v1/checklists/{id}")).await;
    assert_eq!(read.status(), 200);
    assert_eq!(read.headers()["cache-control"], "no-cache");
    assert_eq!(body_json(read).await, created);
    // Typed from paper: lower case reads the same.
    let lower = ok_json(&app, &format!("/api/v1/checklists/{}", id.to_lowercase())).await;
    assert_eq!(lower, created);

    // A single matter can have its checklist too.
    let single = typical_request(&app, "matter", "bank-account").await;
    let response = post_checklist(&app, KEY_B, &single).await;
    assert_eq!(response.status(), 201);
    let json = body_json(response).await;
    assert_eq!(json["checklist"]["matters"][0]["code"], "bank-account");
    assert_eq!(app.state.storage.checklist_count().await.unwrap(), 2);
}

#[tokio::test]
async fn a_retried_checklist_post_is_stored_once() {
    let app = spawn().await;
    let request = typical_request(&app, "bundle", "newborn").await;
    let first = post_checklist(&app, KEY_A, &request).await;
    assert_eq!(first.status(), 201);
    let first = body_json(first).await;
    let again = post_checklist(&app, KEY_A, &request).await;
    assert_eq!(again.status(), 200);
    assert_eq!(body_json(again).await, first);
    assert_eq!(app.state.storage.checklist_count().await.unwrap(), 1);

    // The same key for a different situation is refused, and writes nothing.
    let other = typical_request(&app, "bundle", "company-startup").await;
    let json = assert_envelope(post_checklist(&app, KEY_A, &other).await, 422, "validation").await;
    assert_eq!(json["error"]["fields"][0]["code"], "idempotency_key.reused");
    assert_envelope(
        app.post_json("/api/v1/checklists", None, &request.to_string())
            .await,
        400,
        "bad_request",
    )
    .await;
    assert_eq!(app.state.storage.checklist_count().await.unwrap(), 1);

    // Many at once with one key: one checklist.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let router = app.router.clone();
        let body = request.to_string();
        tasks.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let req = Request::post("/api/v1/checklists")
                .header("content-type", "application/json")
                .header("idempotency-key", KEY_B)
                .body(Body::from(body))
                .unwrap();
            router.oneshot(req).await.unwrap().status().as_u16()
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
    assert_eq!(app.state.storage.checklist_count().await.unwrap(), 2);
}

#[tokio::test]
async fn wrong_answers_and_subjects_get_the_domain_codes() {
    let app = spawn().await;
    let mut request = typical_request(&app, "bundle", "company-startup").await;
    request["answers"]["no_such_question"] = json!("yes");
    let json = assert_envelope(
        post_checklist(&app, KEY_A, &request).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(
        json["error"]["fields"],
        json!([{ "field": "no_such_question", "code": "answers.unknown_question" }])
    );

    let unknown = json!({ "subject": { "kind": "bundle", "code": "nope" }, "answers": {} });
    let json = assert_envelope(
        post_checklist(&app, KEY_A, &unknown).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(
        json["error"]["fields"],
        json!([{ "field": "subject", "code": "subject.unknown" }])
    );
    let shapeless = json!({ "subject": { "kind": "robot", "code": "x" }, "answers": {} });
    assert_envelope(
        post_checklist(&app, KEY_A, &shapeless).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(app.state.storage.checklist_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_missing_or_foreign_answer_is_named() {
    // A question of our own on a copy of the catalogue, so this holds whatever the real one asks.
    let base = spawn().await;
    let dir = catalogue_copy(&base);
    let bundle = dir.join("bundles/company-startup.toml");
    let mut text = std::fs::read_to_string(&bundle).unwrap();
    text.push_str(
        "\n[[question]]\nkey = \"onetrip_test_probe\"\ntext = \"测试问题？\"\n\
         text_en = \"Test question?\"\n\n[[question.option]]\nvalue = \"a\"\nlabel = \"甲\"\n\
         label_en = \"A\"\n\n[[question.option]]\nvalue = \"b\"\nlabel = \"乙\"\nlabel_en = \"B\"\n",
    );
    std::fs::write(&bundle, text).unwrap();
    let app = spawn_with(|c| c.catalog = dir.clone()).await;

    let mut request = typical_request(&app, "bundle", "company-startup").await;
    assert_eq!(request["answers"]["onetrip_test_probe"], "a");
    assert_eq!(
        post_checklist(&app, KEY_A, &request).await.status(),
        201,
        "complete answers"
    );

    request["answers"]
        .as_object_mut()
        .unwrap()
        .remove("onetrip_test_probe");
    let json = assert_envelope(
        post_checklist(&app, KEY_B, &request).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(
        json["error"]["fields"],
        json!([{ "field": "onetrip_test_probe", "code": "answers.missing" }])
    );
    assert!(json["error"]["message"].as_str().unwrap().contains("问题"));

    request["answers"]["onetrip_test_probe"] = json!("c");
    let json = assert_envelope(
        post_checklist(&app, KEY_B, &request).await,
        422,
        "validation",
    )
    .await;
    assert_eq!(json["error"]["fields"][0]["code"], "answers.unknown_option");
}

#[tokio::test]
async fn unknown_checklists_are_404() {
    let app = spawn().await;
    for id in ["0000000000", "ZZZZZZZZZZ", "abc", "UUUUUUUUUU", "%E4%B8%80"] {
        for suffix in ["", "/qr.png"] {
            let uri = format!("/api/v1/checklists/{id}{suffix}");
            assert_envelope(app.get(&uri).await, 404, "not_found").await;
        }
    }
}

#[tokio::test]
async fn the_qr_code_is_a_png_of_the_link() {
    let app = spawn().await;
    let request = typical_request(&app, "bundle", "company-startup").await;
    let record = body_json(post_checklist(&app, KEY_A, &request).await).await;
    let url = record["url"].as_str().unwrap();

    let response = app.get(record["qr_url"].as_str().unwrap()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    let cache = response.headers()["cache-control"].to_str().unwrap();
    assert!(
        cache.contains("immutable") && cache.contains("max-age=31536000"),
        "{cache}"
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));

    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(frame.width, frame.height);
    assert!(frame.width >= 240, "{}", frame.width);
    assert_eq!(frame.color_type, png::ColorType::Grayscale);

    // Module by module, the image is the QR code of the link, inside a 4-module quiet zone.
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M).unwrap();
    let modules = code.width() + 8;
    assert_eq!(frame.width as usize % modules, 0);
    let scale = frame.width as usize / modules;
    let stride = frame.line_size;
    let dark_at = |mx: usize, my: usize| {
        let (x, y) = (mx * scale + scale / 2, my * scale + scale / 2);
        pixels[y * stride + x] < 128
    };
    let colors = code.to_colors();
    for my in 0..modules {
        for mx in 0..modules {
            let inside = (4..modules - 4).contains(&mx) && (4..modules - 4).contains(&my);
            let want = inside && colors[(my - 4) * code.width() + (mx - 4)] == qrcode::Color::Dark;
            assert_eq!(dark_at(mx, my), want, "module ({mx}, {my})");
        }
    }
}

#[tokio::test]
async fn changed_turns_true_when_the_catalogue_changes_the_checklist() {
    let base = spawn().await;
    let dir = catalogue_copy(&base);
    let app = spawn_with(|c| c.catalog = dir.clone()).await;
    let request = typical_request(&app, "bundle", "company-startup").await;
    let created = body_json(post_checklist(&app, KEY_A, &request).await).await;
    let uri = format!("/api/v1/checklists/{}", created["id"].as_str().unwrap());

    // An unrelated edit elsewhere in the catalogue: a new version, the same checklist.
    let newborn = dir.join("bundles/newborn.toml");
    let text = std::fs::read_to_string(&newborn).unwrap();
    std::fs::write(&newborn, format!("{text}\n# 注释\n")).unwrap();
    let router = same_database_with_catalogue(&app, &dir);
    let json = body_json(send_to(&router, &uri).await).await;
    assert_eq!(json["changed"], false);

    // The registration's English name changes: it is printed on this checklist.
    let matter = dir.join("matters/company-registration.toml");
    let text = std::fs::read_to_string(&matter).unwrap();
    let edited: Vec<String> = {
        let mut done = false;
        text.lines()
            .map(|l| {
                if !done && l.starts_with("name_en = \"") {
                    done = true;
                    "name_en = \"Company registration (renamed)\"".to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect()
    };
    std::fs::write(&matter, edited.join("\n") + "\n").unwrap();
    let router = same_database_with_catalogue(&app, &dir);
    let response = send_to(&router, &uri).await;
    assert_eq!(response.status(), 200);
    let json = body_json(response).await;
    assert_eq!(json["changed"], true);
    // The record itself is as it was stored.
    assert_eq!(json["checklist"], created["checklist"]);
    assert_eq!(json["catalog_version"], created["catalog_version"]);
    // The first app still has the old catalogue, for which nothing changed.
    assert_eq!(ok_json(&app, &uri).await["changed"], false);
}

/// The checklist story over HTTP with PostgreSQL behind it (when a server is given).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_checklists_round_trip() {
    let Some(server) = postgres_server() else {
        return;
    };
    let url = fresh_postgres_database(&server).await;
    let app = spawn_with(|c| c.database_url = url).await;
    let request = typical_request(&app, "bundle", "company-startup").await;
    let created = post_checklist(&app, KEY_A, &request).await;
    assert_eq!(created.status(), 201);
    let created = body_json(created).await;
    let again = post_checklist(&app, KEY_A, &request).await;
    assert_eq!(again.status(), 200);
    assert_eq!(body_json(again).await, created);
    let uri = format!("/api/v1/checklists/{}", created["id"].as_str().unwrap());
    assert_eq!(ok_json(&app, &uri).await, created);
    assert_eq!(app.state.storage.checklist_count().await.unwrap(), 1);
    let qr = app.get(&format!("{uri}/qr.png")).await;
    assert_eq!(qr.status(), 200);
}

fn gunzip(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Views travel compressed to a phone that accepts it (brotli or gzip), with the same ETag
/// and the same text; the applicant's progress is not compressed, a draft is.
#[tokio::test]
async fn views_travel_compressed_and_personal_answers_do_not() {
    let app = spawn().await;
    let uri = "/api/v1/views/bundles/company-startup?lang=zh-CN";
    let plain = app.get(uri).await;
    let etag = plain.headers()["etag"].clone();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = body_string(plain).await;
    let res = app.get_with(uri, &[("accept-encoding", "gzip")]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.headers()["etag"], etag);
    let zipped = res.into_body().collect().await.unwrap().to_bytes();
    assert!(
        zipped.len() * 2 < plain.len(),
        "{} bytes for {}",
        zipped.len(),
        plain.len()
    );
    assert_eq!(gunzip(&zipped), plain);
    let res = app.get_with(uri, &[("accept-encoding", "br, gzip")]).await;
    assert_eq!(res.headers()["content-encoding"], "br");
    // Revalidation still answers 304 without a body.
    let res = app
        .get_with(
            uri,
            &[
                ("accept-encoding", "gzip"),
                ("if-none-match", etag.to_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(res.status(), 304);

    let (number, key) = submitted_startup(&app).await;
    let res = app
        .get_with(
            &format!("/api/v1/applications/{number}/progress"),
            &[("x-application-key", &key), ("accept-encoding", "br, gzip")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("content-encoding").is_none());

    // A draft is mostly its merged form (catalogue text), read on every page of the form:
    // compressed, read only with its key in a header (see `compressed_personal`).
    let (token, draft_key) = create_draft(&app, &startup_with_consent()).await;
    let uri = format!("/api/v1/drafts/{token}");
    let plain = app.get_with(&uri, &[("x-draft-key", &draft_key)]).await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = body_string(plain).await;
    let res = app
        .get_with(
            &uri,
            &[("x-draft-key", &draft_key), ("accept-encoding", "gzip")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let zipped = res.into_body().collect().await.unwrap().to_bytes();
    assert!(
        zipped.len() * 3 < plain.len(),
        "{} bytes for {}",
        zipped.len(),
        plain.len()
    );
    assert_eq!(gunzip(&zipped), plain);
}
