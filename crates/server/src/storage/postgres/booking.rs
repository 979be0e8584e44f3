//! PostgreSQL: bookings (窗口预约). A booking's transaction first takes two advisory locks, on
//! its slot and on the person, so that counting the seats and the person's bookings and then
//! writing cannot interleave with another booking of the same slot or person (READ COMMITTED
//! alone would let two transactions count the same free seat).

use deadpool_postgres::GenericClient;
use onetrip_domain::booking::Counts;

use super::query_err;
use crate::clock::Timestamp;
use crate::storage::{Admit, BookOutcome, BookingRow, StorageError};

const COLUMNS: &str = "id, token, checkin_code, idempotency_key, fingerprint, hall, window_code,
    matter, day, start_min, end_min, start_at, end_at, priority, id_hash, phone_hash,
    name_masked, status, created_at, cancelled_at, arrived_at, arrived_by";

fn u(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

fn row_of(r: &tokio_postgres::Row) -> BookingRow {
    BookingRow {
        id: r.get(0),
        token: r.get(1),
        checkin_code: r.get(2),
        idempotency_key: r.get(3),
        fingerprint: r.get(4),
        hall: r.get(5),
        window: r.get(6),
        matter: r.get(7),
        day: r.get(8),
        start_min: u(r.get(9)),
        end_min: u(r.get(10)),
        start_at: Timestamp(r.get(11)),
        end_at: Timestamp(r.get(12)),
        priority: r.get::<_, i64>(13) == 1,
        id_hash: r.get(14),
        phone_hash: r.get(15),
        name_masked: r.get(16),
        status: r.get(17),
        created_at: Timestamp(r.get(18)),
        cancelled_at: r.get::<_, Option<i64>>(19).map(Timestamp),
        arrived_at: r.get::<_, Option<i64>>(20).map(Timestamp),
        arrived_by: r.get(21),
    }
}

async fn one_where(
    c: &impl GenericClient,
    column: &str,
    value: &str,
) -> Result<Option<BookingRow>, StorageError> {
    let row = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM bookings WHERE {column} = $1"),
            &[&value],
        )
        .await
        .map_err(query_err)?;
    Ok(row.as_ref().map(row_of))
}

pub(super) async fn by_token(
    c: &impl GenericClient,
    token: &str,
) -> Result<Option<BookingRow>, StorageError> {
    one_where(c, "token", token).await
}

pub(super) async fn by_code(
    c: &impl GenericClient,
    code: &str,
) -> Result<Option<BookingRow>, StorageError> {
    one_where(c, "checkin_code", code).await
}

async fn count(
    c: &impl GenericClient,
    sql: &str,
    p: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<u32, StorageError> {
    let row = c.query_one(sql, p).await.map_err(query_err)?;
    Ok(u(row.get(0)))
}

/// Inside a transaction: lock, count, decide, write.
pub(super) async fn book(
    c: &impl GenericClient,
    b: &BookingRow,
    now: Timestamp,
    no_shows_since: Timestamp,
    admit: Admit,
) -> Result<BookOutcome, StorageError> {
    let slot = format!("slot:{}:{}:{}:{}", b.hall, b.window, b.day, b.start_min);
    let person = format!("person:{}", b.id_hash);
    for key in [&slot, &person] {
        c.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[key])
            .await
            .map_err(query_err)?;
    }
    if let Some(existing) = one_where(c, "idempotency_key", &b.idempotency_key).await? {
        return Ok(BookOutcome::Existing(existing));
    }
    let start = i64::from(b.start_min);
    let row = c
        .query_one(
            "SELECT COUNT(*), COALESCE(SUM(priority), 0)::BIGINT FROM bookings
             WHERE hall = $1 AND window_code = $2 AND day = $3 AND start_min = $4
               AND status IN ('active', 'arrived')",
            &[&b.hall, &b.window, &b.day, &start],
        )
        .await
        .map_err(query_err)?;
    let counts = Counts {
        taken: u(row.get(0)),
        taken_priority: u(row.get(1)),
        same_matter: count(
            c,
            "SELECT COUNT(*) FROM bookings
             WHERE id_hash = $1 AND matter = $2 AND status = 'active' AND end_at > $3",
            &[&b.id_hash, &b.matter, &now.0],
        )
        .await?,
        by_id: count(
            c,
            "SELECT COUNT(*) FROM bookings WHERE id_hash = $1 AND status = 'active' AND end_at > $2",
            &[&b.id_hash, &now.0],
        )
        .await?,
        by_phone: count(
            c,
            "SELECT COUNT(*) FROM bookings
             WHERE phone_hash = $1 AND status = 'active' AND end_at > $2",
            &[&b.phone_hash, &now.0],
        )
        .await?,
        verified_no_shows: count(
            c,
            "SELECT COUNT(*) FROM bookings b
             WHERE b.id_hash = $1 AND b.status = 'active' AND b.end_at <= $2 AND b.end_at > $3
               AND EXISTS (SELECT 1 FROM verified_identities v WHERE v.id_hash = b.id_hash)",
            &[&b.id_hash, &now.0, &no_shows_since.0],
        )
        .await?,
    };
    if let Err(refusal) = admit(counts) {
        return Ok(BookOutcome::Refused(refusal));
    }
    let (end, priority) = (i64::from(b.end_min), i64::from(b.priority));
    c.execute(
        &format!(
            "INSERT INTO bookings ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
             $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
        ),
        &[
            &b.id,
            &b.token,
            &b.checkin_code,
            &b.idempotency_key,
            &b.fingerprint,
            &b.hall,
            &b.window,
            &b.matter,
            &b.day,
            &start,
            &end,
            &b.start_at.0,
            &b.end_at.0,
            &priority,
            &b.id_hash,
            &b.phone_hash,
            &b.name_masked,
            &b.status,
            &b.created_at.0,
            &b.cancelled_at.map(|t| t.0),
            &b.arrived_at.map(|t| t.0),
            &b.arrived_by,
        ],
    )
    .await
    .map_err(query_err)?;
    Ok(BookOutcome::Booked(b.clone()))
}

pub(super) async fn slot_counts(
    c: &impl GenericClient,
    hall: &str,
    window: &str,
    day: &str,
) -> Result<Vec<(u32, u32, u32)>, StorageError> {
    let rows = c
        .query(
            "SELECT start_min, COUNT(*), COALESCE(SUM(priority), 0)::BIGINT FROM bookings
             WHERE hall = $1 AND window_code = $2 AND day = $3 AND status IN ('active', 'arrived')
             GROUP BY start_min ORDER BY start_min",
            &[&hall, &window, &day],
        )
        .await
        .map_err(query_err)?;
    Ok(rows
        .iter()
        .map(|r| (u(r.get(0)), u(r.get(1)), u(r.get(2))))
        .collect())
}

pub(super) async fn cancel(
    c: &impl GenericClient,
    id: &str,
    at: Timestamp,
) -> Result<bool, StorageError> {
    let n = c
        .execute(
            "UPDATE bookings SET status = 'cancelled', cancelled_at = $2
             WHERE id = $1 AND status = 'active'",
            &[&id, &at.0],
        )
        .await
        .map_err(query_err)?;
    Ok(n == 1)
}

pub(super) async fn arrive(
    c: &impl GenericClient,
    id: &str,
    at: Timestamp,
    by: &str,
) -> Result<bool, StorageError> {
    let n = c
        .execute(
            "UPDATE bookings SET status = 'arrived', arrived_at = $2, arrived_by = $3
             WHERE id = $1 AND status = 'active'",
            &[&id, &at.0, &by],
        )
        .await
        .map_err(query_err)?;
    if n == 1 {
        c.execute(
            "INSERT INTO verified_identities (id_hash, verified_at)
             SELECT id_hash, $2 FROM bookings WHERE id = $1
             ON CONFLICT (id_hash) DO UPDATE SET verified_at = excluded.verified_at",
            &[&id, &at.0],
        )
        .await
        .map_err(query_err)?;
    }
    Ok(n == 1)
}
