//! PostgreSQL, for when one machine is not enough: a connection pool, migrations under an
//! advisory lock so that several servers starting together migrate once.

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

mod bank;
mod booking;
mod counter;
mod workflow;

use super::{
    Admit, ApplicationRow, AuditRow, Backend, BankAppointmentRow, BookOutcome, BookingRow, Change,
    ChecklistRow, CounterCodeRow, DraftRow, EventRow, FeedbackRecord, FileRow, Inserted,
    MaterialRequestRow, MatterRow, MessageRow, Migrations, NoticeRow, QueueQuery, QueueRow,
    RatingRow, SessionRow, StaffRow, Storage, StorageError,
};
use crate::clock::Timestamp;

const MIGRATIONS: Migrations = &[
    (
        1,
        "init",
        include_str!("../../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "checklists",
        include_str!("../../migrations/postgres/0002_checklists.sql"),
    ),
    (
        3,
        "applications",
        include_str!("../../migrations/postgres/0003_applications.sql"),
    ),
    (
        4,
        "files",
        include_str!("../../migrations/postgres/0004_files.sql"),
    ),
    (
        5,
        "material_requests",
        include_str!("../../migrations/postgres/0005_material_requests.sql"),
    ),
    (
        6,
        "workflow",
        include_str!("../../migrations/postgres/0006_workflow.sql"),
    ),
    (
        7,
        "counter_codes",
        include_str!("../../migrations/postgres/0007_counter_codes.sql"),
    ),
    (
        8,
        "bank",
        include_str!("../../migrations/postgres/0008_bank.sql"),
    ),
    (
        9,
        "bookings",
        include_str!("../../migrations/postgres/0009_bookings.sql"),
    ),
    (
        10,
        "bank_staff",
        include_str!("../../migrations/postgres/0010_bank_staff.sql"),
    ),
    (
        11,
        "files_object",
        include_str!("../../migrations/postgres/0011_files_object.sql"),
    ),
    (
        12,
        "server_secrets",
        include_str!("../../migrations/postgres/0012_server_secrets.sql"),
    ),
];

/// An arbitrary constant naming our migration lock.
const MIGRATION_LOCK: i64 = 0x0E7C_1B4D;

pub struct Postgres {
    pool: Pool,
}

fn query_err<E: std::error::Error + 'static>(e: E) -> StorageError {
    let pg = (&e as &(dyn std::error::Error + 'static)).downcast_ref::<tokio_postgres::Error>();
    // 53100 disk_full (and 53200 out_of_memory, 53300 too_many_connections are not ours to
    // promise anything about): the applicant hears that nothing was saved and to try later.
    if pg.and_then(tokio_postgres::Error::code) == Some(&tokio_postgres::error::SqlState::DISK_FULL)
    {
        return StorageError::Full;
    }
    StorageError::Query(pg.map_or_else(|| e.to_string(), db_message))
}

/// The server's own words for an error (tokio-postgres alone says only "db error").
fn db_message(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.code().code(), db.message()),
        None => e.to_string(),
    }
}

impl Postgres {
    pub async fn open(url: &str) -> Result<Postgres, StorageError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StorageError::Open(format!("DATABASE_URL: {e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .build()
            .map_err(|e| StorageError::Open(e.to_string()))?;
        let pg = Postgres { pool };
        pg.migrate().await?;
        Ok(pg)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StorageError> {
        self.pool
            .get()
            .await
            .map_err(|e| StorageError::Open(e.to_string()))
    }

    async fn migrate(&self) -> Result<(), StorageError> {
        let mut client = self.client().await?;
        // Under the lock too: two servers running CREATE TABLE IF NOT EXISTS at the same moment
        // can both find the table missing; the second then fails on a unique index of
        // PostgreSQL's own system catalogue.
        let fail = |e: tokio_postgres::Error| StorageError::Migration {
            version: 0,
            message: db_message(&e),
        };
        let tx = client.transaction().await.map_err(fail)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(fail)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await
        .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        for &(version, name, sql) in MIGRATIONS {
            let fail = |e: tokio_postgres::Error| StorageError::Migration {
                version,
                message: db_message(&e),
            };
            let tx = client.transaction().await.map_err(fail)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
                .await
                .map_err(fail)?;
            let done = tx
                .query_opt(
                    "SELECT 1 FROM schema_migrations WHERE version = $1",
                    &[&(version as i32)],
                )
                .await
                .map_err(fail)?;
            if done.is_some() {
                continue;
            }
            tx.batch_execute(sql).await.map_err(fail)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at)
                 VALUES ($1, $2, (extract(epoch from clock_timestamp()) * 1000)::bigint)",
                &[&(version as i32), &name],
            )
            .await
            .map_err(fail)?;
            tx.commit().await.map_err(fail)?;
        }
        Ok(())
    }
}

fn row_to_feedback(row: &tokio_postgres::Row) -> FeedbackRecord {
    FeedbackRecord {
        id: row.get(0),
        fingerprint: row.get(1),
        page: row.get(2),
        useful: row.get(3),
        comment: row.get(4),
        created_at: Timestamp(row.get(5)),
    }
}

/// The JSON columns (json, which keeps the text as written) are read back as text.
const CHECKLIST_SELECT: &str = "SELECT id, idempotency_key, fingerprint, subject_kind, \
     subject_code, answers::text, catalog_version, checklist::text, created_at FROM checklists";

fn row_to_checklist(row: &tokio_postgres::Row) -> ChecklistRow {
    ChecklistRow {
        id: row.get(0),
        idempotency_key: row.get(1),
        fingerprint: row.get(2),
        subject_kind: row.get(3),
        subject_code: row.get(4),
        answers: row.get(5),
        catalog_version: row.get(6),
        checklist: row.get(7),
        created_at: Timestamp(row.get(8)),
    }
}

const DRAFT_SELECT: &str = "SELECT token, idempotency_key, fingerprint, key_hash, subject_kind, \
     subject_code, answers::text, data::text, form::text, catalog_version, factor_kind, \
     factor_hash, failed_opens, locked_until, created_at, saved_at, expires_at FROM drafts";

/// `failed_opens` is a u32 in Rust and an INTEGER (i32) here; it never comes near either limit.
fn failed_opens_to_db(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn row_to_draft(row: &tokio_postgres::Row) -> DraftRow {
    DraftRow {
        token: row.get(0),
        idempotency_key: row.get(1),
        fingerprint: row.get(2),
        key_hash: row.get(3),
        subject_kind: row.get(4),
        subject_code: row.get(5),
        answers: row.get(6),
        data: row.get(7),
        form: row.get(8),
        catalog_version: row.get(9),
        factor_kind: row.get(10),
        factor_hash: row.get(11),
        // The column's CHECK keeps it non-negative.
        failed_opens: row.get::<_, i32>(12).max(0) as u32,
        locked_until: row.get::<_, Option<i64>>(13).map(Timestamp),
        created_at: Timestamp(row.get(14)),
        saved_at: Timestamp(row.get(15)),
        expires_at: Timestamp(row.get(16)),
    }
}

const APPLICATION_SELECT: &str = "SELECT number, idempotency_key, fingerprint, subject_kind, \
     subject_code, answers::text, data::text, receipt::text, catalog_version, created_at, \
     key_hash, factor_kind, factor_salt, factor_hash, failed_opens, locked_until, status, \
     version, updated_at, accept_by, due_on FROM applications";

fn row_to_application(row: &tokio_postgres::Row) -> ApplicationRow {
    ApplicationRow {
        number: row.get(0),
        idempotency_key: row.get(1),
        fingerprint: row.get(2),
        subject_kind: row.get(3),
        subject_code: row.get(4),
        answers: row.get(5),
        data: row.get(6),
        receipt: row.get(7),
        catalog_version: row.get(8),
        created_at: Timestamp(row.get(9)),
        key_hash: row.get(10),
        factor_kind: row.get(11),
        factor_salt: row.get(12),
        factor_hash: row.get(13),
        // The column's CHECK keeps it non-negative.
        failed_opens: row.get::<_, i32>(14).max(0) as u32,
        locked_until: row.get::<_, Option<i64>>(15).map(Timestamp),
        status: row.get(16),
        version: u64::try_from(row.get::<_, i64>(17)).unwrap_or(0),
        updated_at: row.get::<_, Option<i64>>(18).map(Timestamp),
        accept_by: row.get(19),
        due_on: row.get(20),
    }
}

const REQUEST_SELECT: &str = "SELECT id, application, material, kind, reason, department, \
     requested_at, due_on, resolved_at FROM material_requests";

fn row_to_request(row: &tokio_postgres::Row) -> MaterialRequestRow {
    MaterialRequestRow {
        id: row.get(0),
        application: row.get(1),
        material: row.get(2),
        kind: row.get(3),
        reason: row.get(4),
        department: row.get(5),
        requested_at: Timestamp(row.get(6)),
        due_on: row.get(7),
        resolved_at: row.get::<_, Option<i64>>(8).map(Timestamp),
    }
}

const REQUEST_INSERT: &str = "INSERT INTO material_requests (id, application, material, kind, \
     reason, department, requested_at, due_on, resolved_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING";

async fn insert_request(
    tx: &deadpool_postgres::Transaction<'_>,
    r: &MaterialRequestRow,
) -> Result<(), StorageError> {
    let n = tx
        .execute(
            REQUEST_INSERT,
            &[
                &r.id,
                &r.application,
                &r.material,
                &r.kind,
                &r.reason,
                &r.department,
                &r.requested_at.0,
                &r.due_on,
                &r.resolved_at.map(|t| t.0),
            ],
        )
        .await
        .map_err(query_err)?;
    if n == 1 {
        Ok(())
    } else {
        Err(StorageError::IdTaken)
    }
}

const FILE_SELECT: &str = "SELECT id, idempotency_key, draft_token, application, material, slot, \
     position, content_type, bytes, sha256, pages, width, height, object, created_at, \
     handed_in_at FROM files";

/// A draft's files in the order the contract names: by material, then slot (an identity card's
/// front before its back, then pages), position and upload time; the id breaks any tie. Text
/// compares byte by byte (`C`), as in SQLite, whatever the database's collation.
const FILE_ORDER: &str = "material COLLATE \"C\", \
     CASE slot WHEN 'front' THEN 0 WHEN 'back' THEN 1 ELSE 2 END, position, created_at, \
     id COLLATE \"C\"";

/// A file's u32 columns are INTEGER (i32) here and its size a BIGINT (i64). Unlike a counter
/// such as `failed_opens`, these must round-trip exactly, so a value that does not fit is
/// refused rather than clamped (as SQLite's checked conversion refuses a u64 above i64::MAX).
fn u32_to_db(n: u32, column: &str) -> Result<i32, StorageError> {
    i32::try_from(n).map_err(|_| StorageError::Query(format!("files.{column} out of range: {n}")))
}

fn u64_to_db(n: u64, column: &str) -> Result<i64, StorageError> {
    i64::try_from(n).map_err(|_| StorageError::Query(format!("files.{column} out of range: {n}")))
}

/// The columns' CHECKs keep these non-negative, so the conversions back never fail.
fn u32_from_db(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn row_to_file(row: &tokio_postgres::Row) -> FileRow {
    FileRow {
        id: row.get(0),
        idempotency_key: row.get(1),
        draft_token: row.get(2),
        application: row.get(3),
        material: row.get(4),
        slot: row.get(5),
        position: u32_from_db(row.get(6)),
        content_type: row.get(7),
        bytes: u64::try_from(row.get::<_, i64>(8)).unwrap_or(0),
        sha256: row.get(9),
        pages: row.get::<_, Option<i32>>(10).map(u32_from_db),
        width: row.get::<_, Option<i32>>(11).map(u32_from_db),
        height: row.get::<_, Option<i32>>(12).map(u32_from_db),
        object: row.get(13),
        created_at: Timestamp(row.get(14)),
        handed_in_at: row.get::<_, Option<i64>>(15).map(Timestamp),
    }
}

#[async_trait]
impl Storage for Postgres {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn settings(&self) -> Result<Vec<(String, String)>, StorageError> {
        let client = self.client().await?;
        let mut out = Vec::new();
        for name in ["synchronous_commit", "fsync", "server_version"] {
            let row = client
                .query_one(&format!("SHOW {name}"), &[])
                .await
                .map_err(query_err)?;
            out.push((name.to_owned(), row.get::<_, String>(0)));
        }
        Ok(out)
    }

    async fn ping(&self) -> Result<(), StorageError> {
        self.client()
            .await?
            .query_one("SELECT 1", &[])
            .await
            .map_err(query_err)?;
        Ok(())
    }

    async fn record_catalog_version(
        &self,
        version: &str,
        now: Timestamp,
    ) -> Result<bool, StorageError> {
        let client = self.client().await?;
        let row = client
            .query_one(
                "INSERT INTO catalog_versions (version, first_seen, last_seen) VALUES ($1, $2, $2)
                 ON CONFLICT (version) DO UPDATE SET last_seen = EXCLUDED.last_seen
                 RETURNING first_seen = last_seen",
                &[&version, &now.0],
            )
            .await
            .map_err(query_err)?;
        Ok(row.get(0))
    }

    async fn secret(&self, name: &str, fresh: &str) -> Result<String, StorageError> {
        let client = self.client().await?;
        client
            .execute(
                "INSERT INTO server_secrets (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO NOTHING",
                &[&name, &fresh],
            )
            .await
            .map_err(query_err)?;
        let row = client
            .query_one("SELECT value FROM server_secrets WHERE name = $1", &[&name])
            .await
            .map_err(query_err)?;
        Ok(row.get(0))
    }

    async fn catalog_versions(&self) -> Result<Vec<(String, Timestamp, Timestamp)>, StorageError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT version, first_seen, last_seen FROM catalog_versions
                 ORDER BY first_seen DESC, version",
                &[],
            )
            .await
            .map_err(query_err)?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), Timestamp(r.get(1)), Timestamp(r.get(2))))
            .collect())
    }

    async fn insert_feedback(
        &self,
        record: FeedbackRecord,
    ) -> Result<Inserted<FeedbackRecord>, StorageError> {
        let client = self.client().await?;
        let inserted = client
            .execute(
                "INSERT INTO feedback (id, fingerprint, page, useful, comment, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
                &[
                    &record.id,
                    &record.fingerprint,
                    &record.page,
                    &record.useful,
                    &record.comment,
                    &record.created_at.0,
                ],
            )
            .await
            .map_err(query_err)?;
        if inserted == 1 {
            return Ok(Inserted::New(record));
        }
        let row = client
            .query_one(
                "SELECT id, fingerprint, page, useful, comment, created_at FROM feedback WHERE id = $1",
                &[&record.id],
            )
            .await
            .map_err(query_err)?;
        Ok(Inserted::Existing(row_to_feedback(&row)))
    }

    async fn feedback_count(&self) -> Result<u64, StorageError> {
        let row = self
            .client()
            .await?
            .query_one("SELECT COUNT(*) FROM feedback", &[])
            .await
            .map_err(query_err)?;
        Ok(row.get::<_, i64>(0) as u64)
    }

    async fn insert_checklist(
        &self,
        row: ChecklistRow,
    ) -> Result<Inserted<ChecklistRow>, StorageError> {
        let client = self.client().await?;
        // No conflict target: a taken id and a known key both end here, told apart below. A
        // duplicate arriving while the first insert is in flight waits for it on the index.
        let inserted = client
            .execute(
                "INSERT INTO checklists (id, idempotency_key, fingerprint, subject_kind,
                     subject_code, answers, catalog_version, checklist, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6::text::json, $7, $8::text::json, $9)
                 ON CONFLICT DO NOTHING",
                &[
                    &row.id,
                    &row.idempotency_key,
                    &row.fingerprint,
                    &row.subject_kind,
                    &row.subject_code,
                    &row.answers,
                    &row.catalog_version,
                    &row.checklist,
                    &row.created_at.0,
                ],
            )
            .await
            .map_err(query_err)?;
        if inserted == 1 {
            return Ok(Inserted::New(row));
        }
        client
            .query_opt(
                &format!("{CHECKLIST_SELECT} WHERE idempotency_key = $1"),
                &[&row.idempotency_key],
            )
            .await
            .map_err(query_err)?
            .map(|r| Inserted::Existing(row_to_checklist(&r)))
            .ok_or(StorageError::IdTaken)
    }

    async fn checklist(&self, id: &str) -> Result<Option<ChecklistRow>, StorageError> {
        let row = self
            .client()
            .await?
            .query_opt(&format!("{CHECKLIST_SELECT} WHERE id = $1"), &[&id])
            .await
            .map_err(query_err)?;
        Ok(row.as_ref().map(row_to_checklist))
    }

    async fn checklist_count(&self) -> Result<u64, StorageError> {
        let row = self
            .client()
            .await?
            .query_one("SELECT COUNT(*) FROM checklists", &[])
            .await
            .map_err(query_err)?;
        Ok(row.get::<_, i64>(0) as u64)
    }

    async fn insert_draft(&self, row: DraftRow) -> Result<Inserted<DraftRow>, StorageError> {
        let client = self.client().await?;
        // No conflict target: a taken token and a known key both end here, told apart below. A
        // duplicate arriving while the first insert is in flight waits for it on the index.
        let inserted = client
            .execute(
                "INSERT INTO drafts (token, idempotency_key, fingerprint, key_hash, subject_kind,
                     subject_code, answers, data, form, catalog_version, factor_kind,
                     factor_hash, failed_opens, locked_until, created_at, saved_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7::text::json, $8::text::json,
                     $9::text::json, $10, $11, $12, $13, $14, $15, $16, $17)
                 ON CONFLICT DO NOTHING",
                &[
                    &row.token,
                    &row.idempotency_key,
                    &row.fingerprint,
                    &row.key_hash,
                    &row.subject_kind,
                    &row.subject_code,
                    &row.answers,
                    &row.data,
                    &row.form,
                    &row.catalog_version,
                    &row.factor_kind,
                    &row.factor_hash,
                    &failed_opens_to_db(row.failed_opens),
                    &row.locked_until.map(|t| t.0),
                    &row.created_at.0,
                    &row.saved_at.0,
                    &row.expires_at.0,
                ],
            )
            .await
            .map_err(query_err)?;
        if inserted == 1 {
            return Ok(Inserted::New(row));
        }
        client
            .query_opt(
                &format!("{DRAFT_SELECT} WHERE idempotency_key = $1"),
                &[&row.idempotency_key],
            )
            .await
            .map_err(query_err)?
            .map(|r| Inserted::Existing(row_to_draft(&r)))
            .ok_or(StorageError::IdTaken)
    }

    async fn draft(&self, token: &str) -> Result<Option<DraftRow>, StorageError> {
        let row = self
            .client()
            .await?
            .query_opt(&format!("{DRAFT_SELECT} WHERE token = $1"), &[&token])
            .await
            .map_err(query_err)?;
        Ok(row.as_ref().map(row_to_draft))
    }

    async fn update_draft(&self, row: DraftRow) -> Result<bool, StorageError> {
        let updated = self
            .client()
            .await?
            .execute(
                "UPDATE drafts SET key_hash = $2, subject_kind = $3, subject_code = $4,
                     answers = $5::text::json, data = $6::text::json, form = $7::text::json,
                     catalog_version = $8, factor_kind = $9, factor_hash = $10,
                     failed_opens = $11, locked_until = $12, saved_at = $13, expires_at = $14
                 WHERE token = $1",
                &[
                    &row.token,
                    &row.key_hash,
                    &row.subject_kind,
                    &row.subject_code,
                    &row.answers,
                    &row.data,
                    &row.form,
                    &row.catalog_version,
                    &row.factor_kind,
                    &row.factor_hash,
                    &failed_opens_to_db(row.failed_opens),
                    &row.locked_until.map(|t| t.0),
                    &row.saved_at.0,
                    &row.expires_at.0,
                ],
            )
            .await
            .map_err(query_err)?;
        Ok(updated == 1)
    }

    async fn purge_drafts(&self, now: Timestamp) -> Result<u64, StorageError> {
        self.client()
            .await?
            .execute("DELETE FROM drafts WHERE expires_at < $1", &[&now.0])
            .await
            .map_err(query_err)
    }

    async fn purge_draft_files(&self, now: Timestamp) -> Result<Vec<String>, StorageError> {
        let rows = self
            .client()
            .await?
            .query(
                "DELETE FROM files WHERE application IS NULL AND draft_token NOT IN
                     (SELECT token FROM drafts WHERE expires_at >= $1)
                 RETURNING object",
                &[&now.0],
            )
            .await
            .map_err(query_err)?;
        Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
    }

    async fn draft_count(&self) -> Result<u64, StorageError> {
        let row = self
            .client()
            .await?
            .query_one("SELECT COUNT(*) FROM drafts", &[])
            .await
            .map_err(query_err)?;
        Ok(row.get::<_, i64>(0) as u64)
    }

    async fn insert_application_with(
        &self,
        row: ApplicationRow,
        draft: Option<String>,
        requests: Vec<MaterialRequestRow>,
        matters: Vec<MatterRow>,
        events: Vec<EventRow>,
        bank: Option<BankAppointmentRow>,
    ) -> Result<Inserted<ApplicationRow>, StorageError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(query_err)?;
        // No conflict target: a taken number and a known key both end here, told apart below.
        // A duplicate arriving while the first insert is in flight waits for it on the index.
        let inserted = tx
            .execute(
                "INSERT INTO applications (number, idempotency_key, fingerprint, subject_kind,
                     subject_code, answers, data, receipt, catalog_version, created_at,
                     key_hash, factor_kind, factor_salt, factor_hash, failed_opens,
                     locked_until, status, version, updated_at, accept_by, due_on)
                 VALUES ($1, $2, $3, $4, $5, $6::text::json, $7::text::json, $8::text::json,
                     $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
                 ON CONFLICT DO NOTHING",
                &[
                    &row.number,
                    &row.idempotency_key,
                    &row.fingerprint,
                    &row.subject_kind,
                    &row.subject_code,
                    &row.answers,
                    &row.data,
                    &row.receipt,
                    &row.catalog_version,
                    &row.created_at.0,
                    &row.key_hash,
                    &row.factor_kind,
                    &row.factor_salt,
                    &row.factor_hash,
                    &failed_opens_to_db(row.failed_opens),
                    &row.locked_until.map(|t| t.0),
                    &row.status,
                    &(i64::try_from(row.version).unwrap_or(i64::MAX)),
                    &row.updated_at.map(|t| t.0),
                    &row.accept_by,
                    &row.due_on,
                ],
            )
            .await
            .map_err(query_err)?;
        if inserted == 1 {
            // The application and the end of its draft commit together. A retry (below) never
            // deletes anything.
            if let Some(token) = &draft {
                tx.execute("DELETE FROM drafts WHERE token = $1", &[token])
                    .await
                    .map_err(query_err)?;
                // The draft's documents now belong to the application.
                tx.execute(
                    "UPDATE files SET application = $1 WHERE draft_token = $2 AND application IS NULL",
                    &[&row.number, token],
                )
                .await
                .map_err(query_err)?;
            }
            for r in &requests {
                let r = MaterialRequestRow {
                    application: row.number.clone(),
                    ..r.clone()
                };
                // A taken random id fails the whole submission (the transaction is dropped,
                // so rolled back), which the handler retries like a taken number.
                insert_request(&tx, &r).await?;
            }
            let matters: Vec<MatterRow> = matters
                .into_iter()
                .map(|m| MatterRow {
                    application: row.number.clone(),
                    ..m
                })
                .collect();
            workflow::insert_matters(&tx, &matters).await?;
            let events: Vec<EventRow> = events
                .into_iter()
                .map(|e| EventRow {
                    application: row.number.clone(),
                    ..e
                })
                .collect();
            workflow::insert_events(&tx, &events).await?;
            if let Some(b) = &bank {
                bank::insert(
                    &tx,
                    &BankAppointmentRow {
                        application: row.number.clone(),
                        ..b.clone()
                    },
                )
                .await?;
            }
            tx.commit().await.map_err(query_err)?;
            return Ok(Inserted::New(row));
        }
        // Nothing was written: end the transaction, then find the first write (read committed,
        // so the row the insert waited for is visible).
        tx.rollback().await.map_err(query_err)?;
        client
            .query_opt(
                &format!("{APPLICATION_SELECT} WHERE idempotency_key = $1"),
                &[&row.idempotency_key],
            )
            .await
            .map_err(query_err)?
            .map(|r| Inserted::Existing(row_to_application(&r)))
            .ok_or(StorageError::IdTaken)
    }

    async fn application(&self, number: &str) -> Result<Option<ApplicationRow>, StorageError> {
        let row = self
            .client()
            .await?
            .query_opt(
                &format!("{APPLICATION_SELECT} WHERE number = $1"),
                &[&number],
            )
            .await
            .map_err(query_err)?;
        Ok(row.as_ref().map(row_to_application))
    }

    async fn application_by_key(
        &self,
        idempotency_key: &str,
    ) -> Result<Option<ApplicationRow>, StorageError> {
        let row = self
            .client()
            .await?
            .query_opt(
                &format!("{APPLICATION_SELECT} WHERE idempotency_key = $1"),
                &[&idempotency_key],
            )
            .await
            .map_err(query_err)?;
        Ok(row.as_ref().map(row_to_application))
    }

    async fn update_application_access(&self, row: ApplicationRow) -> Result<bool, StorageError> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE applications SET key_hash = $2, failed_opens = $3, locked_until = $4
                 WHERE number = $1",
                &[
                    &row.number,
                    &row.key_hash,
                    &failed_opens_to_db(row.failed_opens),
                    &row.locked_until.map(|t| t.0),
                ],
            )
            .await
            .map_err(query_err)?;
        Ok(n == 1)
    }

    async fn insert_material_request(&self, row: MaterialRequestRow) -> Result<(), StorageError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(query_err)?;
        insert_request(&tx, &row).await?;
        tx.commit().await.map_err(query_err)
    }

    async fn material_requests(
        &self,
        application: &str,
    ) -> Result<Vec<MaterialRequestRow>, StorageError> {
        let rows = self
            .client()
            .await?
            .query(
                &format!(
                    "{REQUEST_SELECT} WHERE application = $1
                     ORDER BY resolved_at IS NOT NULL, requested_at, id COLLATE \"C\""
                ),
                &[&application],
            )
            .await
            .map_err(query_err)?;
        Ok(rows.iter().map(row_to_request).collect())
    }

    async fn resolve_requests(
        &self,
        application: &str,
        ids: Vec<String>,
        materials: Vec<String>,
        now: Timestamp,
    ) -> Result<u64, StorageError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(query_err)?;
        let resolved = tx
            .execute(
                "UPDATE material_requests SET resolved_at = $3
                 WHERE id = ANY($1) AND application = $2 AND resolved_at IS NULL",
                &[&ids, &application, &now.0],
            )
            .await
            .map_err(query_err)?;
        tx.execute(
            "UPDATE files SET handed_in_at = $3
             WHERE application = $1 AND material = ANY($2) AND draft_token IS NULL
                 AND handed_in_at IS NULL",
            &[&application, &materials, &now.0],
        )
        .await
        .map_err(query_err)?;
        tx.commit().await.map_err(query_err)?;
        Ok(resolved)
    }

    async fn files_of_application(&self, number: &str) -> Result<Vec<FileRow>, StorageError> {
        let rows = self
            .client()
            .await?
            .query(
                &format!("{FILE_SELECT} WHERE application = $1 ORDER BY {FILE_ORDER}"),
                &[&number],
            )
            .await
            .map_err(query_err)?;
        Ok(rows.iter().map(row_to_file).collect())
    }

    async fn application_count(&self) -> Result<u64, StorageError> {
        let row = self
            .client()
            .await?
            .query_one("SELECT COUNT(*) FROM applications", &[])
            .await
            .map_err(query_err)?;
        Ok(row.get::<_, i64>(0) as u64)
    }

    async fn insert_file(&self, row: FileRow) -> Result<Inserted<FileRow>, StorageError> {
        let position = u32_to_db(row.position, "position")?;
        let bytes = u64_to_db(row.bytes, "bytes")?;
        let pages = row.pages.map(|n| u32_to_db(n, "pages")).transpose()?;
        let width = row.width.map(|n| u32_to_db(n, "width")).transpose()?;
        let height = row.height.map(|n| u32_to_db(n, "height")).transpose()?;
        let client = self.client().await?;
        // No conflict target: a taken id and a known key both end here, told apart below. A
        // duplicate arriving while the first insert is in flight waits for it on the index.
        let inserted = client
            .execute(
                "INSERT INTO files (id, idempotency_key, draft_token, application, material, slot,
                     position, content_type, bytes, sha256, pages, width, height, object,
                     created_at, handed_in_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                     $16)
                 ON CONFLICT DO NOTHING",
                &[
                    &row.id,
                    &row.idempotency_key,
                    &row.draft_token,
                    &row.application,
                    &row.material,
                    &row.slot,
                    &position,
                    &row.content_type,
                    &bytes,
                    &row.sha256,
                    &pages,
                    &width,
                    &height,
                    &row.object,
                    &row.created_at.0,
                    &row.handed_in_at.map(|t| t.0),
                ],
            )
            .await
            .map_err(query_err)?;
        if inserted == 1 {
            return Ok(Inserted::New(row));
        }
        client
            .query_opt(
                &format!("{FILE_SELECT} WHERE idempotency_key = $1"),
                &[&row.idempotency_key],
            )
            .await
            .map_err(query_err)?
            .map(|r| Inserted::Existing(row_to_file(&r)))
            .ok_or(StorageError::IdTaken)
    }

    async fn linked_objects(&self, objects: &[String]) -> Result<Vec<String>, StorageError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT object FROM files WHERE object = ANY($1)",
                &[&objects],
            )
            .await
            .map_err(query_err)?;
        Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
    }

    async fn file(&self, id: &str) -> Result<Option<FileRow>, StorageError> {
        let row = self
            .client()
            .await?
            .query_opt(&format!("{FILE_SELECT} WHERE id = $1"), &[&id])
            .await
            .map_err(query_err)?;
        Ok(row.as_ref().map(row_to_file))
    }

    async fn files_of_draft(&self, token: &str) -> Result<Vec<FileRow>, StorageError> {
        let rows = self
            .client()
            .await?
            .query(
                &format!("{FILE_SELECT} WHERE draft_token = $1 ORDER BY {FILE_ORDER}"),
                &[&token],
            )
            .await
            .map_err(query_err)?;
        Ok(rows.iter().map(row_to_file).collect())
    }

    async fn delete_file(&self, id: &str) -> Result<bool, StorageError> {
        let deleted = self
            .client()
            .await?
            .execute("DELETE FROM files WHERE id = $1", &[&id])
            .await
            .map_err(query_err)?;
        Ok(deleted == 1)
    }

    async fn order_files(&self, ids: Vec<String>) -> Result<(), StorageError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(query_err)?;
        for (position, id) in ids.iter().enumerate() {
            let position = i32::try_from(position).unwrap_or(i32::MAX);
            tx.execute(
                "UPDATE files SET position = $1 WHERE id = $2",
                &[&position, id],
            )
            .await
            .map_err(query_err)?;
        }
        tx.commit().await.map_err(query_err)
    }

    async fn append(&self, change: Change) -> Result<u64, StorageError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(query_err)?;
        let version = workflow::append(&tx, &change).await?;
        tx.commit().await.map_err(query_err)?;
        Ok(version)
    }

    async fn events(&self, application: &str) -> Result<Vec<EventRow>, StorageError> {
        workflow::events(&self.client().await?, application).await
    }

    async fn matters(&self, application: &str) -> Result<Vec<MatterRow>, StorageError> {
        workflow::matters(&self.client().await?, application).await
    }

    async fn progress_stamp(&self, application: &str) -> Result<Option<String>, StorageError> {
        workflow::progress_stamp(&self.client().await?, application).await
    }

    async fn queue(&self, query: QueueQuery) -> Result<Vec<QueueRow>, StorageError> {
        workflow::queue(&self.client().await?, &query).await
    }

    async fn insert_staff(&self, row: StaffRow) -> Result<(), StorageError> {
        workflow::insert_staff(&self.client().await?, &row).await
    }

    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRow>, StorageError> {
        workflow::staff_by_username(&self.client().await?, username).await
    }

    async fn staff_list(&self) -> Result<Vec<StaffRow>, StorageError> {
        workflow::staff_list(&self.client().await?).await
    }

    async fn update_staff(&self, row: StaffRow) -> Result<bool, StorageError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(query_err)?;
        let updated = workflow::update_staff(&tx, &row).await?;
        tx.commit().await.map_err(query_err)?;
        Ok(updated)
    }

    async fn insert_session(&self, row: SessionRow) -> Result<(), StorageError> {
        workflow::insert_session(&self.client().await?, &row).await
    }

    async fn touch_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        idle_since: Timestamp,
    ) -> Result<Option<(SessionRow, StaffRow)>, StorageError> {
        workflow::touch_session(&self.client().await?, token_hash, now, idle_since).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError> {
        workflow::delete_session(&self.client().await?, token_hash).await
    }

    async fn bank_appointment(
        &self,
        application: &str,
    ) -> Result<Option<BankAppointmentRow>, StorageError> {
        bank::one(&self.client().await?, application).await
    }

    async fn insert_counter_code(&self, row: CounterCodeRow) -> Result<bool, StorageError> {
        counter::insert(&self.client().await?, &row).await
    }

    async fn counter_code(&self, code: &str) -> Result<Option<CounterCodeRow>, StorageError> {
        counter::one(&self.client().await?, code).await
    }

    async fn counter_codes_of(
        &self,
        application: &str,
    ) -> Result<Vec<CounterCodeRow>, StorageError> {
        counter::of(&self.client().await?, application).await
    }

    async fn revoke_counter_code(
        &self,
        code: &str,
        at: Timestamp,
        by: &str,
    ) -> Result<bool, StorageError> {
        counter::revoke(&self.client().await?, code, at, by).await
    }

    async fn book(
        &self,
        row: BookingRow,
        now: Timestamp,
        no_shows_since: Timestamp,
        admit: Admit,
    ) -> Result<BookOutcome, StorageError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(query_err)?;
        let outcome = booking::book(&tx, &row, now, no_shows_since, admit).await?;
        tx.commit().await.map_err(query_err)?;
        Ok(outcome)
    }

    async fn booking_by_token(&self, token: &str) -> Result<Option<BookingRow>, StorageError> {
        booking::by_token(&self.client().await?, token).await
    }

    async fn booking_by_code(&self, code: &str) -> Result<Option<BookingRow>, StorageError> {
        booking::by_code(&self.client().await?, code).await
    }

    async fn slot_counts(
        &self,
        hall: &str,
        window: &str,
        day: &str,
    ) -> Result<Vec<(u32, u32, u32)>, StorageError> {
        booking::slot_counts(&self.client().await?, hall, window, day).await
    }

    async fn cancel_booking(&self, id: &str, at: Timestamp) -> Result<bool, StorageError> {
        booking::cancel(&self.client().await?, id, at).await
    }

    async fn arrive_booking(
        &self,
        id: &str,
        at: Timestamp,
        by: &str,
    ) -> Result<bool, StorageError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(query_err)?;
        let done = booking::arrive(&tx, id, at, by).await?;
        tx.commit().await.map_err(query_err)?;
        Ok(done)
    }

    async fn audit(&self, row: AuditRow) -> Result<(), StorageError> {
        workflow::audit(&self.client().await?, &row).await
    }

    async fn audit_of(&self, application: &str) -> Result<Vec<AuditRow>, StorageError> {
        workflow::audit_of(&self.client().await?, application).await
    }

    async fn purge_audit(&self, before: Timestamp) -> Result<u64, StorageError> {
        workflow::purge_audit(&self.client().await?, before).await
    }

    async fn claim_notices(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<NoticeRow>, StorageError> {
        workflow::claim_notices(&self.client().await?, now, lease_until, limit).await
    }

    async fn notice_sent(
        &self,
        id: i64,
        now: Timestamp,
        message: Option<MessageRow>,
    ) -> Result<(), StorageError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(query_err)?;
        workflow::notice_sent(&tx, id, now, message.as_ref()).await?;
        tx.commit().await.map_err(query_err)
    }

    async fn notice_failed(
        &self,
        id: i64,
        error: &str,
        next_at: Timestamp,
    ) -> Result<(), StorageError> {
        workflow::notice_failed(&self.client().await?, id, error, next_at).await
    }

    async fn messages(&self, application: &str) -> Result<Vec<MessageRow>, StorageError> {
        workflow::messages(&self.client().await?, application).await
    }

    async fn rating(&self, application: &str) -> Result<Option<RatingRow>, StorageError> {
        workflow::rating(&self.client().await?, application).await
    }

    async fn open_followups(&self, limit: u32) -> Result<Vec<RatingRow>, StorageError> {
        workflow::open_followups(&self.client().await?, limit).await
    }

    async fn reply_followup(
        &self,
        application: &str,
        reply: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<bool, StorageError> {
        workflow::reply_followup(&self.client().await?, application, reply, by, at).await
    }
}
