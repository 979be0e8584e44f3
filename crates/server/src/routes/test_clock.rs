//! Only in builds with the `test-clock` feature: end-to-end tests move the server's clock.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::AppState;
use crate::clock::Timestamp;
use crate::error::{ApiError, ApiJson};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetClock {
    /// Milliseconds since the Unix epoch.
    pub now_ms: i64,
}

pub async fn set(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SetClock>,
) -> Result<StatusCode, ApiError> {
    match &state.test_clock {
        Some(clock) => {
            clock.set(Timestamp(body.now_ms));
            Ok(StatusCode::NO_CONTENT)
        }
        None => Err(ApiError::new(onetrip_api::ErrorCode::NotFound)),
    }
}
