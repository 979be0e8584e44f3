use axum::Json;
use axum::extract::State;
use onetrip_api::ErrorEnvelope;
use onetrip_api::catalog::{BundleSummary, CatalogIndex, MatterSummary};

use crate::AppState;

/// The catalogue's bundles (一件事) and matters (事项), for the home page.
#[utoipa::path(get, path = "/catalog", tag = "catalog",
    responses(
        (status = 200, description = "服务目录", body = CatalogIndex),
        (status = 429, description = "请求太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn index(State(state): State<AppState>) -> Json<CatalogIndex> {
    let c = &state.catalog.catalog;
    let bundles = c
        .bundles
        .iter()
        .map(|b| BundleSummary {
            code: b.code.clone(),
            name: b.name.clone(),
            name_en: b.name_en.clone(),
            summary: b.summary.clone(),
            summary_en: b.summary_en.clone(),
            matters: b.matters.clone(),
            promised_days: c.bundle_promised_days(b),
            trips: c.bundle_trips(b),
        })
        .collect();
    let matters = c
        .matters
        .iter()
        .map(|m| {
            let dept = c.department(&m.department);
            MatterSummary {
                code: m.code.clone(),
                name: m.name.clone(),
                name_en: m.name_en.clone(),
                department: dept.map(|d| d.name.clone()).unwrap_or_default(),
                department_en: dept.map(|d| d.name_en.clone()).unwrap_or_default(),
                summary: m.summary.clone(),
                summary_en: m.summary_en.clone(),
                legal_days: m.legal_days,
                promised_days: m.promised_days,
                trips: m.trips,
                trip_reason: m.trip_reason.clone(),
            }
        })
        .collect();
    Json(CatalogIndex {
        version: state.catalog.version.clone(),
        bundles,
        matters,
    })
}
