//! One story against each backend: SQLite always, PostgreSQL when `ONETRIP_TEST_POSTGRES_URL`
//! names a server (`cargo xtask test` starts one). Under `CI=true` a missing PostgreSQL fails.

mod common;

use std::sync::Arc;

use onetrip_server::clock::Timestamp;
use onetrip_server::storage::{
    self, ChecklistRow, FeedbackRecord, Inserted, Storage, StorageError,
};

fn feedback(id: &str, fingerprint: &str) -> FeedbackRecord {
    FeedbackRecord {
        id: id.to_owned(),
        fingerprint: fingerprint.to_owned(),
        page: "/".to_owned(),
        useful: false,
        comment: Some("材料清单很清楚".to_owned()),
        created_at: Timestamp(1_000),
    }
}

fn checklist_row(id: &str, key: &str) -> ChecklistRow {
    ChecklistRow {
        id: id.to_owned(),
        idempotency_key: key.to_owned(),
        fingerprint: "f1".to_owned(),
        subject_kind: "bundle".to_owned(),
        subject_code: "company-startup".to_owned(),
        answers: r#"{"has_seal":"yes"}"#.to_owned(),
        catalog_version: "aaaa".to_owned(),
        checklist: r#"{"name":"企业开办","matters":[]}"#.to_owned(),
        created_at: Timestamp(3_000),
    }
}

/// Checklists: idempotent by key, a taken id told apart from a retry, read back exactly.
async fn checklist_story(db: &dyn Storage) {
    let first = checklist_row("7KQ2M9XA3T", "key-1");
    assert_eq!(
        db.insert_checklist(first.clone()).await.unwrap(),
        Inserted::New(first.clone())
    );
    // A retry draws a new id; the key finds the first write.
    let retry = ChecklistRow {
        fingerprint: "f2".to_owned(),
        ..checklist_row("00000000AA", "key-1")
    };
    assert_eq!(
        db.insert_checklist(retry).await.unwrap(),
        Inserted::Existing(first.clone())
    );
    // Another request whose random id happens to be taken.
    assert!(matches!(
        db.insert_checklist(checklist_row("7KQ2M9XA3T", "key-2"))
            .await,
        Err(StorageError::IdTaken)
    ));
    assert_eq!(db.checklist_count().await.unwrap(), 1);
    // Exactly as written, JSON text included.
    assert_eq!(db.checklist("7KQ2M9XA3T").await.unwrap(), Some(first));
    assert_eq!(db.checklist("ZZZZZZZZZZ").await.unwrap(), None);
}

/// What every backend must do the same way.
async fn story(open: impl AsyncFn() -> Arc<dyn Storage>) {
    let db = open().await;
    db.ping().await.unwrap();

    assert!(
        db.record_catalog_version("aaaa", Timestamp(10))
            .await
            .unwrap()
    );
    assert!(
        !db.record_catalog_version("aaaa", Timestamp(20))
            .await
            .unwrap()
    );
    assert!(
        db.record_catalog_version("bbbb", Timestamp(30))
            .await
            .unwrap()
    );
    let versions = db.catalog_versions().await.unwrap();
    assert_eq!(
        versions,
        vec![
            ("bbbb".to_owned(), Timestamp(30), Timestamp(30)),
            ("aaaa".to_owned(), Timestamp(10), Timestamp(20)),
        ]
    );

    let first = feedback("k1", "f1");
    assert_eq!(
        db.insert_feedback(first.clone()).await.unwrap(),
        Inserted::New(first.clone())
    );
    // The same key again returns what was stored first, whatever the second attempt carried.
    let retry = FeedbackRecord {
        created_at: Timestamp(2_000),
        ..feedback("k1", "f2")
    };
    assert_eq!(
        db.insert_feedback(retry).await.unwrap(),
        Inserted::Existing(first)
    );
    assert_eq!(db.feedback_count().await.unwrap(), 1);

    checklist_story(db.as_ref()).await;

    // Reopening runs the migrations again, harmlessly, and keeps the data.
    drop(db);
    let db = open().await;
    assert_eq!(db.feedback_count().await.unwrap(), 1);
    assert_eq!(db.checklist_count().await.unwrap(), 1);
    assert_eq!(db.catalog_versions().await.unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_story() {
    let dir = common::temp_dir();
    let url = format!("sqlite://{}/nested/dir/story.db", dir.display());
    story(async || storage::open(&url).await.unwrap()).await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_is_durable_by_configuration() {
    let dir = common::temp_dir();
    let db = storage::open(&format!("sqlite://{}/d.db", dir.display()))
        .await
        .unwrap();
    let settings = db.settings().await.unwrap();
    assert!(
        settings.contains(&("journal_mode".to_owned(), "wal".to_owned())),
        "{settings:?}"
    );
    assert!(
        settings.contains(&("synchronous".to_owned(), "2".to_owned())),
        "FULL: {settings:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_group_commit_keeps_every_write() {
    let dir = common::temp_dir();
    let db = storage::open(&format!("sqlite://{}/g.db", dir.display()))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..500 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.insert_feedback(feedback(&format!("key-{}", i % 250), "f"))
                .await
                .unwrap()
        }));
    }
    let mut new = 0;
    for t in tasks {
        if matches!(t.await.unwrap(), Inserted::New(_)) {
            new += 1;
        }
    }
    assert_eq!(new, 250);
    assert_eq!(db.feedback_count().await.unwrap(), 250);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_database_url_is_refused() {
    assert!(storage::open("mysql://localhost/x").await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_story() {
    let Some(server) = common::postgres_server() else {
        return;
    };
    let url = common::fresh_postgres_database(&server).await;
    story(async || storage::open(&url).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_concurrent_inserts_keep_one_per_key() {
    let Some(server) = common::postgres_server() else {
        return;
    };
    let db = storage::open(&common::fresh_postgres_database(&server).await)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.insert_feedback(feedback(&format!("key-{}", i % 20), "f"))
                .await
                .unwrap()
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(db.feedback_count().await.unwrap(), 20);

    // And checklists: many retries of one request at once, one row.
    let mut tasks = Vec::new();
    for i in 0..50 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("{i:0>10}");
            db.insert_checklist(checklist_row(&id, "one-key"))
                .await
                .unwrap()
        }));
    }
    let mut new = 0;
    for t in tasks {
        if matches!(t.await.unwrap(), Inserted::New(_)) {
            new += 1;
        }
    }
    assert_eq!(new, 1);
    assert_eq!(db.checklist_count().await.unwrap(), 1);
}
