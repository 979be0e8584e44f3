//! PostgreSQL: bank appointments (预约开户).

use deadpool_postgres::GenericClient;

use super::query_err;
use crate::clock::Timestamp;
use crate::storage::{BankAppointmentRow, BankUpdate, StorageError};

const COLUMNS: &str =
    "application, bank, branch, account_type, status, signing_at, created_at, updated_at";

fn row_of(r: &tokio_postgres::Row) -> BankAppointmentRow {
    BankAppointmentRow {
        application: r.get(0),
        bank: r.get(1),
        branch: r.get(2),
        account_type: r.get(3),
        status: r.get(4),
        signing_at: r.get(5),
        created_at: Timestamp(r.get(6)),
        updated_at: Timestamp(r.get(7)),
    }
}

pub(super) async fn insert(
    c: &impl GenericClient,
    b: &BankAppointmentRow,
) -> Result<bool, StorageError> {
    let n = c
        .execute(
            &format!(
                "INSERT INTO bank_appointments ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT DO NOTHING"
            ),
            &[
                &b.application,
                &b.bank,
                &b.branch,
                &b.account_type,
                &b.status,
                &b.signing_at,
                &b.created_at.0,
                &b.updated_at.0,
            ],
        )
        .await
        .map_err(query_err)?;
    Ok(n == 1)
}

pub(super) async fn one(
    c: &impl GenericClient,
    application: &str,
) -> Result<Option<BankAppointmentRow>, StorageError> {
    let row = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM bank_appointments WHERE application = $1"),
            &[&application],
        )
        .await
        .map_err(query_err)?;
    Ok(row.as_ref().map(row_of))
}

/// Part of an action's transaction (`append`).
pub(super) async fn update(
    c: &impl GenericClient,
    application: &str,
    u: &BankUpdate,
) -> Result<(), StorageError> {
    c.execute(
        "UPDATE bank_appointments SET status = $2, signing_at = COALESCE($3, signing_at),
             updated_at = $4 WHERE application = $1",
        &[&application, &u.status, &u.signing_at, &u.at.0],
    )
    .await
    .map_err(query_err)?;
    Ok(())
}
