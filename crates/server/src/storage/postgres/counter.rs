//! PostgreSQL: counter codes (办件码).

use deadpool_postgres::GenericClient;

use super::query_err;
use crate::clock::Timestamp;
use crate::storage::{CounterCodeRow, StorageError};

const COLUMNS: &str = "code, application, created_at, expires_at, revoked_at, revoked_by";

fn row_of(r: &tokio_postgres::Row) -> CounterCodeRow {
    CounterCodeRow {
        code: r.get(0),
        application: r.get(1),
        created_at: Timestamp(r.get(2)),
        expires_at: Timestamp(r.get(3)),
        revoked_at: r.get::<_, Option<i64>>(4).map(Timestamp),
        revoked_by: r.get(5),
    }
}

pub(super) async fn insert(
    c: &impl GenericClient,
    row: &CounterCodeRow,
) -> Result<bool, StorageError> {
    let n = c
        .execute(
            &format!(
                "INSERT INTO counter_codes ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT DO NOTHING"
            ),
            &[
                &row.code,
                &row.application,
                &row.created_at.0,
                &row.expires_at.0,
                &row.revoked_at.map(|t| t.0),
                &row.revoked_by,
            ],
        )
        .await
        .map_err(query_err)?;
    Ok(n == 1)
}

pub(super) async fn one(
    c: &impl GenericClient,
    code: &str,
) -> Result<Option<CounterCodeRow>, StorageError> {
    let row = c
        .query_opt(
            &format!("SELECT {COLUMNS} FROM counter_codes WHERE code = $1"),
            &[&code],
        )
        .await
        .map_err(query_err)?;
    Ok(row.as_ref().map(row_of))
}

pub(super) async fn of(
    c: &impl GenericClient,
    application: &str,
) -> Result<Vec<CounterCodeRow>, StorageError> {
    let rows = c
        .query(
            &format!(
                "SELECT {COLUMNS} FROM counter_codes WHERE application = $1
                 ORDER BY created_at DESC, code"
            ),
            &[&application],
        )
        .await
        .map_err(query_err)?;
    Ok(rows.iter().map(row_of).collect())
}

pub(super) async fn revoke(
    c: &impl GenericClient,
    code: &str,
    at: Timestamp,
    by: &str,
) -> Result<bool, StorageError> {
    let n = c
        .execute(
            "UPDATE counter_codes SET revoked_at = $2, revoked_by = $3
             WHERE code = $1 AND revoked_at IS NULL",
            &[&code, &at.0, &by],
        )
        .await
        .map_err(query_err)?;
    Ok(n == 1)
}
