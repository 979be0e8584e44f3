//! SQLite: counter codes (办件码).

use rusqlite::{Connection, OptionalExtension, params};

use super::{cached, query_err};
use crate::clock::Timestamp;
use crate::storage::{CounterCodeRow, StorageError};

const COLUMNS: &str = "code, application, created_at, expires_at, revoked_at, revoked_by";

fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<CounterCodeRow> {
    Ok(CounterCodeRow {
        code: r.get(0)?,
        application: r.get(1)?,
        created_at: Timestamp(r.get(2)?),
        expires_at: Timestamp(r.get(3)?),
        revoked_at: r.get::<_, Option<i64>>(4)?.map(Timestamp),
        revoked_by: r.get(5)?,
    })
}

pub(super) fn insert(conn: &Connection, c: &CounterCodeRow) -> Result<bool, StorageError> {
    let n = cached::run(
        conn,
        &format!(
            "INSERT INTO counter_codes ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT DO NOTHING"
        ),
        params![
            c.code,
            c.application,
            c.created_at.0,
            c.expires_at.0,
            c.revoked_at.map(|t| t.0),
            c.revoked_by
        ],
    )
    .map_err(query_err)?;
    Ok(n == 1)
}

pub(super) fn one(conn: &Connection, code: &str) -> Result<Option<CounterCodeRow>, StorageError> {
    cached::one(
        conn,
        &format!("SELECT {COLUMNS} FROM counter_codes WHERE code = ?1"),
        [code],
        row_of,
    )
    .optional()
    .map_err(query_err)
}

pub(super) fn of(
    conn: &Connection,
    application: &str,
) -> Result<Vec<CounterCodeRow>, StorageError> {
    let mut stmt = cached::statement(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM counter_codes WHERE application = ?1
             ORDER BY created_at DESC, code"
        ),
    )
    .map_err(query_err)?;
    let rows = stmt
        .query_map([application], row_of)
        .map_err(query_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(query_err)?;
    Ok(rows)
}

pub(super) fn revoke(
    conn: &Connection,
    code: &str,
    at: Timestamp,
    by: &str,
) -> Result<bool, StorageError> {
    let n = cached::run(
        conn,
        "UPDATE counter_codes SET revoked_at = ?2, revoked_by = ?3
             WHERE code = ?1 AND revoked_at IS NULL",
        params![code, at.0, by],
    )
    .map_err(query_err)?;
    Ok(n == 1)
}
