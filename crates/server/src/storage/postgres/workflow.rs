//! PostgreSQL: the event log and its projections, staff accounts and sessions, the audit log,
//! the notifications outbox and ratings. Every number column is BIGINT (i64 here).

use deadpool_postgres::GenericClient;
use tokio_postgres::types::ToSql;

use super::{insert_request, query_err};
use crate::clock::Timestamp;
use crate::storage::{
    AuditRow, Change, EventRow, MatterRow, MessageRow, NoticeRow, QueueQuery, QueueRow, RatingRow,
    SessionRow, StaffRow, StorageError,
};

fn n(v: u32) -> i64 {
    i64::from(v)
}

/// A stored count or position back to u32 (the columns' CHECKs keep them non-negative).
fn u(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

pub(super) async fn insert_events(
    c: &impl GenericClient,
    events: &[EventRow],
) -> Result<(), StorageError> {
    for e in events {
        c.execute(
            "INSERT INTO events (application, matter, from_status, to_status, actor_kind, actor,
                 department, note, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &e.application,
                &e.matter,
                &e.from_status,
                &e.to_status,
                &e.actor_kind,
                &e.actor,
                &e.department,
                &e.note,
                &e.at.0,
            ],
        )
        .await
        .map_err(query_err)?;
    }
    Ok(())
}

pub(super) async fn insert_matters(
    c: &impl GenericClient,
    matters: &[MatterRow],
) -> Result<(), StorageError> {
    for m in matters {
        let waits_for = serde_json::to_string(&m.waits_for).map_err(query_err)?;
        c.execute(
            "INSERT INTO application_matters (application, matter, position, department,
                 waits_for, status, due_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &m.application,
                &m.matter,
                &n(m.position),
                &m.department,
                &waits_for,
                &m.status,
                &m.due_on,
            ],
        )
        .await
        .map_err(query_err)?;
    }
    Ok(())
}

pub(super) async fn append(
    tx: &deadpool_postgres::Transaction<'_>,
    c: &Change,
) -> Result<u64, StorageError> {
    let added = c.events.len() as i64;
    let last = c.events.last().map(|e| e.at.0);
    let expected = i64::try_from(c.expected_version).map_err(query_err)?;
    let moved = tx
        .execute(
            "UPDATE applications SET version = version + $3,
                 updated_at = COALESCE($4, updated_at)
             WHERE number = $1 AND version = $2",
            &[&c.application, &expected, &added, &last],
        )
        .await
        .map_err(query_err)?;
    if moved != 1 {
        return Err(StorageError::Conflict);
    }
    insert_events(tx, &c.events).await?;
    for e in &c.events {
        match &e.matter {
            None => {
                tx.execute(
                    "UPDATE applications SET status = $2 WHERE number = $1",
                    &[&e.application, &e.to_status],
                )
                .await
            }
            Some(m) => {
                tx.execute(
                    "UPDATE application_matters SET status = $3
                     WHERE application = $1 AND matter = $2",
                    &[&e.application, m, &e.to_status],
                )
                .await
            }
        }
        .map_err(query_err)?;
    }
    for r in &c.requests {
        insert_request(tx, r).await?;
    }
    for notice in &c.notices {
        tx.execute(
            "INSERT INTO outbox (application, kind, text, created_at, next_at)
             VALUES ($1, $2, $3, $4, $4)",
            &[
                &notice.application,
                &notice.kind,
                &notice.text,
                &notice.created_at.0,
            ],
        )
        .await
        .map_err(query_err)?;
    }
    if let Some(r) = &c.rating {
        tx.execute(
            "INSERT INTO ratings (application, level, dimensions, comment, rated_at, followup_due)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &r.application,
                &i64::from(r.level),
                &r.dimensions,
                &r.comment,
                &r.rated_at.0,
                &r.followup_due,
            ],
        )
        .await
        .map_err(query_err)?;
    }
    if let Some(a) = &c.audit {
        audit(tx, a).await?;
    }
    if let Some(b) = &c.bank {
        super::bank::update(tx, &c.application, b).await?;
    }
    Ok(c.expected_version + added as u64)
}

pub(super) async fn events(
    c: &impl GenericClient,
    application: &str,
) -> Result<Vec<EventRow>, StorageError> {
    let rows = c
        .query(
            "SELECT seq, application, matter, from_status, to_status, actor_kind, actor,
                 department, note, at
             FROM events WHERE application = $1 ORDER BY seq",
            &[&application],
        )
        .await
        .map_err(query_err)?;
    Ok(rows
        .iter()
        .map(|r| EventRow {
            seq: r.get(0),
            application: r.get(1),
            matter: r.get(2),
            from_status: r.get(3),
            to_status: r.get(4),
            actor_kind: r.get(5),
            actor: r.get(6),
            department: r.get(7),
            note: r.get(8),
            at: Timestamp(r.get(9)),
        })
        .collect())
}

pub(super) async fn matters(
    c: &impl GenericClient,
    application: &str,
) -> Result<Vec<MatterRow>, StorageError> {
    let rows = c
        .query(
            "SELECT application, matter, position, department, waits_for, status, due_on
             FROM application_matters WHERE application = $1 ORDER BY position",
            &[&application],
        )
        .await
        .map_err(query_err)?;
    Ok(rows
        .iter()
        .map(|r| MatterRow {
            application: r.get(0),
            matter: r.get(1),
            position: u(r.get(2)),
            department: r.get(3),
            waits_for: serde_json::from_str(r.get(4)).unwrap_or_default(),
            status: r.get(5),
            due_on: r.get(6),
        })
        .collect())
}

pub(super) async fn queue(
    c: &impl GenericClient,
    q: &QueueQuery,
) -> Result<Vec<QueueRow>, StorageError> {
    // Built from fixed pieces; every value is a parameter.
    let mut sql = String::from(
        "SELECT a.number, a.subject_kind, a.subject_code, a.status, a.created_at, a.updated_at,
             a.accept_by, a.due_on
         FROM applications a WHERE 1 = 1",
    );
    let mut args: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
    let mut arg = |v: Box<dyn ToSql + Sync + Send>| {
        args.push(v);
        format!("${}", args.len())
    };
    if !q.statuses.is_empty() {
        let list = arg(Box::new(q.statuses.clone()));
        sql += &format!(" AND a.status = ANY({list})");
    }
    if let Some(d) = &q.department {
        let d = arg(Box::new(d.clone()));
        let mut inner = format!(
            "SELECT 1 FROM application_matters m WHERE m.application = a.number AND m.department = {d}"
        );
        if !q.matter_statuses.is_empty() {
            let list = arg(Box::new(q.matter_statuses.clone()));
            inner += &format!(" AND m.status = ANY({list})");
        }
        sql += &format!(" AND EXISTS ({inner})");
    }
    if let Some(b) = &q.bank {
        let b = arg(Box::new(b.clone()));
        sql += &format!(
            " AND EXISTS (SELECT 1 FROM bank_appointments b WHERE b.application = a.number AND b.bank = {b})"
        );
    }
    if let Some(day) = &q.overdue_on {
        let day = arg(Box::new(day.clone()));
        sql += &format!(
            " AND ((a.status IN ('submitted', 'pre_review') AND a.accept_by < {day})
               OR (a.status IN ('accepted', 'accepted_deferred', 'processing',
                   'correction_requested') AND a.due_on < {day}))"
        );
    }
    if let Some((at, number)) = &q.after {
        let (at, number) = (arg(Box::new(at.0)), arg(Box::new(number.clone())));
        sql +=
            &format!(" AND (a.created_at < {at} OR (a.created_at = {at} AND a.number < {number}))");
    }
    let limit = arg(Box::new(n(q.limit)));
    sql += &format!(" ORDER BY a.created_at DESC, a.number DESC LIMIT {limit}");
    let params: Vec<&(dyn ToSql + Sync)> = args
        .iter()
        .map(|a| a.as_ref() as &(dyn ToSql + Sync))
        .collect();
    let rows = c.query(&sql, &params).await.map_err(query_err)?;
    Ok(rows
        .iter()
        .map(|r| QueueRow {
            number: r.get(0),
            subject_kind: r.get(1),
            subject_code: r.get(2),
            status: r.get(3),
            created_at: Timestamp(r.get(4)),
            updated_at: r.get::<_, Option<i64>>(5).map(Timestamp),
            accept_by: r.get(6),
            due_on: r.get(7),
        })
        .collect())
}

const STAFF_COLUMNS: &str =
    "id, username, name, role, department, password_hash, active, created_at, bank";

fn row_to_staff(r: &tokio_postgres::Row, from: usize) -> StaffRow {
    StaffRow {
        id: r.get(from),
        username: r.get(from + 1),
        name: r.get(from + 2),
        role: r.get(from + 3),
        department: r.get(from + 4),
        password_hash: r.get(from + 5),
        active: r.get(from + 6),
        created_at: Timestamp(r.get(from + 7)),
        bank: r.get(from + 8),
    }
}

pub(super) async fn insert_staff(c: &impl GenericClient, s: &StaffRow) -> Result<(), StorageError> {
    let inserted = c
        .execute(
            &format!(
                "INSERT INTO staff ({STAFF_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 ON CONFLICT DO NOTHING"
            ),
            &[
                &s.id,
                &s.username,
                &s.name,
                &s.role,
                &s.department,
                &s.password_hash,
                &s.active,
                &s.created_at.0,
                &s.bank,
            ],
        )
        .await
        .map_err(query_err)?;
    if inserted == 1 {
        Ok(())
    } else {
        Err(StorageError::IdTaken)
    }
}

pub(super) async fn staff_by_username(
    c: &impl GenericClient,
    username: &str,
) -> Result<Option<StaffRow>, StorageError> {
    let row = c
        .query_opt(
            &format!("SELECT {STAFF_COLUMNS} FROM staff WHERE username = $1"),
            &[&username],
        )
        .await
        .map_err(query_err)?;
    Ok(row.map(|r| row_to_staff(&r, 0)))
}

pub(super) async fn staff_list(c: &impl GenericClient) -> Result<Vec<StaffRow>, StorageError> {
    let rows = c
        .query(
            &format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY username"),
            &[],
        )
        .await
        .map_err(query_err)?;
    Ok(rows.iter().map(|r| row_to_staff(r, 0)).collect())
}

pub(super) async fn update_staff(
    tx: &deadpool_postgres::Transaction<'_>,
    s: &StaffRow,
) -> Result<bool, StorageError> {
    let updated = tx
        .execute(
            "UPDATE staff SET password_hash = $2, active = $3 WHERE id = $1",
            &[&s.id, &s.password_hash, &s.active],
        )
        .await
        .map_err(query_err)?;
    if !s.active {
        tx.execute("DELETE FROM staff_sessions WHERE staff = $1", &[&s.id])
            .await
            .map_err(query_err)?;
    }
    Ok(updated == 1)
}

pub(super) async fn insert_session(
    c: &impl GenericClient,
    s: &SessionRow,
) -> Result<(), StorageError> {
    c.execute(
        "INSERT INTO staff_sessions (token_hash, staff, created_at, last_seen, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &s.token_hash,
            &s.staff,
            &s.created_at.0,
            &s.last_seen.0,
            &s.expires_at.0,
        ],
    )
    .await
    .map_err(query_err)?;
    Ok(())
}

pub(super) async fn touch_session(
    c: &impl GenericClient,
    token_hash: &str,
    now: Timestamp,
    idle_since: Timestamp,
) -> Result<Option<(SessionRow, StaffRow)>, StorageError> {
    let columns: Vec<String> = STAFF_COLUMNS
        .split(", ")
        .map(|col| format!("t.{col}"))
        .collect();
    // One statement: the session is moved on only if it is still alive.
    let row = c
        .query_opt(
            &format!(
                "UPDATE staff_sessions s SET last_seen = $2
                 FROM staff t
                 WHERE t.id = s.staff AND s.token_hash = $1 AND s.expires_at > $2
                     AND s.last_seen > $3 AND t.active
                 RETURNING s.token_hash, s.staff, s.created_at, s.last_seen, s.expires_at, {}",
                columns.join(", ")
            ),
            &[&token_hash, &now.0, &idle_since.0],
        )
        .await
        .map_err(query_err)?;
    Ok(row.map(|r| {
        (
            SessionRow {
                token_hash: r.get(0),
                staff: r.get(1),
                created_at: Timestamp(r.get(2)),
                last_seen: Timestamp(r.get(3)),
                expires_at: Timestamp(r.get(4)),
            },
            row_to_staff(&r, 5),
        )
    }))
}

pub(super) async fn delete_session(
    c: &impl GenericClient,
    token_hash: &str,
) -> Result<(), StorageError> {
    c.execute(
        "DELETE FROM staff_sessions WHERE token_hash = $1",
        &[&token_hash],
    )
    .await
    .map_err(query_err)?;
    Ok(())
}

pub(super) async fn audit(c: &impl GenericClient, a: &AuditRow) -> Result<(), StorageError> {
    c.execute(
        "INSERT INTO audit_log (at, staff, action, application, detail)
         VALUES ($1, $2, $3, $4, $5)",
        &[&a.at.0, &a.staff, &a.action, &a.application, &a.detail],
    )
    .await
    .map_err(query_err)?;
    Ok(())
}

pub(super) async fn audit_of(
    c: &impl GenericClient,
    application: &str,
) -> Result<Vec<AuditRow>, StorageError> {
    let rows = c
        .query(
            "SELECT at, staff, action, application, detail FROM audit_log
             WHERE application = $1 ORDER BY seq",
            &[&application],
        )
        .await
        .map_err(query_err)?;
    Ok(rows
        .iter()
        .map(|r| AuditRow {
            at: Timestamp(r.get(0)),
            staff: r.get(1),
            action: r.get(2),
            application: r.get(3),
            detail: r.get(4),
        })
        .collect())
}

pub(super) async fn purge_audit(
    c: &impl GenericClient,
    before: Timestamp,
) -> Result<u64, StorageError> {
    c.execute(
        "DELETE FROM staff_sessions WHERE expires_at < $1",
        &[&before.0],
    )
    .await
    .map_err(query_err)?;
    c.execute("DELETE FROM audit_log WHERE at < $1", &[&before.0])
        .await
        .map_err(query_err)
}

pub(super) async fn claim_notices(
    c: &impl GenericClient,
    now: Timestamp,
    lease_until: Timestamp,
    limit: u32,
) -> Result<Vec<NoticeRow>, StorageError> {
    // SKIP LOCKED: instances claiming at the same moment take different rows.
    let rows = c
        .query(
            "UPDATE outbox SET claimed_until = $2, attempts = attempts + 1
             WHERE id IN (SELECT id FROM outbox
                 WHERE sent_at IS NULL AND next_at <= $1
                     AND (claimed_until IS NULL OR claimed_until <= $1)
                 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
             RETURNING id, application, kind, text, created_at, attempts",
            &[&now.0, &lease_until.0, &n(limit)],
        )
        .await
        .map_err(query_err)?;
    let mut notices: Vec<NoticeRow> = rows
        .iter()
        .map(|r| NoticeRow {
            id: r.get(0),
            application: r.get(1),
            kind: r.get(2),
            text: r.get(3),
            created_at: Timestamp(r.get(4)),
            attempts: u(r.get(5)),
        })
        .collect();
    notices.sort_by_key(|n| n.id);
    Ok(notices)
}

pub(super) async fn notice_sent(
    tx: &deadpool_postgres::Transaction<'_>,
    id: i64,
    now: Timestamp,
    message: Option<&MessageRow>,
) -> Result<(), StorageError> {
    tx.execute(
        "UPDATE outbox SET sent_at = $2, claimed_until = NULL WHERE id = $1",
        &[&id, &now.0],
    )
    .await
    .map_err(query_err)?;
    if let Some(m) = message {
        tx.execute(
            "INSERT INTO messages (application, outbox, kind, text, at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (outbox) DO NOTHING",
            &[&m.application, &id, &m.kind, &m.text, &m.at.0],
        )
        .await
        .map_err(query_err)?;
    }
    Ok(())
}

pub(super) async fn notice_failed(
    c: &impl GenericClient,
    id: i64,
    error: &str,
    next_at: Timestamp,
) -> Result<(), StorageError> {
    c.execute(
        "UPDATE outbox SET last_error = $2, next_at = $3, claimed_until = NULL WHERE id = $1",
        &[&id, &error, &next_at.0],
    )
    .await
    .map_err(query_err)?;
    Ok(())
}

pub(super) async fn messages(
    c: &impl GenericClient,
    application: &str,
) -> Result<Vec<MessageRow>, StorageError> {
    let rows = c
        .query(
            "SELECT id, application, kind, text, at FROM messages
             WHERE application = $1 ORDER BY id",
            &[&application],
        )
        .await
        .map_err(query_err)?;
    Ok(rows
        .iter()
        .map(|r| MessageRow {
            id: r.get(0),
            application: r.get(1),
            kind: r.get(2),
            text: r.get(3),
            at: Timestamp(r.get(4)),
        })
        .collect())
}

const RATING_COLUMNS: &str = "application, level, dimensions, comment, rated_at, followup_due, \
     reply, replied_by, replied_at";

fn row_to_rating(r: &tokio_postgres::Row) -> RatingRow {
    RatingRow {
        application: r.get(0),
        level: u8::try_from(r.get::<_, i64>(1)).unwrap_or(0),
        dimensions: r.get(2),
        comment: r.get(3),
        rated_at: Timestamp(r.get(4)),
        followup_due: r.get(5),
        reply: r.get(6),
        replied_by: r.get(7),
        replied_at: r.get::<_, Option<i64>>(8).map(Timestamp),
    }
}

pub(super) async fn rating(
    c: &impl GenericClient,
    application: &str,
) -> Result<Option<RatingRow>, StorageError> {
    let row = c
        .query_opt(
            &format!("SELECT {RATING_COLUMNS} FROM ratings WHERE application = $1"),
            &[&application],
        )
        .await
        .map_err(query_err)?;
    Ok(row.as_ref().map(row_to_rating))
}

pub(super) async fn open_followups(
    c: &impl GenericClient,
    limit: u32,
) -> Result<Vec<RatingRow>, StorageError> {
    let rows = c
        .query(
            &format!(
                "SELECT {RATING_COLUMNS} FROM ratings
                 WHERE followup_due IS NOT NULL AND replied_at IS NULL
                 ORDER BY followup_due, rated_at LIMIT $1"
            ),
            &[&n(limit)],
        )
        .await
        .map_err(query_err)?;
    Ok(rows.iter().map(row_to_rating).collect())
}

pub(super) async fn reply_followup(
    c: &impl GenericClient,
    application: &str,
    reply: &str,
    by: &str,
    at: Timestamp,
) -> Result<bool, StorageError> {
    c.execute(
        "UPDATE ratings SET reply = $2, replied_by = $3, replied_at = $4
         WHERE application = $1 AND followup_due IS NOT NULL AND replied_at IS NULL",
        &[&application, &reply, &by, &at.0],
    )
    .await
    .map(|n| n == 1)
    .map_err(query_err)
}

pub(super) async fn progress_stamp(
    c: &impl GenericClient,
    application: &str,
) -> Result<Option<String>, StorageError> {
    let row = c
        .query_opt(
            "SELECT a.version,
                 (SELECT COUNT(*) FROM material_requests r
                  WHERE r.application = a.number AND r.resolved_at IS NULL),
                 (SELECT COUNT(*) FROM messages m WHERE m.application = a.number),
                 (SELECT COUNT(*) FROM ratings t WHERE t.application = a.number),
                 (SELECT COALESCE(MAX(t.replied_at), 0) FROM ratings t
                  WHERE t.application = a.number)
             FROM applications a WHERE a.number = $1",
            &[&application],
        )
        .await
        .map_err(query_err)?;
    Ok(row.map(|r| {
        let v: [i64; 5] = [r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)];
        v.map(|x| x.to_string()).join(".")
    }))
}
