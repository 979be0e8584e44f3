//! SQLite: bank appointments (预约开户).

use rusqlite::{Connection, OptionalExtension, params};

use super::{cached, query_err};
use crate::clock::Timestamp;
use crate::storage::{BankAppointmentRow, BankUpdate, StorageError};

const COLUMNS: &str =
    "application, bank, branch, account_type, status, signing_at, created_at, updated_at";

fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<BankAppointmentRow> {
    Ok(BankAppointmentRow {
        application: r.get(0)?,
        bank: r.get(1)?,
        branch: r.get(2)?,
        account_type: r.get(3)?,
        status: r.get(4)?,
        signing_at: r.get(5)?,
        created_at: Timestamp(r.get(6)?),
        updated_at: Timestamp(r.get(7)?),
    })
}

pub(super) fn insert(conn: &Connection, b: &BankAppointmentRow) -> Result<bool, StorageError> {
    let n = cached::run(
        conn,
        &format!(
            "INSERT INTO bank_appointments ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT DO NOTHING"
        ),
        params![
            b.application,
            b.bank,
            b.branch,
            b.account_type,
            b.status,
            b.signing_at,
            b.created_at.0,
            b.updated_at.0
        ],
    )
    .map_err(query_err)?;
    Ok(n == 1)
}

pub(super) fn one(
    conn: &Connection,
    application: &str,
) -> Result<Option<BankAppointmentRow>, StorageError> {
    cached::one(
        conn,
        &format!("SELECT {COLUMNS} FROM bank_appointments WHERE application = ?1"),
        [application],
        row_of,
    )
    .optional()
    .map_err(query_err)
}

/// Part of an action's transaction (`append`).
pub(super) fn update(
    conn: &Connection,
    application: &str,
    u: &BankUpdate,
) -> Result<(), StorageError> {
    cached::run(
        conn,
        "UPDATE bank_appointments SET status = ?2, signing_at = COALESCE(?3, signing_at),
             updated_at = ?4 WHERE application = ?1",
        params![application, u.status, u.signing_at, u.at.0],
    )
    .map_err(query_err)?;
    Ok(())
}
