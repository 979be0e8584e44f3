//! Drafts and submitted applications (一表登记): the shapes of `/api/v1/drafts` and
//! `/api/v1/applications`.

use onetrip_domain::CivilDate;
use onetrip_domain::application::{ApplicationData, ApplicationForm};
use onetrip_domain::calendar::Promise;
use onetrip_domain::catalog::Delivery;
use onetrip_domain::catalog::checklist::{ChecklistMaterial, Savings, Subject};
use onetrip_domain::catalog::questions::Answers;
use serde::{Deserialize, Serialize};

/// The two consents asked before any personal information (个人信息保护法): the privacy
/// notice, and separately the processing of sensitive personal information (ID numbers,
/// photos of documents). Both must be given to apply online.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub privacy: bool,
    pub sensitive: bool,
}

/// `POST /api/v1/drafts`: start an application for a situation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = onetrip_domain::catalog::checklist::SubjectRef))]
    pub subject: Subject,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, String>))]
    pub answers: Answers,
    pub consent: Consent,
}

/// How a draft is opened on another device, besides its resume link.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ResumeFactor {
    /// The last six characters of an ID number in the draft (`factor_field` says whose).
    IdTail,
    /// A six-digit PIN chosen when saving.
    Pin,
    /// Neither yet: a PIN must be chosen before the resume link works.
    None,
}

/// A draft as its owner sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    /// The resume token: random, not personal data.
    pub token: String,
    /// `{PUBLIC_BASE_URL}/apply/resume/{token}`.
    pub resume_url: String,
    /// The QR code (PNG) of `resume_url`.
    pub qr_url: String,
    /// China time, RFC 3339.
    pub saved_at: String,
    /// The last day it can be opened (China time), `YYYY-MM-DD`; it is deleted after.
    pub expires_on: String,
    pub form: ApplicationForm,
    pub data: ApplicationData,
    pub factor: ResumeFactor,
    /// Whose ID number's last six characters open it (`factor` = `id_tail`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor_field: Option<String>,
    /// Labels of answers dropped because the catalogue changed since the last save.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dropped: Vec<String>,
}

/// `GET /api/v1/drafts/{token}/review`: 核对信息 below its top, drawn by the server
/// (`onetrip_ui::review::body`) for the page shown before the app (`public/draft-early.js`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftReview {
    pub html: String,
}

/// The cookie in which the app keeps the tab's draft (`{token}:{key}`, `Path=/apply`) beside
/// sessionStorage, so that the server can draw the top of a reloaded step (`form_paint`).
pub const DRAFT_COOKIE: &str = "ot_draft";

/// A draft with the key that reads and saves it (`X-Draft-Key`): the answer of creating or
/// opening one. The key is kept in memory and in sessionStorage, never in an address.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftSession {
    pub key: String,
    pub draft: Draft,
}

/// `PUT /api/v1/drafts/{token}`: everything typed so far, and a PIN when none is set yet.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftSave {
    pub data: ApplicationData,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
}

/// `POST /api/v1/drafts/{token}/open`: the second factor.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftOpen {
    pub factor: String,
}

/// `POST /api/v1/applications`: the whole application.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicationRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = onetrip_domain::catalog::checklist::SubjectRef))]
    pub subject: Subject,
    #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, String>))]
    pub answers: Answers,
    pub data: ApplicationData,
    pub consent: Consent,
    /// The draft this came from, deleted when the application is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
}

/// One matter of a submitted application: who handles it and by when.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptMatter {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub department_name: String,
    pub department_name_en: String,
    pub result: String,
    pub promised: Promise,
}

/// The receipt (受理回执) of a submitted application. No personal data: it can be bookmarked,
/// printed and opened from its QR code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// The application number (`7KQ2M9XA3T`).
    pub number: String,
    /// `{PUBLIC_BASE_URL}/r/{number}`.
    pub url: String,
    pub qr_url: String,
    /// China time, RFC 3339.
    pub submitted_at: String,
    pub name: String,
    pub name_en: String,
    /// When the last result is promised (working days in China time, holidays counted).
    pub promised: Promise,
    pub matters: Vec<ReceiptMatter>,
    pub delivery: Delivery,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub savings: Option<Savings>,
    /// The company name needs higher approval (中国, 中华, 全国): a person reviews it.
    #[serde(default)]
    pub name_review: bool,
    /// Accepted without some deferrable materials (容缺受理), on the applicant's commitment.
    #[serde(default)]
    pub deferred: bool,
    /// Materials still to be supplied (补正): those deferred at submission and those a
    /// department asked for, open ones only, read when the receipt is read (names of documents
    /// only: no personal data).
    #[serde(default)]
    pub outstanding: Vec<MaterialRequest>,
}

/// An uploaded document as its owner sees it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileRecord {
    pub id: String,
    pub material: String,
    /// `front`, `back` (the sides of an identity card) or `pages`.
    pub slot: String,
    pub position: u32,
    pub content_type: String,
    pub bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// SHA-256 of the file as uploaded (the same file given twice has the same one).
    pub sha256: String,
    /// Where the owner downloads it (with the draft or application key).
    pub url: String,
}

/// Why a material is asked for after submission.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// 容缺: left out at submission on the applicant's commitment.
    Deferred,
    /// 补正: a department asked for it (again), with a reason.
    Correction,
}

/// One material to supply after submission (容缺 or 补正).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaterialRequest {
    pub id: String,
    pub material: String,
    pub name: String,
    pub name_en: String,
    pub kind: RequestKind,
    /// The department's reason (补正), in its words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_name: Option<String>,
    /// China time, RFC 3339.
    pub requested_at: String,
    /// The last working day to supply it.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due: CivilDate,
    pub resolved: bool,
}

/// `GET /api/v1/applications/{number}/materials`: what the applicant must still supply, with
/// each material's rules (for the same pre-review as before submission) and the files given.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationMaterials {
    pub number: String,
    pub name: String,
    pub name_en: String,
    /// Every request, open ones first.
    pub requests: Vec<MaterialRequest>,
    /// The rules of each material requested.
    pub materials: Vec<ChecklistMaterial>,
    /// Files uploaded to this application after submission.
    pub files: Vec<FileRecord>,
}

/// `POST /api/v1/applications/{number}/supplements`: hand in the files uploaded for these
/// requests (补正提交). Each must have a file in every side since it was requested.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SupplementRequest {
    pub requests: Vec<String>,
}

/// `POST /api/v1/staff/applications/{number}/corrections`: a department asks for a material
/// again (补正), with its reason and the working days allowed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    pub material: String,
    pub reason: String,
    pub days: u32,
}

/// `POST /api/v1/applications/{number}/open`: the second factor, on a device that does not
/// hold the application key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicationOpen {
    pub factor: String,
}

/// The key that lets this device supply materials to an application (header
/// `X-Application-Key`). Opening on another device replaces it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationSession {
    pub key: String,
}

/// `PUT .../files/order`: the order of the files of one side of a material (ids, first first).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FileOrder {
    pub material: String,
    pub slot: String,
    pub files: Vec<String>,
}
