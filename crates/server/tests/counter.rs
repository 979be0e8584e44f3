//! 办件码, the phone-to-counter hand-off, through the API: the applicant asks for a counter code
//! while a matter still needs its one trip; its QR code holds the short link and nothing else
//! (read back with an independent decoder); the window opens the prepared application with it,
//! every lookup audited; expired and revoked codes are refused; guessing codes meets 404s and
//! soon 429s. On SQLite and on PostgreSQL.

mod common;

use common::{
    ADULT, ADULT_2, NOW, TestApp, body_json, body_string, field_codes, seed_staff, spawn,
    spawn_with, staff_act, staff_cookie, submitted_startup,
};
use onetrip_server::clock::Timestamp;
use serde_json::{Value, json};

const HOUR_MS: i64 = 60 * 60 * 1000;

/// The text of a QR code PNG, read by `rqrr` (not by the `qrcode` crate that drew it).
fn decode_qr(png_bytes: &[u8]) -> String {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    assert_eq!(info.bit_depth, png::BitDepth::One);
    let (w, h) = (info.width as usize, info.height as usize);
    let row = info.line_size;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        if buf[y * row + x / 8] & (0x80 >> (x % 8)) == 0 {
            0
        } else {
            255
        }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().unwrap().1
}

fn assert_no_personal_data(text: &str) {
    for secret in [ADULT, ADULT_2, "13812345678", &ADULT[ADULT.len() - 6..]] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

async fn counter(app: &TestApp, method: &str, number: &str, key: &str) -> (u16, Value) {
    let res = app
        .request(
            method,
            &format!("/api/v1/applications/{number}/counter"),
            &[("x-application-key", key)],
            None,
        )
        .await;
    let status = res.status().as_u16();
    let text = body_string(res).await;
    assert_no_personal_data(&text);
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn lookup(app: &TestApp, cookie: &str, code: &str) -> (u16, Value) {
    let res = app
        .get_with(
            &format!("/api/v1/staff/counter/{code}"),
            &[("cookie", cookie)],
        )
        .await;
    let status = res.status().as_u16();
    (status, body_json(res).await)
}

async fn actions(app: &TestApp, number: &str, key: &str) -> Vec<String> {
    let res = app
        .get_with(
            &format!("/api/v1/applications/{number}/progress"),
            &[("x-application-key", key)],
        )
        .await;
    assert_eq!(res.status(), 200);
    body_json(res).await["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn story(app: TestApp) {
    seed_staff(&app).await;
    let (number, key) = submitted_startup(&app).await;
    // 企业开办 includes 银行开户, which still needs one trip: the page offers the code.
    assert!(
        actions(&app, &number, &key)
            .await
            .contains(&"counter".into())
    );

    // None yet; asking makes one, asking again gives the same one.
    assert_eq!(counter(&app, "GET", &number, &key).await.0, 204);
    let (status, first) = counter(&app, "POST", &number, &key).await;
    assert_eq!(status, 201, "{first}");
    let code = first["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 8);
    assert_eq!(first["url"], format!("http://127.0.0.1:8080/k/{code}"));
    assert_eq!(first["expires_at"], "2026-11-24T10:00:00+08:00");
    assert_eq!(
        counter(&app, "POST", &number, &key).await,
        (200, first.clone())
    );
    assert_eq!(
        counter(&app, "GET", &number, &key).await,
        (200, first.clone())
    );
    // Without the key, nothing.
    let res = app
        .request(
            "POST",
            &format!("/api/v1/applications/{number}/counter"),
            &[],
            None,
        )
        .await;
    assert_eq!(res.status(), 403);

    // The QR code, read by another decoder, is the short link and nothing else.
    let res = app.get(first["qr_url"].as_str().unwrap()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let text = decode_qr(&bytes);
    assert_eq!(text, first["url"].as_str().unwrap());
    assert_no_personal_data(&text);
    // The short link leads to the staff app's counter view, which asks for a sign-in.
    let res = app.get(&format!("/k/{}", code.to_lowercase())).await;
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], format!("/staff/counter/{code}"));

    // Without a staff sign-in the code opens nothing.
    let res = app.get(&format!("/api/v1/staff/counter/{code}")).await;
    assert_eq!(res.status(), 401);

    // The window scans it (a USB scanner types the whole link): the prepared application.
    let window = staff_cookie(&app, "window").await;
    let scanned = first["url"].as_str().unwrap().replace('/', "%2F");
    let (status, view) = lookup(&app, &window, &scanned).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["code"], code.as_str());
    assert_eq!(view["application"]["number"], number.as_str());
    assert!(
        view["application"]["can"]
            .as_array()
            .unwrap()
            .contains(&json!("accept"))
    );
    let in_person: Vec<&str> = view["in_person"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(in_person[0].contains("身份证原件"), "{in_person:?}");
    assert!(
        in_person.iter().any(|l| l.starts_with("银行开户")),
        "{in_person:?}"
    );
    let materials = view["materials"].as_array().unwrap();
    assert!(!materials.is_empty());
    for m in materials {
        assert_eq!(m["state"], "passed", "{m}");
        assert!(m["label"].as_str().unwrap().contains("预审通过"), "{m}");
        assert!(!m["files"].as_array().unwrap().is_empty(), "{m}");
    }
    // Typed by hand, with spaces and in lower case, it finds the same.
    let typed = format!("{} {}", &code[..4], &code[4..]).to_lowercase();
    assert_eq!(
        lookup(&app, &window, &typed.replace(' ', "%20")).await.0,
        200
    );

    // Accepted from there: the window needs no code any more; the page stops offering one.
    let res = staff_act(&app, &window, &number, json!({"action": "accept"})).await;
    assert_eq!(res.status(), 200, "{}", body_string(res).await);
    assert!(
        !actions(&app, &number, &key)
            .await
            .contains(&"counter".into())
    );
    assert_eq!(counter(&app, "GET", &number, &key).await.0, 204);
    let (status, err) = counter(&app, "POST", &number, &key).await;
    assert_eq!(status, 409);
    assert_eq!(
        field_codes(&err),
        [("code".to_owned(), "counter.not_needed".to_owned())]
    );

    // A second application: its code expires after 24 hours, and is refused then.
    let (number2, key2) = submitted_startup(&app).await;
    let (_, second) = counter(&app, "POST", &number2, &key2).await;
    let code2 = second["code"].as_str().unwrap().to_owned();
    app.clock.set(Timestamp(NOW.0 + 24 * HOUR_MS - 1000));
    // (A day later the window signs in again: sessions end after 30 idle minutes.)
    let window = staff_cookie(&app, "window").await;
    assert_eq!(lookup(&app, &window, &code2).await.0, 200);
    app.clock.set(Timestamp(NOW.0 + 24 * HOUR_MS));
    let (status, err) = lookup(&app, &window, &code2).await;
    assert_eq!(status, 404);
    assert_eq!(
        field_codes(&err),
        [("code".to_owned(), "counter.expired".to_owned())]
    );
    assert_eq!(
        app.get(second["qr_url"].as_str().unwrap()).await.status(),
        404
    );
    assert_eq!(counter(&app, "GET", &number2, &key2).await.0, 204);

    // A new one; the applicant revokes it (say a photo of it was shared): refused at once,
    // and the next one is another code.
    let (status, third) = counter(&app, "POST", &number2, &key2).await;
    assert_eq!(status, 201);
    let code3 = third["code"].as_str().unwrap().to_owned();
    assert_ne!(code3, code2);
    assert_eq!(counter(&app, "DELETE", &number2, &key2).await.0, 204);
    let (status, err) = lookup(&app, &window, &code3).await;
    assert_eq!(status, 404);
    assert_eq!(
        field_codes(&err),
        [("code".to_owned(), "counter.revoked".to_owned())]
    );
    // Staff revoke one too.
    let (_, fourth) = counter(&app, "POST", &number2, &key2).await;
    let code4 = fourth["code"].as_str().unwrap().to_owned();
    assert_ne!(code4, code3);
    let res = app
        .request(
            "DELETE",
            &format!("/api/v1/staff/counter/{code4}"),
            &[("cookie", &window)],
            None,
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(lookup(&app, &window, &code4).await.0, 404);

    // A department sees a code only for an application with a matter of its own.
    let amr = staff_cookie(&app, "amr").await;
    let (_, fifth) = counter(&app, "POST", &number2, &key2).await;
    assert_eq!(
        lookup(&app, &amr, fifth["code"].as_str().unwrap()).await.0,
        200
    );

    // Every lookup is in the audit log, found or not, with who and what.
    let audit = app.state.storage.audit_of(&number2).await.unwrap();
    let outcomes: Vec<&str> = audit
        .iter()
        .filter(|a| a.action == "counter_lookup")
        .map(|a| a.detail.as_deref().unwrap().split(' ').next().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["found", "expired", "revoked", "revoked", "found"]
    );
    assert!(
        audit
            .iter()
            .any(|a| a.action == "counter_revoke" && a.detail.as_deref() == Some(&code4))
    );
    // Nothing personal in the codes' rows or the audit details.
    for a in &audit {
        assert_no_personal_data(a.detail.as_deref().unwrap_or_default());
    }
}

#[tokio::test]
async fn the_counter_code_on_sqlite() {
    story(spawn().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counter_code_on_postgres() {
    let Some(server) = common::postgres_server() else {
        return;
    };
    let url = common::fresh_postgres_database(&server).await;
    story(spawn_with(|c| c.database_url = url).await).await;
}

/// 1,000 random codes, checklist ids and resume tokens guessed from one address: every one is
/// refused, and after the allowed misses (30 in 10 minutes by default) all are 429.
#[tokio::test]
async fn guessing_tokens_is_refused_and_soon_rate_limited() {
    let app = spawn_with(|c| {
        c.rate_guess = onetrip_server::config::RateSpec {
            count: 30,
            seconds: 600,
        };
    })
    .await;
    seed_staff(&app).await;
    let window = staff_cookie(&app, "window").await;
    let alphabet = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut seed = 0x2545_f491_u64;
    let mut random = |len: usize| -> String {
        (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                char::from(alphabet[(seed % 32) as usize])
            })
            .collect()
    };
    let (mut not_found, mut limited) = (0, 0);
    for i in 0..1000 {
        let uri = match i % 4 {
            0 => format!("/api/v1/staff/counter/{}", random(8)),
            1 => format!("/api/v1/counter/{}/qr.png", random(8)),
            2 => format!("/api/v1/checklists/{}", random(10)),
            _ => format!("/api/v1/drafts/{}/qr.png", random(22)),
        };
        let res = app.get_with(&uri, &[("cookie", &window)]).await;
        match res.status().as_u16() {
            404 => not_found += 1,
            429 => {
                assert!(res.headers().contains_key("retry-after"));
                let err = body_json(res).await;
                assert_eq!(err["error"]["code"], "rate_limited");
                limited += 1;
            }
            other => panic!("{uri}: {other}"),
        }
    }
    assert_eq!((not_found, limited), (30, 970));
}

/// Every QR code we draw (a checklist, a draft's resume link, a receipt, a counter code), read
/// back by another decoder: a link of `PUBLIC_BASE_URL` with a random token, never an ID
/// number, a phone number or a name, though the draft and the application hold all three.
#[tokio::test]
async fn every_qr_code_is_a_short_link_without_personal_data() {
    let app = spawn().await;
    let base = "http://127.0.0.1:8080";
    let png_of = |uri: String| {
        let app = &app;
        async move {
            let res = app.get(&uri).await;
            assert_eq!(res.status(), 200, "{uri}");
            assert_eq!(res.headers()["content-type"], "image/png");
            let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
                .await
                .unwrap();
            decode_qr(&bytes)
        }
    };
    // A checklist.
    let res = app
        .post_json(
            "/api/v1/checklists",
            Some(&common::key()),
            &common::startup().to_string(),
        )
        .await;
    let checklist = body_json(res).await;
    let mut all = Vec::new();
    let text = png_of(checklist["qr_url"].as_str().unwrap().to_owned()).await;
    assert_eq!(
        text,
        format!("{base}/c/{}", checklist["id"].as_str().unwrap())
    );
    all.push(text);
    // A draft with the shareholders' ID numbers and the phone number in it.
    let (token, draft_key) = common::create_draft(&app, &common::startup_with_consent()).await;
    let res = app
        .request(
            "PUT",
            &format!("/api/v1/drafts/{token}"),
            &[("x-draft-key", &draft_key)],
            Some(json!({"data": common::startup_data()}).to_string()),
        )
        .await;
    let saved = body_json(res).await;
    let text = png_of(saved["qr_url"].as_str().unwrap().to_owned()).await;
    assert_eq!(text, format!("{base}/apply/resume/{token}"));
    assert_eq!(text, saved["resume_url"].as_str().unwrap());
    all.push(text);
    // An application and its counter code.
    let (number, key) = submitted_startup(&app).await;
    let receipt = png_of(format!("/api/v1/applications/{number}/qr.png")).await;
    assert!(
        receipt.starts_with(base) && receipt.ends_with(&number),
        "{receipt}"
    );
    let (_, code) = counter(&app, "POST", &number, &key).await;
    let text = png_of(code["qr_url"].as_str().unwrap().to_owned()).await;
    assert_eq!(text, format!("{base}/k/{}", code["code"].as_str().unwrap()));
    all.extend([text, receipt]);
    for text in &all {
        assert_no_personal_data(text);
        assert!(!text.contains("张"), "{text}");
        assert!(
            text.len() <= 60,
            "a short link keeps the QR code small: {text}"
        );
    }
}
