//! One story against each backend: SQLite always, PostgreSQL when `ONETRIP_TEST_POSTGRES_URL`
//! names a server (`cargo xtask test` starts one). Under `CI=true` a missing PostgreSQL fails.

mod common;

use std::sync::Arc;

use onetrip_server::clock::Timestamp;
use onetrip_server::storage::{
    self, ApplicationRow, ChecklistRow, DraftRow, FeedbackRecord, FileRow, Inserted,
    MaterialRequestRow, Storage, StorageError,
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

fn draft_row(token: &str, key: &str) -> DraftRow {
    DraftRow {
        token: token.to_owned(),
        idempotency_key: key.to_owned(),
        fingerprint: "f1".to_owned(),
        key_hash: "a".repeat(64),
        subject_kind: "matter".to_owned(),
        subject_code: "company-registration".to_owned(),
        answers: r#"{"limited":"yes"}"#.to_owned(),
        data: r#"{"fields":{"company.name":"杭州一次办科技有限公司"}}"#.to_owned(),
        form: r#"{"sections":[]}"#.to_owned(),
        catalog_version: "aaaa".to_owned(),
        factor_kind: String::new(),
        factor_hash: None,
        failed_opens: 0,
        locked_until: None,
        created_at: Timestamp(5_000),
        saved_at: Timestamp(5_000),
        expires_at: Timestamp(100_000),
    }
}

fn application_row(number: &str, key: &str) -> ApplicationRow {
    ApplicationRow {
        number: number.to_owned(),
        idempotency_key: key.to_owned(),
        fingerprint: "f1".to_owned(),
        subject_kind: "matter".to_owned(),
        subject_code: "company-registration".to_owned(),
        answers: r#"{"limited":"yes"}"#.to_owned(),
        data: r#"{"fields":{"company.name":"杭州一次办科技有限公司"}}"#.to_owned(),
        receipt: r#"{"number":"A1","matters":[]}"#.to_owned(),
        catalog_version: "aaaa".to_owned(),
        created_at: Timestamp(9_000),
        key_hash: Some("b".repeat(64)),
        factor_kind: "pin".to_owned(),
        factor_salt: Some("SALT".to_owned()),
        factor_hash: Some("c".repeat(64)),
        failed_opens: 0,
        locked_until: None,
        status: "pre_review".to_owned(),
        version: 0,
        updated_at: None,
        accept_by: Some("2026-03-03".to_owned()),
        due_on: Some("2026-03-10".to_owned()),
    }
}

/// Drafts: idempotent by key, a taken token told apart from a retry, updated in place, purged
/// once expired.
async fn draft_story(db: &dyn Storage) {
    let first = draft_row("TOKEN-1", "draft-key-1");
    assert_eq!(
        db.insert_draft(first.clone()).await.unwrap(),
        Inserted::New(first.clone())
    );
    // The same request again.
    assert_eq!(
        db.insert_draft(first.clone()).await.unwrap(),
        Inserted::Existing(first.clone())
    );
    // A retry draws a new token; the key finds the first write.
    let retry = DraftRow {
        fingerprint: "f2".to_owned(),
        ..draft_row("TOKEN-X", "draft-key-1")
    };
    assert_eq!(
        db.insert_draft(retry).await.unwrap(),
        Inserted::Existing(first.clone())
    );
    assert_eq!(db.draft("TOKEN-X").await.unwrap(), None);
    // Another request whose random token happens to be taken.
    assert!(matches!(
        db.insert_draft(draft_row("TOKEN-1", "draft-key-2")).await,
        Err(StorageError::IdTaken)
    ));
    assert_eq!(db.draft_count().await.unwrap(), 1);
    assert_eq!(db.draft("TOKEN-1").await.unwrap(), Some(first.clone()));
    assert_eq!(db.draft("NO-SUCH").await.unwrap(), None);

    // Saving replaces everything but the token, key, fingerprint and creation time.
    let saved = DraftRow {
        idempotency_key: "ignored".to_owned(),
        fingerprint: "ignored".to_owned(),
        key_hash: "b".repeat(64),
        answers: r#"{"limited":"no"}"#.to_owned(),
        data: r#"{"fields":{"applicant.id_number":"11010519491231002X"}}"#.to_owned(),
        form: r#"{"sections":[{"key":"applicant"}]}"#.to_owned(),
        catalog_version: "bbbb".to_owned(),
        factor_kind: "id".to_owned(),
        factor_hash: Some("c".repeat(64)),
        failed_opens: 3,
        locked_until: Some(Timestamp(60_000)),
        created_at: Timestamp(1),
        saved_at: Timestamp(50_000),
        expires_at: Timestamp(200_000),
        ..first.clone()
    };
    assert!(db.update_draft(saved.clone()).await.unwrap());
    let expected = DraftRow {
        idempotency_key: first.idempotency_key.clone(),
        fingerprint: first.fingerprint.clone(),
        created_at: first.created_at,
        ..saved.clone()
    };
    assert_eq!(db.draft("TOKEN-1").await.unwrap(), Some(expected.clone()));
    // Back to no lock and no factor: the NULLs round-trip too.
    let cleared = DraftRow {
        factor_kind: "pin".to_owned(),
        failed_opens: 0,
        locked_until: None,
        ..expected.clone()
    };
    assert!(db.update_draft(cleared.clone()).await.unwrap());
    assert_eq!(db.draft("TOKEN-1").await.unwrap(), Some(cleared));
    // Purged or submitted: nothing to update, nothing created.
    assert!(!db.update_draft(draft_row("NO-SUCH", "k")).await.unwrap());
    assert_eq!(db.draft_count().await.unwrap(), 1);

    // Purging removes only what expired before `now`.
    for (token, expires) in [("OLD-1", 10_000), ("OLD-2", 20_000), ("EDGE", 30_000)] {
        let row = DraftRow {
            expires_at: Timestamp(expires),
            ..draft_row(token, &format!("key-{token}"))
        };
        db.insert_draft(row).await.unwrap();
    }
    assert_eq!(db.draft_count().await.unwrap(), 4);
    assert_eq!(db.purge_drafts(Timestamp(30_000)).await.unwrap(), 2);
    assert_eq!(db.draft("OLD-1").await.unwrap(), None);
    assert_eq!(db.draft("OLD-2").await.unwrap(), None);
    assert!(db.draft("EDGE").await.unwrap().is_some());
    assert!(db.draft("TOKEN-1").await.unwrap().is_some());
    assert_eq!(db.purge_drafts(Timestamp(30_000)).await.unwrap(), 0);
    assert_eq!(db.purge_drafts(Timestamp(30_001)).await.unwrap(), 1);
    assert_eq!(db.draft_count().await.unwrap(), 1);
}

/// Applications: idempotent by key; submitting ends the draft, a retry ends nothing.
async fn application_story(db: &dyn Storage) {
    db.insert_draft(draft_row("SUBMIT-1", "draft-submit-1"))
        .await
        .unwrap();
    db.insert_draft(draft_row("SUBMIT-2", "draft-submit-2"))
        .await
        .unwrap();
    let drafts = db.draft_count().await.unwrap();

    let first = application_row("7KQ2M9XA3T", "app-key-1");
    assert_eq!(
        db.insert_application(
            first.clone(),
            Some("SUBMIT-1".to_owned()),
            vec![],
            vec![],
            vec![]
        )
        .await
        .unwrap(),
        Inserted::New(first.clone())
    );
    assert_eq!(db.draft("SUBMIT-1").await.unwrap(), None);
    assert_eq!(db.draft_count().await.unwrap(), drafts - 1);

    // A retry with a new number (and, here, another draft) finds the first write and deletes
    // nothing.
    let retry = ApplicationRow {
        fingerprint: "f2".to_owned(),
        ..application_row("00000000AA", "app-key-1")
    };
    assert_eq!(
        db.insert_application(retry, Some("SUBMIT-2".to_owned()), vec![], vec![], vec![])
            .await
            .unwrap(),
        Inserted::Existing(first.clone())
    );
    assert!(db.draft("SUBMIT-2").await.unwrap().is_some());
    assert_eq!(db.draft_count().await.unwrap(), drafts - 1);

    // Another request whose random number happens to be taken: nothing written, nothing deleted.
    assert!(matches!(
        db.insert_application(
            application_row("7KQ2M9XA3T", "app-key-2"),
            Some("SUBMIT-2".to_owned()),
            vec![],
            vec![],
            vec![],
        )
        .await,
        Err(StorageError::IdTaken)
    ));
    assert!(db.draft("SUBMIT-2").await.unwrap().is_some());

    // Without a draft, or naming one already gone.
    let second = application_row("8MR3N0YB4V", "app-key-3");
    assert_eq!(
        db.insert_application(second.clone(), None, vec![], vec![], vec![])
            .await
            .unwrap(),
        Inserted::New(second.clone())
    );
    let third = application_row("9NS4P1ZC5W", "app-key-4");
    assert_eq!(
        db.insert_application(
            third.clone(),
            Some("SUBMIT-1".to_owned()),
            vec![],
            vec![],
            vec![]
        )
        .await
        .unwrap(),
        Inserted::New(third)
    );
    assert_eq!(db.draft_count().await.unwrap(), drafts - 1);

    assert_eq!(db.application_count().await.unwrap(), 3);
    // Exactly as written, JSON text included.
    assert_eq!(db.application("7KQ2M9XA3T").await.unwrap(), Some(first));
    assert_eq!(db.application("8MR3N0YB4V").await.unwrap(), Some(second));
    assert_eq!(db.application("ZZZZZZZZZZ").await.unwrap(), None);
}

fn file_row(id: &str, key: &str) -> FileRow {
    FileRow {
        id: id.to_owned(),
        idempotency_key: key.to_owned(),
        draft_token: Some("FILE-DRAFT".to_owned()),
        application: None,
        material: "id-card".to_owned(),
        slot: "front".to_owned(),
        position: 0,
        content_type: "image/jpeg".to_owned(),
        bytes: 245_760,
        sha256: "d".repeat(64),
        pages: None,
        width: Some(1600),
        height: Some(1008),
        object: "objects/3f/3f9c2a7e1b4d".to_owned(),
        created_at: Timestamp(11_000),
        handed_in_at: None,
    }
}

/// Files: idempotent by key, a taken id told apart from a retry, read back with every field,
/// listed per draft in order, deleted once.
async fn file_story(db: &dyn Storage) {
    let first = file_row("F0000000000000A1", "file-key-1");
    assert_eq!(
        db.insert_file(first.clone()).await.unwrap(),
        Inserted::New(first.clone())
    );
    // The same request again, then a retry that drew a new id: the key finds the first write.
    assert_eq!(
        db.insert_file(first.clone()).await.unwrap(),
        Inserted::Existing(first.clone())
    );
    let retry = FileRow {
        created_at: Timestamp(12_000),
        ..file_row("F0000000000000A2", "file-key-1")
    };
    assert_eq!(
        db.insert_file(retry).await.unwrap(),
        Inserted::Existing(first.clone())
    );
    assert_eq!(db.file("F0000000000000A2").await.unwrap(), None);
    // Another upload whose random id happens to be taken.
    assert!(matches!(
        db.insert_file(file_row("F0000000000000A1", "file-key-2"))
            .await,
        Err(StorageError::IdTaken)
    ));
    assert_eq!(
        db.files_of_draft("FILE-DRAFT").await.unwrap(),
        vec![first.clone()]
    );
    // Which stored names a row names (the rest are orphans to sweep).
    let names = [
        first.object.clone(),
        "files/NOBODY".to_owned(),
        "it's \"quoted\"".to_owned(),
    ];
    assert_eq!(
        db.linked_objects(&names).await.unwrap(),
        vec![first.object.clone()]
    );
    assert_eq!(db.linked_objects(&[]).await.unwrap(), Vec::<String>::new());

    // Every field round-trips, NULLs and values beyond 32 bits included.
    let pdf = FileRow {
        application: Some("7KQ2M9XA3T".to_owned()),
        material: "articles-of-association".to_owned(),
        slot: "pages".to_owned(),
        position: 2,
        content_type: "application/pdf".to_owned(),
        bytes: 5_000_000_000,
        pages: Some(12),
        width: None,
        height: None,
        object: "objects/a0/a07d5e".to_owned(),
        ..file_row("F0000000000000B1", "file-key-3")
    };
    assert_eq!(
        db.insert_file(pdf.clone()).await.unwrap(),
        Inserted::New(pdf.clone())
    );
    assert_eq!(
        db.file("F0000000000000B1").await.unwrap(),
        Some(pdf.clone())
    );
    assert_eq!(
        db.file("F0000000000000A1").await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(db.file("FZZZZZZZZZZZZZZZ").await.unwrap(), None);

    // A draft's files by material, slot (front, back, pages), position, then upload time; another
    // draft's files are not listed.
    let row = |id: &str, material: &str, slot: &str, position: u32, at: i64| FileRow {
        material: material.to_owned(),
        slot: slot.to_owned(),
        position,
        created_at: Timestamp(at),
        ..file_row(id, &format!("key-{id}"))
    };
    let back = row("F0000000000000C1", "id-card", "back", 0, 10_000);
    let page1_late = row(
        "F0000000000000C2",
        "articles-of-association",
        "pages",
        1,
        20_000,
    );
    let page1_early = row(
        "F0000000000000C3",
        "articles-of-association",
        "pages",
        1,
        15_000,
    );
    let page0 = row(
        "F0000000000000C4",
        "articles-of-association",
        "pages",
        0,
        30_000,
    );
    let elsewhere = FileRow {
        draft_token: Some("OTHER-DRAFT".to_owned()),
        ..row("F0000000000000C5", "business-licence", "pages", 0, 1_000)
    };
    for f in [&back, &page1_late, &page1_early, &page0, &elsewhere] {
        assert_eq!(
            db.insert_file(f.clone()).await.unwrap(),
            Inserted::New(f.clone())
        );
    }
    assert_eq!(
        db.files_of_draft("FILE-DRAFT").await.unwrap(),
        vec![
            page0.clone(),
            page1_early.clone(),
            page1_late.clone(),
            pdf.clone(),
            first.clone(),
            back.clone()
        ]
    );
    assert_eq!(
        db.files_of_draft("OTHER-DRAFT").await.unwrap(),
        vec![elsewhere]
    );
    assert_eq!(db.files_of_draft("NO-SUCH").await.unwrap(), vec![]);

    // Put in another order: numbered 0, 1, 2 as given, all at once.
    db.order_files(vec![
        page1_late.id.clone(),
        page0.id.clone(),
        page1_early.id.clone(),
    ])
    .await
    .unwrap();
    let positions: Vec<(String, u32)> = db
        .files_of_draft("FILE-DRAFT")
        .await
        .unwrap()
        .into_iter()
        .filter(|f| [&page0.id, &page1_early.id, &page1_late.id].contains(&&f.id))
        .map(|f| (f.id, f.position))
        .collect();
    assert_eq!(
        positions,
        vec![
            (page1_late.id.clone(), 0),
            (page0.id.clone(), 1),
            (page1_early.id.clone(), 2)
        ]
    );

    // Deleted once; the draft's other files stay.
    assert!(db.delete_file("F0000000000000C1").await.unwrap());
    assert!(!db.delete_file("F0000000000000C1").await.unwrap());
    assert!(!db.delete_file("FZZZZZZZZZZZZZZZ").await.unwrap());
    assert_eq!(db.file("F0000000000000C1").await.unwrap(), None);
    assert_eq!(db.files_of_draft("FILE-DRAFT").await.unwrap().len(), 5);

    // No foreign key: a file outlives its draft when the draft is submitted.
    db.insert_draft(draft_row("FILE-SUBMIT", "draft-file-submit"))
        .await
        .unwrap();
    let attached = FileRow {
        draft_token: Some("FILE-SUBMIT".to_owned()),
        ..file_row("F0000000000000D1", "file-key-4")
    };
    db.insert_file(attached.clone()).await.unwrap();
    db.insert_application(
        application_row("FILEAPP001", "app-file-key"),
        Some("FILE-SUBMIT".to_owned()),
        vec![],
        vec![],
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(db.draft("FILE-SUBMIT").await.unwrap(), None);
    // ... and now belongs to the application.
    let attached = FileRow {
        application: Some("FILEAPP001".to_owned()),
        ..attached
    };
    assert_eq!(db.file("F0000000000000D1").await.unwrap(), Some(attached));
}

/// Many retries of one submission at once: one row, and every caller is told the same number.
async fn concurrent_applications(db: Arc<dyn Storage>) {
    db.insert_draft(draft_row("RACE-DRAFT", "race-draft-key"))
        .await
        .unwrap();
    let drafts = db.draft_count().await.unwrap();
    let applications = db.application_count().await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..50 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let number = format!("R{i:0>9}");
            db.insert_application(
                application_row(&number, "race-key"),
                Some("RACE-DRAFT".to_owned()),
                vec![],
                vec![],
                vec![],
            )
            .await
            .unwrap()
        }));
    }
    let mut new = 0;
    let mut numbers = std::collections::BTreeSet::new();
    for t in tasks {
        let row = match t.await.unwrap() {
            Inserted::New(row) => {
                new += 1;
                row
            }
            Inserted::Existing(row) => row,
        };
        numbers.insert(row.number);
    }
    assert_eq!(new, 1);
    assert_eq!(numbers.len(), 1, "{numbers:?}");
    assert_eq!(db.application_count().await.unwrap(), applications + 1);
    assert_eq!(db.draft("RACE-DRAFT").await.unwrap(), None);
    assert_eq!(db.draft_count().await.unwrap(), drafts - 1);
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

    // The digest key the instances share when the environment gives none: the first made is
    // kept, whoever asks later (another instance, a restart) gets it.
    assert_eq!(db.secret("s", "first").await.unwrap(), "first");
    assert_eq!(db.secret("s", "second").await.unwrap(), "first");
    let key = onetrip_server::shared_digest_key(db.as_ref())
        .await
        .unwrap();
    assert_eq!(
        onetrip_server::shared_digest_key(open().await.as_ref())
            .await
            .unwrap(),
        key
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
    draft_story(db.as_ref()).await;
    application_story(db.as_ref()).await;
    file_story(db.as_ref()).await;

    // Reopening runs the migrations again, harmlessly, and keeps the data.
    drop(db);
    let db = open().await;
    assert_eq!(db.feedback_count().await.unwrap(), 1);
    assert_eq!(db.checklist_count().await.unwrap(), 1);
    assert_eq!(db.catalog_versions().await.unwrap().len(), 2);
    assert_eq!(db.draft_count().await.unwrap(), 2);
    assert_eq!(db.application_count().await.unwrap(), 4);
    assert_eq!(db.files_of_draft("FILE-DRAFT").await.unwrap().len(), 5);
    file_lifecycle_story(db.as_ref()).await;
    request_story(db.as_ref()).await;
}

fn request_row(id: &str, material: &str, at: i64) -> MaterialRequestRow {
    MaterialRequestRow {
        id: id.to_owned(),
        application: String::new(),
        material: material.to_owned(),
        kind: "deferred".to_owned(),
        reason: None,
        department: Some("amr".to_owned()),
        requested_at: Timestamp(at),
        due_on: "2026-12-01".to_owned(),
        resolved_at: None,
    }
}

/// 容缺 and 补正: requests written with their application in one transaction (a taken request
/// id undoes the whole submission), the application key and lock updated, files uploaded after
/// submission (no draft) handed in with the requests they answer.
async fn request_story(db: &dyn Storage) {
    let app = application_row("REQAPP0001", "req-app-key");
    // A taken request id fails the submission as a whole: no application, no request.
    let clash = vec![
        request_row("RTAKEN", "lease", 1),
        request_row("RTAKEN", "lease", 2),
    ];
    assert!(matches!(
        db.insert_application(app.clone(), None, clash, vec![], vec![])
            .await,
        Err(StorageError::IdTaken)
    ));
    assert_eq!(db.application("REQAPP0001").await.unwrap(), None);
    assert!(db.material_requests("REQAPP0001").await.unwrap().is_empty());

    let requests = vec![
        request_row("R1", "lease", 10),
        request_row("R2", "seal", 10),
    ];
    assert_eq!(
        db.insert_application(app.clone(), None, requests, vec![], vec![])
            .await
            .unwrap(),
        Inserted::New(app.clone())
    );
    assert_eq!(
        db.application_by_key("req-app-key").await.unwrap(),
        Some(app.clone())
    );
    let stored = db.material_requests("REQAPP0001").await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|r| r.application == "REQAPP0001"));
    // A department's correction, later.
    db.insert_material_request(MaterialRequestRow {
        application: "REQAPP0001".to_owned(),
        kind: "correction".to_owned(),
        reason: Some("复印件不清晰".to_owned()),
        ..request_row("R3", "id-card", 20)
    })
    .await
    .unwrap();
    assert!(matches!(
        db.insert_material_request(MaterialRequestRow {
            application: "REQAPP0001".to_owned(),
            ..request_row("R3", "id-card", 30)
        })
        .await,
        Err(StorageError::IdTaken)
    ));

    // Access: a new key, a lock.
    let locked = ApplicationRow {
        key_hash: Some("e".repeat(64)),
        failed_opens: 2,
        locked_until: Some(Timestamp(99)),
        ..app.clone()
    };
    assert!(db.update_application_access(locked.clone()).await.unwrap());
    assert_eq!(db.application("REQAPP0001").await.unwrap(), Some(locked));

    // A file uploaded to the application after submission belongs to no draft.
    let late = FileRow {
        draft_token: None,
        application: Some("REQAPP0001".to_owned()),
        material: "lease".to_owned(),
        slot: "pages".to_owned(),
        ..file_row("FLATE0001", "late-upload")
    };
    db.insert_file(late.clone()).await.unwrap();
    assert_eq!(
        db.files_of_application("REQAPP0001").await.unwrap(),
        vec![late.clone()]
    );
    assert_eq!(
        db.resolve_requests(
            "REQAPP0001",
            vec!["R1".to_owned(), "R9".to_owned()],
            vec!["lease".to_owned()],
            Timestamp(50)
        )
        .await
        .unwrap(),
        1
    );
    // Resolving again changes nothing.
    assert_eq!(
        db.resolve_requests("REQAPP0001", vec!["R1".to_owned()], vec![], Timestamp(60))
            .await
            .unwrap(),
        0
    );
    let after = db.material_requests("REQAPP0001").await.unwrap();
    // Open ones first, by request time; then the resolved.
    let order: Vec<(&str, Option<Timestamp>)> = after
        .iter()
        .map(|r| (r.id.as_str(), r.resolved_at))
        .collect();
    assert_eq!(
        order,
        vec![("R2", None), ("R3", None), ("R1", Some(Timestamp(50)))]
    );
    assert_eq!(
        db.file("FLATE0001").await.unwrap().unwrap().handed_in_at,
        Some(Timestamp(50))
    );
}

/// Documents follow their draft: attached to the application when it is submitted, deleted
/// with the draft when it expires unsubmitted.
async fn file_lifecycle_story(db: &dyn Storage) {
    let kept = DraftRow {
        expires_at: Timestamp(1_000_000),
        ..draft_row("LIFE-KEPT", "life-draft-1")
    };
    db.insert_draft(kept).await.unwrap();
    let doc = FileRow {
        draft_token: Some("LIFE-KEPT".to_owned()),
        ..file_row("F00000000000LIFE1", "life-file-1")
    };
    db.insert_file(doc).await.unwrap();
    db.insert_application(
        application_row("LIFE000001", "life-app-1"),
        Some("LIFE-KEPT".into()),
        vec![],
        vec![],
        vec![],
    )
    .await
    .unwrap();
    let attached = db.file("F00000000000LIFE1").await.unwrap().unwrap();
    assert_eq!(attached.application.as_deref(), Some("LIFE000001"));

    let gone = DraftRow {
        expires_at: Timestamp(50_000),
        ..draft_row("LIFE-GONE", "life-draft-2")
    };
    db.insert_draft(gone).await.unwrap();
    for (id, key, object) in [
        ("F00000000000LIFE2", "life-file-2", "objects/l2"),
        ("F00000000000LIFE3", "life-file-3", "objects/l3"),
    ] {
        let row = FileRow {
            draft_token: Some("LIFE-GONE".to_owned()),
            object: object.into(),
            ..file_row(id, key)
        };
        db.insert_file(row).await.unwrap();
    }
    // Before it expires nothing goes; after, its documents do, and their objects are named.
    assert!(
        !db.purge_draft_files(Timestamp(40_000))
            .await
            .unwrap()
            .contains(&"objects/l2".to_owned())
    );
    let objects = db.purge_draft_files(Timestamp(60_000)).await.unwrap();
    assert!(objects.contains(&"objects/l2".to_owned()), "{objects:?}");
    assert!(objects.contains(&"objects/l3".to_owned()), "{objects:?}");
    assert_eq!(db.files_of_draft("LIFE-GONE").await.unwrap(), vec![]);
    // The submitted application's document stays.
    assert!(db.file("F00000000000LIFE1").await.unwrap().is_some());
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
async fn sqlite_concurrent_applications_keep_one_per_key() {
    let dir = common::temp_dir();
    let db = storage::open(&format!("sqlite://{}/a.db", dir.display()))
        .await
        .unwrap();
    concurrent_applications(db).await;
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

    // And applications, each retry naming the draft it submits.
    concurrent_applications(db).await;
}
