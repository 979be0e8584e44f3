//! Random public identifiers: checklist ids, application numbers, draft tokens and keys. All
//! are Crockford's base32 (digits and capitals without I, L, O and U), so one read aloud or
//! typed from paper cannot be mistaken, and none is sequential.

use onetrip_api::ErrorCode;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

pub use onetrip_domain::token::ALPHABET;

/// `len` characters, five random bits each, from the operating system's CSPRNG (each byte's
/// low five bits are uniform).
pub fn random(len: usize) -> Result<String, ApiError> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(|e| {
        tracing::error!(error = %e, "no randomness for an identifier");
        ApiError::new(ErrorCode::Internal)
    })?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect())
}

/// An identifier as typed or scanned (see `onetrip_domain::token::parse`).
pub fn parse(text: &str, len: usize) -> Option<String> {
    onetrip_domain::token::parse(text, len)
}

/// HMAC-SHA-256 (hex) of personal values that are compared but never stored (a booking's
/// identity and phone numbers): a plain digest of a number with so few possible values is
/// undone by trying them all, a keyed one not without the key (`Config::digest_key`).
pub fn keyed(key: &crate::config::DigestKey, parts: &[&str]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<Sha256>::new_from_slice(key.bytes()).expect("any key length");
    for p in parts {
        mac.update(p.as_bytes());
        mac.update(&[0]);
    }
    hex(&mac.finalize().into_bytes())
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 (hex) of secrets that are compared but never stored.
pub fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    hex(&h.finalize())
}

/// Insert a new record under a random id. A taken id (rare with 50 or more random bits) is
/// drawn again by `renew`, up to three times; a retried request (same Idempotency-Key) comes
/// back as `Inserted::Existing` from the storage itself.
pub async fn insert_fresh<R, Fut>(
    mut row: R,
    insert: impl Fn(R) -> Fut,
    renew: impl Fn(&mut R) -> Result<(), ApiError>,
) -> Result<crate::storage::Inserted<R>, ApiError>
where
    R: Clone,
    Fut: std::future::Future<
            Output = Result<crate::storage::Inserted<R>, crate::storage::StorageError>,
        >,
{
    let mut attempts = 0;
    loop {
        match insert(row.clone()).await {
            Err(crate::storage::StorageError::IdTaken) if attempts < 3 => {
                attempts += 1;
                renew(&mut row)?;
            }
            other => return Ok(other?),
        }
    }
}
