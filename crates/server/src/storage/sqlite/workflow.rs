//! SQLite: the event log and its projections, staff accounts and sessions, the audit log, the
//! notifications outbox and ratings. Blocking functions on one connection; `sqlite.rs` runs
//! them on the writer (writes) or a reader.

use rusqlite::{Connection, OptionalExtension, params};

use super::{cached, insert_request, query_err};
use crate::clock::Timestamp;
use crate::storage::{
    AuditRow, Change, EventRow, MatterRow, MessageRow, NoticeRow, QueueQuery, QueueRow, RatingRow,
    SessionRow, StaffRow, StorageError,
};

pub(super) fn insert_events(conn: &Connection, events: &[EventRow]) -> Result<(), StorageError> {
    for e in events {
        cached::run(
            conn,
            "INSERT INTO events (application, matter, from_status, to_status, actor_kind, actor,
                 department, note, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                e.application,
                e.matter,
                e.from_status,
                e.to_status,
                e.actor_kind,
                e.actor,
                e.department,
                e.note,
                e.at.0
            ],
        )
        .map_err(query_err)?;
    }
    Ok(())
}

pub(super) fn insert_matters(conn: &Connection, matters: &[MatterRow]) -> Result<(), StorageError> {
    for m in matters {
        let waits_for =
            serde_json::to_string(&m.waits_for).map_err(|e| StorageError::Query(e.to_string()))?;
        cached::run(
            conn,
            "INSERT INTO application_matters (application, matter, position, department,
                 waits_for, status, due_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                m.application,
                m.matter,
                m.position,
                m.department,
                waits_for,
                m.status,
                m.due_on
            ],
        )
        .map_err(query_err)?;
    }
    Ok(())
}

/// Move the projections along the events: the application's status and the matters'.
fn project(conn: &Connection, events: &[EventRow]) -> Result<(), StorageError> {
    for e in events {
        match &e.matter {
            None => cached::run(
                conn,
                "UPDATE applications SET status = ?2 WHERE number = ?1",
                params![e.application, e.to_status],
            ),
            Some(m) => cached::run(
                conn,
                "UPDATE application_matters SET status = ?3 WHERE application = ?1 AND matter = ?2",
                params![e.application, m, e.to_status],
            ),
        }
        .map_err(query_err)?;
    }
    Ok(())
}

pub(super) fn append(conn: &Connection, c: &Change) -> Result<u64, StorageError> {
    let added = c.events.len() as u64;
    let last = c.events.last().map(|e| e.at.0);
    let moved = cached::run(
        conn,
        "UPDATE applications SET version = version + ?3, updated_at = COALESCE(?4, updated_at)
             WHERE number = ?1 AND version = ?2",
        params![c.application, c.expected_version, added, last],
    )
    .map_err(query_err)?;
    if moved != 1 {
        return Err(StorageError::Conflict);
    }
    insert_events(conn, &c.events)?;
    project(conn, &c.events)?;
    for r in &c.requests {
        if insert_request(conn, r).map_err(query_err)? != 1 {
            return Err(StorageError::IdTaken);
        }
    }
    for n in &c.notices {
        cached::run(
            conn,
            "INSERT INTO outbox (application, kind, text, created_at, next_at)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            params![n.application, n.kind, n.text, n.created_at.0],
        )
        .map_err(query_err)?;
    }
    if let Some(r) = &c.rating {
        cached::run(
            conn,
            "INSERT INTO ratings (application, level, dimensions, comment, rated_at, followup_due)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                r.application,
                r.level,
                r.dimensions,
                r.comment,
                r.rated_at.0,
                r.followup_due
            ],
        )
        .map_err(query_err)?;
    }
    if let Some(a) = &c.audit {
        audit(conn, a)?;
    }
    if let Some(b) = &c.bank {
        super::bank::update(conn, &c.application, b)?;
    }
    Ok(c.expected_version + added)
}

const EVENT_COLUMNS: &str =
    "seq, application, matter, from_status, to_status, actor_kind, actor, department, note, at";

fn row_to_event(row: &rusqlite::Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        seq: row.get(0)?,
        application: row.get(1)?,
        matter: row.get(2)?,
        from_status: row.get(3)?,
        to_status: row.get(4)?,
        actor_kind: row.get(5)?,
        actor: row.get(6)?,
        department: row.get(7)?,
        note: row.get(8)?,
        at: Timestamp(row.get(9)?),
    })
}

pub(super) fn events(conn: &Connection, application: &str) -> Result<Vec<EventRow>, StorageError> {
    let mut stmt = cached::statement(
        conn,
        &format!("SELECT {EVENT_COLUMNS} FROM events WHERE application = ?1 ORDER BY seq"),
    )
    .map_err(query_err)?;
    let rows = stmt
        .query_map([application], row_to_event)
        .map_err(query_err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
}

pub(super) fn matters(
    conn: &Connection,
    application: &str,
) -> Result<Vec<MatterRow>, StorageError> {
    let mut stmt = cached::statement(
        conn,
        "SELECT application, matter, position, department, waits_for, status, due_on
             FROM application_matters WHERE application = ?1 ORDER BY position",
    )
    .map_err(query_err)?;
    let rows = stmt
        .query_map([application], |row| {
            let waits_for: String = row.get(4)?;
            Ok(MatterRow {
                application: row.get(0)?,
                matter: row.get(1)?,
                position: row.get(2)?,
                department: row.get(3)?,
                waits_for: serde_json::from_str(&waits_for).unwrap_or_default(),
                status: row.get(5)?,
                due_on: row.get(6)?,
            })
        })
        .map_err(query_err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
}

pub(super) fn queue(conn: &Connection, q: &QueueQuery) -> Result<Vec<QueueRow>, StorageError> {
    // Built from fixed pieces; every value is a parameter.
    let mut sql = String::from(
        "SELECT a.number, a.subject_kind, a.subject_code, a.status, a.created_at, a.updated_at,
             a.accept_by, a.due_on
         FROM applications a WHERE 1 = 1",
    );
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    let mut arg = |v: rusqlite::types::Value| {
        args.push(v);
        format!("?{}", args.len())
    };
    if !q.statuses.is_empty() {
        let list: Vec<String> = q.statuses.iter().map(|s| arg(s.clone().into())).collect();
        sql += &format!(" AND a.status IN ({})", list.join(", "));
    }
    if let Some(d) = &q.department {
        let d = arg(d.clone().into());
        let mut inner = format!(
            "SELECT 1 FROM application_matters m WHERE m.application = a.number AND m.department = {d}"
        );
        if !q.matter_statuses.is_empty() {
            let list: Vec<String> = q
                .matter_statuses
                .iter()
                .map(|s| arg(s.clone().into()))
                .collect();
            inner += &format!(" AND m.status IN ({})", list.join(", "));
        }
        sql += &format!(" AND EXISTS ({inner})");
    }
    if let Some(b) = &q.bank {
        let b = arg(b.clone().into());
        sql += &format!(
            " AND EXISTS (SELECT 1 FROM bank_appointments b WHERE b.application = a.number AND b.bank = {b})"
        );
    }
    if let Some(day) = &q.overdue_on {
        let day = arg(day.clone().into());
        sql += &format!(
            " AND ((a.status IN ('submitted', 'pre_review') AND a.accept_by < {day})
               OR (a.status IN ('accepted', 'accepted_deferred', 'processing',
                   'correction_requested') AND a.due_on < {day}))"
        );
    }
    if let Some((at, number)) = &q.after {
        let (at, number) = (arg(at.0.into()), arg(number.clone().into()));
        sql +=
            &format!(" AND (a.created_at < {at} OR (a.created_at = {at} AND a.number < {number}))");
    }
    let limit = arg(i64::from(q.limit).into());
    sql += &format!(" ORDER BY a.created_at DESC, a.number DESC LIMIT {limit}");
    let mut stmt = cached::statement(conn, &sql).map_err(query_err)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), |row| {
            Ok(QueueRow {
                number: row.get(0)?,
                subject_kind: row.get(1)?,
                subject_code: row.get(2)?,
                status: row.get(3)?,
                created_at: Timestamp(row.get(4)?),
                updated_at: row.get::<_, Option<i64>>(5)?.map(Timestamp),
                accept_by: row.get(6)?,
                due_on: row.get(7)?,
            })
        })
        .map_err(query_err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
}

const STAFF_COLUMNS: &str =
    "id, username, name, role, department, password_hash, active, created_at, bank";

fn row_to_staff(row: &rusqlite::Row<'_>, from: usize) -> rusqlite::Result<StaffRow> {
    Ok(StaffRow {
        id: row.get(from)?,
        username: row.get(from + 1)?,
        name: row.get(from + 2)?,
        role: row.get(from + 3)?,
        department: row.get(from + 4)?,
        password_hash: row.get(from + 5)?,
        active: row.get::<_, i64>(from + 6)? == 1,
        created_at: Timestamp(row.get(from + 7)?),
        bank: row.get(from + 8)?,
    })
}

pub(super) fn insert_staff(conn: &Connection, s: &StaffRow) -> Result<(), StorageError> {
    let n = cached::run(
        conn,
        &format!(
            "INSERT INTO staff ({STAFF_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT DO NOTHING"
        ),
        params![
            s.id,
            s.username,
            s.name,
            s.role,
            s.department,
            s.password_hash,
            i64::from(s.active),
            s.created_at.0,
            s.bank
        ],
    )
    .map_err(query_err)?;
    if n == 1 {
        Ok(())
    } else {
        Err(StorageError::IdTaken)
    }
}

pub(super) fn staff_by_username(
    conn: &Connection,
    username: &str,
) -> Result<Option<StaffRow>, StorageError> {
    cached::one(
        conn,
        &format!("SELECT {STAFF_COLUMNS} FROM staff WHERE username = ?1"),
        [username],
        |r| row_to_staff(r, 0),
    )
    .optional()
    .map_err(query_err)
}

pub(super) fn staff_list(conn: &Connection) -> Result<Vec<StaffRow>, StorageError> {
    let mut stmt = cached::statement(
        conn,
        &format!("SELECT {STAFF_COLUMNS} FROM staff ORDER BY username"),
    )
    .map_err(query_err)?;
    let rows = stmt
        .query_map([], |r| row_to_staff(r, 0))
        .map_err(query_err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
}

pub(super) fn update_staff(conn: &Connection, s: &StaffRow) -> Result<bool, StorageError> {
    let n = cached::run(
        conn,
        "UPDATE staff SET password_hash = ?2, active = ?3 WHERE id = ?1",
        params![s.id, s.password_hash, i64::from(s.active)],
    )
    .map_err(query_err)?;
    if !s.active {
        cached::run(conn, "DELETE FROM staff_sessions WHERE staff = ?1", [&s.id])
            .map_err(query_err)?;
    }
    Ok(n == 1)
}

pub(super) fn insert_session(conn: &Connection, s: &SessionRow) -> Result<(), StorageError> {
    cached::run(
        conn,
        "INSERT INTO staff_sessions (token_hash, staff, created_at, last_seen, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            s.token_hash,
            s.staff,
            s.created_at.0,
            s.last_seen.0,
            s.expires_at.0
        ],
    )
    .map_err(query_err)?;
    Ok(())
}

pub(super) fn touch_session(
    conn: &Connection,
    token_hash: &str,
    now: Timestamp,
    idle_since: Timestamp,
) -> Result<Option<(SessionRow, StaffRow)>, StorageError> {
    let found = cached::one(
        conn,
        &format!(
            "SELECT s.token_hash, s.staff, s.created_at, s.last_seen, s.expires_at,
                     {}
                 FROM staff_sessions s JOIN staff t ON t.id = s.staff
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen > ?3
                     AND t.active = 1",
            STAFF_COLUMNS
                .split(", ")
                .map(|c| format!("t.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        params![token_hash, now.0, idle_since.0],
        |r| {
            Ok((
                SessionRow {
                    token_hash: r.get(0)?,
                    staff: r.get(1)?,
                    created_at: Timestamp(r.get(2)?),
                    last_seen: Timestamp(now.0),
                    expires_at: Timestamp(r.get(4)?),
                },
                row_to_staff(r, 5)?,
            ))
        },
    )
    .optional()
    .map_err(query_err)?;
    if found.is_some() {
        cached::run(
            conn,
            "UPDATE staff_sessions SET last_seen = ?2 WHERE token_hash = ?1",
            params![token_hash, now.0],
        )
        .map_err(query_err)?;
    }
    Ok(found)
}

pub(super) fn delete_session(conn: &Connection, token_hash: &str) -> Result<(), StorageError> {
    cached::run(
        conn,
        "DELETE FROM staff_sessions WHERE token_hash = ?1",
        [token_hash],
    )
    .map_err(query_err)?;
    Ok(())
}

pub(super) fn audit(conn: &Connection, a: &AuditRow) -> Result<(), StorageError> {
    cached::run(
        conn,
        "INSERT INTO audit_log (at, staff, action, application, detail)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![a.at.0, a.staff, a.action, a.application, a.detail],
    )
    .map_err(query_err)?;
    Ok(())
}

pub(super) fn audit_of(
    conn: &Connection,
    application: &str,
) -> Result<Vec<AuditRow>, StorageError> {
    let mut stmt = cached::statement(
        conn,
        "SELECT at, staff, action, application, detail FROM audit_log
             WHERE application = ?1 ORDER BY seq",
    )
    .map_err(query_err)?;
    let rows = stmt
        .query_map([application], |r| {
            Ok(AuditRow {
                at: Timestamp(r.get(0)?),
                staff: r.get(1)?,
                action: r.get(2)?,
                application: r.get(3)?,
                detail: r.get(4)?,
            })
        })
        .map_err(query_err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
}

pub(super) fn purge_audit(conn: &Connection, before: Timestamp) -> Result<u64, StorageError> {
    cached::run(
        conn,
        "DELETE FROM staff_sessions WHERE expires_at < ?1",
        [before.0],
    )
    .map_err(query_err)?;
    cached::run(conn, "DELETE FROM audit_log WHERE at < ?1", [before.0])
        .map(|n| n as u64)
        .map_err(query_err)
}

pub(super) fn claim_notices(
    conn: &Connection,
    now: Timestamp,
    lease_until: Timestamp,
    limit: u32,
) -> Result<Vec<NoticeRow>, StorageError> {
    let mut stmt = cached::statement(
        conn,
        "UPDATE outbox SET claimed_until = ?2, attempts = attempts + 1
             WHERE id IN (SELECT id FROM outbox
                 WHERE sent_at IS NULL AND next_at <= ?1
                     AND (claimed_until IS NULL OR claimed_until <= ?1)
                 ORDER BY id LIMIT ?3)
             RETURNING id, application, kind, text, created_at, attempts",
    )
    .map_err(query_err)?;
    let rows = stmt
        .query_map(params![now.0, lease_until.0, limit], |r| {
            Ok(NoticeRow {
                id: r.get(0)?,
                application: r.get(1)?,
                kind: r.get(2)?,
                text: r.get(3)?,
                created_at: Timestamp(r.get(4)?),
                attempts: r.get(5)?,
            })
        })
        .map_err(query_err)?;
    let mut rows = rows.collect::<Result<Vec<_>, _>>().map_err(query_err)?;
    rows.sort_by_key(|n| n.id);
    Ok(rows)
}

pub(super) fn notice_sent(
    conn: &Connection,
    id: i64,
    now: Timestamp,
    message: Option<&MessageRow>,
) -> Result<(), StorageError> {
    cached::run(
        conn,
        "UPDATE outbox SET sent_at = ?2, claimed_until = NULL WHERE id = ?1",
        params![id, now.0],
    )
    .map_err(query_err)?;
    if let Some(m) = message {
        cached::run(
            conn,
            "INSERT INTO messages (application, outbox, kind, text, at)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (outbox) DO NOTHING",
            params![m.application, id, m.kind, m.text, m.at.0],
        )
        .map_err(query_err)?;
    }
    Ok(())
}

pub(super) fn notice_failed(
    conn: &Connection,
    id: i64,
    error: &str,
    next_at: Timestamp,
) -> Result<(), StorageError> {
    cached::run(
        conn,
        "UPDATE outbox SET last_error = ?2, next_at = ?3, claimed_until = NULL WHERE id = ?1",
        params![id, error, next_at.0],
    )
    .map_err(query_err)?;
    Ok(())
}

pub(super) fn messages(
    conn: &Connection,
    application: &str,
) -> Result<Vec<MessageRow>, StorageError> {
    let mut stmt = cached::statement(
        conn,
        "SELECT id, application, kind, text, at FROM messages
             WHERE application = ?1 ORDER BY id",
    )
    .map_err(query_err)?;
    let rows = stmt
        .query_map([application], |r| {
            Ok(MessageRow {
                id: r.get(0)?,
                application: r.get(1)?,
                kind: r.get(2)?,
                text: r.get(3)?,
                at: Timestamp(r.get(4)?),
            })
        })
        .map_err(query_err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
}

const RATING_COLUMNS: &str = "application, level, dimensions, comment, rated_at, followup_due, \
     reply, replied_by, replied_at";

fn row_to_rating(r: &rusqlite::Row<'_>) -> rusqlite::Result<RatingRow> {
    Ok(RatingRow {
        application: r.get(0)?,
        level: r.get(1)?,
        dimensions: r.get(2)?,
        comment: r.get(3)?,
        rated_at: Timestamp(r.get(4)?),
        followup_due: r.get(5)?,
        reply: r.get(6)?,
        replied_by: r.get(7)?,
        replied_at: r.get::<_, Option<i64>>(8)?.map(Timestamp),
    })
}

pub(super) fn rating(
    conn: &Connection,
    application: &str,
) -> Result<Option<RatingRow>, StorageError> {
    cached::one(
        conn,
        &format!("SELECT {RATING_COLUMNS} FROM ratings WHERE application = ?1"),
        [application],
        row_to_rating,
    )
    .optional()
    .map_err(query_err)
}

pub(super) fn open_followups(
    conn: &Connection,
    limit: u32,
) -> Result<Vec<RatingRow>, StorageError> {
    let mut stmt = cached::statement(
        conn,
        &format!(
            "SELECT {RATING_COLUMNS} FROM ratings
             WHERE followup_due IS NOT NULL AND replied_at IS NULL
             ORDER BY followup_due, rated_at LIMIT ?1"
        ),
    )
    .map_err(query_err)?;
    let rows = stmt.query_map([limit], row_to_rating).map_err(query_err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
}

pub(super) fn reply_followup(
    conn: &Connection,
    application: &str,
    reply: &str,
    by: &str,
    at: Timestamp,
) -> Result<bool, StorageError> {
    cached::run(
        conn,
        "UPDATE ratings SET reply = ?2, replied_by = ?3, replied_at = ?4
         WHERE application = ?1 AND followup_due IS NOT NULL AND replied_at IS NULL",
        params![application, reply, by, at.0],
    )
    .map(|n| n == 1)
    .map_err(query_err)
}

pub(super) fn progress_stamp(
    conn: &Connection,
    application: &str,
) -> Result<Option<String>, StorageError> {
    cached::one(
        conn,
        "SELECT a.version,
                 (SELECT COUNT(*) FROM material_requests r
                  WHERE r.application = a.number AND r.resolved_at IS NULL),
                 (SELECT COUNT(*) FROM messages m WHERE m.application = a.number),
                 (SELECT COUNT(*) FROM ratings t WHERE t.application = a.number),
                 (SELECT COALESCE(MAX(t.replied_at), 0) FROM ratings t
                  WHERE t.application = a.number)
             FROM applications a WHERE a.number = ?1",
        [application],
        |r| {
            let v: [i64; 5] = [r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?];
            Ok(v.map(|x| x.to_string()).join("."))
        },
    )
    .optional()
    .map_err(query_err)
}
