//! The catalogue as the home page sees it.

use serde::{Deserialize, Serialize};

/// `GET /api/v1/catalog`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogIndex {
    pub version: String,
    pub bundles: Vec<BundleSummary>,
    pub matters: Vec<MatterSummary>,
}

/// A bundle (一件事) in a list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleSummary {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub summary: String,
    pub summary_en: String,
    /// Member matter codes, in order.
    pub matters: Vec<String>,
    /// Promised working days for the whole bundle (members run in parallel).
    pub promised_days: u32,
    /// 0: no trip at all; 1: one trip.
    pub trips: u8,
}

/// A matter (事项) in a list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatterSummary {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub department: String,
    pub department_en: String,
    pub summary: String,
    pub summary_en: String,
    pub legal_days: u32,
    pub promised_days: u32,
    pub trips: u8,
    /// Why the one trip is needed (负面清单), when `trips` is 1.
    pub trip_reason: Option<String>,
}
