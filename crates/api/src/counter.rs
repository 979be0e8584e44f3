//! 办件码: the counter code of an application that still needs one trip, shown as a QR code on
//! the applicant's page and scanned (or typed) at the window.

use serde::{Deserialize, Serialize};

use crate::application::FileRecord;
use crate::staff::StaffApplication;

/// The applicant's live counter code (`GET`/`POST /applications/{number}/counter`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterCode {
    /// 8 characters, e.g. `7KQ2M9XA`; printed beside the QR code for typing.
    pub code: String,
    /// `{PUBLIC_BASE_URL}/k/{code}`: what the QR code holds, and nothing else.
    pub url: String,
    /// The PNG of the QR code.
    pub qr_url: String,
    /// China time, RFC 3339.
    pub expires_at: String,
}

/// A material as the window checks it at the counter: what the applicant gave online and
/// what the machine pre-review (材料预审) found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterMaterial {
    pub key: String,
    pub name: String,
    /// `passed` (uploaded, pre-review passed), `deferred` (容缺: to bring or supply later),
    /// `requested` (补正 asked), `missing` (not given).
    pub state: String,
    /// The state in words, e.g. 已上传 2 份，预审通过.
    pub label: String,
    pub files: Vec<FileRecord>,
}

/// What the window sees after scanning a counter code (`GET /staff/counter/{code}`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CounterView {
    pub code: String,
    /// China time, RFC 3339.
    pub expires_at: String,
    /// Why this matter needs the trip, and what to check in person (现场核验).
    pub in_person: Vec<String>,
    pub materials: Vec<CounterMaterial>,
    /// The whole application, as `GET /staff/applications/{number}` shows it (a code of an
    /// application).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<StaffApplication>,
    /// The booking to check in (a booking's check-in code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<crate::booking::StaffBooking>,
}
