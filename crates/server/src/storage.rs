//! Storage behind one trait, with one implementation and one migrations folder per database.
//! The backend is chosen by the URL scheme: `sqlite://` (default) or `postgres://`.
//!
//! Architecture invariant: nothing outside this module writes SQL.

mod postgres;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;

use crate::clock::Timestamp;

pub use postgres::Postgres;
pub use sqlite::Sqlite;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StorageError {
    #[error("cannot open the database: {0}")]
    Open(String),
    #[error("migration {version} failed: {message}")]
    Migration { version: u32, message: String },
    #[error("database error: {0}")]
    Query(String),
    #[error("the database is not safe to use: {0}")]
    Unsafe(String),
    /// A new record's random id is already taken (pick another and try again).
    #[error("the id is already taken")]
    IdTaken,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Page feedback as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackRecord {
    /// The client's Idempotency-Key.
    pub id: String,
    /// A hash of the request body, to tell a retry from a different request with the same key.
    pub fingerprint: String,
    pub page: String,
    pub useful: bool,
    pub comment: Option<String>,
    pub created_at: Timestamp,
}

/// A stored checklist: the situation it was computed for and the result, as JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistRow {
    /// The public id (`7KQ2M9XA3T`).
    pub id: String,
    /// The client's Idempotency-Key.
    pub idempotency_key: String,
    /// A hash of the request body, to tell a retry from a different request with the same key.
    pub fingerprint: String,
    /// `bundle` or `matter`.
    pub subject_kind: String,
    pub subject_code: String,
    /// The situational answers (question key → option value), JSON.
    pub answers: String,
    pub catalog_version: String,
    /// The checklist as computed, JSON.
    pub checklist: String,
    pub created_at: Timestamp,
}

/// What an idempotent insert found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inserted<T> {
    /// Written now.
    New(T),
    /// Written before under the same key; here is what was stored.
    Existing(T),
}

#[async_trait]
pub trait Storage: Send + Sync {
    fn backend(&self) -> Backend;

    /// The durability settings as read back from the database, for the start-up log.
    async fn settings(&self) -> Result<Vec<(String, String)>, StorageError>;

    /// A cheap round trip, for the health check.
    async fn ping(&self) -> Result<(), StorageError>;

    /// Note that this catalogue version is live. Returns true the first time a version is seen.
    async fn record_catalog_version(
        &self,
        version: &str,
        now: Timestamp,
    ) -> Result<bool, StorageError>;

    /// Catalogue versions, newest first: (version, first seen, last seen).
    async fn catalog_versions(&self) -> Result<Vec<(String, Timestamp, Timestamp)>, StorageError>;

    /// Insert unless a record with the same id exists; never writes twice.
    async fn insert_feedback(
        &self,
        record: FeedbackRecord,
    ) -> Result<Inserted<FeedbackRecord>, StorageError>;

    async fn feedback_count(&self) -> Result<u64, StorageError>;

    /// Insert unless a checklist with the same idempotency key exists; never writes twice.
    /// `StorageError::IdTaken` when the id belongs to another checklist.
    async fn insert_checklist(
        &self,
        row: ChecklistRow,
    ) -> Result<Inserted<ChecklistRow>, StorageError>;

    async fn checklist(&self, id: &str) -> Result<Option<ChecklistRow>, StorageError>;

    async fn checklist_count(&self) -> Result<u64, StorageError>;
}

/// Open the database named by `url`, apply the durability settings and run migrations.
pub async fn open(url: &str) -> Result<Arc<dyn Storage>, StorageError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(Postgres::open(url).await?))
    } else if let Some(path) = url.strip_prefix("sqlite://") {
        Ok(Arc::new(Sqlite::open(path.as_ref()).await?))
    } else {
        Err(StorageError::Open(
            "DATABASE_URL must start with sqlite:// or postgres://".to_owned(),
        ))
    }
}

/// The migrations of one backend, in order: (version, name, SQL).
pub(crate) type Migrations = &'static [(u32, &'static str, &'static str)];
