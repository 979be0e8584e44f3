//! The `Idempotency-Key` of state-changing requests, and the fingerprint that tells a retry
//! (same key, same body) from a different request that reuses a key.

use axum::http::HeaderMap;
use onetrip_api::ErrorCode;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// The `Idempotency-Key` header: a UUID the app makes when the button is first pressed, in its
/// usual 36-character form (the pattern the API document gives).
pub fn key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::new(ErrorCode::BadRequest)
                .with_field("Idempotency-Key", "idempotency_key.missing")
        })?;
    (key.len() == 36)
        .then(|| uuid::Uuid::parse_str(key).ok())
        .flatten()
        .map(|u| u.hyphenated().to_string())
        .ok_or_else(|| {
            ApiError::new(ErrorCode::BadRequest)
                .with_field("Idempotency-Key", "idempotency_key.format")
        })
}

/// SHA-256 (hex) of the request as understood, so that formatting differences do not count.
pub fn fingerprint(body: &impl Serialize) -> String {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The same key with a different body: refused, never written.
pub fn reused() -> ApiError {
    ApiError::new(ErrorCode::Validation).with_field("Idempotency-Key", "idempotency_key.reused")
}
