//! The staff side (窗口, 部门, 督办): sign-in, lists, one application, and the decisions.

use serde::{Deserialize, Serialize};

use crate::application::{FileRecord, MaterialRequest};
use crate::progress::{MatterProgress, RatingView, TimelineEntry};

/// `POST /api/v1/staff/session`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub username: String,
    pub password: String,
}

/// The signed-in staff member.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMe {
    pub username: String,
    pub name: String,
    /// `window`, `department`, `supervisor` or `admin`.
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_name: Option<String>,
    /// Minutes without activity before the session ends.
    pub idle_minutes: u32,
}

/// A row of a staff list: numbers and matters, no personal data.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueItem {
    pub number: String,
    pub name: String,
    pub status: onetrip_domain::lifecycle::Status,
    pub label: String,
    /// China time, RFC 3339.
    pub submitted_at: String,
    /// The day it is due: the window's decision before acceptance, the last result after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub overdue: bool,
}

/// `GET /api/v1/staff/applications`: one page, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    /// Pass as `after` for the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// One datum of the merged form, as the department reads it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormLine {
    pub key: String,
    pub label: String,
    pub value: String,
}

/// `GET /api/v1/staff/applications/{number}`: the whole application for the one who decides
/// (personal data in full: each opening is written to the audit log).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffApplication {
    pub number: String,
    pub name: String,
    pub status: onetrip_domain::lifecycle::Status,
    pub label: String,
    pub submitted_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised: Option<String>,
    pub overdue: bool,
    pub matters: Vec<MatterProgress>,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
    pub form: Vec<FormLine>,
    pub files: Vec<FileRecord>,
    /// Every request, open and resolved.
    pub requests: Vec<MaterialRequest>,
    /// Materials the window may defer (容缺) on acceptance.
    pub deferrable: Vec<Named>,
    /// The materials asked of the applicant (for corrections).
    pub materials: Vec<Named>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<RatingView>,
    /// 预约开户, when the application chose a bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<crate::progress::BankAppointmentView>,
    /// What this staff member may do now.
    pub can: Vec<String>,
}

/// A key with its name.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named {
    pub key: String,
    pub name: String,
}

/// One thing to correct (补正): a material, with the reason.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CorrectionItem {
    pub material: String,
    pub reason: String,
}

/// `POST /api/v1/staff/applications/{number}/actions`: one decision.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum StaffAction {
    /// 受理; `defer` names deferrable materials the applicant may bring later (容缺受理).
    Accept {
        #[serde(default)]
        defer: Vec<String>,
    },
    /// 不予受理, with reasons.
    Refuse { reasons: Vec<String> },
    /// 准予 a matter of the department.
    Approve {
        matter: String,
        #[serde(default)]
        note: Option<String>,
    },
    /// 不予 a matter of the department, with reasons.
    RefuseMatter {
        matter: String,
        reasons: Vec<String>,
    },
    /// 补正: everything to correct at once (一次性告知), within `days` working days.
    RequestCorrection {
        matter: String,
        items: Vec<CorrectionItem>,
        /// 1–30 working days.
        #[serde(deserialize_with = "crate::whole::deserialize")]
        #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 30))]
        days: u32,
    },
    /// 已寄出 by EMS.
    Dispatch { tracking: String },
    /// 待领取 at the window.
    ReadyForPickup,
    /// 已送达 / 已领取.
    Deliver,
    /// The bank confirms the face-to-face signing (面签): a working day and a time within the
    /// branch's hours (`HH:MM`, China time).
    ConfirmSigning { date: String, time: String },
    /// The bank has opened the account: grants the bank's matter (准予, 已开户).
    OpenAccount,
}

/// `POST /api/v1/staff/followups/{number}`: the supervisor's answer to a bad rating (整改).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FollowupReply {
    pub reply: String,
}

/// A follow-up still to answer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Followup {
    pub number: String,
    pub rating: RatingView,
    pub overdue: bool,
}
