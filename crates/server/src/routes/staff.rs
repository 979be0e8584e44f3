//! The staff side (`/api/v1/staff/...`), behind sign-in (see `staff_auth`): the window's queue
//! and decisions, each department's own matters, the supervisor's follow-ups. A department
//! sees only applications with a matter of its own (any other answers 404, as if it did not
//! exist) and acts only on its own matters (403). Every opening of an application or of a
//! document is written to the audit log.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onetrip_api::application::Receipt;
use onetrip_api::staff::{
    Followup, FollowupReply, FormLine, Named, QueueItem, QueuePage, SignIn, StaffAction,
    StaffApplication, StaffMe,
};
use onetrip_api::{ErrorCode, ErrorEnvelope};
use onetrip_domain::application::{ApplicationData, correction_problems, split_row_key};
use onetrip_domain::catalog::checklist::ChecklistMaterial;
use onetrip_domain::lifecycle::Status;
use onetrip_domain::validation::FieldProblem;
use onetrip_domain::workflow::{self as flow, Command, MAX_REASON_CHARS, reasons_problems};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery};
use crate::routes::applications::{REQUEST_ID_LEN, application};
use crate::routes::bank;
use crate::routes::drafts::no_store;
use crate::routes::files::{asked_of, record, serve};
use crate::routes::ids;
use crate::routes::progress::{facts, is_overdue};
use crate::routes::supplements::request_view;
use crate::staff_auth::{self, IDLE_MINUTES, Role, Staff};
use crate::storage::{ApplicationRow, AuditRow, MaterialRequestRow, QueueQuery};
use crate::workflow::{self, Extras, Who};

fn me(state: &AppState, s: &Staff) -> StaffMe {
    let department = match &s.role {
        Role::Department(d) => Some(d.clone()),
        Role::Bank(_) => Some(bank::BANK_DEPARTMENT.to_owned()),
        _ => None,
    };
    let bank_name = match &s.role {
        Role::Bank(b) => {
            onetrip_domain::bank::bank(&state.catalog.catalog.banks, b).map(|x| x.name.clone())
        }
        _ => None,
    };
    StaffMe {
        username: s.username.clone(),
        name: s.name.clone(),
        role: match s.role {
            Role::Window => "window",
            Role::Department(_) => "department",
            Role::Bank(_) => "bank",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
        .to_owned(),
        department_name: bank_name.or_else(|| {
            department.as_deref().map(|d| {
                state
                    .catalog
                    .catalog
                    .departments
                    .iter()
                    .find(|x| x.code == d)
                    .map_or_else(|| d.to_owned(), |x| x.name.clone())
            })
        }),
        department,
        idle_minutes: IDLE_MINUTES,
    }
}

fn forbidden() -> ApiError {
    ApiError::new(ErrorCode::Forbidden).with_message("这项操作不属于您的职责范围。")
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound).with_message("没有找到这份办件。")
}

fn invalid(problems: Vec<FieldProblem>, message: &'static str) -> ApiError {
    ApiError::problems(problems).with_message(message)
}

async fn audit(state: &AppState, s: &Staff, action: &str, number: &str, detail: Option<String>) {
    audit_entry(state, s, action, Some(number), detail).await;
}

/// Write an audit entry of what `s` did (about an application, or about none when a lookup
/// found nothing); a failure to write it is logged, not shown.
pub(crate) async fn audit_entry(
    state: &AppState,
    s: &Staff,
    action: &str,
    number: Option<&str>,
    detail: Option<String>,
) {
    let row = AuditRow {
        at: state.clock.now(),
        staff: Some(s.id.clone()),
        action: action.to_owned(),
        application: number.map(str::to_owned),
        detail,
    };
    if let Err(e) = state.storage.audit(row).await {
        tracing::error!(error = %e, "audit entry not written");
    }
}

/// The application, if this staff member may see it: the window and the supervisor see all;
/// a department only those with a matter of its own (else 404, revealing nothing).
pub(crate) async fn visible(
    state: &AppState,
    s: &Staff,
    number: &str,
) -> Result<ApplicationRow, ApiError> {
    let row = application(state, number).await.map_err(|_| not_found())?;
    match &s.role {
        Role::Window | Role::Supervisor => Ok(row),
        Role::Department(d) => {
            let matters = state.storage.matters(&row.number).await?;
            if matters.iter().any(|m| &m.department == d) {
                Ok(row)
            } else {
                Err(not_found())
            }
        }
        Role::Bank(b) => match state.storage.bank_appointment(&row.number).await? {
            Some(a) if &a.bank == b => Ok(row),
            _ => Err(not_found()),
        },
        Role::Admin => Err(forbidden()),
    }
}

/// Sign in with a username and password: a session cookie (HttpOnly, SameSite=Strict).
#[utoipa::path(post, path = "/staff/session", tag = "staff", request_body = SignIn,
    responses(
        (status = 200, description = "已登录", body = StaffMe),
        (status = 401, description = "用户名或密码不对", body = ErrorEnvelope),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    if request.username.len() > 64 || request.password.len() > 256 {
        return Err(
            ApiError::new(ErrorCode::Unauthorized).with_message("用户名或密码不对，请核对后再试。")
        );
    }
    let (s, cookie) = staff_auth::sign_in(&state, &request.username, &request.password).await?;
    tracing::info!(staff = %s.id, "staff signed in");
    let mut response = no_store(Json(me(&state, &s)).into_response());
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Sign out: the session ends on the server and the cookie is cleared.
#[utoipa::path(delete, path = "/staff/session", tag = "staff",
    responses((status = 204, description = "已退出")))]
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let cookie = staff_auth::sign_out(&state, &headers).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Who is signed in (401 once the session has ended).
#[utoipa::path(get, path = "/staff/me", tag = "staff",
    responses(
        (status = 200, description = "当前登录的工作人员", body = StaffMe),
        (status = 401, description = "未登录或已超时", body = ErrorEnvelope),
    ))]
pub async fn who_am_i(State(state): State<AppState>, s: Staff) -> Response {
    no_store(Json(me(&state, &s)).into_response())
}

/// Which list: `new` (待受理), `processing` (办理中, 需补正), `finished` (办结, to dispatch or hand
/// out), `closed` (送达, 评价, 不予受理, 撤回), or `all`; `overdue` only the late ones.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    #[serde(default)]
    #[param(value_type = Option<QueueList>)]
    pub list: Option<String>,
    #[serde(default)]
    pub overdue: Option<bool>,
    /// The `next` of the previous page.
    #[serde(default)]
    #[param(pattern = "^[0-9]{1,18}\\.")]
    pub after: Option<String>,
    /// 1–100, 20 unless given.
    #[serde(default)]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

crate::api_doc::string_schema!(
    /// The lists of `statuses`: new（待受理）、processing（办理中）、finished（已办结）、closed（已归档）、all（全部）.
    QueueList => crate::api_doc::enumeration(
        &["new", "processing", "finished", "closed", "all"],
        "new（待受理）、processing（办理中）、finished（已办结）、closed（已归档）或 all（全部）",
    )
);

fn statuses(list: &str) -> Option<Vec<&'static str>> {
    Some(match list {
        "new" => vec!["submitted", "pre_review"],
        "processing" => vec![
            "accepted",
            "accepted_deferred",
            "processing",
            "correction_requested",
        ],
        "finished" => vec!["completed", "dispatched", "ready_for_pickup"],
        "closed" => vec!["delivered", "rated", "not_accepted", "withdrawn"],
        "all" => vec![],
        _ => return None,
    })
}

/// A page of applications for this staff member: the window's by status; a department's,
/// only those with a matter of its own.
#[utoipa::path(get, path = "/staff/applications", tag = "staff", params(QueueParams),
    responses(
        (status = 200, description = "办件列表（最新在前）", body = QueuePage),
        (status = 400, description = "参数有误", body = ErrorEnvelope),
        (status = 401, description = "未登录", body = ErrorEnvelope),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    s: Staff,
    ApiQuery(params): ApiQuery<QueueParams>,
) -> Result<Response, ApiError> {
    let bad = || ApiError::new(ErrorCode::BadRequest).with_message("查询参数有误，请检查后重试。");
    let default_list = match s.role {
        Role::Window => "new",
        _ => "processing",
    };
    let list = params.list.as_deref().unwrap_or(default_list);
    let wanted = statuses(list).ok_or_else(bad)?;
    let limit = params.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(bad());
    }
    let after = match params.after.as_deref() {
        None => None,
        Some(cursor) => {
            // `{created_at}.{number}`, as `next` gives it: 1 to 18 digits, then the number.
            let (at, number) = cursor.split_once('.').ok_or_else(bad)?;
            if at.is_empty() || at.len() > 18 || !at.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let at: i64 = at.parse().map_err(|_| bad())?;
            Some((crate::clock::Timestamp(at), number.to_owned()))
        }
    };
    let today = state.clock.now().china_date();
    let (department, bank) = match &s.role {
        Role::Department(d) => (Some(d.clone()), None),
        Role::Bank(b) => (None, Some(b.clone())),
        Role::Window | Role::Supervisor => (None, None),
        Role::Admin => return Err(forbidden()),
    };
    let rows = state
        .storage
        .queue(QueueQuery {
            statuses: wanted.iter().map(|s| (*s).to_owned()).collect(),
            department,
            bank,
            matter_statuses: Vec::new(),
            overdue_on: params.overdue.unwrap_or(false).then(|| today.to_string()),
            after,
            // One more than asked: tells whether there is a next page.
            limit: limit + 1,
        })
        .await?;
    let more = rows.len() > limit as usize;
    let rows = &rows[..rows.len().min(limit as usize)];
    let catalog = &state.catalog.catalog;
    let items: Vec<QueueItem> = rows
        .iter()
        .map(|r| {
            let status = Status::from_code(&r.status).unwrap_or(Status::Submitted);
            let name = match r.subject_kind.as_str() {
                "bundle" => catalog.bundle(&r.subject_code).map(|b| b.name.clone()),
                _ => catalog.matter(&r.subject_code).map(|m| m.name.clone()),
            }
            .unwrap_or_else(|| r.subject_code.clone());
            let accept_by = r.accept_by.as_deref().and_then(|d| d.parse().ok());
            let promised = r.due_on.as_deref().and_then(|d| d.parse().ok());
            let due = if matches!(status, Status::Submitted | Status::PreReview) {
                r.accept_by.clone()
            } else {
                r.due_on.clone()
            };
            QueueItem {
                number: r.number.clone(),
                name,
                status,
                label: status.label().to_owned(),
                submitted_at: r.created_at.to_china_rfc3339(),
                due,
                overdue: is_overdue(status, accept_by, promised, today),
            }
        })
        .collect();
    let next = rows
        .last()
        .filter(|_| more)
        .map(|r| format!("{}.{}", r.created_at.0, r.number));
    Ok(no_store(Json(QueuePage { items, next }).into_response()))
}

/// The form as lines with their labels, in the catalogue's order of fields.
fn form_lines(state: &AppState, data: &ApplicationData) -> Vec<FormLine> {
    let label = |key: &str| {
        let def_key =
            split_row_key(key).map_or_else(|| key.to_owned(), |(g, _, f)| format!("{g}[].{f}"));
        let row = split_row_key(key).map(|(_, r, _)| r + 1);
        let base = state
            .catalog
            .catalog
            .fields
            .iter()
            .find(|f| f.key == def_key)
            .map_or_else(|| key.to_owned(), |f| f.label.clone());
        match row {
            Some(n) => format!("{base}（第 {n} 位）"),
            None => base,
        }
    };
    let mut lines: Vec<FormLine> = data
        .values
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .chain(data.groups.iter().flat_map(|(g, rows)| {
            rows.iter().enumerate().flat_map(move |(i, row)| {
                row.iter()
                    .map(move |(f, v)| (format!("{g}[{i}].{f}"), v.clone()))
            })
        }))
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(key, value)| FormLine {
            label: label(&key),
            key,
            value,
        })
        .collect();
    let position = |key: &str| {
        let def_key =
            split_row_key(key).map_or_else(|| key.to_owned(), |(g, _, f)| format!("{g}[].{f}"));
        state
            .catalog
            .catalog
            .fields
            .iter()
            .position(|f| f.key == def_key)
            .unwrap_or(usize::MAX)
    };
    lines.sort_by_key(|l| (position(&l.key), l.key.clone()));
    lines
}

/// The bank's matter of the case (of the department `bank`).
fn bank_matter(case: &flow::Case) -> Option<String> {
    case.matters
        .iter()
        .find(|m| m.department == bank::BANK_DEPARTMENT)
        .map(|m| m.code.clone())
}

/// A signing time may be set (or set again) once the window has accepted the application and
/// until the account is opened or the bank's matter decided.
fn signing_open(case: &flow::Case, a: &crate::storage::BankAppointmentRow) -> bool {
    let accepted = matches!(
        case.status,
        Status::Accepted
            | Status::AcceptedDeferred
            | Status::Processing
            | Status::CorrectionRequested
    );
    let undecided = case
        .matters
        .iter()
        .any(|m| m.department == bank::BANK_DEPARTMENT && !m.status.is_decided());
    accepted && undecided && a.status != "opened"
}

/// What this staff member may do to the application now (the domain decides).
fn abilities(
    s: &Staff,
    case: &flow::Case,
    appointment: Option<&crate::storage::BankAppointmentRow>,
) -> Vec<String> {
    let Some(actor) = s.role.actor() else {
        return Vec::new();
    };
    let mut can = Vec::new();
    if let (Role::Bank(_), Some(a)) = (&s.role, appointment) {
        if signing_open(case, a) {
            can.push("confirm_signing".to_owned());
        }
        if a.status == "confirmed" {
            let open = flow::Command::Approve {
                matter: bank_matter(case).unwrap_or_default(),
            };
            if flow::decide(case, &actor, &open).is_ok() {
                can.push("open_account".to_owned());
            }
        }
        return can;
    }
    let mut try_it = |name: String, command: Command| {
        if flow::decide(case, &actor, &command).is_ok() {
            can.push(name);
        }
    };
    try_it("accept".into(), Command::Accept { deferred: false });
    try_it("refuse".into(), Command::Refuse);
    try_it("dispatch".into(), Command::Dispatch);
    try_it("ready_for_pickup".into(), Command::ReadyForPickup);
    try_it("deliver".into(), Command::Deliver);
    for m in &case.matters {
        let matter = m.code.clone();
        try_it(
            format!("approve:{matter}"),
            Command::Approve {
                matter: matter.clone(),
            },
        );
        try_it(
            format!("refuse_matter:{matter}"),
            Command::RefuseMatter {
                matter: matter.clone(),
            },
        );
        try_it(
            format!("request_correction:{matter}"),
            Command::RequestCorrection { matter },
        );
    }
    can
}

pub(crate) async fn detail(
    state: &AppState,
    s: &Staff,
    row: &ApplicationRow,
) -> Result<StaffApplication, ApiError> {
    let f = facts(state, row).await?;
    let (case, _) = workflow::load_case(state, row).await?;
    let appointment = state.storage.bank_appointment(&row.number).await?;
    let data: ApplicationData = serde_json::from_str(&row.data).unwrap_or_default();
    let asked =
        asked_of(state, &row.subject_kind, &row.subject_code, &row.answers).unwrap_or_default();
    let files = state
        .storage
        .files_of_application(&row.number)
        .await?
        .iter()
        .map(record)
        .collect();
    let requests = state
        .storage
        .material_requests(&row.number)
        .await?
        .iter()
        .map(|r| request_view(state, r))
        .collect();
    let named = |m: &ChecklistMaterial| Named {
        key: m.key.clone(),
        name: m.name.clone(),
    };
    Ok(StaffApplication {
        number: row.number.clone(),
        name: f
            .receipt
            .as_ref()
            .map_or_else(String::new, |r: &Receipt| r.name.clone()),
        status: f.status,
        label: f.status.label().to_owned(),
        submitted_at: row.created_at.to_china_rfc3339(),
        accept_by: row.accept_by.clone(),
        promised: row.due_on.clone(),
        overdue: f.overdue,
        matters: f.matters,
        timeline: f.timeline,
        form: form_lines(state, &data),
        files,
        requests,
        deferrable: asked
            .iter()
            .filter(|m| m.deferrable_days.is_some())
            .map(named)
            .collect(),
        materials: asked.iter().map(named).collect(),
        tracking: f.tracking,
        rating: f.rating,
        bank: appointment.as_ref().map(|a| bank::view(state, a)),
        can: abilities(s, &case, appointment.as_ref()),
    })
}

/// The whole application, personal data included, for the one who decides (audited).
#[utoipa::path(get, path = "/staff/applications/{number}", tag = "staff",
    params(("number" = String, Path, description = "申请编号")),
    responses(
        (status = 200, description = "办件详情（查看记入审计日志）", body = StaffApplication),
        (status = 401, description = "未登录", body = ErrorEnvelope),
        (status = 404, description = "没有这份办件，或不属于本部门", body = ErrorEnvelope),
    ))]
pub async fn show(
    State(state): State<AppState>,
    s: Staff,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let row = visible(&state, &s, &number).await?;
    audit(&state, &s, "view", &row.number, None).await;
    Ok(no_store(
        Json(detail(&state, &s, &row).await?).into_response(),
    ))
}

fn reasons_note(reasons: &[String]) -> String {
    reasons
        .iter()
        .map(|r| r.trim())
        .collect::<Vec<_>>()
        .join("\n")
}

fn fresh_request_id() -> Result<String, ApiError> {
    Ok(format!("R{}", ids::random(REQUEST_ID_LEN)?))
}

/// One decision: the domain decides whether it may happen now and by whom; the events, the
/// requests, the notifications and the audit entry are written together.
#[utoipa::path(post, path = "/staff/applications/{number}/actions", tag = "staff",
    request_body = StaffAction,
    params(("number" = String, Path, description = "申请编号")),
    responses(
        (status = 200, description = "已办理，办件详情", body = StaffApplication),
        (status = 401, description = "未登录", body = ErrorEnvelope),
        (status = 403, description = "不属于本岗位或本部门（workflow.not_yours）", body = ErrorEnvelope),
        (status = 404, description = "没有这份办件，或不属于本部门", body = ErrorEnvelope),
        (status = 409, description = "当前状态不能这样办理（workflow.not_now），或容缺材料未补齐（workflow.outstanding）", body = ErrorEnvelope),
        (status = 422, description = "理由、材料、天数或快递单号有误", body = ErrorEnvelope),
    ))]
pub async fn act(
    State(state): State<AppState>,
    s: Staff,
    ApiPath(number): ApiPath<String>,
    ApiJson(action): ApiJson<StaffAction>,
) -> Result<Response, ApiError> {
    let row = visible(&state, &s, &number).await?;
    let actor = s.role.actor().ok_or_else(forbidden)?;
    let who = Who {
        actor,
        staff: Some(s.id.clone()),
    };
    let now = state.clock.now();
    let today = now.china_date();
    let calendar = &state.catalog.calendar;
    let asked = || asked_of(&state, &row.subject_kind, &row.subject_code, &row.answers);
    let is_bank = matches!(s.role, Role::Bank(_));
    if let StaffAction::ConfirmSigning { date, time } = &action {
        if !is_bank {
            return Err(forbidden());
        }
        let row = confirm_signing(&state, &s, &row, date, time).await?;
        return Ok(no_store(
            Json(detail(&state, &s, &row).await?).into_response(),
        ));
    }
    if is_bank && matches!(action, StaffAction::Approve { .. }) {
        // A bank grants its matter by opening the account, which its appointment records.
        return Err(forbidden());
    }
    let (command, extras, name) = match action {
        StaffAction::ConfirmSigning { .. } => return Err(forbidden()),
        StaffAction::OpenAccount => {
            if !is_bank {
                return Err(forbidden());
            }
            let confirmed = state
                .storage
                .bank_appointment(&row.number)
                .await?
                .is_some_and(|a| a.status == "confirmed");
            if !confirmed {
                return Err(workflow::refused(flow::Refusal::NotNow)
                    .with_message("请先确定面签时间，面签后再标记已开户。"));
            }
            let (case, _) = workflow::load_case(&state, &row).await?;
            (
                Command::Approve {
                    matter: bank_matter(&case).unwrap_or_default(),
                },
                Extras {
                    note: Some("已开户".to_owned()),
                    bank: Some(crate::storage::BankUpdate {
                        status: "opened".to_owned(),
                        signing_at: None,
                        at: now,
                    }),
                    ..Extras::default()
                },
                "open_account",
            )
        }
        StaffAction::Accept { defer } => {
            let asked = asked()?;
            let mut problems = Vec::new();
            let mut requests = Vec::new();
            for (i, key) in defer.iter().enumerate() {
                match asked.iter().find(|m| &m.key == key) {
                    Some(m) if m.deferrable_days.is_some() => requests.push(MaterialRequestRow {
                        id: fresh_request_id()?,
                        application: row.number.clone(),
                        material: m.key.clone(),
                        kind: "deferred".to_owned(),
                        reason: None,
                        department: m.departments.first().cloned(),
                        requested_at: now,
                        due_on: calendar
                            .add_working_days(today, m.deferrable_days.unwrap_or(0))
                            .date
                            .to_string(),
                        resolved_at: None,
                    }),
                    Some(_) => problems.push(FieldProblem::new(
                        format!("defer[{i}]"),
                        "material.not_deferrable",
                    )),
                    None => {
                        problems.push(FieldProblem::new(format!("defer[{i}]"), "material.unknown"))
                    }
                }
            }
            if !problems.is_empty() {
                return Err(invalid(problems, "容缺的材料有误，请按提示修改。"));
            }
            // Deferred by the applicant at submission, or now by the window: 容缺受理.
            let open_before = state
                .storage
                .material_requests(&row.number)
                .await?
                .iter()
                .any(|r| r.resolved_at.is_none());
            let deferred = open_before || !requests.is_empty();
            (
                Command::Accept { deferred },
                Extras {
                    requests,
                    ..Extras::default()
                },
                "accept",
            )
        }
        StaffAction::Refuse { reasons } => {
            let problems = reasons_problems(&reasons);
            if !problems.is_empty() {
                return Err(invalid(problems, "请写明不予受理的理由。"));
            }
            (
                Command::Refuse,
                Extras {
                    note: Some(reasons_note(&reasons)),
                    ..Extras::default()
                },
                "refuse",
            )
        }
        StaffAction::Approve { matter, note } => {
            if note
                .as_deref()
                .is_some_and(|n| n.chars().count() > MAX_REASON_CHARS)
            {
                return Err(invalid(
                    vec![FieldProblem::new("note", "field.too_long")],
                    "备注太长了。",
                ));
            }
            (
                Command::Approve { matter },
                Extras {
                    note: note.filter(|n| !n.trim().is_empty()),
                    ..Extras::default()
                },
                "approve",
            )
        }
        StaffAction::RefuseMatter { matter, reasons } => {
            let problems = reasons_problems(&reasons);
            if !problems.is_empty() {
                return Err(invalid(problems, "请写明不予的理由。"));
            }
            (
                Command::RefuseMatter { matter },
                Extras {
                    note: Some(reasons_note(&reasons)),
                    ..Extras::default()
                },
                "refuse_matter",
            )
        }
        StaffAction::RequestCorrection {
            matter,
            items,
            days,
        } => {
            let asked = asked()?;
            let department = match &who.actor {
                flow::Actor::Department(d) => d.clone(),
                _ => return Err(forbidden()),
            };
            let mut problems = Vec::new();
            if items.is_empty() {
                problems.push(FieldProblem::new("items", "field.required"));
            }
            let mut requests = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let found = correction_problems(&asked, &item.material, &item.reason, days);
                if found.is_empty() {
                    requests.push(MaterialRequestRow {
                        id: fresh_request_id()?,
                        application: row.number.clone(),
                        material: item.material.clone(),
                        kind: "correction".to_owned(),
                        reason: Some(item.reason.trim().to_owned()),
                        department: Some(department.clone()),
                        requested_at: now,
                        due_on: calendar.add_working_days(today, days).date.to_string(),
                        resolved_at: None,
                    });
                }
                problems.extend(found.into_iter().map(|p| {
                    let field = if p.field == "days" {
                        p.field
                    } else {
                        format!("items[{i}].{}", p.field)
                    };
                    FieldProblem::new(field, &p.code)
                }));
            }
            problems.dedup();
            if !problems.is_empty() {
                return Err(invalid(problems, "补正告知有误，请按提示修改。"));
            }
            let note = items
                .iter()
                .map(|i| {
                    let name = asked
                        .iter()
                        .find(|m| m.key == i.material)
                        .map_or(i.material.as_str(), |m| m.name.as_str());
                    format!("{name}：{}", i.reason.trim())
                })
                .collect::<Vec<_>>()
                .join("\n");
            (
                Command::RequestCorrection { matter },
                Extras {
                    note: Some(note),
                    requests,
                    ..Extras::default()
                },
                "request_correction",
            )
        }
        StaffAction::Dispatch { tracking } => {
            let tracking = flow::tracking_number(&tracking).map_err(|code| {
                invalid(vec![FieldProblem::new("tracking", code)], "快递单号有误。")
            })?;
            (
                Command::Dispatch,
                Extras {
                    note: Some(tracking),
                    ..Extras::default()
                },
                "dispatch",
            )
        }
        StaffAction::ReadyForPickup => (Command::ReadyForPickup, Extras::default(), "pickup"),
        StaffAction::Deliver => (Command::Deliver, Extras::default(), "deliver"),
    };
    let extras = Extras {
        audit: Some(name.to_owned()),
        ..extras
    };
    let (_, row) = workflow::act(&state, &row.number, &who, &command, extras).await?;
    tracing::info!(number = %row.number, action = name, staff = %s.id, "staff action");
    Ok(no_store(
        Json(detail(&state, &s, &row).await?).into_response(),
    ))
}

/// 面签: the bank sets the signing time (again, if need be). Not a change of status: an entry
/// of the bank's matter in the log (its status unchanged) with the time as its note, the
/// appointment's time, the applicant's notification and the audit entry, in one transaction.
async fn confirm_signing(
    state: &AppState,
    s: &Staff,
    row: &ApplicationRow,
    date: &str,
    time: &str,
) -> Result<ApplicationRow, ApiError> {
    let now = state.clock.now();
    let (today, minute) = now.china_date_and_minute();
    for _ in 0..5 {
        let row = application(state, &row.number)
            .await
            .map_err(|_| not_found())?;
        let (case, _) = workflow::load_case(state, &row).await?;
        let appointment = state
            .storage
            .bank_appointment(&row.number)
            .await?
            .ok_or_else(not_found)?;
        if !signing_open(&case, &appointment) {
            return Err(workflow::refused(flow::Refusal::NotNow));
        }
        let (_, branch) = bank::place(state, &appointment).ok_or_else(not_found)?;
        let problems = onetrip_domain::bank::signing_problems(
            branch,
            &state.catalog.calendar,
            date,
            time,
            today,
            minute,
        );
        if !problems.is_empty() {
            return Err(invalid(problems, "面签时间有误，请按提示修改。"));
        }
        let hm = onetrip_domain::bank::minutes(time).unwrap_or(0);
        let at = format!("{} {:02}:{:02}", date.trim(), hm / 60, hm % 60);
        let matter = case
            .matters
            .iter()
            .find(|m| m.department == bank::BANK_DEPARTMENT)
            .ok_or_else(not_found)?;
        let who = Who {
            actor: flow::Actor::Department(bank::BANK_DEPARTMENT.to_owned()),
            staff: Some(s.id.clone()),
        };
        let note = format!(
            "{}：{}",
            bank::who(state, &appointment),
            bank::signing_note(&at)
        );
        let step = flow::Step::Matter {
            code: matter.code.clone(),
            from: matter.status,
            to: matter.status,
        };
        let change = crate::storage::Change {
            application: row.number.clone(),
            expected_version: row.version,
            events: workflow::to_events(&row.number, &[step], &who, Some(&note), now),
            notices: vec![crate::storage::NoticeRow {
                id: 0,
                application: row.number.clone(),
                kind: "bank_signing".to_owned(),
                text: format!("办件 {}：{note}。", row.number),
                created_at: now,
                attempts: 0,
            }],
            audit: Some(AuditRow {
                at: now,
                staff: Some(s.id.clone()),
                action: "confirm_signing".to_owned(),
                application: Some(row.number.clone()),
                detail: Some(at.clone()),
            }),
            bank: Some(crate::storage::BankUpdate {
                status: "confirmed".to_owned(),
                signing_at: Some(at),
                at: now,
            }),
            ..Default::default()
        };
        match state.storage.append(change).await {
            Ok(_) => {
                tracing::info!(number = %row.number, action = "confirm_signing", staff = %s.id, "staff action");
                return application(state, &row.number)
                    .await
                    .map_err(|_| not_found());
            }
            Err(crate::storage::StorageError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::new(ErrorCode::Conflict).with_message("办件刚刚被其他人更新，请刷新后再试。"))
}

/// A document of an application, for the staff who may see it: an attachment, nosniff,
/// no-store, audited.
#[utoipa::path(get, path = "/staff/applications/{number}/files/{id}", tag = "staff",
    params(("number" = String, Path, description = "申请编号"), ("id" = String, Path, description = "文件编号")),
    responses(
        (status = 200, description = "文件（作为附件）", body = crate::routes::checklists::PngImage),
        (status = 401, description = "未登录", body = ErrorEnvelope),
        (status = 404, description = "没有这份文件，或不属于本部门", body = ErrorEnvelope),
    ))]
pub async fn download(
    State(state): State<AppState>,
    s: Staff,
    ApiPath((number, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let app = visible(&state, &s, &number).await?;
    let row = state
        .storage
        .file(&id)
        .await?
        .filter(|f| f.application.as_deref() == Some(app.number.as_str()))
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound).with_message("没有这份文件。"))?;
    audit(&state, &s, "download", &app.number, Some(row.id.clone())).await;
    serve(&state, &row).await
}

/// Follow-ups (整改) of bad ratings still unanswered, for the supervisor, oldest deadline first.
#[utoipa::path(get, path = "/staff/followups", tag = "staff",
    responses(
        (status = 200, description = "待答复的整改", body = Vec<Followup>),
        (status = 403, description = "仅限督办人员", body = ErrorEnvelope),
    ))]
pub async fn followups(State(state): State<AppState>, s: Staff) -> Result<Response, ApiError> {
    if s.role != Role::Supervisor {
        return Err(forbidden());
    }
    let today = state.clock.now().china_date();
    let list: Vec<Followup> = state
        .storage
        .open_followups(100)
        .await?
        .iter()
        .map(|r| {
            let rating = crate::routes::progress::rating_view(r);
            Followup {
                number: r.application.clone(),
                overdue: rating.followup_due.is_some_and(|d| today > d),
                rating,
            }
        })
        .collect();
    Ok(no_store(Json(list).into_response()))
}

/// The supervisor's answer to a bad rating (整改), once; the applicant sees it on the
/// application's page.
#[utoipa::path(post, path = "/staff/followups/{number}", tag = "staff",
    request_body = FollowupReply,
    params(("number" = String, Path, description = "申请编号")),
    responses(
        (status = 204, description = "已答复"),
        (status = 403, description = "仅限督办人员", body = ErrorEnvelope),
        (status = 404, description = "没有待答复的整改", body = ErrorEnvelope),
        (status = 422, description = "答复为空或超过 500 字", body = ErrorEnvelope),
    ))]
pub async fn reply(
    State(state): State<AppState>,
    s: Staff,
    ApiPath(number): ApiPath<String>,
    ApiJson(request): ApiJson<FollowupReply>,
) -> Result<Response, ApiError> {
    if s.role != Role::Supervisor {
        return Err(forbidden());
    }
    let text = request.reply.trim();
    let count = text.chars().count();
    if count == 0 || count > flow::MAX_COMMENT_CHARS {
        let code = if count == 0 {
            "field.required"
        } else {
            "field.too_long"
        };
        return Err(invalid(
            vec![FieldProblem::new("reply", code)],
            "请写明整改情况（500 字以内）。",
        ));
    }
    let now = state.clock.now();
    if !state
        .storage
        .reply_followup(&number, text, &s.id, now)
        .await?
    {
        return Err(ApiError::new(ErrorCode::NotFound).with_message("没有待答复的整改。"));
    }
    audit(&state, &s, "followup_reply", &number, None).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}
