//! Wire types shared by the app (compiled to wasm) and the server.
//!
//! Architecture invariant: this crate holds shapes, not rules. Rules live in `onetrip-domain`.
//! The `openapi` feature adds schema derives for the server only, so the wasm build stays small.

pub mod application;
pub mod booking;
pub mod catalog;
pub mod counter;
pub mod error;
pub mod progress;
pub mod staff;
pub mod whole;

pub use error::{ErrorBody, ErrorCode, ErrorEnvelope, FieldError};

use serde::{Deserialize, Serialize};

/// `GET /api/health`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when the database answers.
    pub status: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// Version of the catalogue loaded at start (a content hash).
    pub catalog_version: String,
    /// Server time in China (Asia/Shanghai), RFC 3339.
    pub now: String,
    pub version: String,
}

/// `POST /api/v1/feedback` answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackReceipt {
    pub id: String,
    /// China time, RFC 3339.
    pub received_at: String,
}
