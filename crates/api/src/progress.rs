//! Where an application is, for the applicant (进度查询) and for staff (办件), and what each
//! may do next.

use onetrip_domain::CivilDate;
use onetrip_domain::lifecycle::{MatterStatus, Outcome, Status};
use serde::{Deserialize, Serialize};

use crate::application::MaterialRequest;

/// One matter of the application, in its own department (并联审批).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatterProgress {
    pub code: String,
    pub name: String,
    pub department: String,
    pub department_name: String,
    pub status: MatterStatus,
    /// The status in the applicant's words (等待前置事项结果, 办理中, 准予…).
    pub label: String,
    /// The result is promised by this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due: Option<CivilDate>,
    /// Past its promised day without a result.
    pub overdue: bool,
    /// Names of the matters it waits for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waits_for: Vec<String>,
}

/// One line of the timeline, in plain Chinese.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// China time, RFC 3339.
    pub at: String,
    /// Who acted: 您, 综合窗口, a department's name, 系统.
    pub who: String,
    /// What happened (已受理, 市场监督管理局：准予…).
    pub text: String,
    /// Reasons or a tracking number, as the staff wrote them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// 预约开户: the bank and branch chosen, and how far the bank has got.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankAppointmentView {
    pub bank: String,
    pub bank_name: String,
    pub branch: String,
    pub branch_name: String,
    pub address: String,
    /// 工作日 09:00–17:00.
    pub hours: String,
    /// 基本存款账户…
    pub account_type: String,
    /// `requested`, `confirmed` or `opened`.
    pub status: String,
    /// 等待银行确定面签时间, 面签时间已确定, 已开户.
    pub label: String,
    /// `YYYY-MM-DD HH:MM`, China time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_at: Option<String>,
}

/// What the applicant should do now, as a clear action.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApplicantAction {
    /// 补交材料 by this day (容缺 or 补正).
    Supplement {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        due: CivilDate,
    },
    /// 撤回申请 (before acceptance).
    Withdraw,
    /// 重新申请 with the earlier answers (after 不予受理 or 撤回).
    Restart,
    /// 领取结果 at the window.
    Pickup,
    /// 评价服务 (好差评).
    Rate,
    /// 出示办件码 at the window: a matter still needs one trip (负面清单) and the window has
    /// not yet accepted it.
    Counter,
}

/// The applicant's rating, with the follow-up (整改) of a bad one.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingView {
    pub level: u8,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// China time, RFC 3339.
    pub rated_at: String,
    /// The follow-up is answered by this day (bad ratings only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub followup_due: Option<CivilDate>,
    /// The supervisor's answer, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied_at: Option<String>,
}

/// An in-app message (消息).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub kind: String,
    pub text: String,
    /// China time, RFC 3339.
    pub at: String,
}

/// A personal datum as a page may show it: masked unless it is a name of a company.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaskedDatum {
    /// 申请人, 证件号码, 手机号码…
    pub label: String,
    pub value: String,
}

/// `GET /api/v1/applications/{number}/progress`: everything the applicant's page shows. Polled
/// with `If-None-Match`: unchanged, the answer is a 304 with no body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    pub number: String,
    pub name: String,
    pub status: Status,
    pub label: String,
    /// China time, RFC 3339.
    pub submitted_at: String,
    /// The window decides by this day (before acceptance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub accept_by: Option<CivilDate>,
    /// The last result is promised by this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub promised: Option<CivilDate>,
    /// Late, said honestly: past the day the window or the departments promised.
    pub overdue: bool,
    pub matters: Vec<MatterProgress>,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
    pub actions: Vec<ApplicantAction>,
    /// Materials still to supply (容缺, 补正): open ones.
    pub outstanding: Vec<MaterialRequest>,
    /// How the bundle ended, once every matter is decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// The EMS tracking number, once dispatched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<String>,
    /// Why it was not accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refusal: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<RatingView>,
    pub messages: Vec<MessageView>,
    /// 预约开户, when the application chose a bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank: Option<BankAppointmentView>,
    /// Who applied, masked.
    pub applicant: Vec<MaskedDatum>,
    /// When the window accepted it (China time, RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<String>,
    /// When the window refused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused_at: Option<String>,
    /// The printable notices (通知书) it has: `accepted` (受理通知书), `not_accepted`
    /// (不予受理通知书), `correction` (补正告知书, while corrections are open).
    #[serde(default)]
    pub notices: Vec<String>,
}

/// `POST /api/v1/applications/{number}/rating` (好差评).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    /// 5 非常满意 … 1 非常不满意.
    #[serde(deserialize_with = "crate::whole::deserialize")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub level: u8,
    /// How many trips it took (0: none).
    #[serde(default, deserialize_with = "crate::whole::option")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 9))]
    pub trips: Option<u8>,
    /// 1–5: was the guide accurate?
    #[serde(default, deserialize_with = "crate::whole::option")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub guide: Option<u8>,
    /// 1–5: was it fast?
    #[serde(default, deserialize_with = "crate::whole::option")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub speed: Option<u8>,
    /// 1–5: the service of the staff.
    #[serde(default, deserialize_with = "crate::whole::option")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub service: Option<u8>,
    /// At most 500 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub comment: Option<String>,
}

/// `GET /api/v1/applications/{number}/progress/view?lang=`: the applicant's page rendered by
/// the server, with what the app needs for its buttons. Polled with `If-None-Match`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgressView {
    pub title: String,
    pub html: String,
    pub status: Status,
    pub actions: Vec<ApplicantAction>,
    /// The subject, to start again with the earlier answers.
    pub name: String,
    /// With `controls=true`: the app's controls for `actions` in their first state, as HTML
    /// (`onetrip_ui::progress_controls`), for the page shown before the app has started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controls: Option<String>,
    /// With `controls=true`: what the page tells a screen reader when the status changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announce: Option<String>,
}
