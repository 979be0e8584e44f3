//! 办件码 (counter codes): the phone-to-counter hand-off. When one matter of an application
//! still needs its one trip, the applicant's page offers a counter code: a QR code of
//! `{PUBLIC_BASE_URL}/k/{code}` and the same 8 characters to type. At the window, staff scan or
//! type it and see the prepared application, its materials with their pre-review results and
//! what to check in person, and can accept it from there.
//!
//! A code holds no personal data and opens nothing without a staff sign-in. It expires after
//! `ONETRIP_COUNTER_HOURS` (24 by default), the applicant can revoke it (a new one replaces
//! it) and so can staff; every lookup, found or not, is written to the audit log. Lookups
//! that find nothing count against the client's misses (`ONETRIP_RATE_GUESS`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use onetrip_api::application::RequestKind;
use onetrip_api::counter::{CounterCode, CounterMaterial, CounterView};
use onetrip_api::staff::StaffApplication;
use onetrip_api::{ErrorCode, ErrorEnvelope};
use onetrip_domain::lifecycle::Status;
use onetrip_domain::token::{COUNTER_CODE_LEN as CODE_LEN, counter_code as parse_code};
use onetrip_domain::workflow::counter_code_open;

use crate::AppState;
use crate::error::{ApiError, ApiPath};
use crate::routes::checklists::png_response;
use crate::routes::drafts::no_store;
use crate::routes::ids;
use crate::routes::staff::{audit_entry, detail, visible};
use crate::routes::supplements::owned_application;
use crate::staff_auth::Staff;
use crate::storage::{ApplicationRow, CounterCodeRow};

const HOUR_MS: i64 = 60 * 60 * 1000;

fn unknown() -> ApiError {
    ApiError::new(ErrorCode::NotFound)
        .with_field("code", "counter.unknown")
        .with_message("没有这个办件码，请核对后重新输入或扫码。")
}

fn view_of(state: &AppState, row: &CounterCodeRow) -> CounterCode {
    CounterCode {
        code: row.code.clone(),
        url: state
            .config
            .public_base_url()
            .link(&format!("/k/{}", row.code)),
        qr_url: format!("/api/v1/counter/{}/qr.png", row.code),
        expires_at: row.expires_at.to_china_rfc3339(),
    }
}

/// The trips of the application's matters, from the catalogue (0 or 1 each).
async fn trips(state: &AppState, number: &str) -> Result<Vec<u8>, ApiError> {
    Ok(state
        .storage
        .matters(number)
        .await?
        .iter()
        .map(|m| {
            state
                .catalog
                .catalog
                .matter(&m.matter)
                .map_or(0, |c| c.trips)
        })
        .collect())
}

/// May this application have a counter code now?
pub(crate) async fn open_for(state: &AppState, row: &ApplicationRow) -> Result<bool, ApiError> {
    let status = Status::from_code(&row.status).unwrap_or(Status::Submitted);
    Ok(counter_code_open(status, &trips(state, &row.number).await?))
}

async fn live_of(state: &AppState, number: &str) -> Result<Vec<CounterCodeRow>, ApiError> {
    let now = state.clock.now();
    Ok(state
        .storage
        .counter_codes_of(number)
        .await?
        .into_iter()
        .filter(|c| c.live(now))
        .collect())
}

/// The live counter code of the application, if there is one (204 when there is none).
#[utoipa::path(get, path = "/applications/{number}/counter", tag = "applications",
    params(("number" = String, Path, description = "申请编号"),
           ("X-Application-Key" = String, Header, description = "申请的钥匙")),
    responses(
        (status = 200, description = "当前有效的办件码", body = CounterCode),
        (status = 204, description = "没有有效的办件码"),
        (status = 403, description = "没有钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
    ))]
pub async fn current(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let row = owned_application(&state, &number, &headers).await?;
    let open = open_for(&state, &row).await?;
    Ok(no_store(
        match live_of(&state, &row.number).await?.first() {
            Some(code) if open => Json(view_of(&state, code)).into_response(),
            _ => StatusCode::NO_CONTENT.into_response(),
        },
    ))
}

/// 出示办件码: the live code, or a new one valid for `ONETRIP_COUNTER_HOURS`.
#[utoipa::path(post, path = "/applications/{number}/counter", tag = "applications",
    params(("number" = String, Path, description = "申请编号"),
           ("X-Application-Key" = String, Header, description = "申请的钥匙")),
    responses(
        (status = 201, description = "新的办件码", body = CounterCode),
        (status = 200, description = "已有的有效办件码", body = CounterCode),
        (status = 403, description = "没有钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
        (status = 409, description = "不需要到窗口，或窗口已经受理（counter.not_needed）", body = ErrorEnvelope),
    ))]
pub async fn issue(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let row = owned_application(&state, &number, &headers).await?;
    if !open_for(&state, &row).await? {
        return Err(ApiError::new(ErrorCode::Conflict)
            .with_field("code", "counter.not_needed")
            .with_message("这份申请现在不需要到窗口出示办件码。"));
    }
    if let Some(code) = live_of(&state, &row.number).await?.first() {
        return Ok(no_store(Json(view_of(&state, code)).into_response()));
    }
    let now = state.clock.now();
    let mut code = CounterCodeRow {
        code: ids::random(CODE_LEN)?,
        application: row.number.clone(),
        created_at: now,
        expires_at: crate::clock::Timestamp(
            now.0 + i64::from(state.config.counter_hours.max(1)) * HOUR_MS,
        ),
        revoked_at: None,
        revoked_by: None,
    };
    let mut attempts = 0;
    while !state.storage.insert_counter_code(code.clone()).await? {
        attempts += 1;
        if attempts > 3 {
            return Err(ApiError::new(ErrorCode::Unavailable).retry_after(1));
        }
        code.code = ids::random(CODE_LEN)?;
    }
    Ok(no_store(
        (StatusCode::CREATED, Json(view_of(&state, &code))).into_response(),
    ))
}

/// 作废办件码: every live code of the application stops working at once (a photo of it is
/// useless); a new one can be asked for.
#[utoipa::path(delete, path = "/applications/{number}/counter", tag = "applications",
    params(("number" = String, Path, description = "申请编号"),
           ("X-Application-Key" = String, Header, description = "申请的钥匙")),
    responses(
        (status = 204, description = "已作废"),
        (status = 403, description = "没有钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
    ))]
pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let row = owned_application(&state, &number, &headers).await?;
    let now = state.clock.now();
    for code in live_of(&state, &row.number).await? {
        state
            .storage
            .revoke_counter_code(&code.code, now, "applicant")
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The QR code of a live counter code's link (`{PUBLIC_BASE_URL}/k/{code}`, nothing else).
#[utoipa::path(get, path = "/counter/{code}/qr.png", tag = "applications",
    params(("code" = String, Path, description = "办件码")),
    responses(
        (status = 200, description = "二维码（PNG），内容是办件码的链接", body = crate::routes::checklists::PngImage, content_type = "image/png"),
        (status = 404, description = "没有这个办件码，或已过期、已作废", body = ErrorEnvelope),
        (status = 429, description = "查找不到的次数太多", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn qr(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Response, ApiError> {
    let code = parse_code(&code).ok_or_else(unknown)?;
    let now = state.clock.now();
    let live = match state.storage.counter_code(&code).await? {
        Some(row) => row.live(now),
        // A booking's check-in code, until its slot ends.
        None => state
            .storage
            .booking_by_code(&code)
            .await?
            .is_some_and(|b| b.status == "active" && now.0 < b.end_at.0),
    };
    if !live {
        return Err(unknown());
    }
    let url = state.config.public_base_url().link(&format!("/k/{code}"));
    png_response(&url, "private, no-cache")
}

/// Why a found code does not open anything, or `None` when it does.
fn refusal(row: &CounterCodeRow, now: crate::clock::Timestamp) -> Option<ApiError> {
    if row.revoked_at.is_some() {
        Some(
            ApiError::new(ErrorCode::NotFound)
                .with_field("code", "counter.revoked")
                .with_message("这个办件码已作废，请申请人在手机上重新出示办件码。"),
        )
    } else if !row.live(now) {
        Some(
            ApiError::new(ErrorCode::NotFound)
                .with_field("code", "counter.expired")
                .with_message("这个办件码已过期，请申请人在手机上重新出示办件码。"),
        )
    } else {
        None
    }
}

/// The materials as the window checks them: given online and passed by the pre-review, left
/// for later (容缺), asked again (补正), or not given.
fn materials(a: &StaffApplication) -> Vec<CounterMaterial> {
    a.materials
        .iter()
        .map(|m| {
            let files: Vec<_> = a
                .files
                .iter()
                .filter(|f| f.material == m.key)
                .cloned()
                .collect();
            let open = a
                .requests
                .iter()
                .find(|r| r.material == m.key && !r.resolved);
            let (state, label) = match open {
                Some(r) if r.kind == RequestKind::Deferred => (
                    "deferred",
                    format!("容缺：申请人承诺在 {} 前补交，可当场收取", r.due),
                ),
                Some(r) => (
                    "requested",
                    format!("需补正：{}", r.reason.clone().unwrap_or_default()),
                ),
                None if !files.is_empty() => (
                    "passed",
                    format!(
                        "已上传 {} 份，机器预审通过（格式、大小、清晰度）",
                        files.len()
                    ),
                ),
                None => ("missing", "未上传，请当场收取或核对".to_owned()),
            };
            CounterMaterial {
                key: m.key.clone(),
                name: m.name.clone(),
                state: state.to_owned(),
                label,
                files,
            }
        })
        .collect()
}

/// What only the window can check: the identity in person, each matter's reason for the trip,
/// and the materials not yet given.
fn in_person(state: &AppState, a: &StaffApplication, list: &[CounterMaterial]) -> Vec<String> {
    let mut out = vec!["核验申请人（或经办人）身份证原件，与申请表所填一致".to_owned()];
    for m in &a.matters {
        if let Some(c) = state
            .catalog
            .catalog
            .matter(&m.code)
            .filter(|c| c.trips > 0)
        {
            let reason = c.trip_reason.clone().unwrap_or_default();
            out.push(format!("{}：{}", m.name, reason));
        }
    }
    for m in list.iter().filter(|m| m.state != "passed") {
        out.push(format!("{}：{}", m.name, m.label));
    }
    out
}

/// The window scans (or types) a counter code: the prepared application with its materials,
/// their pre-review results and what to check in person. Every lookup, found or not, is
/// audited.
#[utoipa::path(get, path = "/staff/counter/{code}", tag = "staff",
    params(("code" = String, Path, description = "办件码，或扫码得到的整个链接的最后一段")),
    responses(
        (status = 200, description = "办件码对应的申请（查看记入审计日志）", body = CounterView),
        (status = 401, description = "未登录", body = ErrorEnvelope),
        (status = 403, description = "管理员账号不办件", body = ErrorEnvelope),
        (status = 404, description = "没有这个办件码（counter.unknown），已过期（counter.expired）或已作废（counter.revoked）", body = ErrorEnvelope),
        (status = 429, description = "查找不到的次数太多", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn lookup(
    State(state): State<AppState>,
    s: Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<Response, ApiError> {
    let typed: String = code.chars().take(CODE_LEN * 2).collect();
    let found = match parse_code(&code) {
        Some(c) => state.storage.counter_code(&c).await?,
        None => None,
    };
    let now = state.clock.now();
    let outcome = match &found {
        None => "unknown",
        Some(row) if row.revoked_at.is_some() => "revoked",
        Some(row) if !row.live(now) => "expired",
        Some(_) => "found",
    };
    // A booking's check-in code: the booking to check in, what to bring.
    if found.is_none()
        && let Some(b) = match parse_code(&code) {
            Some(c) => state.storage.booking_by_code(&c).await?,
            None => None,
        }
    {
        audit_entry(
            &state,
            &s,
            "counter_lookup",
            None,
            Some(format!("booking {typed}")),
        )
        .await;
        let booking = crate::routes::bookings::staff_view(&state, &b);
        let view = CounterView {
            code: b.checkin_code.clone(),
            expires_at: b.end_at.to_china_rfc3339(),
            in_person: booking.bring.clone(),
            materials: Vec::new(),
            application: None,
            booking: Some(booking),
        };
        return Ok(no_store(Json(view).into_response()));
    }
    let number = found.as_ref().map(|r| r.application.clone());
    audit_entry(
        &state,
        &s,
        "counter_lookup",
        number.as_deref(),
        Some(format!("{outcome} {typed}")),
    )
    .await;
    let Some(row) = found else {
        return Err(unknown());
    };
    if let Some(refused) = refusal(&row, now) {
        return Err(refused);
    }
    let app_row = visible(&state, &s, &row.application).await?;
    let application = detail(&state, &s, &app_row).await?;
    let list = materials(&application);
    let view = CounterView {
        code: row.code.clone(),
        expires_at: row.expires_at.to_china_rfc3339(),
        in_person: in_person(&state, &application, &list),
        materials: list,
        application: Some(application),
        booking: None,
    };
    Ok(no_store(Json(view).into_response()))
}

/// Staff revoke a counter code (a photographed or shared code, an applicant's request).
#[utoipa::path(delete, path = "/staff/counter/{code}", tag = "staff",
    params(("code" = String, Path, description = "办件码")),
    responses(
        (status = 204, description = "已作废"),
        (status = 401, description = "未登录", body = ErrorEnvelope),
        (status = 404, description = "没有这个有效的办件码", body = ErrorEnvelope),
    ))]
pub async fn staff_revoke(
    State(state): State<AppState>,
    s: Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let code = parse_code(&code).ok_or_else(unknown)?;
    let row = state
        .storage
        .counter_code(&code)
        .await?
        .ok_or_else(unknown)?;
    visible(&state, &s, &row.application).await?;
    if !state
        .storage
        .revoke_counter_code(&row.code, state.clock.now(), &s.username)
        .await?
    {
        return Err(unknown());
    }
    audit_entry(
        &state,
        &s,
        "counter_revoke",
        Some(&row.application),
        Some(row.code.clone()),
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

/// `/k/{code}`, what a counter QR code holds: to the staff app's counter view (which asks for
/// a sign-in first). Nothing is looked up here.
pub async fn short_link(axum::extract::Path(code): axum::extract::Path<String>) -> Response {
    match parse_code(&code) {
        Some(code) => Redirect::to(&format!("/staff/counter/{code}")).into_response(),
        None => Redirect::to("/staff/counter").into_response(),
    }
}
