//! SQLite: one writer thread that commits many requests' writes in one transaction (group
//! commit), each acknowledged only after its transaction is durable; readers on their own
//! connections (WAL lets them read while the writer writes).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::oneshot;

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
        include_str!("../../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "checklists",
        include_str!("../../migrations/sqlite/0002_checklists.sql"),
    ),
    (
        3,
        "applications",
        include_str!("../../migrations/sqlite/0003_applications.sql"),
    ),
    (
        4,
        "files",
        include_str!("../../migrations/sqlite/0004_files.sql"),
    ),
    (
        5,
        "material_requests",
        include_str!("../../migrations/sqlite/0005_material_requests.sql"),
    ),
    (
        6,
        "workflow",
        include_str!("../../migrations/sqlite/0006_workflow.sql"),
    ),
    (
        7,
        "counter_codes",
        include_str!("../../migrations/sqlite/0007_counter_codes.sql"),
    ),
    (
        8,
        "bank",
        include_str!("../../migrations/sqlite/0008_bank.sql"),
    ),
    (
        9,
        "bookings",
        include_str!("../../migrations/sqlite/0009_bookings.sql"),
    ),
    (
        10,
        "bank_staff",
        include_str!("../../migrations/sqlite/0010_bank_staff.sql"),
    ),
    (
        11,
        "files_object",
        include_str!("../../migrations/sqlite/0011_files_object.sql"),
    ),
    (
        12,
        "server_secrets",
        include_str!("../../migrations/sqlite/0012_server_secrets.sql"),
    ),
];

/// At most this many writes share one transaction.
const MAX_BATCH: usize = 512;

type Done = Box<dyn FnOnce(Result<(), StorageError>) + Send>;
/// A write: runs inside the batch's transaction and says whether it succeeded (a failed write
/// is rolled back to its savepoint without disturbing the others) and how to answer.
type Job = Box<dyn FnOnce(&Connection) -> (bool, Done) + Send>;

pub struct Sqlite {
    writer: mpsc::Sender<Job>,
    readers: Arc<Mutex<Vec<Connection>>>,
    path: PathBuf,
    /// Dropped with the storage: the checkpointer thread then stops.
    _checkpointer: mpsc::Sender<()>,
}

/// How often the checkpointer copies the WAL into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(200);

/// Checkpoints on a thread of their own (`PASSIVE`: never waits for the writer or a reader),
/// so that a submission never waits while the WAL is copied into the database file. The writer
/// checkpoints only if the WAL grows past `wal_autocheckpoint` (256 MB) all the same.
fn checkpointer(path: PathBuf, stop: mpsc::Receiver<()>) {
    let Ok(conn) = open_connection(&path) else {
        tracing::error!(
            "the checkpointer cannot open the database; the writer checkpoints at 256 MB"
        );
        return;
    };
    while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(CHECKPOINT_EVERY) {
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "checkpoint failed; retried");
        }
    }
}

/// Statements from the connection's cache: each SQL text is parsed once per connection, not on
/// every call (parsing was a tenth of a status read).
mod cached {
    use rusqlite::{CachedStatement, Connection, Params, Row};

    pub fn one<T, P, F>(conn: &Connection, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: Params,
        F: FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    {
        conn.prepare_cached(sql)?.query_row(params, f)
    }

    pub fn run<P: Params>(conn: &Connection, sql: &str, params: P) -> rusqlite::Result<usize> {
        conn.prepare_cached(sql)?.execute(params)
    }

    pub fn statement<'c>(conn: &'c Connection, sql: &str) -> rusqlite::Result<CachedStatement<'c>> {
        conn.prepare_cached(sql)
    }
}

fn query_err(e: rusqlite::Error) -> StorageError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => StorageError::Full,
        _ => StorageError::Query(e.to_string()),
    }
}

fn open_connection(path: &Path) -> Result<Connection, StorageError> {
    let conn = Connection::open(path).map_err(|e| StorageError::Open(e.to_string()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(query_err)?;
    conn.set_prepared_statement_cache_capacity(256);
    conn.execute_batch("PRAGMA foreign_keys = ON;")
        .map_err(query_err)?;
    Ok(conn)
}

fn pragma(conn: &Connection, name: &str) -> Result<String, StorageError> {
    cached::one(conn, &format!("PRAGMA {name}"), [], |row| {
        let v: rusqlite::types::Value = row.get(0)?;
        Ok(match v {
            rusqlite::types::Value::Integer(i) => i.to_string(),
            rusqlite::types::Value::Text(t) => t,
            other => format!("{other:?}"),
        })
    })
    .map_err(query_err)
}

fn migrate(conn: &mut Connection) -> Result<(), StorageError> {
    migrate_with(conn, MIGRATIONS)
}

fn migrate_with(conn: &mut Connection, migrations: Migrations) -> Result<(), StorageError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    )
    .map_err(query_err)?;
    for &(version, name, sql) in migrations {
        let tx = conn.transaction().map_err(query_err)?;
        let done: Option<u32> = tx
            .query_row(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()
            .map_err(query_err)?;
        if done.is_some() {
            continue;
        }
        let fail = |e: rusqlite::Error| StorageError::Migration {
            version,
            message: e.to_string(),
        };
        tx.execute_batch(sql).map_err(fail)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at)
             VALUES (?1, ?2, CAST(unixepoch('subsec') * 1000 AS INTEGER))",
            params![version, name],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
    }
    Ok(())
}

fn writer_loop(conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut answers = Vec::with_capacity(batch.len());
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            // Nothing ran. Dropping the jobs drops their answer channels, so every waiting
            // request gets an error instead of hanging.
            tracing::error!(error = %e, "sqlite writer cannot begin a transaction");
            drop(batch);
            continue;
        }
        let mut batch = batch.into_iter();
        let mut rolled_back = false;
        for job in batch.by_ref() {
            let ok_sp = conn.execute_batch("SAVEPOINT job").is_ok();
            let (ok, done) = job(&conn);
            answers.push(done);
            // Some errors (a full disk, out of memory) make SQLite roll back the whole
            // transaction. The jobs left must not then run statement by statement outside
            // one, half-writing what they write: they are dropped (their callers get an
            // error) and the batch fails as a whole.
            if conn.is_autocommit() {
                rolled_back = true;
                break;
            }
            if ok_sp {
                let end = if ok {
                    "RELEASE job"
                } else {
                    "ROLLBACK TO job; RELEASE job"
                };
                let _ = conn.execute_batch(end);
            }
        }
        drop(batch);
        let committed = if rolled_back {
            tracing::error!("sqlite rolled back a whole batch (the disk or the database is full?)");
            Err(StorageError::Full)
        } else {
            conn.execute_batch("COMMIT").map_err(query_err)
        };
        if committed.is_err() && !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for done in answers {
            done(committed.clone());
        }
    }
}

impl Sqlite {
    pub async fn open(path: &Path) -> Result<Sqlite, StorageError> {
        Sqlite::open_with(path, None).await
    }

    /// `open`, with the writer limited to `max_pages` pages (`PRAGMA max_page_count`).
    pub async fn open_with(path: &Path, max_pages: Option<u64>) -> Result<Sqlite, StorageError> {
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || Sqlite::open_blocking(path, max_pages))
            .await
            .map_err(|e| StorageError::Open(e.to_string()))?
    }

    fn open_blocking(path: PathBuf, max_pages: Option<u64>) -> Result<Sqlite, StorageError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| StorageError::Open(format!("{}: {e}", dir.display())))?;
        }
        let mut conn = open_connection(&path)?;
        // Durability first: WAL for concurrent readers, FULL so an acknowledged write survives
        // power loss. Both are read back: a filesystem that cannot do WAL must not pass silently.
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
            .map_err(query_err)?;
        let journal = pragma(&conn, "journal_mode")?;
        let synchronous = pragma(&conn, "synchronous")?;
        if journal != "wal" || synchronous != "2" {
            return Err(StorageError::Unsafe(format!(
                "journal_mode={journal}, synchronous={synchronous} (want wal and 2 = FULL)"
            )));
        }
        // The writer's pages: the random keys (numbers, idempotency keys) touch a page of each
        // index per submission. A 64 MB cache keeps those pages in memory instead of reading
        // them back from the file. Checkpoints run on a thread of their own (`checkpointer`);
        // the writer checkpoints only past 65,536 WAL pages (256 MB), as a safety valve.
        conn.execute_batch("PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 65536;")
            .map_err(query_err)?;
        migrate(&mut conn)?;
        if let Some(max) = max_pages {
            // Only the writer grows the file.
            conn.query_row(&format!("PRAGMA max_page_count = {max}"), [], |_| Ok(()))
                .map_err(query_err)?;
        }
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| StorageError::Open(e.to_string()))?;
        let (stop, stopped) = mpsc::channel::<()>();
        let checkpoint_path = path.clone();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpointer(checkpoint_path, stopped))
            .map_err(|e| StorageError::Open(e.to_string()))?;
        Ok(Sqlite {
            writer: tx,
            readers: Arc::new(Mutex::new(Vec::new())),
            path,
            _checkpointer: stop,
        })
    }

    /// Run `f` in the writer's current batch; resolves after the batch commits.
    async fn write<R, F>(&self, f: F) -> Result<R, StorageError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StorageError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = f(conn);
            let ok = result.is_ok();
            let done: Done = Box::new(move |commit| {
                let _ = tx.send(commit.and(result));
            });
            (ok, done)
        });
        self.writer
            .send(job)
            .map_err(|_| StorageError::Query("the writer thread has stopped".into()))?;
        rx.await
            .map_err(|_| StorageError::Query("the writer dropped a request".into()))?
    }

    /// Run `f` on a reader connection from the pool.
    async fn read<R, F>(&self, f: F) -> Result<R, StorageError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StorageError> + Send + 'static,
    {
        let readers = self.readers.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = readers.lock().map(|mut v| v.pop()).unwrap_or(None);
            let conn = match pooled {
                Some(c) => c,
                None => {
                    let c = open_connection(&path)?;
                    c.execute_batch("PRAGMA query_only = ON")
                        .map_err(query_err)?;
                    c
                }
            };
            let result = f(&conn);
            if let Ok(mut pool) = readers.lock() {
                pool.push(conn);
            }
            result
        })
        .await
        .map_err(|e| StorageError::Query(e.to_string()))?
    }
}

fn row_to_feedback(row: &rusqlite::Row<'_>) -> rusqlite::Result<FeedbackRecord> {
    Ok(FeedbackRecord {
        id: row.get(0)?,
        fingerprint: row.get(1)?,
        page: row.get(2)?,
        useful: row.get::<_, i64>(3)? == 1,
        comment: row.get(4)?,
        created_at: Timestamp(row.get(5)?),
    })
}

const FEEDBACK_COLUMNS: &str = "id, fingerprint, page, useful, comment, created_at";

const CHECKLIST_COLUMNS: &str = "id, idempotency_key, fingerprint, subject_kind, subject_code, \
     answers, catalog_version, checklist, created_at";

fn row_to_checklist(row: &rusqlite::Row<'_>) -> rusqlite::Result<ChecklistRow> {
    Ok(ChecklistRow {
        id: row.get(0)?,
        idempotency_key: row.get(1)?,
        fingerprint: row.get(2)?,
        subject_kind: row.get(3)?,
        subject_code: row.get(4)?,
        answers: row.get(5)?,
        catalog_version: row.get(6)?,
        checklist: row.get(7)?,
        created_at: Timestamp(row.get(8)?),
    })
}

const DRAFT_COLUMNS: &str = "token, idempotency_key, fingerprint, key_hash, subject_kind, \
     subject_code, answers, data, form, catalog_version, factor_kind, factor_hash, failed_opens, \
     locked_until, created_at, saved_at, expires_at";

fn row_to_draft(row: &rusqlite::Row<'_>) -> rusqlite::Result<DraftRow> {
    Ok(DraftRow {
        token: row.get(0)?,
        idempotency_key: row.get(1)?,
        fingerprint: row.get(2)?,
        key_hash: row.get(3)?,
        subject_kind: row.get(4)?,
        subject_code: row.get(5)?,
        answers: row.get(6)?,
        data: row.get(7)?,
        form: row.get(8)?,
        catalog_version: row.get(9)?,
        factor_kind: row.get(10)?,
        factor_hash: row.get(11)?,
        failed_opens: row.get(12)?,
        locked_until: row.get::<_, Option<i64>>(13)?.map(Timestamp),
        created_at: Timestamp(row.get(14)?),
        saved_at: Timestamp(row.get(15)?),
        expires_at: Timestamp(row.get(16)?),
    })
}

const APPLICATION_COLUMNS: &str = "number, idempotency_key, fingerprint, subject_kind, \
     subject_code, answers, data, receipt, catalog_version, created_at, key_hash, factor_kind, \
     factor_salt, factor_hash, failed_opens, locked_until, status, version, updated_at, \
     accept_by, due_on";

fn row_to_application(row: &rusqlite::Row<'_>) -> rusqlite::Result<ApplicationRow> {
    Ok(ApplicationRow {
        number: row.get(0)?,
        idempotency_key: row.get(1)?,
        fingerprint: row.get(2)?,
        subject_kind: row.get(3)?,
        subject_code: row.get(4)?,
        answers: row.get(5)?,
        data: row.get(6)?,
        receipt: row.get(7)?,
        catalog_version: row.get(8)?,
        created_at: Timestamp(row.get(9)?),
        key_hash: row.get(10)?,
        factor_kind: row.get(11)?,
        factor_salt: row.get(12)?,
        factor_hash: row.get(13)?,
        failed_opens: row.get(14)?,
        locked_until: row.get::<_, Option<i64>>(15)?.map(Timestamp),
        status: row.get(16)?,
        version: row.get(17)?,
        updated_at: row.get::<_, Option<i64>>(18)?.map(Timestamp),
        accept_by: row.get(19)?,
        due_on: row.get(20)?,
    })
}

const REQUEST_COLUMNS: &str = "id, application, material, kind, reason, department, \
     requested_at, due_on, resolved_at";

fn row_to_request(row: &rusqlite::Row<'_>) -> rusqlite::Result<MaterialRequestRow> {
    Ok(MaterialRequestRow {
        id: row.get(0)?,
        application: row.get(1)?,
        material: row.get(2)?,
        kind: row.get(3)?,
        reason: row.get(4)?,
        department: row.get(5)?,
        requested_at: Timestamp(row.get(6)?),
        due_on: row.get(7)?,
        resolved_at: row.get::<_, Option<i64>>(8)?.map(Timestamp),
    })
}

fn insert_request(conn: &Connection, r: &MaterialRequestRow) -> rusqlite::Result<usize> {
    cached::run(
        conn,
        &format!(
            "INSERT INTO material_requests ({REQUEST_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING"
        ),
        params![
            r.id,
            r.application,
            r.material,
            r.kind,
            r.reason,
            r.department,
            r.requested_at.0,
            r.due_on,
            r.resolved_at.map(|t| t.0)
        ],
    )
}

const FILE_COLUMNS: &str = "id, idempotency_key, draft_token, application, material, slot, \
     position, content_type, bytes, sha256, pages, width, height, object, created_at, \
     handed_in_at";

/// A draft's files in the order the contract names: by material, then slot (an identity card's
/// front before its back, then pages), position and upload time; the id breaks any tie.
const FILE_ORDER: &str = "material, \
     CASE slot WHEN 'front' THEN 0 WHEN 'back' THEN 1 ELSE 2 END, position, created_at, id";

/// The u32 and u64 columns go through rusqlite's checked conversions: a value SQLite's i64
/// cannot hold is refused on write, a stored value out of range is an error on read (the
/// columns' CHECKs keep them non-negative).
fn row_to_file(row: &rusqlite::Row<'_>) -> rusqlite::Result<FileRow> {
    Ok(FileRow {
        id: row.get(0)?,
        idempotency_key: row.get(1)?,
        draft_token: row.get(2)?,
        application: row.get(3)?,
        material: row.get(4)?,
        slot: row.get(5)?,
        position: row.get(6)?,
        content_type: row.get(7)?,
        bytes: row.get(8)?,
        sha256: row.get(9)?,
        pages: row.get(10)?,
        width: row.get(11)?,
        height: row.get(12)?,
        object: row.get(13)?,
        created_at: Timestamp(row.get(14)?),
        handed_in_at: row.get::<_, Option<i64>>(15)?.map(Timestamp),
    })
}

#[async_trait]
impl Storage for Sqlite {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn settings(&self) -> Result<Vec<(String, String)>, StorageError> {
        self.write(|conn| {
            Ok(vec![
                ("journal_mode".to_owned(), pragma(conn, "journal_mode")?),
                ("synchronous".to_owned(), pragma(conn, "synchronous")?),
                ("foreign_keys".to_owned(), pragma(conn, "foreign_keys")?),
            ])
        })
        .await
    }

    async fn ping(&self) -> Result<(), StorageError> {
        self.read(|conn| cached::one(conn, "SELECT 1", [], |_| Ok(())).map_err(query_err))
            .await
    }

    async fn record_catalog_version(
        &self,
        version: &str,
        now: Timestamp,
    ) -> Result<bool, StorageError> {
        let version = version.to_owned();
        self.write(move |conn| {
            let inserted = cached::run(
                conn,
                "INSERT INTO catalog_versions (version, first_seen, last_seen)
                     VALUES (?1, ?2, ?2) ON CONFLICT (version) DO NOTHING",
                params![version, now.0],
            )
            .map_err(query_err)?;
            if inserted == 0 {
                cached::run(
                    conn,
                    "UPDATE catalog_versions SET last_seen = ?2 WHERE version = ?1",
                    params![version, now.0],
                )
                .map_err(query_err)?;
            }
            Ok(inserted == 1)
        })
        .await
    }

    async fn secret(&self, name: &str, fresh: &str) -> Result<String, StorageError> {
        let (name, fresh) = (name.to_owned(), fresh.to_owned());
        self.write(move |conn| {
            cached::run(
                conn,
                "INSERT INTO server_secrets (name, value) VALUES (?1, ?2)
                     ON CONFLICT (name) DO NOTHING",
                params![name, fresh],
            )
            .map_err(query_err)?;
            conn.query_row(
                "SELECT value FROM server_secrets WHERE name = ?1",
                params![name],
                |r| r.get(0),
            )
            .map_err(query_err)
        })
        .await
    }

    async fn catalog_versions(&self) -> Result<Vec<(String, Timestamp, Timestamp)>, StorageError> {
        self.read(|conn| {
            let mut stmt = cached::statement(
                conn,
                "SELECT version, first_seen, last_seen FROM catalog_versions
                     ORDER BY first_seen DESC, version",
            )
            .map_err(query_err)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((r.get(0)?, Timestamp(r.get(1)?), Timestamp(r.get(2)?)))
                })
                .map_err(query_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
        })
        .await
    }

    async fn insert_feedback(
        &self,
        record: FeedbackRecord,
    ) -> Result<Inserted<FeedbackRecord>, StorageError> {
        self.write(move |conn| {
            let inserted = cached::run(
                conn,
                "INSERT INTO feedback (id, fingerprint, page, useful, comment, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING",
                params![
                    record.id,
                    record.fingerprint,
                    record.page,
                    record.useful as i64,
                    record.comment,
                    record.created_at.0
                ],
            )
            .map_err(query_err)?;
            if inserted == 1 {
                return Ok(Inserted::New(record));
            }
            let existing = cached::one(
                conn,
                &format!("SELECT {FEEDBACK_COLUMNS} FROM feedback WHERE id = ?1"),
                [&record.id],
                row_to_feedback,
            )
            .map_err(query_err)?;
            Ok(Inserted::Existing(existing))
        })
        .await
    }

    async fn feedback_count(&self) -> Result<u64, StorageError> {
        self.read(|conn| {
            cached::one(conn, "SELECT COUNT(*) FROM feedback", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(query_err)
        })
        .await
    }

    async fn insert_checklist(
        &self,
        row: ChecklistRow,
    ) -> Result<Inserted<ChecklistRow>, StorageError> {
        self.write(move |conn| {
            // No conflict target: a taken id and a known key both end here, told apart below.
            let inserted = cached::run(
                conn,
                &format!(
                    "INSERT INTO checklists ({CHECKLIST_COLUMNS})
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING"
                ),
                params![
                    row.id,
                    row.idempotency_key,
                    row.fingerprint,
                    row.subject_kind,
                    row.subject_code,
                    row.answers,
                    row.catalog_version,
                    row.checklist,
                    row.created_at.0
                ],
            )
            .map_err(query_err)?;
            if inserted == 1 {
                return Ok(Inserted::New(row));
            }
            cached::one(
                conn,
                &format!("SELECT {CHECKLIST_COLUMNS} FROM checklists WHERE idempotency_key = ?1"),
                [&row.idempotency_key],
                row_to_checklist,
            )
            .optional()
            .map_err(query_err)?
            .map(Inserted::Existing)
            .ok_or(StorageError::IdTaken)
        })
        .await
    }

    async fn checklist(&self, id: &str) -> Result<Option<ChecklistRow>, StorageError> {
        let id = id.to_owned();
        self.read(move |conn| {
            cached::one(
                conn,
                &format!("SELECT {CHECKLIST_COLUMNS} FROM checklists WHERE id = ?1"),
                [&id],
                row_to_checklist,
            )
            .optional()
            .map_err(query_err)
        })
        .await
    }

    async fn checklist_count(&self) -> Result<u64, StorageError> {
        self.read(|conn| {
            cached::one(conn, "SELECT COUNT(*) FROM checklists", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(query_err)
        })
        .await
    }

    async fn insert_draft(&self, row: DraftRow) -> Result<Inserted<DraftRow>, StorageError> {
        self.write(move |conn| {
            // No conflict target: a taken token and a known key both end here, told apart below.
            let inserted = cached::run(
                conn,
                &format!(
                    "INSERT INTO drafts ({DRAFT_COLUMNS})
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                             ?15, ?16, ?17)
                         ON CONFLICT DO NOTHING"
                ),
                params![
                    row.token,
                    row.idempotency_key,
                    row.fingerprint,
                    row.key_hash,
                    row.subject_kind,
                    row.subject_code,
                    row.answers,
                    row.data,
                    row.form,
                    row.catalog_version,
                    row.factor_kind,
                    row.factor_hash,
                    row.failed_opens,
                    row.locked_until.map(|t| t.0),
                    row.created_at.0,
                    row.saved_at.0,
                    row.expires_at.0
                ],
            )
            .map_err(query_err)?;
            if inserted == 1 {
                return Ok(Inserted::New(row));
            }
            cached::one(
                conn,
                &format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE idempotency_key = ?1"),
                [&row.idempotency_key],
                row_to_draft,
            )
            .optional()
            .map_err(query_err)?
            .map(Inserted::Existing)
            .ok_or(StorageError::IdTaken)
        })
        .await
    }

    async fn draft(&self, token: &str) -> Result<Option<DraftRow>, StorageError> {
        let token = token.to_owned();
        self.read(move |conn| {
            cached::one(
                conn,
                &format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE token = ?1"),
                [&token],
                row_to_draft,
            )
            .optional()
            .map_err(query_err)
        })
        .await
    }

    async fn update_draft(&self, row: DraftRow) -> Result<bool, StorageError> {
        self.write(move |conn| {
            let updated = cached::run(
                conn,
                "UPDATE drafts SET key_hash = ?2, subject_kind = ?3, subject_code = ?4,
                         answers = ?5, data = ?6, form = ?7, catalog_version = ?8,
                         factor_kind = ?9, factor_hash = ?10, failed_opens = ?11,
                         locked_until = ?12, saved_at = ?13, expires_at = ?14
                     WHERE token = ?1",
                params![
                    row.token,
                    row.key_hash,
                    row.subject_kind,
                    row.subject_code,
                    row.answers,
                    row.data,
                    row.form,
                    row.catalog_version,
                    row.factor_kind,
                    row.factor_hash,
                    row.failed_opens,
                    row.locked_until.map(|t| t.0),
                    row.saved_at.0,
                    row.expires_at.0
                ],
            )
            .map_err(query_err)?;
            Ok(updated == 1)
        })
        .await
    }

    async fn purge_drafts(&self, now: Timestamp) -> Result<u64, StorageError> {
        self.write(move |conn| {
            cached::run(conn, "DELETE FROM drafts WHERE expires_at < ?1", [now.0])
                .map(|n| n as u64)
                .map_err(query_err)
        })
        .await
    }

    async fn purge_draft_files(&self, now: Timestamp) -> Result<Vec<String>, StorageError> {
        self.write(move |conn| {
            let mut stmt = cached::statement(
                conn,
                "DELETE FROM files WHERE application IS NULL AND draft_token NOT IN
                         (SELECT token FROM drafts WHERE expires_at >= ?1)
                     RETURNING object",
            )
            .map_err(query_err)?;
            let objects = stmt
                .query_map([now.0], |r| r.get::<_, String>(0))
                .map_err(query_err)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(query_err)?;
            Ok(objects)
        })
        .await
    }

    async fn draft_count(&self) -> Result<u64, StorageError> {
        self.read(|conn| {
            cached::one(conn, "SELECT COUNT(*) FROM drafts", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(query_err)
        })
        .await
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
        self.write(move |conn| {
            // No conflict target: a taken number and a known key both end here, told apart
            // below.
            let inserted = cached::run(
                conn,
                &format!(
                    "INSERT INTO applications ({APPLICATION_COLUMNS})
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                             ?15, ?16, ?17, ?18, ?19, ?20, ?21)
                         ON CONFLICT DO NOTHING"
                ),
                params![
                    row.number,
                    row.idempotency_key,
                    row.fingerprint,
                    row.subject_kind,
                    row.subject_code,
                    row.answers,
                    row.data,
                    row.receipt,
                    row.catalog_version,
                    row.created_at.0,
                    row.key_hash,
                    row.factor_kind,
                    row.factor_salt,
                    row.factor_hash,
                    row.failed_opens,
                    row.locked_until.map(|t| t.0),
                    row.status,
                    row.version,
                    row.updated_at.map(|t| t.0),
                    row.accept_by,
                    row.due_on
                ],
            )
            .map_err(query_err)?;
            if inserted == 1 {
                // Same closure, same transaction: the application and the end of its draft
                // commit together. A retry (below) never deletes anything.
                if let Some(token) = &draft {
                    cached::run(conn, "DELETE FROM drafts WHERE token = ?1", [token])
                        .map_err(query_err)?;
                    // The draft's documents now belong to the application.
                    cached::run(
                        conn,
                        "UPDATE files SET application = ?1
                         WHERE draft_token = ?2 AND application IS NULL",
                        [&row.number, token],
                    )
                    .map_err(query_err)?;
                }
                for r in &requests {
                    let r = MaterialRequestRow {
                        application: row.number.clone(),
                        ..r.clone()
                    };
                    // Random ids of 75 bits: a taken one fails the whole submission, which the
                    // handler retries like a taken number.
                    if insert_request(conn, &r).map_err(query_err)? != 1 {
                        return Err(StorageError::IdTaken);
                    }
                }
                let matters: Vec<MatterRow> = matters
                    .into_iter()
                    .map(|m| MatterRow {
                        application: row.number.clone(),
                        ..m
                    })
                    .collect();
                workflow::insert_matters(conn, &matters)?;
                let events: Vec<EventRow> = events
                    .into_iter()
                    .map(|e| EventRow {
                        application: row.number.clone(),
                        ..e
                    })
                    .collect();
                workflow::insert_events(conn, &events)?;
                if let Some(b) = &bank {
                    bank::insert(
                        conn,
                        &BankAppointmentRow {
                            application: row.number.clone(),
                            ..b.clone()
                        },
                    )?;
                }
                return Ok(Inserted::New(row));
            }
            cached::one(
                conn,
                &format!(
                    "SELECT {APPLICATION_COLUMNS} FROM applications WHERE idempotency_key = ?1"
                ),
                [&row.idempotency_key],
                row_to_application,
            )
            .optional()
            .map_err(query_err)?
            .map(Inserted::Existing)
            .ok_or(StorageError::IdTaken)
        })
        .await
    }

    async fn application(&self, number: &str) -> Result<Option<ApplicationRow>, StorageError> {
        let number = number.to_owned();
        self.read(move |conn| {
            cached::one(
                conn,
                &format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE number = ?1"),
                [&number],
                row_to_application,
            )
            .optional()
            .map_err(query_err)
        })
        .await
    }

    async fn application_by_key(
        &self,
        idempotency_key: &str,
    ) -> Result<Option<ApplicationRow>, StorageError> {
        let key = idempotency_key.to_owned();
        self.read(move |conn| {
            cached::one(
                conn,
                &format!(
                    "SELECT {APPLICATION_COLUMNS} FROM applications WHERE idempotency_key = ?1"
                ),
                [&key],
                row_to_application,
            )
            .optional()
            .map_err(query_err)
        })
        .await
    }

    async fn update_application_access(&self, row: ApplicationRow) -> Result<bool, StorageError> {
        self.write(move |conn| {
            cached::run(
                conn,
                "UPDATE applications SET key_hash = ?2, failed_opens = ?3, locked_until = ?4
                 WHERE number = ?1",
                params![
                    row.number,
                    row.key_hash,
                    row.failed_opens,
                    row.locked_until.map(|t| t.0)
                ],
            )
            .map(|n| n == 1)
            .map_err(query_err)
        })
        .await
    }

    async fn insert_material_request(&self, row: MaterialRequestRow) -> Result<(), StorageError> {
        self.write(move |conn| {
            if insert_request(conn, &row).map_err(query_err)? == 1 {
                Ok(())
            } else {
                Err(StorageError::IdTaken)
            }
        })
        .await
    }

    async fn material_requests(
        &self,
        application: &str,
    ) -> Result<Vec<MaterialRequestRow>, StorageError> {
        let application = application.to_owned();
        self.read(move |conn| {
            let mut stmt = cached::statement(
                conn,
                &format!(
                    "SELECT {REQUEST_COLUMNS} FROM material_requests WHERE application = ?1
                     ORDER BY resolved_at IS NOT NULL, requested_at, id"
                ),
            )
            .map_err(query_err)?;
            let rows = stmt
                .query_map([&application], row_to_request)
                .map_err(query_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
        })
        .await
    }

    async fn resolve_requests(
        &self,
        application: &str,
        ids: Vec<String>,
        materials: Vec<String>,
        now: Timestamp,
    ) -> Result<u64, StorageError> {
        let application = application.to_owned();
        self.write(move |conn| {
            let mut resolved = 0;
            for id in &ids {
                resolved += cached::run(
                    conn,
                    "UPDATE material_requests SET resolved_at = ?3
                         WHERE id = ?1 AND application = ?2 AND resolved_at IS NULL",
                    params![id, application, now.0],
                )
                .map_err(query_err)? as u64;
            }
            for m in &materials {
                cached::run(
                    conn,
                    "UPDATE files SET handed_in_at = ?3
                     WHERE application = ?1 AND material = ?2 AND draft_token IS NULL
                         AND handed_in_at IS NULL",
                    params![application, m, now.0],
                )
                .map_err(query_err)?;
            }
            Ok(resolved)
        })
        .await
    }

    async fn files_of_application(&self, number: &str) -> Result<Vec<FileRow>, StorageError> {
        let number = number.to_owned();
        self.read(move |conn| {
            let mut stmt = cached::statement(
                conn,
                &format!(
                    "SELECT {FILE_COLUMNS} FROM files WHERE application = ?1
                     ORDER BY {FILE_ORDER}"
                ),
            )
            .map_err(query_err)?;
            let rows = stmt.query_map([&number], row_to_file).map_err(query_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
        })
        .await
    }

    async fn application_count(&self) -> Result<u64, StorageError> {
        self.read(|conn| {
            cached::one(conn, "SELECT COUNT(*) FROM applications", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(query_err)
        })
        .await
    }

    async fn insert_file(&self, row: FileRow) -> Result<Inserted<FileRow>, StorageError> {
        self.write(move |conn| {
            // No conflict target: a taken id and a known key both end here, told apart below.
            let inserted = cached::run(
                conn,
                &format!(
                    "INSERT INTO files ({FILE_COLUMNS})
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                             ?15, ?16)
                         ON CONFLICT DO NOTHING"
                ),
                params![
                    row.id,
                    row.idempotency_key,
                    row.draft_token,
                    row.application,
                    row.material,
                    row.slot,
                    row.position,
                    row.content_type,
                    row.bytes,
                    row.sha256,
                    row.pages,
                    row.width,
                    row.height,
                    row.object,
                    row.created_at.0,
                    row.handed_in_at.map(|t| t.0)
                ],
            )
            .map_err(query_err)?;
            if inserted == 1 {
                return Ok(Inserted::New(row));
            }
            cached::one(
                conn,
                &format!("SELECT {FILE_COLUMNS} FROM files WHERE idempotency_key = ?1"),
                [&row.idempotency_key],
                row_to_file,
            )
            .optional()
            .map_err(query_err)?
            .map(Inserted::Existing)
            .ok_or(StorageError::IdTaken)
        })
        .await
    }

    async fn linked_objects(&self, objects: &[String]) -> Result<Vec<String>, StorageError> {
        let names =
            serde_json::to_string(objects).map_err(|e| StorageError::Query(e.to_string()))?;
        self.read(move |conn| {
            let mut stmt = cached::statement(
                conn,
                "SELECT object FROM files WHERE object IN (SELECT value FROM json_each(?1))",
            )
            .map_err(query_err)?;
            stmt.query_map([&names], |r| r.get::<_, String>(0))
                .map_err(query_err)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(query_err)
        })
        .await
    }

    async fn file(&self, id: &str) -> Result<Option<FileRow>, StorageError> {
        let id = id.to_owned();
        self.read(move |conn| {
            cached::one(
                conn,
                &format!("SELECT {FILE_COLUMNS} FROM files WHERE id = ?1"),
                [&id],
                row_to_file,
            )
            .optional()
            .map_err(query_err)
        })
        .await
    }

    async fn files_of_draft(&self, token: &str) -> Result<Vec<FileRow>, StorageError> {
        let token = token.to_owned();
        self.read(move |conn| {
            let mut stmt = cached::statement(
                conn,
                &format!(
                    "SELECT {FILE_COLUMNS} FROM files WHERE draft_token = ?1
                     ORDER BY {FILE_ORDER}"
                ),
            )
            .map_err(query_err)?;
            let rows = stmt.query_map([&token], row_to_file).map_err(query_err)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(query_err)
        })
        .await
    }

    async fn delete_file(&self, id: &str) -> Result<bool, StorageError> {
        let id = id.to_owned();
        self.write(move |conn| {
            cached::run(conn, "DELETE FROM files WHERE id = ?1", [&id])
                .map(|n| n == 1)
                .map_err(query_err)
        })
        .await
    }

    async fn order_files(&self, ids: Vec<String>) -> Result<(), StorageError> {
        // Each job of the writer's batch runs in its own savepoint: all or nothing.
        self.write(move |conn| {
            for (position, id) in ids.iter().enumerate() {
                cached::run(
                    conn,
                    "UPDATE files SET position = ?1 WHERE id = ?2",
                    rusqlite::params![position as i64, id],
                )
                .map_err(query_err)?;
            }
            Ok(())
        })
        .await
    }

    async fn append(&self, change: Change) -> Result<u64, StorageError> {
        self.write(move |conn| workflow::append(conn, &change))
            .await
    }

    async fn events(&self, application: &str) -> Result<Vec<EventRow>, StorageError> {
        let application = application.to_owned();
        self.read(move |conn| workflow::events(conn, &application))
            .await
    }

    async fn matters(&self, application: &str) -> Result<Vec<MatterRow>, StorageError> {
        let application = application.to_owned();
        self.read(move |conn| workflow::matters(conn, &application))
            .await
    }

    async fn progress_stamp(&self, application: &str) -> Result<Option<String>, StorageError> {
        let application = application.to_owned();
        self.read(move |conn| workflow::progress_stamp(conn, &application))
            .await
    }

    async fn queue(&self, query: QueueQuery) -> Result<Vec<QueueRow>, StorageError> {
        self.read(move |conn| workflow::queue(conn, &query)).await
    }

    async fn insert_staff(&self, row: StaffRow) -> Result<(), StorageError> {
        self.write(move |conn| workflow::insert_staff(conn, &row))
            .await
    }

    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRow>, StorageError> {
        let username = username.to_owned();
        self.read(move |conn| workflow::staff_by_username(conn, &username))
            .await
    }

    async fn staff_list(&self) -> Result<Vec<StaffRow>, StorageError> {
        self.read(workflow::staff_list).await
    }

    async fn update_staff(&self, row: StaffRow) -> Result<bool, StorageError> {
        self.write(move |conn| workflow::update_staff(conn, &row))
            .await
    }

    async fn insert_session(&self, row: SessionRow) -> Result<(), StorageError> {
        self.write(move |conn| workflow::insert_session(conn, &row))
            .await
    }

    async fn touch_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        idle_since: Timestamp,
    ) -> Result<Option<(SessionRow, StaffRow)>, StorageError> {
        let token_hash = token_hash.to_owned();
        self.write(move |conn| workflow::touch_session(conn, &token_hash, now, idle_since))
            .await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError> {
        let token_hash = token_hash.to_owned();
        self.write(move |conn| workflow::delete_session(conn, &token_hash))
            .await
    }

    async fn bank_appointment(
        &self,
        application: &str,
    ) -> Result<Option<BankAppointmentRow>, StorageError> {
        let application = application.to_owned();
        self.read(move |conn| bank::one(conn, &application)).await
    }

    async fn insert_counter_code(&self, row: CounterCodeRow) -> Result<bool, StorageError> {
        self.write(move |conn| counter::insert(conn, &row)).await
    }

    async fn counter_code(&self, code: &str) -> Result<Option<CounterCodeRow>, StorageError> {
        let code = code.to_owned();
        self.read(move |conn| counter::one(conn, &code)).await
    }

    async fn counter_codes_of(
        &self,
        application: &str,
    ) -> Result<Vec<CounterCodeRow>, StorageError> {
        let application = application.to_owned();
        self.read(move |conn| counter::of(conn, &application)).await
    }

    async fn revoke_counter_code(
        &self,
        code: &str,
        at: Timestamp,
        by: &str,
    ) -> Result<bool, StorageError> {
        let (code, by) = (code.to_owned(), by.to_owned());
        self.write(move |conn| counter::revoke(conn, &code, at, &by))
            .await
    }

    async fn book(
        &self,
        row: BookingRow,
        now: Timestamp,
        no_shows_since: Timestamp,
        admit: Admit,
    ) -> Result<BookOutcome, StorageError> {
        self.write(move |conn| booking::book(conn, &row, now, no_shows_since, admit))
            .await
    }

    async fn booking_by_token(&self, token: &str) -> Result<Option<BookingRow>, StorageError> {
        let token = token.to_owned();
        self.read(move |conn| booking::by_token(conn, &token)).await
    }

    async fn booking_by_code(&self, code: &str) -> Result<Option<BookingRow>, StorageError> {
        let code = code.to_owned();
        self.read(move |conn| booking::by_code(conn, &code)).await
    }

    async fn slot_counts(
        &self,
        hall: &str,
        window: &str,
        day: &str,
    ) -> Result<Vec<(u32, u32, u32)>, StorageError> {
        let (hall, window, day) = (hall.to_owned(), window.to_owned(), day.to_owned());
        self.read(move |conn| booking::slot_counts(conn, &hall, &window, &day))
            .await
    }

    async fn cancel_booking(&self, id: &str, at: Timestamp) -> Result<bool, StorageError> {
        let id = id.to_owned();
        self.write(move |conn| booking::cancel(conn, &id, at)).await
    }

    async fn arrive_booking(
        &self,
        id: &str,
        at: Timestamp,
        by: &str,
    ) -> Result<bool, StorageError> {
        let (id, by) = (id.to_owned(), by.to_owned());
        self.write(move |conn| booking::arrive(conn, &id, at, &by))
            .await
    }

    async fn audit(&self, row: AuditRow) -> Result<(), StorageError> {
        self.write(move |conn| workflow::audit(conn, &row)).await
    }

    async fn audit_of(&self, application: &str) -> Result<Vec<AuditRow>, StorageError> {
        let application = application.to_owned();
        self.read(move |conn| workflow::audit_of(conn, &application))
            .await
    }

    async fn purge_audit(&self, before: Timestamp) -> Result<u64, StorageError> {
        self.write(move |conn| workflow::purge_audit(conn, before))
            .await
    }

    async fn claim_notices(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<NoticeRow>, StorageError> {
        self.write(move |conn| workflow::claim_notices(conn, now, lease_until, limit))
            .await
    }

    async fn notice_sent(
        &self,
        id: i64,
        now: Timestamp,
        message: Option<MessageRow>,
    ) -> Result<(), StorageError> {
        self.write(move |conn| workflow::notice_sent(conn, id, now, message.as_ref()))
            .await
    }

    async fn notice_failed(
        &self,
        id: i64,
        error: &str,
        next_at: Timestamp,
    ) -> Result<(), StorageError> {
        let error = error.to_owned();
        self.write(move |conn| workflow::notice_failed(conn, id, &error, next_at))
            .await
    }

    async fn messages(&self, application: &str) -> Result<Vec<MessageRow>, StorageError> {
        let application = application.to_owned();
        self.read(move |conn| workflow::messages(conn, &application))
            .await
    }

    async fn rating(&self, application: &str) -> Result<Option<RatingRow>, StorageError> {
        let application = application.to_owned();
        self.read(move |conn| workflow::rating(conn, &application))
            .await
    }

    async fn open_followups(&self, limit: u32) -> Result<Vec<RatingRow>, StorageError> {
        self.read(move |conn| workflow::open_followups(conn, limit))
            .await
    }

    async fn reply_followup(
        &self,
        application: &str,
        reply: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<bool, StorageError> {
        let (application, reply, by) = (application.to_owned(), reply.to_owned(), by.to_owned());
        self.write(move |conn| workflow::reply_followup(conn, &application, &reply, &by, at))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 0010: a bank's staff stored the old way (department `bank:{code}`, signed in) becomes
    /// role `bank` with its code, everyone else is unchanged, and the keys still hold.
    #[test]
    fn bank_staff_move_to_their_own_role() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON;").unwrap();
        migrate_with(&mut conn, &MIGRATIONS[..9]).unwrap();
        conn.execute_batch(
            "INSERT INTO staff (id, username, name, role, department, password_hash, active, created_at)
             VALUES ('S1', 'hzbank', '杭州银行', 'department', 'bank:hzbank', 'h', 1, 1),
                    ('S2', 'amr', '市场监管', 'department', 'amr', 'h', 1, 1),
                    ('S3', 'window', '窗口', 'window', NULL, 'h', 1, 1);
             INSERT INTO staff_sessions (token_hash, staff, created_at, last_seen, expires_at)
             VALUES ('t', 'S1', 1, 1, 2);",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let rows: Vec<(String, String, Option<String>, Option<String>)> = conn
            .prepare("SELECT username, role, department, bank FROM staff ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let row = |u: &str, role: &str, d: Option<&str>, b: Option<&str>| {
            (u.into(), role.into(), d.map(Into::into), b.map(Into::into))
        };
        assert_eq!(
            rows,
            vec![
                row("hzbank", "bank", None, Some("hzbank")),
                row("amr", "department", Some("amr"), None),
                row("window", "window", None, None),
            ]
        );
        assert_eq!(pragma(&conn, "integrity_check").unwrap(), "ok");
        let broken: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(broken, 0);
        // The new table keeps its rules: a bank without its code is refused.
        let bad = conn.execute(
            "INSERT INTO staff (id, username, name, role, password_hash, active, created_at)
             VALUES ('S4', 'x', 'x', 'bank', 'h', 1, 1)",
            [],
        );
        assert!(bad.is_err());
        // Sessions still point at the staff table.
        conn.execute(
            "INSERT INTO staff_sessions (token_hash, staff, created_at, last_seen, expires_at)
             VALUES ('u', 'S1', 1, 1, 2)",
            [],
        )
        .unwrap();
        assert!(
            conn.execute(
                "INSERT INTO staff_sessions (token_hash, staff, created_at, last_seen, expires_at)
                 VALUES ('v', 'S9', 1, 1, 2)",
                [],
            )
            .is_err()
        );
    }
}
