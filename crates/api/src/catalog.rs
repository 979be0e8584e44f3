//! The catalogue on the wire: lists, the service guide (办事指南), bundle pages, search and the
//! one-time checklist (一次性告知单). Rules and the checklist itself live in `onetrip-domain`.

use serde::{Deserialize, Serialize};

use onetrip_domain::catalog::checklist::{Checklist, ChecklistMaterial, Savings, Subject};
use onetrip_domain::catalog::questions::{Answers, GatedQuestion};
use onetrip_domain::catalog::{ApplicantKind, Department, FieldDef, Matter};

/// `GET /api/v1/catalog`: everything the home page lists.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogIndex {
    pub version: String,
    pub bundles: Vec<BundleSummary>,
    pub matters: Vec<MatterSummary>,
    pub departments: Vec<DepartmentSummary>,
}

/// A department and how many matters it has in the catalogue.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentSummary {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub matters: u32,
}

/// A bundle (一件事) in a list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleSummary {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub for_whom: ApplicantKind,
    pub life_event: String,
    pub summary: String,
    pub summary_en: String,
    /// Member matter codes, in order.
    pub matters: Vec<String>,
    /// Promised working days in the most common situation (departments in parallel).
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
    /// Department code.
    pub department_code: String,
    pub department: String,
    pub department_en: String,
    pub for_whom: Vec<ApplicantKind>,
    pub summary: String,
    pub summary_en: String,
    pub legal_days: u32,
    pub promised_days: u32,
    pub trips: u8,
    /// Why the one trip is needed (负面清单), when `trips` is 1.
    pub trip_reason: Option<String>,
    /// Rank among the most used matters (1 first).
    pub popular: Option<u8>,
}

/// `GET /api/v1/search?q=`: bundles and matters, each best first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub query: String,
    pub bundles: Vec<BundleSummary>,
    pub matters: Vec<MatterSummary>,
}

/// `GET /api/v1/matters/{code}`: the service guide (办事指南).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatterGuide {
    pub version: String,
    pub matter: Matter,
    pub department: Department,
    /// The matter's, the department's or 12345.
    pub hotline: String,
    /// Every material, resolved; `conditional` ones depend on the situational questions.
    pub materials: Vec<ChecklistMaterial>,
    /// The form fields it needs, resolved from the catalogue's field list.
    pub fields: Vec<FieldDef>,
    pub questions: Vec<GatedQuestion>,
    /// Bundles (一件事) it is part of.
    pub bundles: Vec<BundleRef>,
    /// Its one trip can be booked at a hall's window (窗口预约, `/book/{code}`).
    #[serde(default)]
    pub bookable: bool,
}

/// A bundle named from elsewhere.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleRef {
    pub code: String,
    pub name: String,
    pub name_en: String,
}

/// `GET /api/v1/bundles/{code}`: a bundle page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleDetail {
    pub version: String,
    pub summary: BundleSummary,
    pub illustrative: bool,
    pub source: String,
    pub members: Vec<BundleMember>,
    pub departments: Vec<Department>,
    /// The situational questions, in order, with the conditions under which each is asked.
    pub questions: Vec<GatedQuestion>,
    /// Doing the matters together against one by one, in the most common situation.
    pub savings: Savings,
}

/// A member of a bundle on its page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleMember {
    pub matter: MatterSummary,
    /// Codes of the members whose result it needs first.
    pub after: Vec<String>,
    /// Only in some situations.
    pub conditional: bool,
}

/// `POST /api/v1/checklists`: the situation to compute a checklist for.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = onetrip_domain::catalog::checklist::SubjectRef))]
    pub subject: Subject,
    /// Question key → chosen option value, for every question that applies.
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, String>))]
    pub answers: Answers,
}

/// A stored checklist (`POST /api/v1/checklists`, `GET /api/v1/checklists/{id}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistRecord {
    /// Short, unguessable id (`7KQ2M9XA3T`).
    pub id: String,
    /// The absolute link printed under the QR code: `{PUBLIC_BASE_URL}/c/{id}`.
    pub url: String,
    /// The QR code image (PNG) of `url`.
    pub qr_url: String,
    /// China time, RFC 3339.
    pub created_at: String,
    /// The catalogue version it was computed from.
    pub catalog_version: String,
    /// The checklist exactly as it was computed then.
    pub checklist: Checklist,
    /// The situational answers it was computed for (question key → option value), to start
    /// an application from.
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, String>))]
    pub answers: Answers,
    /// The catalogue has changed since and this situation's checklist would now differ.
    pub changed: bool,
}

/// `GET /api/v1/views/...`: a read-only page rendered by the server for one language, which
/// the app shows as it is. The JSON resources above carry the same facts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct View {
    /// The page's name for the document title (empty for the home page).
    pub title: String,
    /// The page's content as HTML: every text escaped, links within the app.
    pub html: String,
}

impl View {
    /// The address of the view of a page (`/matters/x`, `/search?q=…`) in a language
    /// (`zh-CN`): what the app fetches, and what the server marks a page it draws with, so
    /// that the app finds that page under the same address.
    pub fn address(path: &str, lang: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("/api/v1/views{path}{sep}lang={lang}")
    }
}

/// `GET /api/v1/bundles/{code}/questions` and `/matters/{code}/questions`: what the app needs
/// to walk the situational questions (情形引导) one per page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Questionnaire {
    #[cfg_attr(feature = "openapi", schema(value_type = onetrip_domain::catalog::checklist::SubjectRef))]
    pub subject: Subject,
    pub name: String,
    pub name_en: String,
    /// In order, each with the condition under which it is asked.
    pub questions: Vec<GatedQuestion>,
}
