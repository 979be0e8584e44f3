//! The event log, staff accounts and sessions, the audit log, the outbox and ratings, as one
//! story against each backend: SQLite always, PostgreSQL when `cargo xtask test` starts one.

mod common;

use std::sync::Arc;

use onetrip_server::clock::Timestamp;
use onetrip_server::storage::{
    self, ApplicationRow, AuditRow, Change, EventRow, MatterRow, MessageRow, NoticeRow, QueueQuery,
    RatingRow, SessionRow, StaffRow, Storage, StorageError,
};

fn application(number: &str, created: i64, status: &str) -> ApplicationRow {
    ApplicationRow {
        number: number.to_owned(),
        idempotency_key: format!("key-{number}"),
        fingerprint: "f".to_owned(),
        subject_kind: "bundle".to_owned(),
        subject_code: "company-startup".to_owned(),
        answers: "{}".to_owned(),
        data: "{}".to_owned(),
        receipt: "{}".to_owned(),
        catalog_version: "v".to_owned(),
        created_at: Timestamp(created),
        key_hash: None,
        factor_kind: String::new(),
        factor_salt: None,
        factor_hash: None,
        failed_opens: 0,
        locked_until: None,
        status: status.to_owned(),
        version: 1,
        updated_at: Some(Timestamp(created)),
        accept_by: Some("2026-03-03".to_owned()),
        due_on: Some("2026-03-20".to_owned()),
    }
}

fn matter(code: &str, department: &str, position: u32, after: &[&str]) -> MatterRow {
    MatterRow {
        application: String::new(),
        matter: code.to_owned(),
        position,
        department: department.to_owned(),
        waits_for: after.iter().map(|s| (*s).to_owned()).collect(),
        status: "waiting".to_owned(),
        due_on: Some("2026-03-10".to_owned()),
    }
}

fn event(application: &str, matter: Option<&str>, from: &str, to: &str, at: i64) -> EventRow {
    EventRow {
        seq: 0,
        application: application.to_owned(),
        matter: matter.map(str::to_owned),
        from_status: from.to_owned(),
        to_status: to.to_owned(),
        actor_kind: "window".to_owned(),
        actor: Some("S1".to_owned()),
        department: None,
        note: None,
        at: Timestamp(at),
    }
}

async fn insert(db: &dyn Storage, number: &str, created: i64, status: &str, department: &str) {
    db.insert_application(
        application(number, created, status),
        None,
        vec![],
        vec![
            matter("company-registration", "amr", 0, &[]),
            matter("seal-engraving", department, 1, &["company-registration"]),
        ],
        vec![event("", None, "submitted", status, created)],
    )
    .await
    .unwrap();
}

/// The log, its projections and the optimistic lock; staff lists with filters and pages.
async fn log_story(db: &dyn Storage) {
    insert(db, "WF00000001", 1_000, "pre_review", "police").await;
    let row = db.application("WF00000001").await.unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.version), ("pre_review", 1));
    let matters = db.matters("WF00000001").await.unwrap();
    assert_eq!(matters.len(), 2);
    assert_eq!(matters[1].waits_for, ["company-registration"]);
    assert_eq!(matters[0].application, "WF00000001");

    let accept = Change {
        application: "WF00000001".to_owned(),
        expected_version: 1,
        events: vec![
            event("WF00000001", None, "pre_review", "accepted", 2_000),
            event("WF00000001", None, "accepted", "processing", 2_000),
            event(
                "WF00000001",
                Some("company-registration"),
                "waiting",
                "processing",
                2_000,
            ),
        ],
        notices: vec![NoticeRow {
            id: 0,
            application: "WF00000001".to_owned(),
            kind: "accepted".to_owned(),
            text: "已受理".to_owned(),
            created_at: Timestamp(2_000),
            attempts: 0,
        }],
        audit: Some(AuditRow {
            at: Timestamp(2_000),
            staff: Some("S1".to_owned()),
            action: "accept".to_owned(),
            application: Some("WF00000001".to_owned()),
            detail: None,
        }),
        ..Change::default()
    };
    assert_eq!(db.append(accept.clone()).await.unwrap(), 4);
    // The same action read at version 1 again: refused, and nothing of it written.
    assert!(matches!(
        db.append(accept).await,
        Err(StorageError::Conflict)
    ));
    let events = db.events("WF00000001").await.unwrap();
    assert_eq!(events.len(), 4);
    assert!(events.windows(2).all(|w| w[0].seq < w[1].seq));
    let row = db.application("WF00000001").await.unwrap().unwrap();
    assert_eq!(
        (row.status.as_str(), row.version, row.updated_at),
        ("processing", 4, Some(Timestamp(2_000)))
    );
    let matters = db.matters("WF00000001").await.unwrap();
    assert_eq!(matters[0].status, "processing");
    assert_eq!(matters[1].status, "waiting");
    assert_eq!(db.audit_of("WF00000001").await.unwrap().len(), 1);

    // Lists: by status, by department, overdue, a page at a time (newest first).
    for (i, status) in ["pre_review", "pre_review", "processing"]
        .iter()
        .enumerate()
    {
        let n = format!("WF0000001{i}");
        insert(db, &n, 10_000 + i as i64, status, "tax").await;
    }
    let page = |statuses: &[&str], after: Option<(Timestamp, String)>, limit| QueueQuery {
        statuses: statuses.iter().map(|s| (*s).to_owned()).collect(),
        after,
        limit,
        ..QueueQuery::default()
    };
    let first = db.queue(page(&["pre_review"], None, 2)).await.unwrap();
    let numbers: Vec<&str> = first.iter().map(|r| r.number.as_str()).collect();
    assert_eq!(numbers, ["WF00000011", "WF00000010"]);
    let last = first.last().unwrap();
    let second = db
        .queue(page(
            &["pre_review"],
            Some((last.created_at, last.number.clone())),
            2,
        ))
        .await
        .unwrap();
    assert_eq!(second.len(), 0, "WF00000001 moved on to processing");
    let tax = db
        .queue(QueueQuery {
            department: Some("tax".to_owned()),
            limit: 10,
            ..QueueQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(tax.len(), 3);
    let police_processing = db
        .queue(QueueQuery {
            department: Some("police".to_owned()),
            matter_statuses: vec!["processing".to_owned()],
            limit: 10,
            ..QueueQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(police_processing.len(), 0, "its seal still waits");
    let overdue = db
        .queue(QueueQuery {
            overdue_on: Some("2026-03-04".to_owned()),
            limit: 10,
            ..QueueQuery::default()
        })
        .await
        .unwrap();
    let numbers: Vec<&str> = overdue.iter().map(|r| r.number.as_str()).collect();
    assert_eq!(
        numbers,
        ["WF00000011", "WF00000010"],
        "not yet accepted after 03-03"
    );
    let overdue = db
        .queue(QueueQuery {
            overdue_on: Some("2026-03-21".to_owned()),
            limit: 10,
            ..QueueQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(overdue.len(), 4);

    // Notifications: claimed once, sent with their in-app copy once; a failure waits.
    let claimed = db
        .claim_notices(Timestamp(3_000), Timestamp(63_000), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].attempts, 1);
    assert_eq!(
        db.claim_notices(Timestamp(3_001), Timestamp(63_001), 10)
            .await
            .unwrap(),
        vec![],
        "claimed by the first worker"
    );
    let message = MessageRow {
        id: 0,
        application: "WF00000001".to_owned(),
        kind: "accepted".to_owned(),
        text: "已受理".to_owned(),
        at: Timestamp(3_000),
    };
    db.notice_failed(claimed[0].id, "gateway down", Timestamp(5_000))
        .await
        .unwrap();
    assert_eq!(
        db.claim_notices(Timestamp(4_000), Timestamp(64_000), 10)
            .await
            .unwrap(),
        vec![]
    );
    let again = db
        .claim_notices(Timestamp(5_000), Timestamp(65_000), 10)
        .await
        .unwrap();
    assert_eq!(again[0].attempts, 2);
    db.notice_sent(again[0].id, Timestamp(5_001), Some(message.clone()))
        .await
        .unwrap();
    db.notice_sent(again[0].id, Timestamp(5_002), Some(message))
        .await
        .unwrap();
    assert_eq!(db.messages("WF00000001").await.unwrap().len(), 1);
    assert_eq!(
        db.claim_notices(Timestamp(99_000), Timestamp(99_999), 10)
            .await
            .unwrap(),
        vec![]
    );

    // A rating with its follow-up, answered once.
    let rated = Change {
        application: "WF00000001".to_owned(),
        expected_version: 4,
        rating: Some(RatingRow {
            application: "WF00000001".to_owned(),
            level: 2,
            dimensions: "{}".to_owned(),
            comment: Some("等太久".to_owned()),
            rated_at: Timestamp(6_000),
            followup_due: Some("2026-04-01".to_owned()),
            reply: None,
            replied_by: None,
            replied_at: None,
        }),
        ..Change::default()
    };
    assert_eq!(db.append(rated).await.unwrap(), 4);
    assert_eq!(db.open_followups(10).await.unwrap().len(), 1);
    assert!(
        db.reply_followup("WF00000001", "已整改", "S9", Timestamp(7_000))
            .await
            .unwrap()
    );
    assert!(
        !db.reply_followup("WF00000001", "again", "S9", Timestamp(7_001))
            .await
            .unwrap()
    );
    let rating = db.rating("WF00000001").await.unwrap().unwrap();
    assert_eq!(rating.reply.as_deref(), Some("已整改"));
    assert_eq!(db.open_followups(10).await.unwrap(), vec![]);
}

fn staff(id: &str, username: &str) -> StaffRow {
    StaffRow {
        id: id.to_owned(),
        username: username.to_owned(),
        name: "王窗口".to_owned(),
        role: "window".to_owned(),
        department: None,
        bank: None,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        active: true,
        created_at: Timestamp(1),
    }
}

/// Accounts and sessions: one name each, sessions end when idle, expired or deactivated.
async fn staff_story(db: &dyn Storage) {
    db.insert_staff(staff("S1", "window1")).await.unwrap();
    assert!(matches!(
        db.insert_staff(staff("S2", "window1")).await,
        Err(StorageError::IdTaken)
    ));
    let found = db.staff_by_username("window1").await.unwrap().unwrap();
    assert_eq!(found.role, "window");
    assert!(db.staff_by_username("nobody").await.unwrap().is_none());
    let session = |hash: &str| SessionRow {
        token_hash: hash.to_owned(),
        staff: "S1".to_owned(),
        created_at: Timestamp(1_000),
        last_seen: Timestamp(1_000),
        expires_at: Timestamp(100_000),
    };
    db.insert_session(session("h1")).await.unwrap();
    db.insert_session(session("h2")).await.unwrap();
    // Alive: seen after the idle limit, before the end.
    let (s, who) = db
        .touch_session("h1", Timestamp(2_000), Timestamp(500))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.last_seen, who.username.as_str()),
        (Timestamp(2_000), "window1")
    );
    // Idle: last seen at 2,000, the idle limit now at 2,500.
    assert!(
        db.touch_session("h1", Timestamp(9_000), Timestamp(2_500))
            .await
            .unwrap()
            .is_none()
    );
    // Past its absolute end.
    assert!(
        db.touch_session("h2", Timestamp(100_001), Timestamp(0))
            .await
            .unwrap()
            .is_none()
    );
    db.insert_session(session("h3")).await.unwrap();
    db.delete_session("h3").await.unwrap();
    assert!(
        db.touch_session("h3", Timestamp(2_000), Timestamp(0))
            .await
            .unwrap()
            .is_none()
    );
    // Deactivating an account ends its sessions.
    db.insert_session(session("h4")).await.unwrap();
    assert!(
        db.update_staff(StaffRow {
            active: false,
            ..found
        })
        .await
        .unwrap()
    );
    assert!(
        db.touch_session("h4", Timestamp(2_000), Timestamp(0))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(db.staff_list().await.unwrap().len(), 1);
    // The audit log keeps what is younger than the limit.
    for at in [10, 20, 30] {
        db.audit(AuditRow {
            at: Timestamp(at),
            staff: Some("S1".to_owned()),
            action: "view".to_owned(),
            application: Some("A-AUDIT".to_owned()),
            detail: None,
        })
        .await
        .unwrap();
    }
    assert_eq!(db.purge_audit(Timestamp(25)).await.unwrap(), 2);
    assert_eq!(db.audit_of("A-AUDIT").await.unwrap().len(), 1);
}

async fn story(db: Arc<dyn Storage>) {
    log_story(db.as_ref()).await;
    staff_story(db.as_ref()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_workflow_story() {
    let dir = common::temp_dir();
    let path = dir.join("w.db");
    let db = storage::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    story(db).await;
    // The log refuses to be changed, even by hand.
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in ["UPDATE events SET note = 'x'", "DELETE FROM events"] {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_workflow_story() {
    let Some(server) = common::postgres_server() else {
        return;
    };
    let url = common::fresh_postgres_database(&server).await;
    story(storage::open(&url).await.unwrap()).await;
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    for sql in [
        "UPDATE events SET note = 'x'",
        "DELETE FROM events",
        "TRUNCATE events",
    ] {
        let err = format!("{:?}", client.batch_execute(sql).await.unwrap_err());
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}
