//! Where an application is (进度查询), for the applicant holding its key: the timeline in plain
//! Chinese, each department's status, what to do now, the promised dates (late said honestly),
//! the EMS tracking number, the in-app messages, every personal datum masked. Polled with
//! `If-None-Match`, so an unchanged application costs a 304 and no body; any instance answers,
//! since everything is read from the database. Also 撤回 and 好差评.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onetrip_api::ErrorEnvelope;
use onetrip_api::application::Receipt;
use onetrip_api::progress::{
    ApplicantAction, MaskedDatum, MatterProgress, MessageView, Progress, ProgressView,
    RatingRequest, RatingView, TimelineEntry,
};
use onetrip_domain::CivilDate;
use onetrip_domain::application::ApplicationData;
use onetrip_domain::lifecycle::{MatterStatus, Status, outcome};
use onetrip_domain::mask::{mask_id, mask_name, mask_phone};
use onetrip_domain::workflow::{
    Command, FOLLOWUP_DAYS, RATING_LEVELS, matter_label, needs_followup, rating_problems,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiError, ApiJson, ApiPath, ApiQuery};
use crate::routes::drafts::no_store;
use crate::routes::ids;
use crate::routes::supplements::{owned_application, request_view};
use crate::routes::views::ViewQuery;
use crate::storage::{ApplicationRow, EventRow, MatterRow, RatingRow};
use crate::workflow::{self, Extras, Who};

/// What both sides read of an application: matters, timeline, dates.
pub(crate) struct Facts {
    pub receipt: Option<Receipt>,
    pub status: Status,
    pub matters: Vec<MatterProgress>,
    pub timeline: Vec<TimelineEntry>,
    pub overdue: bool,
    pub accept_by: Option<CivilDate>,
    pub promised: Option<CivilDate>,
    pub tracking: Option<String>,
    pub refusal: Vec<String>,
    pub rating: Option<RatingView>,
    pub accepted_at: Option<String>,
    pub refused_at: Option<String>,
    pub bank: Option<onetrip_api::progress::BankAppointmentView>,
}

fn date(text: Option<&str>) -> Option<CivilDate> {
    text.and_then(|t| t.parse().ok())
}

fn department_name(state: &AppState, code: &str) -> String {
    state
        .catalog
        .catalog
        .departments
        .iter()
        .find(|d| d.code == code)
        .map_or_else(|| code.to_owned(), |d| d.name.clone())
}

fn matter_name(receipt: Option<&Receipt>, code: &str) -> String {
    receipt
        .and_then(|r| r.matters.iter().find(|m| m.code == code))
        .map_or_else(|| code.to_owned(), |m| m.name.clone())
}

/// Past `due` on `today`, and not yet done.
fn late(due: Option<CivilDate>, today: CivilDate) -> bool {
    due.is_some_and(|d| today > d)
}

/// The application is late: before acceptance past the window's day, while processing past
/// the promised day.
pub(crate) fn is_overdue(
    status: Status,
    accept_by: Option<CivilDate>,
    promised: Option<CivilDate>,
    today: CivilDate,
) -> bool {
    match status {
        Status::Submitted | Status::PreReview => late(accept_by, today),
        Status::Accepted
        | Status::AcceptedDeferred
        | Status::Processing
        | Status::CorrectionRequested => late(promised, today),
        _ => false,
    }
}

/// One event in the applicant's words.
fn line(
    state: &AppState,
    receipt: Option<&Receipt>,
    bank_who: Option<&str>,
    e: &EventRow,
) -> TimelineEntry {
    let by_bank = e.department.as_deref() == Some(crate::routes::bank::BANK_DEPARTMENT);
    // A step of the bank's matter that leaves its status as it was says what the bank did
    // (面签时间已确定) in its note.
    if e.matter.is_some() && e.from_status == e.to_status {
        return TimelineEntry {
            at: e.at.to_china_rfc3339(),
            who: bank_who.filter(|_| by_bank).map_or_else(
                || department_name(state, e.department.as_deref().unwrap_or("")),
                str::to_owned,
            ),
            text: e.note.clone().unwrap_or_default(),
            note: None,
        };
    }
    let who = match e.actor_kind.as_str() {
        "department" if by_bank && bank_who.is_some() => bank_who.unwrap_or_default().to_owned(),
        "applicant" => "您".to_owned(),
        "window" => "综合窗口".to_owned(),
        "department" => e
            .department
            .as_deref()
            .map_or_else(|| "部门".to_owned(), |d| department_name(state, d)),
        _ => "系统".to_owned(),
    };
    let text = match &e.matter {
        Some(m) => {
            let name = matter_name(receipt, m);
            let what = match (e.from_status.as_str(), e.to_status.as_str()) {
                ("waiting", "processing") => "开始办理",
                ("waiting", "refused") => "前置事项未获准予，无法办理",
                ("correction_requested", "processing") => "补正材料已收到，继续办理",
                (_, "correction_requested") => "需要补正材料",
                (_, "approved") if by_bank => "已开户",
                (_, "approved") => "准予",
                (_, "refused") => "不予",
                (_, other) => MatterStatus::from_code(other).map_or("状态变化", |s| s.label()),
            };
            format!("{name}：{what}")
        }
        None => match (e.from_status.as_str(), e.to_status.as_str()) {
            ("submitted", "pre_review") => "材料预审通过，等待窗口受理".to_owned(),
            (_, "accepted") => "已受理".to_owned(),
            (_, "accepted_deferred") => "容缺受理：部分材料可以稍后补交".to_owned(),
            (_, "not_accepted") => "不予受理".to_owned(),
            (_, "withdrawn") => "已撤回申请".to_owned(),
            ("correction_requested", "processing") => "补正材料已收到，继续办理".to_owned(),
            (_, "processing") => "各部门开始并联办理".to_owned(),
            (_, "correction_requested") => "需要补正材料，请查看补正告知书".to_owned(),
            (_, "completed") => "全部事项已办结".to_owned(),
            (_, "dispatched") => "办理结果已通过 EMS 寄出".to_owned(),
            (_, "ready_for_pickup") => "办理结果可以到窗口领取".to_owned(),
            (_, "delivered") => "办理结果已送达".to_owned(),
            (_, "rated") => "已评价服务".to_owned(),
            (_, other) => Status::from_code(other)
                .map_or("状态变化", |s| s.label())
                .to_owned(),
        },
    };
    // A system note repeats the text; only staff words are shown as notes.
    let note = e.note.clone().filter(|_| e.actor_kind != "system");
    TimelineEntry {
        at: e.at.to_china_rfc3339(),
        who,
        text,
        note,
    }
}

pub(crate) fn rating_view(r: &RatingRow) -> RatingView {
    RatingView {
        level: r.level,
        label: RATING_LEVELS
            .iter()
            .find(|(l, _)| *l == r.level)
            .map_or("", |(_, label)| label)
            .to_owned(),
        comment: r.comment.clone(),
        rated_at: r.rated_at.to_china_rfc3339(),
        followup_due: date(r.followup_due.as_deref()),
        reply: r.reply.clone(),
        replied_at: r.replied_at.map(|t| t.to_china_rfc3339()),
    }
}

pub(crate) fn matter_views(
    state: &AppState,
    receipt: Option<&Receipt>,
    status: Status,
    matters: &[MatterRow],
    today: CivilDate,
) -> Vec<MatterProgress> {
    matters
        .iter()
        .map(|m| {
            let s = MatterStatus::from_code(&m.status).unwrap_or(MatterStatus::Waiting);
            let due = date(m.due_on.as_deref());
            let working = matches!(
                s,
                MatterStatus::Processing | MatterStatus::CorrectionRequested
            );
            MatterProgress {
                code: m.matter.clone(),
                name: matter_name(receipt, &m.matter),
                department: m.department.clone(),
                department_name: department_name(state, &m.department),
                status: s,
                label: matter_label(status, s).to_owned(),
                due,
                overdue: working && late(due, today),
                waits_for: m
                    .waits_for
                    .iter()
                    .filter(|w| matters.iter().any(|o| &o.matter == *w))
                    .map(|w| matter_name(receipt, w))
                    .collect(),
            }
        })
        .collect()
}

/// Read everything both sides show of an application.
pub(crate) async fn facts(state: &AppState, row: &ApplicationRow) -> Result<Facts, ApiError> {
    let receipt: Option<Receipt> = serde_json::from_str(&row.receipt).ok();
    let status = Status::from_code(&row.status).unwrap_or(Status::Submitted);
    let today = state.clock.now().china_date();
    let matters = state.storage.matters(&row.number).await?;
    let events = state.storage.events(&row.number).await?;
    let bank = state.storage.bank_appointment(&row.number).await?;
    let bank_who = bank.as_ref().map(|b| crate::routes::bank::who(state, b));
    let mut timeline: Vec<TimelineEntry> = events
        .iter()
        // The start of processing by itself says nothing the matters' own lines do not.
        .filter(|e| {
            !(e.matter.is_none()
                && e.to_status == "processing"
                && e.from_status != "correction_requested")
        })
        .map(|e| line(state, receipt.as_ref(), bank_who.as_deref(), e))
        .collect();
    timeline.insert(
        0,
        TimelineEntry {
            at: row.created_at.to_china_rfc3339(),
            who: "您".to_owned(),
            text: "提交申请".to_owned(),
            note: None,
        },
    );
    timeline.reverse();
    let last = |to: &[&str]| {
        events
            .iter()
            .rev()
            .find(|e| e.matter.is_none() && to.contains(&e.to_status.as_str()))
    };
    let last_note = |to: &str| last(&[to]).and_then(|e| e.note.clone());
    let accepted_at = last(&["accepted", "accepted_deferred"]).map(|e| e.at.to_china_rfc3339());
    let refused_at = last(&["not_accepted"]).map(|e| e.at.to_china_rfc3339());
    let accept_by = date(row.accept_by.as_deref());
    let promised = date(row.due_on.as_deref());
    Ok(Facts {
        matters: matter_views(state, receipt.as_ref(), status, &matters, today),
        receipt,
        status,
        timeline,
        overdue: is_overdue(status, accept_by, promised, today),
        accept_by,
        promised,
        tracking: last_note("dispatched"),
        refusal: last_note("not_accepted")
            .map(|n| n.lines().map(str::to_owned).collect())
            .unwrap_or_default(),
        rating: state
            .storage
            .rating(&row.number)
            .await?
            .as_ref()
            .map(rating_view),
        accepted_at,
        refused_at,
        bank: bank.as_ref().map(|b| crate::routes::bank::view(state, b)),
    })
}

/// Who applied, masked: the applicant or, for a company, its legal representative.
fn applicant(row: &ApplicationRow) -> Vec<MaskedDatum> {
    let data: ApplicationData = serde_json::from_str(&row.data).unwrap_or_default();
    let first = |keys: &[&str]| keys.iter().find_map(|k| data.get(k).map(str::to_owned));
    let mut out = Vec::new();
    if let Some(company) = first(&["company.name"]) {
        // A company's name is public (企业信用信息公示).
        out.push(MaskedDatum {
            label: "企业名称".to_owned(),
            value: company,
        });
    }
    if let Some(name) = first(&["applicant.name", "legal_rep.name"]) {
        out.push(MaskedDatum {
            label: "申请人".to_owned(),
            value: mask_name(&name),
        });
    }
    if let Some(id) = first(&["applicant.id_number", "legal_rep.id_number"]) {
        out.push(MaskedDatum {
            label: "证件号码".to_owned(),
            value: mask_id(&id),
        });
    }
    if let Some(phone) = first(&["applicant.mobile", "legal_rep.mobile"]) {
        out.push(MaskedDatum {
            label: "手机号码".to_owned(),
            value: mask_phone(&phone),
        });
    }
    out
}

async fn progress_of(state: &AppState, row: &ApplicationRow) -> Result<Progress, ApiError> {
    let f = facts(state, row).await?;
    let requests = state.storage.material_requests(&row.number).await?;
    let outstanding: Vec<_> = requests
        .iter()
        .filter(|r| r.resolved_at.is_none())
        .map(|r| request_view(state, r))
        .collect();
    let mut actions = Vec::new();
    if let Some(due) = outstanding.iter().map(|r| r.due).min() {
        actions.push(ApplicantAction::Supplement { due });
    }
    if f.status == Status::ReadyForPickup {
        actions.push(ApplicantAction::Pickup);
    }
    if f.status.can_rate() && f.rating.is_none() {
        actions.push(ApplicantAction::Rate);
    }
    if f.status.can_withdraw() {
        actions.push(ApplicantAction::Withdraw);
    }
    if matches!(f.status, Status::NotAccepted | Status::Withdrawn) {
        actions.push(ApplicantAction::Restart);
    }
    if crate::routes::counter::open_for(state, row).await? {
        actions.push(ApplicantAction::Counter);
    }
    let decided: Vec<MatterStatus> = f.matters.iter().map(|m| m.status).collect();
    let messages = state
        .storage
        .messages(&row.number)
        .await?
        .into_iter()
        .rev()
        .map(|m| MessageView {
            kind: m.kind,
            text: m.text,
            at: m.at.to_china_rfc3339(),
        })
        .collect();
    let mut notices = Vec::new();
    if f.accepted_at.is_some() {
        notices.push("accepted".to_owned());
    }
    if f.refused_at.is_some() {
        notices.push("not_accepted".to_owned());
    }
    if outstanding
        .iter()
        .any(|r| r.kind == onetrip_api::application::RequestKind::Correction)
    {
        notices.push("correction".to_owned());
    }
    Ok(Progress {
        accepted_at: f.accepted_at,
        refused_at: f.refused_at,
        notices,
        number: row.number.clone(),
        name: f
            .receipt
            .as_ref()
            .map_or_else(String::new, |r| r.name.clone()),
        status: f.status,
        label: f.status.label().to_owned(),
        submitted_at: row.created_at.to_china_rfc3339(),
        accept_by: f.accept_by,
        promised: f.promised,
        overdue: f.overdue,
        outcome: outcome(&decided),
        matters: f.matters,
        timeline: f.timeline,
        actions,
        outstanding,
        tracking: f.tracking,
        refusal: f.refusal,
        rating: f.rating,
        bank: f.bank,
        messages,
        applicant: applicant(row),
    })
}

/// The ETag of the applicant's page: the application's stamp (`Storage::progress_stamp`),
/// today (late or not), the catalogue and the language. Equal tags, equal pages: a poll whose
/// tag still holds is answered 304 after two small reads, before anything else is computed.
async fn etag_of(state: &AppState, row: &ApplicationRow, what: &str) -> Result<String, ApiError> {
    let stamp = state
        .storage
        .progress_stamp(&row.number)
        .await?
        .unwrap_or_default();
    let today = state.clock.now().china_date().to_string();
    let digest = ids::digest(&[what, &stamp, &today, &state.catalog.version]);
    Ok(format!("\"{}\"", &digest[..32]))
}

/// Whether the request already holds `etag`.
fn holds(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag)
        })
}

/// The progress as JSON with its ETag, or 304 when the client has it.
async fn answer(
    state: &AppState,
    row: &ApplicationRow,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let etag = etag_of(state, row, "progress").await?;
    if holds(headers, &etag) {
        return Ok(tagged(StatusCode::NOT_MODIFIED.into_response(), &etag));
    }
    let body = match state.progress_cache.get(&row.number, &etag) {
        Some(body) => body,
        None => {
            let progress = progress_of(state, row).await?;
            let body = Bytes::from(
                serde_json::to_string(&progress)
                    .map_err(|_| ApiError::new(onetrip_api::ErrorCode::Internal))?,
            );
            state.progress_cache.put(&row.number, &etag, body.clone());
            body
        }
    };
    Ok(tagged(json_body(body), &etag))
}

fn json_body(body: Bytes) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// A response with its ETag and the caching rules of personal pages.
fn tagged(mut response: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    // Revalidate every time; never stored by a shared cache (personal, if masked); another
    // key is another answer.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("X-Application-Key"));
    response
}

/// Where the application is, for the applicant holding its key.
#[utoipa::path(get, path = "/applications/{number}/progress", tag = "applications",
    params(("number" = String, Path, description = "申请编号"),
           ("X-Application-Key" = String, Header, description = "申请的钥匙（提交的设备，或用验证信息打开后得到）"),
           ("If-None-Match" = Option<String>, Header, description = "上次的 ETag：未变化时答 304")),
    responses(
        (status = 200, description = "办件进度", body = Progress),
        (status = 304, description = "没有变化"),
        (status = 403, description = "没有钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
    ))]
pub async fn progress(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let row = owned_application(&state, &number, &headers).await?;
    answer(&state, &row, &headers).await
}

/// The longest a poll of the progress page waits for a change, seconds: under the idle
/// timeouts of mobile networks and WeChat's browser.
pub const WAIT_MAX_SECS: u32 = 25;

/// How often a waiting poll looks at the application's stamp.
const WAIT_STEP: Duration = Duration::from_millis(500);

/// `GET …/progress/view` query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PollQuery {
    /// zh-CN（默认）或 en
    #[param(value_type = Option<crate::api_doc::Lang>)]
    pub lang: Option<String>,
    /// 最多等待的秒数（0–25）。带 If-None-Match 且进度没有变化时，等到有变化或到时再回答（长轮询）。
    #[param(maximum = 25)]
    pub wait: Option<u32>,
    /// true：同时给出应用启动前页面上的按钮和评价表（HTML）以及状态变化时给读屏软件的提示
    /// （progress-early.js 用）。
    pub controls: Option<bool>,
}

/// Where the application is, as the page the app shows (rendered here: the phone pays no wasm
/// for it), with the actions the app offers as buttons.
#[utoipa::path(get, path = "/applications/{number}/progress/view", tag = "applications",
    params(("number" = String, Path, description = "申请编号"), PollQuery,
           ("X-Application-Key" = String, Header, description = "申请的钥匙"),
           ("If-None-Match" = Option<String>, Header, description = "上次的 ETag：未变化时答 304（有 wait 时先等待变化）")),
    responses(
        (status = 200, description = "办件进度页", body = ProgressView),
        (status = 304, description = "没有变化"),
        (status = 400, description = "语言参数有误", body = ErrorEnvelope),
        (status = 422, description = "wait 超出 0–25", body = ErrorEnvelope),
        (status = 403, description = "没有钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
    ))]
pub async fn progress_view(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
    ApiQuery(q): ApiQuery<PollQuery>,
) -> Result<Response, ApiError> {
    let l = crate::routes::views::locale(q.lang.as_deref())?;
    let wait = match q.wait {
        None => 0,
        Some(w) if w <= WAIT_MAX_SECS => w,
        Some(_) => {
            return Err(ApiError::new(onetrip_api::ErrorCode::Validation)
                .with_field("wait", "range")
                .with_message("wait 应为 0 到 25 秒。"));
        }
    };
    let mut row = owned_application(&state, &number, &headers).await?;
    let controls = q.controls.unwrap_or(false);
    let what = format!(
        "view-{}{}",
        l.tag(),
        if controls { "-controls" } else { "" }
    );
    let mut etag = etag_of(&state, &row, &what).await?;
    if holds(&headers, &etag) && wait > 0 {
        // Long polling: the applicant's page asks again as soon as it is answered, so a change
        // made on any instance reaches it within about a second, at one request per
        // `WAIT_MAX_SECS` while nothing happens.
        // A server asked to stop answers at once (as if the wait were over): the app asks
        // again, and another instance, or this one restarted, answers.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(u64::from(wait));
        let mut stopping = state.stopping.subscribe();
        while holds(&headers, &etag) && tokio::time::Instant::now() < deadline {
            tokio::select! {
                _ = tokio::time::sleep(WAIT_STEP) => {}
                _ = stopping.wait_for(|s| *s) => break,
            }
            etag = etag_of(&state, &row, &what).await?;
        }
        if !holds(&headers, &etag) {
            row = owned_application(&state, &number, &headers).await?;
            etag = etag_of(&state, &row, &what).await?;
        }
    }
    if holds(&headers, &etag) {
        return Ok(tagged(StatusCode::NOT_MODIFIED.into_response(), &etag));
    }
    if let Some(body) = state.progress_cache.get(&row.number, &etag) {
        return Ok(tagged(json_body(body), &etag));
    }
    let p = progress_of(&state, &row).await?;
    let page = onetrip_ui::progress_page::progress(l, &p);
    let view = ProgressView {
        title: page.title,
        html: onetrip_ui::doc::html(&page.nodes),
        status: p.status,
        controls: controls.then(|| onetrip_ui::progress_controls::controls(l, &p.actions)),
        announce: controls.then(|| onetrip_ui::progress_controls::status_update(l, p.status)),
        actions: p.actions,
        name: p.name,
    };
    let body = Bytes::from(
        serde_json::to_string(&view)
            .map_err(|_| ApiError::new(onetrip_api::ErrorCode::Internal))?,
    );
    state.progress_cache.put(&row.number, &etag, body.clone());
    Ok(tagged(json_body(body), &etag))
}

/// A printable notice (通知书) of the application: `accepted` (受理通知书), `not_accepted`
/// (不予受理通知书) or `correction` (补正告知书: every item to correct, at once).
#[utoipa::path(get, path = "/applications/{number}/notices/{kind}", tag = "applications",
    params(("number" = String, Path, description = "申请编号"),
           ("kind" = String, Path, description = "accepted、not_accepted 或 correction"), ViewQuery,
           ("X-Application-Key" = String, Header, description = "申请的钥匙")),
    responses(
        (status = 200, description = "通知书（可打印）", body = onetrip_api::catalog::View),
        (status = 403, description = "没有钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "这份申请没有这种通知书", body = ErrorEnvelope),
    ))]
pub async fn notice(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((number, kind)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Response, ApiError> {
    let l = crate::routes::views::locale(q.lang.as_deref())?;
    let row = owned_application(&state, &number, &headers).await?;
    let p = progress_of(&state, &row).await?;
    let today = state.clock.now().china_date().to_string();
    let page = p
        .notices
        .contains(&kind)
        .then(|| onetrip_ui::progress_page::notice(l, &p, &kind, &today))
        .flatten()
        .ok_or_else(|| {
            ApiError::new(onetrip_api::ErrorCode::NotFound).with_message("这份申请没有这种通知书。")
        })?;
    let view = onetrip_api::catalog::View {
        title: page.title,
        html: onetrip_ui::doc::html(&page.nodes),
    };
    Ok(no_store(axum::Json(view).into_response()))
}

/// 撤回: the applicant withdraws before acceptance.
#[utoipa::path(post, path = "/applications/{number}/withdraw", tag = "applications",
    params(("number" = String, Path, description = "申请编号"),
           ("X-Application-Key" = String, Header, description = "申请的钥匙")),
    responses(
        (status = 200, description = "已撤回，办件进度", body = Progress),
        (status = 403, description = "没有钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 409, description = "已受理，不能再撤回（workflow.not_now）", body = ErrorEnvelope),
    ))]
pub async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let row = owned_application(&state, &number, &headers).await?;
    let (_, row) = workflow::act(
        &state,
        &row.number,
        &Who::applicant(),
        &Command::Withdraw,
        Extras::default(),
    )
    .await?;
    answer(&state, &row, &HeaderMap::new()).await
}

/// 好差评: once the result is on its way or delivered. 不满意 or worse opens a follow-up
/// (整改) answered within 15 working days.
#[utoipa::path(post, path = "/applications/{number}/rating", tag = "applications",
    request_body = RatingRequest,
    params(("number" = String, Path, description = "申请编号"),
           ("X-Application-Key" = String, Header, description = "申请的钥匙")),
    responses(
        (status = 200, description = "已评价，办件进度", body = Progress),
        (status = 403, description = "没有钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 409, description = "还不能评价，或已经评价过", body = ErrorEnvelope),
        (status = 422, description = "等级不在 1–5、评语超过 500 字", body = ErrorEnvelope),
    ))]
pub async fn rate(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
    ApiJson(request): ApiJson<RatingRequest>,
) -> Result<Response, ApiError> {
    let row = owned_application(&state, &number, &headers).await?;
    let problems = rating_problems(
        request.level,
        &[
            ("guide", request.guide),
            ("speed", request.speed),
            ("service", request.service),
        ],
        request.trips,
        request.comment.as_deref(),
    );
    if !problems.is_empty() {
        return Err(ApiError::problems(problems).with_message("评价有误，请按提示修改。"));
    }
    let now = state.clock.now();
    let followup_due = needs_followup(request.level).then(|| {
        state
            .catalog
            .calendar
            .add_working_days(now.china_date(), FOLLOWUP_DAYS)
            .date
            .to_string()
    });
    let dimensions = serde_json::json!({
        "trips": request.trips,
        "guide": request.guide,
        "speed": request.speed,
        "service": request.service,
    })
    .to_string();
    let rating = RatingRow {
        application: row.number.clone(),
        level: request.level,
        dimensions,
        comment: request
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned),
        rated_at: now,
        followup_due,
        reply: None,
        replied_by: None,
        replied_at: None,
    };
    let (_, row) = workflow::act(
        &state,
        &row.number,
        &Who::applicant(),
        &Command::Rate,
        Extras {
            rating: Some(rating),
            ..Extras::default()
        },
    )
    .await?;
    answer(&state, &row, &HeaderMap::new()).await
}
