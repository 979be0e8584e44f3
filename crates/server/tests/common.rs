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
use tower::ServiceExt;

pub const INDEX_HTML: &str = "<!doctype html><html lang=\"zh-CN\"><head><title>一次办</title>\
<script type=\"module\" src=\"/onetrip-0123456789abcdef.js\"></script></head>\
<body><div id=\"app\">正在加载…</div><script>probe()</script></body></html>";

/// 2026-11-23T10:00:00+08:00.
pub const NOW: Timestamp = Timestamp(1_795_399_200_000);

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

/// A plain one-page PDF, different for each `seed` (so never a duplicate).
pub fn small_pdf(seed: u32) -> Vec<u8> {
    use std::io::Write;
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Seed {seed} >>"),
    ];
    let mut out = b"%PDF-1.5\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        write!(out, "{} 0 obj\n{body}\nendobj\n", i + 1).unwrap();
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

/// A smooth JPEG of `w` x `h`, different for each `seed`.
pub fn plain_jpeg(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x / 8) as u8, (y / 8) as u8, (seed % 251) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70)
        .encode_image(&img)
        .unwrap();
    out
}

/// Upload a file for every side of every material the draft's form asks for (not 免提交),
/// except those in `skip`: a PDF where the material takes one, otherwise a photo as large as
/// its minimum. Returns how many files went up.
pub async fn supply_materials(app: &TestApp, token: &str, key: &str, skip: &[&str]) -> usize {
    let res = app
        .send(
            Request::get(format!("/api/v1/drafts/{token}"))
                .header("x-draft-key", key)
                .body(Body::empty())
                .unwrap(),
        )
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
        .send(
            Request::get(format!("/api/v1/drafts/{token}"))
                .header("x-draft-key", key)
                .body(Body::empty())
                .unwrap(),
        )
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
