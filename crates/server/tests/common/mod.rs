//! Shared test set-up: the real router on a fresh SQLite database in a temporary directory,
//! with a small built-app stand-in for the static-file tests.

#![allow(dead_code)]

use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use http_body_util::BodyExt;
use onetrip_server::clock::{TestClock, Timestamp};
use onetrip_server::config::Config;
use onetrip_server::{AppState, router};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const INDEX_HTML: &str = "<!doctype html><html lang=\"zh-CN\"><head><title>一次办</title>\
<script type=\"module\" src=\"/onetrip-0123456789abcdef.js\"></script></head>\
<body><div id=\"app\"><main><p class=\"ot-loading\" id=\"ot-boot\">正在加载…</p></main></div>\
<script>probe()</script></body></html>";

/// The application flow's page as Trunk writes it, in small.
pub const APPLY_HTML: &str = "<!doctype html><html lang=\"zh-CN\"><head><title>在线申请 - 一次办</title>\
</head><body><div id=\"app\"><main><p class=\"ot-loading\" id=\"ot-boot\">正在加载…</p></main></div>\
<p>form app</p></body></html>";

/// The progress app's page as Trunk writes it, in small: its loader and its loading line.
pub const TRACK_HTML: &str = "<!doctype html><html lang=\"zh-CN\"><head><title>办件进度 - 一次办</title>\
<link rel=modulepreload href=/track/track-0a.js>\
<script type=module>import init, * as bindings from '/track/track-0a.js';\n\
const wasm = await init({ module_or_path: '/track/track-0a_bg.wasm' });\n\
window.wasmBindings = bindings;</script></head><body><div id=\"app\"><main id=main>\
<p class=\"ot-loading\" id=\"ot-boot\">正在加载…</p></main></div></body></html>";

/// 2026-11-23T10:00:00+08:00.
pub const NOW: Timestamp = Timestamp(1_795_399_200_000);

/// Two adults' resident ID numbers: the shareholders of `startup_data()`.
pub const ADULT: &str = "330106198001010021";
pub const ADULT_2: &str = "330106198506150038";

/// A fresh Idempotency-Key.
pub fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// 企业开办 for a limited company with staff and a bank account, in a rented office; the
/// shareholder is the legal representative and also the tax officer.
pub fn startup() -> Value {
    json!({
        "subject": {"kind": "bundle", "code": "company-startup"},
        "answers": {
            "has_employees": "yes", "open_bank_account": "yes", "company_type": "limited",
            "rep_is_shareholder": "yes", "premises": "rented", "tax_officer": "legal_rep"
        }
    })
}

/// Both consents given.
pub fn consent() -> Value {
    json!({"privacy": true, "sensitive": true})
}

/// `startup()` with both consents, as a draft is started.
pub fn startup_with_consent() -> Value {
    let mut body = startup();
    body["consent"] = consent();
    body
}

/// A complete, valid application for `startup()`: two shareholders, 60/40.
pub fn startup_data() -> Value {
    json!({
        "values": {
            "company.name": "杭州市云帆信息科技有限公司",
            "company.type": "limited",
            "company.address": "杭州市上城区解放路 1 号 301 室",
            "company.registered_capital": "1000000",
            "company.business_scope": "软件开发；信息技术咨询服务",
            "company.employee_count": "5",
            "legal_rep.name": "张三",
            "legal_rep.mobile": "13812345678",
            "applicant.name": "张三",
            "applicant.mobile": "13812345678",
            "seal.engraver": "杭州市上城区诚信刻章店",
            "invoice.type": "digital",
            "bank.name": "icbc",
            "bank.branch": "icbc-shangcheng",
            "bank.account_type": "basic",
            "payroll.start_date": "2026-12-01",
            "housing_fund.rate": "12",
            "mailing.address": "杭州市上城区解放路 1 号 301 室"
        },
        "groups": {"shareholders": [
            {"name": "张三", "id_type": "resident_id", "id_number": ADULT, "share_percent": "60",
             "capital_fen": "600000", "paid_by": "2030-06-30", "is_legal_rep": "yes"},
            {"name": "李四", "id_type": "resident_id", "id_number": ADULT_2, "share_percent": "40",
             "capital_fen": "400000", "paid_by": "2030-06-30", "is_legal_rep": "no"}
        ]},
        "delivery": "ems",
        "declarations": ["amr", "police", "tax", "bank", "hrss", "housing-fund"]
    })
}

/// 灵活就业人员参保登记: every document comes from data sharing, so a submission needs no
/// draft and no upload; `n` varies the address so that no two are the same.
pub fn insurance(n: usize) -> Value {
    json!({
        "subject": {"kind": "matter", "code": "flexible-employment-insurance"},
        "answers": {},
        "consent": {"privacy": true, "sensitive": true},
        "data": {
            "values": {
                "applicant.name": "王五",
                "applicant.id_number": ADULT,
                "applicant.mobile": "13812345678",
                "residence.address": format!("杭州市西湖区文三路 {n} 号"),
                "payroll.start_date": "2026-12-01"
            },
            "groups": {},
            "declarations": ["hrss"]
        }
    })
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub clock: TestClock,
    pub dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("onetrip-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub async fn spawn() -> TestApp {
    spawn_with(|_| {}).await
}

/// The app with a configuration changed by `edit` (maintenance, rate limits...).
pub async fn spawn_with(edit: impl FnOnce(&mut Config)) -> TestApp {
    let dir = temp_dir();
    let dist = dir.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), INDEX_HTML).unwrap();
    std::fs::write(
        dist.join("onetrip-0123456789abcdef.js"),
        "export default 1;",
    )
    .unwrap();
    std::fs::write(dist.join("onetrip-0123456789abcdef.js.br"), b"brotli-bytes").unwrap();
    // The application flow and its materials step, two apps with their own pages.
    let materials = dist.join("apply/materials-app");
    std::fs::create_dir_all(&materials).unwrap();
    std::fs::write(dist.join("apply/index.html"), APPLY_HTML).unwrap();
    std::fs::create_dir_all(dist.join("track")).unwrap();
    std::fs::write(dist.join("track/index.html"), TRACK_HTML).unwrap();
    std::fs::write(materials.join("index.html"), "<p>materials app</p>").unwrap();
    std::fs::write(
        materials.join("materials-0123456789abcdef.js"),
        "materials()",
    )
    .unwrap();
    let mut config = Config::for_tests(&format!("sqlite://{}/test.db", dir.display()));
    config.dist = dist;
    edit(&mut config);
    let storage = onetrip_server::storage::open(&config.database_url)
        .await
        .unwrap();
    let catalog = onetrip_server::catalog::load(&config.catalog).unwrap();
    let clock = TestClock::at(NOW);
    let state = AppState::new(config, storage, catalog, Some(clock.clone()));
    TestApp {
        router: router(state.clone()),
        state,
        clock,
        dir,
    }
}

impl TestApp {
    pub async fn send(&self, request: Request<Body>) -> Response<Body> {
        self.router.clone().oneshot(request).await.unwrap()
    }

    pub async fn get(&self, uri: &str) -> Response<Body> {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    /// A same-origin request with these headers and, if any, a JSON body.
    pub async fn request(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Response<Body> {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header("sec-fetch-site", "same-origin");
        if body.is_some() {
            req = req.header("content-type", "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(body.map_or_else(Body::empty, Body::from)).unwrap())
            .await
    }

    /// A GET with these headers (a draft key, say).
    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Response<Body> {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// A same-origin JSON POST as the app makes it.
    pub async fn post_json(&self, uri: &str, key: Option<&str>, body: &str) -> Response<Body> {
        let mut req = Request::post(uri)
            .header("content-type", "application/json")
            .header("sec-fetch-site", "same-origin");
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        self.send(req.body(Body::from(body.to_owned())).unwrap())
            .await
    }
}

/// Start a draft with `body` (a fresh Idempotency-Key), which must be created: (token, key).
pub async fn create_draft(app: &TestApp, body: &Value) -> (String, String) {
    let res = app
        .post_json("/api/v1/drafts", Some(&key()), &body.to_string())
        .await;
    assert_eq!(res.status(), 201);
    let session = body_json(res).await;
    let token = session["draft"]["token"].as_str().unwrap().to_owned();
    let draft_key = session["key"].as_str().unwrap().to_owned();
    (token, draft_key)
}

pub async fn body_string(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

pub async fn body_json(response: Response<Body>) -> serde_json::Value {
    let text = body_string(response).await;
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Assert the response is our error envelope with this status and code.
pub async fn assert_envelope(
    response: Response<Body>,
    status: u16,
    code: &str,
) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "status");
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json"),
        "content type of a {status}"
    );
    let json = body_json(response).await;
    assert_eq!(json["error"]["code"], code, "{json}");
    assert!(
        json["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{json}"
    );
    assert!(
        json["error"]["request_id"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{json}"
    );
    json
}

/// The (field, code) pairs of an error envelope's `fields`.
pub fn field_codes(err: &Value) -> Vec<(String, String)> {
    err["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A fresh database on the PostgreSQL server, so runs never see each other's rows.
pub async fn fresh_postgres_database(server: &str) -> String {
    let (client, conn) = tokio_postgres::connect(server, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let name = format!("onetrip_test_{}", uuid::Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

pub fn postgres_server() -> Option<String> {
    match std::env::var("ONETRIP_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            assert!(
                !ci,
                "CI=true but ONETRIP_TEST_POSTGRES_URL is not set: PostgreSQL tests cannot be skipped on CI"
            );
            eprintln!(
                "skipping PostgreSQL: ONETRIP_TEST_POSTGRES_URL is not set (cargo xtask test sets it)"
            );
            None
        }
    }
}

/// A multipart upload as the browser sends it, to `uri` with the given headers.
pub async fn upload_to(
    app: &TestApp,
    uri: &str,
    headers: &[(&str, &str)],
    material: &str,
    slot: &str,
    (name, content_type, bytes): (&str, &str, &[u8]),
) -> Response<Body> {
    use std::io::Write;
    let boundary = "----onetrip-test-boundary";
    let mut body = Vec::new();
    for (field, value) in [("material", material), ("slot", slot)] {
        write!(
            body,
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n"
        )
        .unwrap();
    }
    write!(
        body,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .unwrap();
    body.extend_from_slice(bytes);
    write!(body, "\r\n--{boundary}--\r\n").unwrap();
    let mut req = Request::post(uri)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("sec-fetch-site", "same-origin");
    // A fresh Idempotency-Key unless the caller gives one (to retry with it).
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("idempotency-key"))
    {
        req = req.header("idempotency-key", uuid::Uuid::new_v4().to_string());
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.send(req.body(Body::from(body)).unwrap()).await
}

/// A PDF from object bodies (numbered from 1, the first is the catalog), with a correct
/// cross-reference table.
pub fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    pdf_after(b"%PDF-1.5\n%\xE2\xE3\xCF\xD3\n", objects)
}

/// `header`, then the numbered objects, the cross-reference table and the trailer.
fn pdf_after(header: &[u8], objects: &[Vec<u8>]) -> Vec<u8> {
    use std::io::Write;
    let mut out = header.to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for o in offsets {
        writeln!(out, "{o:010} 00000 n ").unwrap();
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .unwrap();
    out
}

/// A PDF stream object: the dictionary entries `dict` with the length of `data`, then `data`.
pub fn pdf_stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// A plain one-page PDF, different for each `seed` (so never a duplicate).
pub fn small_pdf(seed: u32) -> Vec<u8> {
    let objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Seed {seed} >>")
            .into_bytes(),
    ];
    pdf_after(b"%PDF-1.5\n", &objects)
}

/// `img` as a JPEG of this quality.
pub fn encode_jpeg(img: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .unwrap();
    out
}

/// A smooth JPEG of `w` x `h`, different for each `seed`.
pub fn plain_jpeg(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x / 8) as u8, (y / 8) as u8, (seed % 251) as u8])
    });
    encode_jpeg(&img, 70)
}

/// Upload a file for every side of every material the draft's form asks for (not 免提交),
/// except those in `skip`: a PDF where the material takes one, otherwise a photo as large as
/// its minimum. Returns how many files went up.
pub async fn supply_materials(app: &TestApp, token: &str, key: &str, skip: &[&str]) -> usize {
    let res = app
        .get_with(&format!("/api/v1/drafts/{token}"), &[("x-draft-key", key)])
        .await;
    assert_eq!(res.status(), 200);
    let draft = body_json(res).await;
    let mut n = 0;
    for m in draft["form"]["materials"].as_array().unwrap() {
        let material = m["key"].as_str().unwrap();
        if m["need"] == "shared" || skip.contains(&material) {
            continue;
        }
        let sides: &[&str] = if m["both_sides"] == true {
            &["front", "back"]
        } else {
            &["pages"]
        };
        let pdf = m["types"].as_array().unwrap().iter().any(|t| t == "pdf");
        for side in sides {
            n += 1;
            let seed = n as u32 + 1000 * (token.len() as u32);
            let (name, ct, bytes) = if pdf {
                ("scan.pdf", "application/pdf", small_pdf(seed))
            } else {
                let px = m["min_px"].as_u64().unwrap_or(400) as u32;
                ("photo.jpg", "image/jpeg", plain_jpeg(px + 8, px + 8, seed))
            };
            let res = upload_to(
                app,
                &format!("/api/v1/drafts/{token}/files"),
                &[("x-draft-key", key)],
                material,
                side,
                (name, ct, &bytes),
            )
            .await;
            let status = res.status();
            assert_eq!(status, 201, "{material} {side}: {}", body_string(res).await);
        }
    }
    n
}

/// The materials of a draft's form that may be deferred (容缺).
pub async fn deferrable_materials(app: &TestApp, token: &str, key: &str) -> Vec<(String, u64)> {
    let res = app
        .get_with(&format!("/api/v1/drafts/{token}"), &[("x-draft-key", key)])
        .await;
    let draft = body_json(res).await;
    draft["form"]["materials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["need"] == "deferrable")
        .map(|m| {
            (
                m["key"].as_str().unwrap().to_owned(),
                m["deferrable_days"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The password of the staff accounts `seed_staff` creates.
pub const STAFF_PASSWORD: &str = "staff-password-for-tests";

/// The demo staff accounts (`window`, `supervisor`, one per department code), as
/// `onetrip-server seed` creates them.
pub async fn seed_staff(app: &TestApp) {
    let departments: Vec<(String, String)> = app
        .state
        .catalog
        .catalog
        .departments
        .iter()
        .map(|d| (d.code.clone(), d.name.clone()))
        .collect();
    let banks: Vec<(String, String)> = app
        .state
        .catalog
        .catalog
        .banks
        .iter()
        .map(|b| (b.code.clone(), b.name.clone()))
        .collect();
    for account in onetrip_server::admin::demo_accounts(&departments, &banks) {
        let row = account.row(STAFF_PASSWORD, NOW).unwrap();
        app.state.storage.insert_staff(row).await.unwrap();
    }
}

/// Sign `username` in; the `Cookie` header value of its session.
pub async fn staff_cookie(app: &TestApp, username: &str) -> String {
    let body = serde_json::json!({"username": username, "password": STAFF_PASSWORD}).to_string();
    let res = app
        .request("POST", "/api/v1/staff/session", &[], Some(body))
        .await;
    assert_eq!(res.status(), 200, "{username} signs in");
    let set = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    set.split(';').next().unwrap().to_owned()
}

/// A staff decision on an application, as `cookie`'s owner.
pub async fn staff_act(app: &TestApp, cookie: &str, number: &str, action: Value) -> Response<Body> {
    app.request(
        "POST",
        &format!("/api/v1/staff/applications/{number}/actions"),
        &[("cookie", cookie)],
        Some(action.to_string()),
    )
    .await
}

/// 企业开办 submitted with every document (the staff roster deferred by the window later, if at
/// all): (number, application key).
pub async fn submitted_startup(app: &TestApp) -> (String, String) {
    submitted_startup_with(app, startup_data()).await
}

/// 企业开办 submitted with `data` (a variant of `startup_data()`).
pub async fn submitted_startup_with(app: &TestApp, data: Value) -> (String, String) {
    let (token, draft_key) = create_draft(app, &startup_with_consent()).await;
    let dk = [("x-draft-key", draft_key.as_str())];
    let body = json!({"data": data}).to_string();
    let res = app
        .request("PUT", &format!("/api/v1/drafts/{token}"), &dk, Some(body))
        .await;
    assert_eq!(res.status(), 200);
    supply_materials(app, &token, &draft_key, &[]).await;
    let mut body = startup_with_consent();
    body["data"] = data;
    body["draft"] = json!(token);
    let idem = key();
    let res = app
        .request(
            "POST",
            "/api/v1/applications",
            &[("idempotency-key", &idem), ("x-draft-key", &draft_key)],
            Some(body.to_string()),
        )
        .await;
    let status = res.status();
    let receipt = body_json(res).await;
    assert_eq!(status, 201, "{receipt}");
    (receipt["number"].as_str().unwrap().to_owned(), draft_key)
}
