//! Uploaded documents through the HTTP API, with a set of hostile files: every one refused or
//! neutralised, none stored as given; stored images carry no EXIF.

mod common;

use std::io::Write;

use axum::body::Body;
use axum::http::Request;
use common::{TestApp, assert_envelope, body_json, key, pdf, pdf_stream, spawn};
use serde_json::{Value, json};

struct Draft {
    token: String,
    key: String,
}

async fn draft(app: &TestApp) -> Draft {
    let (token, key) = common::create_draft(app, &common::startup_with_consent()).await;
    Draft { token, key }
}

/// A multipart upload as the browser sends it, to the draft, with this Idempotency-Key.
async fn upload(
    app: &TestApp,
    d: &Draft,
    idem: &str,
    material: &str,
    slot: &str,
    file: (&str, &str, &[u8]),
) -> axum::http::Response<Body> {
    let uri = format!("/api/v1/drafts/{}/files", d.token);
    let headers = [("x-draft-key", d.key.as_str()), ("idempotency-key", idem)];
    common::upload_to(app, &uri, &headers, material, slot, file).await
}

/// A photo-like JPEG, `w` x `h`.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x * y) % 239) as u8])
    });
    common::encode_jpeg(&img, 90)
}

/// The same JPEG with an EXIF segment (with a GPS tag name in it) right after SOI.
fn with_exif(jpeg: &[u8]) -> Vec<u8> {
    let payload = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude=30.27;GPSLongitude=120.15";
    let len = (payload.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
    out
}

/// A PNG whose header claims 30000 x 30000 pixels.
fn huge_png_header() -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&30_000u32.to_be_bytes());
    ihdr.extend_from_slice(&30_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A plain PDF of `pages` pages, plus `extra` objects and catalog entries.
fn pdf_with(pages: usize, catalog_extra: &str, extra: Vec<Vec<u8>>) -> Vec<u8> {
    let first_page = 3 + extra.len();
    let kids: Vec<String> = (0..pages)
        .map(|i| format!("{} 0 R", first_page + i))
        .collect();
    let mut objects = vec![
        format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>").into_bytes(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
    ];
    objects.extend(extra);
    for _ in 0..pages {
        objects.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec());
    }
    pdf(&objects)
}

#[tokio::test]
async fn photos_are_reencoded_without_exif_or_anything_appended_and_pdfs_counted() {
    let app = spawn().await;
    let d = draft(&app).await;
    let photo = with_exif(&jpeg(1600, 1200));
    assert!(contains(&photo, b"Exif") && contains(&photo, b"GPSLatitude"));
    let idem = key();
    let res = upload(
        &app,
        &d,
        &idem,
        "id-card",
        "front",
        ("身份证.jpg", "image/jpeg", &photo),
    )
    .await;
    assert_eq!(res.status(), 201);
    let file = body_json(res).await;
    assert_eq!(file["content_type"], "image/jpeg");
    assert_eq!(
        (file["width"].as_u64(), file["height"].as_u64()),
        (Some(1600), Some(1200))
    );
    // A retry of the same upload is the same file, stored once.
    let res = upload(
        &app,
        &d,
        &idem,
        "id-card",
        "front",
        ("身份证.jpg", "image/jpeg", &photo),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(body_json(res).await["id"], file["id"]);

    let url = file["url"].as_str().unwrap().to_owned();
    let get = |k: Option<String>| {
        let mut req = Request::get(&url);
        if let Some(k) = k {
            req = req.header("x-draft-key", k);
        }
        req.body(Body::empty()).unwrap()
    };
    assert_envelope(app.send(get(None)).await, 403, "forbidden").await;
    let res = app.send(get(Some(d.key.clone()))).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let stored = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(&stored[..3], &[0xFF, 0xD8, 0xFF]);
    assert!(
        !contains(&stored, b"Exif") && !contains(&stored, b"GPSLatitude"),
        "EXIF kept"
    );

    // A JPEG with a ZIP appended (a polyglot) is stored as a plain JPEG.
    let mut polyglot = jpeg(1200, 900);
    polyglot.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x08\x00payload.exe");
    let res = upload(
        &app,
        &d,
        &key(),
        "id-card",
        "back",
        ("back.jpg", "image/jpeg", &polyglot),
    )
    .await;
    assert_eq!(res.status(), 201);
    let back = body_json(res).await;
    let res = app
        .get_with(
            back["url"].as_str().unwrap(),
            &[("x-draft-key", d.key.as_str())],
        )
        .await;
    let stored = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert!(
        !contains(&stored, b"PK\x03\x04"),
        "the appended archive was kept"
    );

    // A clean two-page PDF is kept with its page count.
    let two = pdf_with(2, "", vec![]);
    let res = upload(
        &app,
        &d,
        &key(),
        "articles-of-association",
        "pages",
        ("章程.pdf", "application/pdf", &two),
    )
    .await;
    assert_eq!(res.status(), 201, "{}", body_json(res).await);
    let list = body_json(
        app.get_with(
            &format!("/api/v1/drafts/{}/files", d.token),
            &[("x-draft-key", d.key.as_str())],
        )
        .await,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 3);
    assert_eq!(list.as_array().unwrap()[0]["pages"], 2);
}

/// (material, slot, (file name, declared type, bytes), status, code)
type Case<'a> = (&'a str, &'a str, (&'a str, &'a str, Vec<u8>), u16, &'a str);

#[tokio::test]
async fn hostile_files_are_refused_and_nothing_of_them_is_stored() {
    let app = spawn().await;
    let d = draft(&app).await;
    let png_bytes = {
        let img = image::RgbImage::from_pixel(1000, 1000, image::Rgb([200, 200, 200]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    };
    let good = jpeg(1200, 900);
    let js = pdf_with(
        1,
        "/OpenAction 3 0 R",
        vec![b"<< /S /JavaScript /JS (app.alert(1)) >>".to_vec()],
    );
    let escaped = pdf_with(
        1,
        "/OpenAction 3 0 R",
        vec![b"<< /S /J#61vaScript /JS (app.alert(1)) >>".to_vec()],
    );
    // The action hidden in a compressed object stream: a byte scan of the file sees nothing.
    let hidden = {
        let inner = b"<< /S /J#61vaScript /JS (app.alert(1)) >>";
        let header = b"4 0 ";
        let mut content = header.to_vec();
        content.extend_from_slice(inner);
        // Long enough that the compressor codes it rather than storing it.
        content.extend_from_slice(&[b' '; 400]);
        let data = deflate(&content);
        pdf_with(
            1,
            "/OpenAction 4 0 R",
            vec![pdf_stream(
                &format!(
                    "/Type /ObjStm /N 1 /First {} /Filter /FlateDecode",
                    header.len()
                ),
                &data,
            )],
        )
    };
    assert!(!contains(&hidden, b"JavaScript") && !contains(&hidden, b"J#61vaScript"));
    let launch = pdf_with(1, "/OpenAction << /S /Launch /F (calc.exe) >>", vec![]);
    let embedded = pdf_with(1, "/Names << /EmbeddedFiles << /Names [] >> >>", vec![]);
    let cases: Vec<Case> = vec![
        (
            "id-card",
            "front",
            (
                "a.png",
                "image/png",
                br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_vec(),
            ),
            422,
            "file.type_unknown",
        ),
        (
            "id-card",
            "front",
            ("a.png", "image/png", huge_png_header()),
            422,
            "file.too_many_pixels",
        ),
        (
            "id-card",
            "front",
            ("a.jpg", "image/jpeg", Vec::new()),
            422,
            "file.empty",
        ),
        (
            "id-card",
            "front",
            ("a.jpg", "image/jpeg", good[..good.len() / 3].to_vec()),
            422,
            "file.undecodable",
        ),
        (
            "lease-contract",
            "pages",
            ("合同.pdf", "application/pdf", png_bytes.clone()),
            422,
            "file.type_mismatch",
        ),
        (
            "articles-of-association",
            "pages",
            ("a.jpg", "image/jpeg", good.clone()),
            422,
            "file.type_not_allowed",
        ),
        (
            "articles-of-association",
            "pages",
            ("a.pdf", "application/pdf", js),
            422,
            "file.active_content",
        ),
        (
            "articles-of-association",
            "pages",
            ("a.pdf", "application/pdf", escaped),
            422,
            "file.active_content",
        ),
        (
            "articles-of-association",
            "pages",
            ("a.pdf", "application/pdf", hidden),
            422,
            "file.active_content",
        ),
        (
            "articles-of-association",
            "pages",
            ("a.pdf", "application/pdf", launch),
            422,
            "file.active_content",
        ),
        (
            "articles-of-association",
            "pages",
            ("a.pdf", "application/pdf", embedded),
            422,
            "file.active_content",
        ),
        (
            "articles-of-association",
            "pages",
            ("a.pdf", "application/pdf", b"%PDF-1.7\nnot really".to_vec()),
            422,
            "file.undecodable",
        ),
        (
            "id-card",
            "front",
            ("a.pdf", "application/pdf", pdf_with(3, "", vec![])),
            422,
            "file.too_many_pages",
        ),
        (
            "id-card",
            "front",
            ("big.jpg", "image/jpeg", vec![0xFF; 6 * 1024 * 1024]),
            413,
            "file.too_large",
        ),
        (
            "id-card",
            "side",
            ("a.jpg", "image/jpeg", good.clone()),
            422,
            "file.slot_unknown",
        ),
        (
            "marriage-certificate",
            "pages",
            ("a.jpg", "image/jpeg", good.clone()),
            422,
            "file.material_unknown",
        ),
    ];
    for (i, (material, slot, (name, ct, bytes), status, code)) in cases.into_iter().enumerate() {
        let res = upload(&app, &d, &key(), material, slot, (name, ct, &bytes)).await;
        assert_eq!(res.status().as_u16(), status, "case {i} ({code})");
        let err: Value = body_json(res).await;
        assert_eq!(err["error"]["fields"][0]["code"], code, "case {i}: {err}");
    }
    assert!(
        app.state
            .storage
            .files_of_draft(&d.token)
            .await
            .unwrap()
            .is_empty()
    );
    // Nothing was written to the object store either.
    let objects = app.state.config.files_dir.join("files");
    assert!(!objects.exists() || std::fs::read_dir(&objects).unwrap().next().is_none());
}

#[tokio::test]
async fn an_expired_drafts_documents_are_deleted_with_it() {
    let app = spawn().await;
    let d = draft(&app).await;
    let res = upload(
        &app,
        &d,
        &key(),
        "id-card",
        "front",
        ("a.jpg", "image/jpeg", &jpeg(1200, 900)),
    )
    .await;
    assert_eq!(res.status(), 201);
    let objects = app.state.config.files_dir.join("files");
    assert_eq!(std::fs::read_dir(&objects).unwrap().count(), 1);
    // 31 days later the purge job deletes the draft, the row and the bytes.
    app.clock.set(onetrip_server::clock::Timestamp(
        common::NOW.0 + 31 * 24 * 3600 * 1000,
    ));
    let purged = onetrip_server::routes::drafts::purge_once(&app.state)
        .await
        .unwrap();
    assert_eq!(purged, 1);
    assert!(
        app.state
            .storage
            .files_of_draft(&d.token)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(std::fs::read_dir(&objects).unwrap().count(), 0);
}

#[tokio::test]
async fn the_files_of_a_side_are_put_in_the_order_the_applicant_chose() {
    let app = spawn().await;
    let d = draft(&app).await;
    let uri = format!("/api/v1/drafts/{}/files", d.token);
    let headers = [("x-draft-key", d.key.as_str())];
    let mut ids = Vec::new();
    for seed in 1..=3 {
        let pdf = common::small_pdf(seed);
        let res = common::upload_to(
            &app,
            &uri,
            &headers,
            "articles-of-association",
            "pages",
            ("a.pdf", "application/pdf", &pdf),
        )
        .await;
        assert_eq!(res.status(), 201);
        ids.push(body_json(res).await["id"].as_str().unwrap().to_owned());
    }
    let put = |files: Vec<&str>| {
        let body = json!({"material": "articles-of-association", "slot": "pages", "files": files});
        Request::put(format!("/api/v1/drafts/{}/files/order", d.token))
            .header("content-type", "application/json")
            .header("sec-fetch-site", "same-origin")
            .header("x-draft-key", &d.key)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let res = app.send(put(vec![&ids[2], &ids[0], &ids[1]])).await;
    assert_eq!(res.status(), 204);
    let list = body_json(app.get_with(&uri, &[("x-draft-key", d.key.as_str())]).await).await;
    let order: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(order, [ids[2].as_str(), &ids[0], &ids[1]]);
    // A list that leaves one out, or names one twice, changes nothing.
    for wrong in [vec![&ids[0][..], &ids[1]], vec![&ids[0], &ids[0], &ids[1]]] {
        let res = app.send(put(wrong)).await;
        let err = assert_envelope(res, 409, "conflict").await;
        assert_eq!(err["error"]["fields"][0]["code"], "files.order_mismatch");
    }
}

/// Bodies that are not an upload as the app sends it get the envelope, and nothing is kept:
/// not multipart 415 (axum answered in plain text), no boundary 400, a body cut off inside the
/// file 400 (it was a 413, "too large"), a field besides material, slot and file 422.
#[tokio::test]
async fn malformed_uploads_get_the_envelope_and_store_nothing() {
    let app = spawn().await;
    let d = draft(&app).await;
    let uri = format!("/api/v1/drafts/{}/files", d.token);
    let post = |content_type: Option<&str>, body: Vec<u8>| {
        let mut req = Request::post(&uri)
            .header("sec-fetch-site", "same-origin")
            .header("x-draft-key", &d.key)
            .header("idempotency-key", key());
        if let Some(t) = content_type {
            req = req.header("content-type", t);
        }
        req.body(Body::from(body)).unwrap()
    };
    for t in [None, Some("application/json"), Some("text/plain")] {
        let res = app.send(post(t, b"{}".to_vec())).await;
        assert_envelope(res, 415, "unsupported_media_type").await;
    }
    let res = app
        .send(post(Some("multipart/form-data"), b"--x--\r\n".to_vec()))
        .await;
    assert_envelope(res, 400, "bad_request").await;

    let boundary = "onetrip-test-boundary";
    let part = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let multipart = format!("multipart/form-data; boundary={boundary}");
    let mut cut = part("material", "articles-of-association") + &part("slot", "pages");
    cut += &format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    );
    let mut cut = cut.into_bytes();
    cut.extend_from_slice(&common::small_pdf(1)[..40]);
    let res = app.send(post(Some(&multipart), cut)).await;
    assert_envelope(res, 400, "bad_request").await;

    let extra = part("material", "articles-of-association")
        + &part("note", "hello")
        + &format!("--{boundary}--\r\n");
    let res = app.send(post(Some(&multipart), extra.into_bytes())).await;
    let err = assert_envelope(res, 422, "validation").await;
    assert_eq!(
        common::field_codes(&err),
        [("form".to_owned(), "field.unknown".to_owned())]
    );

    let list = app.get_with(&uri, &[("x-draft-key", d.key.as_str())]).await;
    assert_eq!(body_json(list).await, json!([]));
}
