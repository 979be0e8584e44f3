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
    /// The application changed since it was read (another action came first): read it again
    /// and decide again.
    #[error("the application changed meanwhile")]
    Conflict,
    /// The disk (or the database's size limit) is full: nothing of this write was kept.
    #[error("the storage is full")]
    Full,
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

/// A draft application (草稿): what the applicant has typed so far, kept for a limited time.
/// Holds personal data: never logged, readable only with the draft key or, from another
/// device, with the second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRow {
    /// The resume token (in the resume link and QR code): random, not personal data.
    pub token: String,
    /// The client's Idempotency-Key of the request that created it.
    pub idempotency_key: String,
    pub fingerprint: String,
    /// SHA-256 (hex) of the current draft key; the key itself is only ever held by the client.
    pub key_hash: String,
    /// `bundle` or `matter`.
    pub subject_kind: String,
    pub subject_code: String,
    /// Situational answers, JSON.
    pub answers: String,
    /// `ApplicationData` as last saved, JSON.
    pub data: String,
    /// The `ApplicationForm` the data was saved against, JSON (to name what a changed
    /// catalogue dropped).
    pub form: String,
    pub catalog_version: String,
    /// `id` (last six characters of an ID number in the draft), `pin`, or empty (none yet).
    pub factor_kind: String,
    /// SHA-256 (hex) of the token and the second factor.
    pub factor_hash: Option<String>,
    /// Wrong second factors since the last success.
    pub failed_opens: u32,
    pub locked_until: Option<Timestamp>,
    pub created_at: Timestamp,
    pub saved_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A submitted application (申请), stored once per Idempotency-Key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationRow {
    /// The application number (`7KQ2M9XA3T`): short, unambiguous, not sequential.
    pub number: String,
    pub idempotency_key: String,
    pub fingerprint: String,
    pub subject_kind: String,
    pub subject_code: String,
    /// Situational answers, JSON.
    pub answers: String,
    /// `ApplicationData`, JSON (personal data: never logged).
    pub data: String,
    /// The receipt as computed at submission, JSON.
    pub receipt: String,
    pub catalog_version: String,
    pub created_at: Timestamp,
    /// SHA-256 (hex) of the application key (`X-Application-Key`): at submission the draft key
    /// of the device that submitted; replaced when the application is opened elsewhere.
    pub key_hash: Option<String>,
    /// The draft's second factor, copied at submission: `id`, `pin` or empty.
    pub factor_kind: String,
    /// The salt the factor was hashed with (the draft's token).
    pub factor_salt: Option<String>,
    pub factor_hash: Option<String>,
    /// Wrong second factors since the last success.
    pub failed_opens: u32,
    pub locked_until: Option<Timestamp>,
    /// Where it is (`lifecycle::Status` code): the projection of its event log.
    pub status: String,
    /// How many events its log holds: the ETag of its progress and the optimistic lock of
    /// every action.
    pub version: u64,
    /// The time of the last event.
    pub updated_at: Option<Timestamp>,
    /// The window decides by this day, `YYYY-MM-DD`.
    pub accept_by: Option<String>,
    /// The last result is promised by this day, `YYYY-MM-DD`.
    pub due_on: Option<String>,
}

/// One entry of the append-only event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Its place in the whole log (0 before it is written).
    pub seq: i64,
    pub application: String,
    /// None: the application's own status; otherwise the matter's code.
    pub matter: Option<String>,
    pub from_status: String,
    pub to_status: String,
    /// `applicant`, `window`, `department`, `supervisor` or `system`.
    pub actor_kind: String,
    /// The staff account's id.
    pub actor: Option<String>,
    /// The acting department's code.
    pub department: Option<String>,
    /// Reasons, a tracking number: never personal data.
    pub note: Option<String>,
    pub at: Timestamp,
}

/// A matter of an application, fixed at submission, with its status as the log leaves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatterRow {
    pub application: String,
    pub matter: String,
    pub position: u32,
    pub department: String,
    /// The matters whose result it waits for.
    pub waits_for: Vec<String>,
    /// `lifecycle::MatterStatus` code.
    pub status: String,
    /// Its result is promised by this day, `YYYY-MM-DD`.
    pub due_on: Option<String>,
}

/// Everything one action writes, in one transaction, only if the application is still at
/// `expected_version` (else `StorageError::Conflict`).
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub application: String,
    pub expected_version: u64,
    pub events: Vec<EventRow>,
    /// Requests made with the action (补正), or resolved by it (ids).
    pub requests: Vec<MaterialRequestRow>,
    /// Notifications to send (the outbox), one per kind.
    pub notices: Vec<NoticeRow>,
    /// The applicant's rating (好差评), written with its event.
    pub rating: Option<RatingRow>,
    /// The audit entry of the action.
    pub audit: Option<AuditRow>,
    /// The bank appointment's new status (面签 confirmed, account opened).
    pub bank: Option<BankUpdate>,
}

/// The bank and branch an application chose (预约开户), and how far the bank has got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAppointmentRow {
    pub application: String,
    pub bank: String,
    pub branch: String,
    pub account_type: String,
    /// `requested`, `confirmed` (面签 time set) or `opened`.
    pub status: String,
    /// `YYYY-MM-DD HH:MM`, China time.
    pub signing_at: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A change of a bank appointment, written with an action's events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankUpdate {
    pub status: String,
    /// Kept as it was when `None`.
    pub signing_at: Option<String>,
    pub at: Timestamp,
}

/// A notification waiting in the outbox (or being sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    /// Its place in the outbox (0 before it is written).
    pub id: i64,
    pub application: String,
    /// `accepted`, `not_accepted`, `correction`, `completed`, `dispatched`, `pickup`…
    pub kind: String,
    /// What the applicant reads: no personal data.
    pub text: String,
    pub created_at: Timestamp,
    pub attempts: u32,
}

/// An in-app message (消息) as delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    pub id: i64,
    pub application: String,
    pub kind: String,
    pub text: String,
    pub at: Timestamp,
}

/// 好差评, with its follow-up (整改) when bad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingRow {
    pub application: String,
    /// 1 (非常不满意) to 5 (非常满意).
    pub level: u8,
    /// The optional dimensions, JSON.
    pub dimensions: String,
    pub comment: Option<String>,
    pub rated_at: Timestamp,
    /// The follow-up's deadline, `YYYY-MM-DD`, for a bad rating.
    pub followup_due: Option<String>,
    pub reply: Option<String>,
    pub replied_by: Option<String>,
    pub replied_at: Option<Timestamp>,
}

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    /// `S` + 15 Crockford characters.
    pub id: String,
    pub username: String,
    pub name: String,
    /// `window`, `department`, `bank`, `supervisor` or `admin`.
    pub role: String,
    /// The department's code (department role only).
    pub department: Option<String>,
    /// The bank's code in `banks.toml` (bank role only).
    pub bank: Option<String>,
    /// argon2id, PHC string.
    pub password_hash: String,
    pub active: bool,
    pub created_at: Timestamp,
}

/// A signed-in staff session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// SHA-256 (hex) of the cookie's token.
    pub token_hash: String,
    pub staff: String,
    pub created_at: Timestamp,
    pub last_seen: Timestamp,
    pub expires_at: Timestamp,
}

/// Who looked at or did what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub at: Timestamp,
    pub staff: Option<String>,
    pub action: String,
    pub application: Option<String>,
    pub detail: Option<String>,
}

/// A counter code (办件码) of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterCodeRow {
    pub code: String,
    pub application: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
    /// `applicant` or the staff username.
    pub revoked_by: Option<String>,
}

impl CounterCodeRow {
    /// Neither expired nor revoked at `now`.
    pub fn live(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && now.0 < self.expires_at.0
    }
}

/// A booked slot (窗口预约).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingRow {
    pub id: String,
    /// The confirmation page's address (22 random characters).
    pub token: String,
    /// The 办件码 of the check-in QR code (8 random characters).
    pub checkin_code: String,
    pub idempotency_key: String,
    pub fingerprint: String,
    pub hall: String,
    pub window: String,
    pub matter: String,
    /// `YYYY-MM-DD`, China time.
    pub day: String,
    pub start_min: u32,
    pub end_min: u32,
    pub start_at: Timestamp,
    pub end_at: Timestamp,
    /// 绿色通道.
    pub priority: bool,
    pub id_hash: String,
    pub phone_hash: String,
    pub name_masked: String,
    /// `active`, `cancelled` or `arrived`.
    pub status: String,
    pub created_at: Timestamp,
    pub cancelled_at: Option<Timestamp>,
    pub arrived_at: Option<Timestamp>,
    pub arrived_by: Option<String>,
}

/// The answer of [`Storage::book`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookOutcome {
    Booked(BookingRow),
    /// The same Idempotency-Key was used before: that booking.
    Existing(BookingRow),
    Refused(onetrip_domain::booking::Refusal),
}

/// Decides a booking from the counts read in its transaction (`booking::admit`).
pub type Admit = Box<
    dyn FnOnce(onetrip_domain::booking::Counts) -> Result<(), onetrip_domain::booking::Refusal>
        + Send,
>;

/// Which applications a staff list shows, newest first, a page at a time.
#[derive(Debug, Clone, Default)]
pub struct QueueQuery {
    /// Application statuses to show (all when empty).
    pub statuses: Vec<String>,
    /// Only applications with a matter of this department, in one of `matter_statuses` (all
    /// when empty).
    pub department: Option<String>,
    pub matter_statuses: Vec<String>,
    /// Only applications whose bank appointment is with this bank (bank code).
    pub bank: Option<String>,
    /// Only those past their deadline on this day (`YYYY-MM-DD`): `accept_by` before acceptance,
    /// `due_on` after.
    pub overdue_on: Option<String>,
    /// The page after this (created_at, number) of the previous page's last row.
    pub after: Option<(Timestamp, String)>,
    pub limit: u32,
}

/// A row of a staff list (no personal data: the list shows numbers and matters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    pub number: String,
    pub subject_kind: String,
    pub subject_code: String,
    pub status: String,
    pub created_at: Timestamp,
    pub updated_at: Option<Timestamp>,
    pub accept_by: Option<String>,
    pub due_on: Option<String>,
}

/// A material asked for after submission (容缺 or 补正).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialRequestRow {
    /// Random public id (`R` + 15 Crockford characters).
    pub id: String,
    pub application: String,
    /// The material's canonical key.
    pub material: String,
    /// `deferred` or `correction`.
    pub kind: String,
    pub reason: Option<String>,
    /// The department's code (补正).
    pub department: Option<String>,
    pub requested_at: Timestamp,
    /// The last working day, `YYYY-MM-DD` (China time).
    pub due_on: String,
    pub resolved_at: Option<Timestamp>,
}

/// An uploaded document (材料) after the server's checks: the bytes live in the object store
/// under `object`, a random name; this row links them to a draft (and, once submitted, its
/// application) and a material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    /// Random public id (`F` + 15 Crockford characters).
    pub id: String,
    /// The client's Idempotency-Key of the upload: a retried upload is stored once.
    pub idempotency_key: String,
    /// The draft it was uploaded to; None when uploaded to an application after submission.
    pub draft_token: Option<String>,
    /// The application it belongs to once submitted (None before).
    pub application: Option<String>,
    /// The material's canonical key (`id-card`).
    pub material: String,
    /// `front`, `back` (an identity card's two sides) or `pages`.
    pub slot: String,
    /// Order within the slot (0 first).
    pub position: u32,
    /// `image/jpeg`, `image/png` or `application/pdf`: as stored (images re-encoded).
    pub content_type: String,
    /// Size as stored.
    pub bytes: u64,
    /// SHA-256 (hex) of the bytes as uploaded, to tell the same file given twice.
    pub sha256: String,
    /// PDF pages, or None for an image.
    pub pages: Option<u32>,
    /// Image size in pixels as stored, or None for a PDF.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The object store path.
    pub object: String,
    pub created_at: Timestamp,
    /// When it was handed in with a supplement (files uploaded after submission only).
    pub handed_in_at: Option<Timestamp>,
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

    /// The secret `name` the instances share: `fresh` is stored if there is none yet, and
    /// what is stored is returned (a second instance starting at the same moment gets the
    /// first one's).
    async fn secret(&self, name: &str, fresh: &str) -> Result<String, StorageError>;

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

    /// Insert unless a draft with the same idempotency key exists; never writes twice.
    /// `StorageError::IdTaken` when the token belongs to another draft.
    async fn insert_draft(&self, row: DraftRow) -> Result<Inserted<DraftRow>, StorageError>;

    async fn draft(&self, token: &str) -> Result<Option<DraftRow>, StorageError>;

    /// Replace every column of the draft with `row.token` but the token, idempotency key,
    /// fingerprint and creation time. False when there is no such draft (purged or submitted).
    async fn update_draft(&self, row: DraftRow) -> Result<bool, StorageError>;

    /// Delete drafts that expired before `now`; returns how many.
    async fn purge_drafts(&self, now: Timestamp) -> Result<u64, StorageError>;

    /// Delete the rows of documents left by drafts that expired before `now` or are gone
    /// without an application; returns their object names, for the caller to delete.
    async fn purge_draft_files(&self, now: Timestamp) -> Result<Vec<String>, StorageError>;

    async fn draft_count(&self) -> Result<u64, StorageError>;

    /// Insert unless an application with the same idempotency key exists; never writes twice.
    /// When written now and `draft` names one, that draft is deleted (its files attached to the
    /// application), and `requests` (the 容缺 materials), `matters` and the first `events` are
    /// inserted (their `application` set to the number stored), all in the same transaction;
    /// the application's status and version follow the events.
    /// `StorageError::IdTaken` when the number belongs to another application.
    async fn insert_application(
        &self,
        row: ApplicationRow,
        draft: Option<String>,
        requests: Vec<MaterialRequestRow>,
        matters: Vec<MatterRow>,
        events: Vec<EventRow>,
    ) -> Result<Inserted<ApplicationRow>, StorageError> {
        self.insert_application_with(row, draft, requests, matters, events, None)
            .await
    }

    /// [`Storage::insert_application`] with the application's bank appointment (预约开户),
    /// written in the same transaction (its `application` set to the number stored).
    async fn insert_application_with(
        &self,
        row: ApplicationRow,
        draft: Option<String>,
        requests: Vec<MaterialRequestRow>,
        matters: Vec<MatterRow>,
        events: Vec<EventRow>,
        bank: Option<BankAppointmentRow>,
    ) -> Result<Inserted<ApplicationRow>, StorageError>;

    async fn application(&self, number: &str) -> Result<Option<ApplicationRow>, StorageError>;

    /// The application stored under this Idempotency-Key, if any.
    async fn application_by_key(
        &self,
        idempotency_key: &str,
    ) -> Result<Option<ApplicationRow>, StorageError>;

    /// Write `key_hash`, `failed_opens` and `locked_until` of the application `row.number`.
    async fn update_application_access(&self, row: ApplicationRow) -> Result<bool, StorageError>;

    /// A request made after submission (补正). `StorageError::IdTaken` when the id is taken.
    async fn insert_material_request(&self, row: MaterialRequestRow) -> Result<(), StorageError>;

    /// The requests of an application: open ones first, then by request time.
    async fn material_requests(
        &self,
        application: &str,
    ) -> Result<Vec<MaterialRequestRow>, StorageError>;

    /// Resolve the open requests `ids` of an application and mark its files of `materials`
    /// uploaded after submission and not yet handed in as handed in, in one transaction.
    /// Returns how many requests were resolved.
    async fn resolve_requests(
        &self,
        application: &str,
        ids: Vec<String>,
        materials: Vec<String>,
        now: Timestamp,
    ) -> Result<u64, StorageError>;

    /// The files of an application (from its draft and uploaded after submission), by
    /// material, slot and position.
    async fn files_of_application(&self, number: &str) -> Result<Vec<FileRow>, StorageError>;

    async fn application_count(&self) -> Result<u64, StorageError>;

    /// Insert unless a file with the same idempotency key exists; never writes twice.
    /// `StorageError::IdTaken` when the id belongs to another file.
    async fn insert_file(&self, row: FileRow) -> Result<Inserted<FileRow>, StorageError>;

    /// Which of these object names a file row names. The others are orphans: bytes stored for
    /// an upload whose row was never written (the process died in between), or left when the
    /// rows went and the bytes could not.
    async fn linked_objects(&self, objects: &[String]) -> Result<Vec<String>, StorageError>;

    async fn file(&self, id: &str) -> Result<Option<FileRow>, StorageError>;

    /// The files of a draft, by material, slot and position.
    async fn files_of_draft(&self, token: &str) -> Result<Vec<FileRow>, StorageError>;

    /// Delete a file's row; true when there was one. (The object is deleted by the caller.)
    async fn delete_file(&self, id: &str) -> Result<bool, StorageError>;

    /// Number these files 0, 1, 2… in the order given, in one transaction (the caller checks
    /// they are all the files of one side of one material).
    async fn order_files(&self, ids: Vec<String>) -> Result<(), StorageError>;

    /// Write an action: its events (and the statuses they lead to), requests, notifications,
    /// rating and audit entry, in one transaction, if the application is still at
    /// `expected_version`. Returns the new version. `StorageError::Conflict` otherwise.
    async fn append(&self, change: Change) -> Result<u64, StorageError>;

    /// The application's log, in order.
    async fn events(&self, application: &str) -> Result<Vec<EventRow>, StorageError>;

    /// What the applicant's page depends on that can change, in one cheap read: the version
    /// (events), open requests, messages, and the rating and its reply. Equal stamps, equal
    /// pages (on the same day, catalogue and language). None when there is no application.
    async fn progress_stamp(&self, application: &str) -> Result<Option<String>, StorageError>;

    /// The application's matters, in the catalogue's order.
    async fn matters(&self, application: &str) -> Result<Vec<MatterRow>, StorageError>;

    /// A page of a staff list.
    async fn queue(&self, query: QueueQuery) -> Result<Vec<QueueRow>, StorageError>;

    /// `StorageError::IdTaken` when the id or the username is taken.
    async fn insert_staff(&self, row: StaffRow) -> Result<(), StorageError>;

    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRow>, StorageError>;

    async fn staff_list(&self) -> Result<Vec<StaffRow>, StorageError>;

    /// Change an account's password hash and whether it is active; an account made inactive
    /// loses its sessions in the same transaction. False when there is no such account.
    async fn update_staff(&self, row: StaffRow) -> Result<bool, StorageError>;

    async fn insert_session(&self, row: SessionRow) -> Result<(), StorageError>;

    /// The session and its account, if the session exists and neither has ended: not past
    /// `expires_at`, seen after `idle_since`, the account active. Its `last_seen` becomes `now`.
    async fn touch_session(
        &self,
        token_hash: &str,
        now: Timestamp,
        idle_since: Timestamp,
    ) -> Result<Option<(SessionRow, StaffRow)>, StorageError>;

    async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError>;

    async fn audit(&self, row: AuditRow) -> Result<(), StorageError>;

    /// The audit entries about an application, in order.
    async fn audit_of(&self, application: &str) -> Result<Vec<AuditRow>, StorageError>;

    /// Delete audit entries and ended sessions older than `before`; returns how many entries.
    async fn purge_audit(&self, before: Timestamp) -> Result<u64, StorageError>;

    /// Claim up to `limit` notifications not yet sent and due by `now` (none claimed by another
    /// worker until after `now`), for this worker until `lease_until`.
    async fn claim_notices(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<NoticeRow>, StorageError>;

    /// The notification is sent; `message` (the in-app copy) is written with it, once.
    async fn notice_sent(
        &self,
        id: i64,
        now: Timestamp,
        message: Option<MessageRow>,
    ) -> Result<(), StorageError>;

    /// Sending failed: try again from `next_at`.
    async fn notice_failed(
        &self,
        id: i64,
        error: &str,
        next_at: Timestamp,
    ) -> Result<(), StorageError>;

    /// The applicant's in-app messages, oldest first.
    async fn messages(&self, application: &str) -> Result<Vec<MessageRow>, StorageError>;

    async fn rating(&self, application: &str) -> Result<Option<RatingRow>, StorageError>;

    /// Ratings with a follow-up still unanswered, oldest deadline first.
    async fn open_followups(&self, limit: u32) -> Result<Vec<RatingRow>, StorageError>;

    /// Keep a new counter code; false when the code is taken (draw another).
    async fn bank_appointment(
        &self,
        application: &str,
    ) -> Result<Option<BankAppointmentRow>, StorageError>;

    async fn insert_counter_code(&self, row: CounterCodeRow) -> Result<bool, StorageError>;

    async fn counter_code(&self, code: &str) -> Result<Option<CounterCodeRow>, StorageError>;

    /// An application's counter codes, newest first.
    async fn counter_codes_of(
        &self,
        application: &str,
    ) -> Result<Vec<CounterCodeRow>, StorageError>;

    /// Revoke a code not yet revoked; false when there is none such.
    async fn revoke_counter_code(
        &self,
        code: &str,
        at: Timestamp,
        by: &str,
    ) -> Result<bool, StorageError>;

    /// Book a slot: in one transaction that holds the slot (and the person) against other
    /// bookings, count the slot's seats and the person's bookings as of `now` (no-shows since
    /// `no_shows_since`), ask `admit`, and write the booking if it says yes.
    async fn book(
        &self,
        row: BookingRow,
        now: Timestamp,
        no_shows_since: Timestamp,
        admit: Admit,
    ) -> Result<BookOutcome, StorageError>;

    async fn booking_by_token(&self, token: &str) -> Result<Option<BookingRow>, StorageError>;

    async fn booking_by_code(&self, code: &str) -> Result<Option<BookingRow>, StorageError>;

    /// Seats taken per slot start of a window on a day: (start_min, taken, taken_priority).
    async fn slot_counts(
        &self,
        hall: &str,
        window: &str,
        day: &str,
    ) -> Result<Vec<(u32, u32, u32)>, StorageError>;

    /// Cancel an active booking; false when it is not active.
    async fn cancel_booking(&self, id: &str, at: Timestamp) -> Result<bool, StorageError>;

    /// Mark an active booking arrived and its identity verified, together; false when it is
    /// not active.
    async fn arrive_booking(&self, id: &str, at: Timestamp, by: &str)
    -> Result<bool, StorageError>;

    /// Answer a follow-up (整改) once; false when there is none open for this application.
    async fn reply_followup(
        &self,
        application: &str,
        reply: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<bool, StorageError>;
}

/// Open the database named by `url`, apply the durability settings and run migrations.
pub async fn open(url: &str) -> Result<Arc<dyn Storage>, StorageError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Arc::new(Postgres::open(url).await?))
    } else if let Some(rest) = url.strip_prefix("sqlite://") {
        // `?max_page_count=N` caps the file's size (pages of 4 KiB): a quota, and how the
        // tests make the storage full.
        let (path, max_pages) = match rest.split_once('?') {
            Some((path, query)) => (path, sqlite_max_pages(query)?),
            None => (rest, None),
        };
        Ok(Arc::new(Sqlite::open_with(path.as_ref(), max_pages).await?))
    } else {
        Err(StorageError::Open(
            "DATABASE_URL must start with sqlite:// or postgres://".to_owned(),
        ))
    }
}

fn sqlite_max_pages(query: &str) -> Result<Option<u64>, StorageError> {
    let mut max = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("max_page_count", n)) => {
                max = Some(n.parse().map_err(|_| {
                    StorageError::Open(format!("DATABASE_URL: max_page_count={n} is not a number"))
                })?);
            }
            _ => {
                return Err(StorageError::Open(format!(
                    "DATABASE_URL: unknown SQLite option `{pair}` (only max_page_count)"
                )));
            }
        }
    }
    Ok(max)
}

/// The migrations of one backend, in order: (version, name, SQL).
pub(crate) type Migrations = &'static [(u32, &'static str, &'static str)];
