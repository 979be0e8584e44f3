//! SQLite: bookings (窗口预约). Writes run on the single writer inside `BEGIN IMMEDIATE`, one
//! after another, so counting a slot's seats and writing the booking cannot interleave with
//! another booking's; another process on the same file waits on the busy timeout.

use onetrip_domain::booking::Counts;
use rusqlite::{Connection, OptionalExtension, params};

use super::{cached, query_err};
use crate::clock::Timestamp;
use crate::storage::{Admit, BookOutcome, BookingRow, StorageError};

const COLUMNS: &str = "id, token, checkin_code, idempotency_key, fingerprint, hall, window_code,
    matter, day, start_min, end_min, start_at, end_at, priority, id_hash, phone_hash,
    name_masked, status, created_at, cancelled_at, arrived_at, arrived_by";

fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<BookingRow> {
    Ok(BookingRow {
        id: r.get(0)?,
        token: r.get(1)?,
        checkin_code: r.get(2)?,
        idempotency_key: r.get(3)?,
        fingerprint: r.get(4)?,
        hall: r.get(5)?,
        window: r.get(6)?,
        matter: r.get(7)?,
        day: r.get(8)?,
        start_min: r.get(9)?,
        end_min: r.get(10)?,
        start_at: Timestamp(r.get(11)?),
        end_at: Timestamp(r.get(12)?),
        priority: r.get::<_, i64>(13)? == 1,
        id_hash: r.get(14)?,
        phone_hash: r.get(15)?,
        name_masked: r.get(16)?,
        status: r.get(17)?,
        created_at: Timestamp(r.get(18)?),
        cancelled_at: r.get::<_, Option<i64>>(19)?.map(Timestamp),
        arrived_at: r.get::<_, Option<i64>>(20)?.map(Timestamp),
        arrived_by: r.get(21)?,
    })
}

fn one_where(
    conn: &Connection,
    column: &str,
    value: &str,
) -> Result<Option<BookingRow>, StorageError> {
    cached::one(
        conn,
        &format!("SELECT {COLUMNS} FROM bookings WHERE {column} = ?1"),
        [value],
        row_of,
    )
    .optional()
    .map_err(query_err)
}

pub(super) fn by_token(conn: &Connection, token: &str) -> Result<Option<BookingRow>, StorageError> {
    one_where(conn, "token", token)
}

pub(super) fn by_code(conn: &Connection, code: &str) -> Result<Option<BookingRow>, StorageError> {
    one_where(conn, "checkin_code", code)
}

fn count(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<u32, StorageError> {
    cached::one(conn, sql, p, |r| r.get::<_, i64>(0))
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        .map_err(query_err)
}

pub(super) fn book(
    conn: &Connection,
    b: &BookingRow,
    now: Timestamp,
    no_shows_since: Timestamp,
    admit: Admit,
) -> Result<BookOutcome, StorageError> {
    if let Some(existing) = one_where(conn, "idempotency_key", &b.idempotency_key)? {
        return Ok(BookOutcome::Existing(existing));
    }
    let (taken, taken_priority) = cached::one(
        conn,
        "SELECT COUNT(*), COALESCE(SUM(priority), 0) FROM bookings
             WHERE hall = ?1 AND window_code = ?2 AND day = ?3 AND start_min = ?4
               AND status IN ('active', 'arrived')",
        params![b.hall, b.window, b.day, b.start_min],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    )
    .map_err(query_err)?;
    let counts = Counts {
        taken: u32::try_from(taken).unwrap_or(u32::MAX),
        taken_priority: u32::try_from(taken_priority).unwrap_or(u32::MAX),
        same_matter: count(
            conn,
            "SELECT COUNT(*) FROM bookings
             WHERE id_hash = ?1 AND matter = ?2 AND status = 'active' AND end_at > ?3",
            params![b.id_hash, b.matter, now.0],
        )?,
        by_id: count(
            conn,
            "SELECT COUNT(*) FROM bookings WHERE id_hash = ?1 AND status = 'active' AND end_at > ?2",
            params![b.id_hash, now.0],
        )?,
        by_phone: count(
            conn,
            "SELECT COUNT(*) FROM bookings
             WHERE phone_hash = ?1 AND status = 'active' AND end_at > ?2",
            params![b.phone_hash, now.0],
        )?,
        verified_no_shows: count(
            conn,
            "SELECT COUNT(*) FROM bookings b
             WHERE b.id_hash = ?1 AND b.status = 'active' AND b.end_at <= ?2 AND b.end_at > ?3
               AND EXISTS (SELECT 1 FROM verified_identities v WHERE v.id_hash = b.id_hash)",
            params![b.id_hash, now.0, no_shows_since.0],
        )?,
    };
    if let Err(refusal) = admit(counts) {
        return Ok(BookOutcome::Refused(refusal));
    }
    cached::run(
        conn,
        &format!(
            "INSERT INTO bookings ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
             ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)"
        ),
        params![
            b.id,
            b.token,
            b.checkin_code,
            b.idempotency_key,
            b.fingerprint,
            b.hall,
            b.window,
            b.matter,
            b.day,
            b.start_min,
            b.end_min,
            b.start_at.0,
            b.end_at.0,
            i64::from(b.priority),
            b.id_hash,
            b.phone_hash,
            b.name_masked,
            b.status,
            b.created_at.0,
            b.cancelled_at.map(|t| t.0),
            b.arrived_at.map(|t| t.0),
            b.arrived_by
        ],
    )
    .map_err(query_err)?;
    Ok(BookOutcome::Booked(b.clone()))
}

pub(super) fn slot_counts(
    conn: &Connection,
    hall: &str,
    window: &str,
    day: &str,
) -> Result<Vec<(u32, u32, u32)>, StorageError> {
    let mut stmt = cached::statement(
        conn,
        "SELECT start_min, COUNT(*), COALESCE(SUM(priority), 0) FROM bookings
             WHERE hall = ?1 AND window_code = ?2 AND day = ?3 AND status IN ('active', 'arrived')
             GROUP BY start_min ORDER BY start_min",
    )
    .map_err(query_err)?;
    let rows = stmt
        .query_map(params![hall, window, day], |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, u32>(2)?,
            ))
        })
        .map_err(query_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(query_err)?;
    Ok(rows)
}

pub(super) fn cancel(conn: &Connection, id: &str, at: Timestamp) -> Result<bool, StorageError> {
    let n = cached::run(
        conn,
        "UPDATE bookings SET status = 'cancelled', cancelled_at = ?2
             WHERE id = ?1 AND status = 'active'",
        params![id, at.0],
    )
    .map_err(query_err)?;
    Ok(n == 1)
}

pub(super) fn arrive(
    conn: &Connection,
    id: &str,
    at: Timestamp,
    by: &str,
) -> Result<bool, StorageError> {
    let n = cached::run(
        conn,
        "UPDATE bookings SET status = 'arrived', arrived_at = ?2, arrived_by = ?3
             WHERE id = ?1 AND status = 'active'",
        params![id, at.0, by],
    )
    .map_err(query_err)?;
    if n == 1 {
        cached::run(
            conn,
            "INSERT INTO verified_identities (id_hash, verified_at)
             SELECT id_hash, ?2 FROM bookings WHERE id = ?1
             ON CONFLICT (id_hash) DO UPDATE SET verified_at = excluded.verified_at",
            params![id, at.0],
        )
        .map_err(query_err)?;
    }
    Ok(n == 1)
}
