//! The object store and the files table agree, whichever instance answers: an upload's bytes
//! are stored before the row that names them, so a retry after the store failed stores them
//! (it does not find a row without bytes), and a retry after success leaves one object.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use common::{body_json, plain_jpeg, spawn};
use tower::ServiceExt;

/// Files (not folders) under `dir`, at any depth.
fn count_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    count_files(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

async fn upload(router: &axum::Router, token: &str, key: &str, idem: &str) -> u16 {
    let boundary = "----onetrip-test-boundary";
    let mut body = Vec::new();
    for (field, value) in [("material", "id-card"), ("slot", "front")] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(&plain_jpeg(1000, 860, 7));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post(format!("/api/v1/drafts/{token}/files"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("sec-fetch-site", "same-origin")
        .header("x-draft-key", key)
        .header("idempotency-key", idem)
        .body(Body::from(body))
        .unwrap();
    router.clone().oneshot(req).await.unwrap().status().as_u16()
}

/// The status with which the draft's first listed file is served back to its holder.
async fn first_file_served(app: &common::TestApp, token: &str, key: &str) -> u16 {
    let list = body_json(
        app.get_with(
            &format!("/api/v1/drafts/{token}/files"),
            &[("x-draft-key", key)],
        )
        .await,
    )
    .await;
    let id = list[0]["id"].as_str().unwrap();
    app.get_with(
        &format!("/api/v1/drafts/{token}/files/{id}"),
        &[("x-draft-key", key)],
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_retried_after_the_store_failed_is_stored_with_its_bytes() {
    let app = spawn().await;
    let (token, key) = common::create_draft(&app, &common::startup_with_consent()).await;
    let idem = common::key();

    // Another instance whose store cannot write (a file where its folder should be).
    let broken = common::temp_dir();
    std::fs::write(broken.join("files"), b"not a folder").unwrap();
    let mut state = app.state.clone();
    state.files = Arc::new(object_store::local::LocalFileSystem::new_with_prefix(&broken).unwrap());
    let other = onetrip_server::router(state);
    assert_eq!(upload(&other, &token, &key, &idem).await, 503);

    // The retry reaches a working instance: stored now, bytes and all.
    assert_eq!(upload(&app.router, &token, &key, &idem).await, 201);
    let files = app.state.config.files_dir.join("files");
    assert_eq!(count_files(&files), 1);
    assert_eq!(first_file_served(&app, &token, &key).await, 200);

    // Retried once more after it went through: the first answer, and still one object.
    assert_eq!(upload(&app.router, &token, &key, &idem).await, 200);
    assert_eq!(count_files(&files), 1);
    std::fs::remove_dir_all(broken).unwrap();
}

/// Bytes that no row names (a crash between storing them and writing the row) are swept once
/// they are older than the grace period; the documents of drafts and applications stay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orphaned_bytes_are_swept_and_linked_ones_stay() {
    use object_store::ObjectStoreExt;
    let app = spawn().await;
    let (token, key) = common::create_draft(&app, &common::startup_with_consent()).await;
    assert_eq!(upload(&app.router, &token, &key, &common::key()).await, 201);
    let orphan = object_store::path::Path::from("files/ORPHAN0000000000000000000");
    app.state
        .files
        .put(&orphan, b"left by a crash".to_vec().into())
        .await
        .unwrap();
    let files = app.state.config.files_dir.join("files");
    assert_eq!(count_files(&files), 2);

    // Younger than the grace period: an upload may be writing its row right now.
    let swept = onetrip_server::routes::files::sweep_orphans(
        &app.state,
        onetrip_server::routes::files::ORPHAN_GRACE,
    )
    .await
    .unwrap();
    assert_eq!(swept, 0);
    assert_eq!(count_files(&files), 2);

    // Past it: the orphan goes, the draft's document stays and is still served.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let swept = onetrip_server::routes::files::sweep_orphans(&app.state, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(swept, 1);
    assert_eq!(count_files(&files), 1);
    assert!(app.state.files.head(&orphan).await.is_err());
    assert_eq!(first_file_served(&app, &token, &key).await, 200);
}
