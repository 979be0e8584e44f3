//! The read-only pages the server renders for the app (`/api/v1/views/...`): the same facts as
//! the JSON resources, in the language asked for, escaped, revalidated with ETags.

mod common;

use axum::body::Body;
use axum::http::Request;
use common::*;
use serde_json::{Value, json};

async fn view(app: &TestApp, uri: &str) -> (String, String) {
    let response = app.get(uri).await;
    assert_eq!(response.status(), 200, "{uri}");
    let v = body_json(response).await;
    (
        v["title"].as_str().unwrap().to_owned(),
        v["html"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn a_guide_on_the_negative_list_says_why_a_trip_is_needed_in_both_languages() {
    let app = spawn().await;
    let guide = body_json(app.get("/api/v1/matters/bank-account").await).await;
    let reason = guide["matter"]["trip_reason"]
        .as_str()
        .expect("bank-account needs a trip");

    let (title, html) = view(&app, "/api/v1/views/matters/bank-account").await;
    assert_eq!(title, guide["matter"]["name"]);
    assert!(html.contains("<h1 class=\"ot-heading-xl\">"), "{html}");
    assert!(html.contains("为什么需要跑一次"));
    assert!(html.contains("最多跑一次"));
    assert!(html.contains(reason), "the reason as the catalogue says it");
    assert!(html.contains("href=\"/matters/bank-account/questions\""));

    let (title_en, html_en) = view(&app, "/api/v1/views/matters/bank-account?lang=en").await;
    assert_eq!(title_en, guide["matter"]["name_en"]);
    assert!(html_en.contains("Why one trip is needed"));
    // Catalogue text that has no English is marked as Chinese for screen readers.
    assert!(html_en.contains("lang=\"zh-CN\""));
}

#[tokio::test]
async fn every_material_of_a_guide_is_shown_in_its_group() {
    let app = spawn().await;
    let guide = body_json(app.get("/api/v1/matters/company-registration").await).await;
    let (_, html) = view(&app, "/api/v1/views/matters/company-registration").await;
    for m in guide["materials"].as_array().unwrap() {
        let name = m["name"].as_str().unwrap();
        assert!(html.contains(name), "{name} missing");
    }
    let groups = [
        "必须提交",
        "可以先办理，之后补交（容缺受理）",
        "选择提交",
        "无需提交：政府部门已有",
    ];
    let needs = ["critical", "deferrable", "optional", "shared"];
    for (group, need) in groups.iter().zip(needs) {
        let present = guide["materials"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["need"] == need);
        assert_eq!(html.contains(group), present, "{group}");
    }
}

#[tokio::test]
async fn a_bundle_page_counts_what_doing_it_together_saves() {
    let app = spawn().await;
    let detail = body_json(app.get("/api/v1/bundles/company-startup").await).await;
    let (title, html) = view(&app, "/api/v1/views/bundles/company-startup").await;
    assert_eq!(title, "企业开办");
    assert!(html.contains("一起办，省了什么"));
    let s = &detail["savings"];
    assert!(html.contains(&format!(
        "<td>{}</td><td><strong>{}</strong></td>",
        s["fields_separate"], s["fields_merged"]
    )));
    for member in detail["members"].as_array().unwrap() {
        let href = format!(
            "href=\"/matters/{}\"",
            member["matter"]["code"].as_str().unwrap()
        );
        assert!(html.contains(&href), "{href}");
    }
    assert!(html.contains("href=\"/bundles/company-startup/questions\""));
}

#[tokio::test]
async fn search_pages_find_by_phrasing_and_refuse_identifiers() {
    let app = spawn().await;
    let (_, html) = view(&app, "/api/v1/views/search?q=%E5%BC%80%E5%85%AC%E5%8F%B8").await;
    let first_link = html.find("href=\"/").map(|i| &html[i..i + 40]).unwrap();
    assert!(
        first_link.starts_with("href=\"/bundles/company-startup\""),
        "{first_link}"
    );

    let (_, none) = view(
        &app,
        "/api/v1/views/search?q=%E7%81%AB%E6%98%9F%E7%A7%BB%E6%B0%91",
    )
    .await;
    assert!(none.contains("没有找到相关事项"));

    // An ID or phone number typed into search is refused, never searched or logged.
    let refused = app.get("/api/v1/views/search?q=13812345678").await;
    assert_envelope(refused, 422, "validation").await;
    let empty = app.get("/api/v1/views/search?q=%20").await;
    assert_envelope(empty, 422, "validation").await;
}

#[tokio::test]
async fn unknown_pages_and_languages_get_the_envelope() {
    let app = spawn().await;
    assert_envelope(
        app.get("/api/v1/views/matters/nope").await,
        404,
        "not_found",
    )
    .await;
    assert_envelope(
        app.get("/api/v1/views/bundles/nope").await,
        404,
        "not_found",
    )
    .await;
    assert_envelope(
        app.get("/api/v1/views/departments/nope").await,
        404,
        "not_found",
    )
    .await;
    assert_envelope(app.get("/api/v1/views/for/robots").await, 404, "not_found").await;
    assert_envelope(
        app.get("/api/v1/views/checklists/0000000000").await,
        404,
        "not_found",
    )
    .await;
    assert_envelope(
        app.get("/api/v1/views/home?lang=fr").await,
        400,
        "bad_request",
    )
    .await;
}

#[tokio::test]
async fn home_and_lists_link_every_bundle_and_popular_matter() {
    let app = spawn().await;
    let index = body_json(app.get("/api/v1/catalog").await).await;
    let (_, home) = view(&app, "/api/v1/views/home").await;
    for b in index["bundles"].as_array().unwrap() {
        assert!(home.contains(&format!(
            "href=\"/bundles/{}\"",
            b["code"].as_str().unwrap()
        )));
    }
    let popular: Vec<&Value> = index["matters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| !m["popular"].is_null())
        .collect();
    assert!(!popular.is_empty());
    for m in popular {
        assert!(home.contains(&format!(
            "href=\"/matters/{}\"",
            m["code"].as_str().unwrap()
        )));
    }
    let (title, person) = view(&app, "/api/v1/views/for/person").await;
    assert_eq!(title, "个人办事");
    assert!(person.contains("href=\"/bundles/newborn\""));
    assert!(!person.contains("href=\"/bundles/company-startup\""));
}

#[tokio::test]
async fn a_stored_checklist_page_shows_its_qr_code_and_link() {
    let app = spawn().await;
    let body = json!({ "subject": { "kind": "matter", "code": "bank-account" }, "answers": {} });
    let created = app
        .post_json(
            "/api/v1/checklists",
            Some("6f1c2a9e-0b7d-4c51-9a3e-2d8f4b6c1e71"),
            &body.to_string(),
        )
        .await;
    assert_eq!(created.status(), 201);
    let record = body_json(created).await;
    let id = record["id"].as_str().unwrap();
    let (title, html) = view(&app, &format!("/api/v1/views/checklists/{id}")).await;
    assert!(title.starts_with("一次性告知单"), "{title}");
    assert!(html.contains(&format!("src=\"/api/v1/checklists/{id}/qr.png\"")));
    assert!(html.contains(&format!("http://127.0.0.1:8080/c/{id}")));
    assert!(html.contains("需要跑一次的事项"));
    // How to read the code, and the short code to type, beside it.
    assert!(html.contains("<p class=\"ot-qr__hint\">长按识别或保存</p>"));
    let spaced = format!("{} {} {}", &id[..4], &id[4..8], &id[8..]);
    assert!(html.contains(&format!("<strong class=\"ot-qr__code\">{spaced}</strong>")));
    // Each matter's time limits: the promise and the law's.
    let matter = &record["checklist"]["matters"][0];
    assert!(html.contains(&format!(
        "承诺时限：{} 个工作日（法定时限：{} 个工作日）",
        matter["promised_days"], matter["legal_days"]
    )));
    // Controls are not printed: answering again, applying online.
    assert!(html.contains("<section class=\"ot-apply ot-no-print\">"));
}

#[tokio::test]
async fn views_revalidate_with_etags() {
    let app = spawn().await;
    let first = app.get("/api/v1/views/matters/bank-account").await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .send(
            Request::get("/api/v1/views/matters/bank-account")
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status(), 304);
    let other_language = app.get("/api/v1/views/matters/bank-account?lang=en").await;
    assert_ne!(other_language.headers()["etag"].to_str().unwrap(), etag);
}
