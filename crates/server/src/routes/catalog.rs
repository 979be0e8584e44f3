use axum::Json;
use axum::extract::State;
use onetrip_api::ErrorEnvelope;
use onetrip_api::catalog::{BundleSummary, CatalogIndex, DepartmentSummary, MatterSummary};
use onetrip_domain::catalog::checklist::{Subject, typical};
use onetrip_domain::catalog::{Bundle, Catalog, Matter};

use crate::AppState;

/// A bundle in a list, with its days and trips in the most common situation.
pub fn bundle_summary(c: &Catalog, b: &Bundle) -> BundleSummary {
    let typical = typical(c, &Subject::Bundle(b.code.clone()));
    BundleSummary {
        code: b.code.clone(),
        name: b.name.clone(),
        name_en: b.name_en.clone(),
        for_whom: b.for_whom,
        life_event: b.life_event.clone(),
        summary: b.summary.clone(),
        summary_en: b.summary_en.clone(),
        matters: b.members.iter().map(|m| m.matter.clone()).collect(),
        promised_days: typical.as_ref().map_or(0, |t| t.promised_days),
        trips: typical.as_ref().map_or(0, |t| t.trips),
    }
}

pub fn matter_summary(c: &Catalog, m: &Matter) -> MatterSummary {
    let dept = c.department(&m.department);
    MatterSummary {
        code: m.code.clone(),
        name: m.name.clone(),
        name_en: m.name_en.clone(),
        department_code: m.department.clone(),
        department: dept.map(|d| d.name.clone()).unwrap_or_default(),
        department_en: dept.map(|d| d.name_en.clone()).unwrap_or_default(),
        for_whom: m.for_whom.clone(),
        summary: m.summary.clone(),
        summary_en: m.summary_en.clone(),
        legal_days: m.legal_days,
        promised_days: m.promised_days,
        trips: m.trips,
        trip_reason: m.trip_reason.clone(),
        popular: m.popular,
    }
}

/// The catalogue's bundles (一件事), matters (事项) and departments, for the home page.
#[utoipa::path(get, path = "/catalog", tag = "catalog",
    responses(
        (status = 200, description = "服务目录", body = CatalogIndex),
        (status = 429, description = "请求太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn index(State(state): State<AppState>) -> Json<CatalogIndex> {
    let c = &state.catalog.catalog;
    Json(CatalogIndex {
        version: state.catalog.version.clone(),
        bundles: c.bundles.iter().map(|b| bundle_summary(c, b)).collect(),
        matters: c.matters.iter().map(|m| matter_summary(c, m)).collect(),
        departments: c
            .departments
            .iter()
            .map(|d| DepartmentSummary {
                code: d.code.clone(),
                name: d.name.clone(),
                name_en: d.name_en.clone(),
                matters: c.matters.iter().filter(|m| m.department == d.code).count() as u32,
            })
            .collect(),
    })
}
