use axum::Json;
use axum::extract::State;
use onetrip_api::{ErrorEnvelope, Health};

use crate::AppState;
use crate::error::ApiError;

/// Is the service up, and is its database answering?
#[utoipa::path(get, path = "/health", tag = "system",
    responses(
        (status = 200, description = "服务正常", body = Health),
        (status = 503, description = "数据库不可用或系统维护中", body = ErrorEnvelope),
    ))]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state.storage.ping().await?;
    Ok(Json(Health {
        status: "ok".to_owned(),
        database: state.storage.backend().name().to_owned(),
        catalog_version: state.catalog.version.clone(),
        now: state.clock.now().to_china_rfc3339(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }))
}
