//! 窗口预约: the slots of the halls' windows for a matter on the negative list, booking one,
//! its confirmation page (time, place, what to bring, the check-in QR code), cancelling it,
//! and the window marking the arrival after seeing the identity card. The rules are the
//! domain's (`onetrip_domain::booking`); the seats are counted in the booking's transaction.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onetrip_api::booking::{
    BookingRequest, BookingView, DaySlots, SlotView, Slots, StaffBooking, WindowSlots,
};
use onetrip_api::counter::CounterCode;
use onetrip_api::{ErrorCode, ErrorEnvelope, FieldError};
use onetrip_domain::CivilDate;
use onetrip_domain::booking::{
    self as rules, Hall, Moment, Refusal, Window, admit, bookable, cancellable, elderly, hhmm,
    minutes_of, seats,
};
use onetrip_domain::ident::{MobileNumber, ResidentId};
use onetrip_domain::mask::mask_name;
use onetrip_domain::token::COUNTER_CODE_LEN;

use crate::AppState;
use crate::clock::Timestamp;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::routes::drafts::no_store;
use crate::routes::staff::audit_entry;
use crate::routes::{idempotency, ids};
use crate::staff_auth::Staff;
use crate::storage::{BookOutcome, BookingRow};

const TOKEN_LEN: usize = 22;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn now_moment(now: Timestamp) -> Moment {
    Moment {
        date: now.china_date(),
        minutes: now.china_minutes(),
    }
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound).with_message("没有找到这个预约，请检查链接。")
}

fn unknown_matter() -> ApiError {
    ApiError::new(ErrorCode::NotFound).with_message("这个事项不需要到窗口，或没有可预约的窗口。")
}

/// The refusal as the JSON envelope: 409 for the slot's state or the person's bookings, in
/// plain Chinese.
fn refused(r: Refusal) -> ApiError {
    let (status, message) = match r {
        Refusal::SlotInvalid => (
            ErrorCode::Validation,
            "这个时段不能预约：请选择今后 7 个工作日内列出的时段。",
        ),
        Refusal::Full => (ErrorCode::Conflict, "已约满，请选择其他时段。"),
        Refusal::Duplicate => (
            ErrorCode::Conflict,
            "您已经预约了这个事项，请先取消原来的预约再重新预约。",
        ),
        Refusal::Quota => (
            ErrorCode::Conflict,
            "同一身份证号或手机号同时有效的预约已达上限，请先办完或取消其他预约。",
        ),
        Refusal::Blocked => (
            ErrorCode::Conflict,
            "近期多次预约未到，暂时不能网上预约，可以直接到大厅取号办理。",
        ),
        Refusal::TooLate => (
            ErrorCode::Conflict,
            "距离预约时间不足 2 小时，不能再取消；如不能前往，请致电大厅。",
        ),
    };
    ApiError::new(status)
        .with_field("slot", r.code())
        .with_message(message)
}

/// Hall and window handling `matter`, or the 404.
fn place<'a>(
    state: &'a AppState,
    matter: &str,
    hall: &str,
    window: &str,
) -> Result<(&'a Hall, &'a Window), ApiError> {
    let h = state.catalog.halls.hall(hall).ok_or_else(unknown_matter)?;
    let w = h
        .window(window)
        .filter(|w| w.matters.iter().any(|m| m == matter))
        .ok_or_else(unknown_matter)?;
    Ok((h, w))
}

/// The seats left of each slot of a day, for everyone and for the green channel.
fn slot_views(
    hall: &Hall,
    window: &Window,
    now: Moment,
    date: CivilDate,
    counts: &[(u32, u32, u32)],
) -> Vec<SlotView> {
    hall.starts()
        .into_iter()
        .map(|start| {
            let (taken, taken_priority) = counts
                .iter()
                .find(|(s, _, _)| *s == start)
                .map_or((0, 0), |(_, t, p)| (*t, *p));
            let slot = Moment {
                date,
                minutes: start,
            };
            let (left, priority_left) = seats(hall, window, now, slot, taken, taken_priority);
            SlotView {
                start: hhmm(start),
                end: hhmm(start + hall.slot_minutes),
                left,
                priority_left,
            }
        })
        .collect()
}

/// The bookable slots of every window that handles a matter, for the next working days.
#[utoipa::path(get, path = "/matters/{code}/slots", tag = "bookings",
    params(("code" = String, Path, description = "事项代码（负面清单事项）")),
    responses(
        (status = 200, description = "可预约的大厅、窗口和时段", body = Slots),
        (status = 404, description = "没有这个事项，或它不需要到窗口", body = ErrorEnvelope),
    ))]
pub async fn slots(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Response, ApiError> {
    let matter = state
        .catalog
        .catalog
        .matter(&code)
        .filter(|m| m.trips > 0)
        .ok_or_else(unknown_matter)?;
    let now = now_moment(state.clock.now());
    let mut windows = Vec::new();
    let mut cancel_minutes = 0;
    for (hall, window) in state.catalog.halls.for_matter(&matter.code) {
        cancel_minutes = cancel_minutes.max(hall.cancel_minutes);
        let mut days = Vec::new();
        for date in hall.days(&state.catalog.calendar, now.date) {
            let counts = state
                .storage
                .slot_counts(&hall.code, &window.code, &date.to_string())
                .await?;
            days.push(DaySlots {
                date: date.to_string(),
                slots: slot_views(hall, window, now, date, &counts),
            });
        }
        windows.push(WindowSlots {
            hall: hall.code.clone(),
            hall_name: hall.name.clone(),
            address: hall.address.clone(),
            window: window.code.clone(),
            window_name: window.name.clone(),
            illustrative: hall.illustrative,
            days,
        });
    }
    if windows.is_empty() {
        return Err(unknown_matter());
    }
    Ok(no_store(
        Json(Slots {
            matter: matter.code.clone(),
            matter_name: matter.name.clone(),
            trip_reason: matter.trip_reason.clone().unwrap_or_default(),
            cancel_minutes,
            windows,
        })
        .into_response(),
    ))
}

fn invalid(field: &str, code: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
    }
}

/// What to bring: the reason for the trip, then each material of the matter.
fn bring(state: &AppState, matter: &str) -> Vec<String> {
    let catalog = &state.catalog.catalog;
    let Some(m) = catalog.matter(matter) else {
        return Vec::new();
    };
    let mut out = vec!["本人居民身份证原件".to_owned()];
    out.extend(m.materials.iter().filter_map(|u| {
        catalog
            .material(&u.key)
            .map(|d| d.name.clone())
            .filter(|n| n != "居民身份证")
    }));
    if let Some(reason) = &m.trip_reason {
        out.push(format!("到窗口的原因：{reason}"));
    }
    out
}

fn status_of(b: &BookingRow, now: Timestamp) -> (&'static str, &'static str) {
    match b.status.as_str() {
        "cancelled" => ("cancelled", "已取消"),
        "arrived" => ("arrived", "已到场"),
        _ if b.end_at.0 <= now.0 => ("missed", "未到场"),
        _ => ("active", "已预约"),
    }
}

pub(crate) fn checkin_of(state: &AppState, b: &BookingRow) -> CounterCode {
    CounterCode {
        code: b.checkin_code.clone(),
        url: state
            .config
            .public_base_url()
            .link(&format!("/k/{}", b.checkin_code)),
        qr_url: format!("/api/v1/counter/{}/qr.png", b.checkin_code),
        expires_at: b.end_at.to_china_rfc3339(),
    }
}

fn names(state: &AppState, b: &BookingRow) -> (String, String, String, String) {
    let hall = state.catalog.halls.hall(&b.hall);
    let matter = state
        .catalog
        .catalog
        .matter(&b.matter)
        .map_or_else(|| b.matter.clone(), |m| m.name.clone());
    (
        matter,
        hall.map_or_else(|| b.hall.clone(), |h| h.name.clone()),
        hall.map(|h| h.address.clone()).unwrap_or_default(),
        hall.and_then(|h| h.window(&b.window))
            .map_or_else(|| b.window.clone(), |w| w.name.clone()),
    )
}

fn view_of(state: &AppState, b: &BookingRow) -> BookingView {
    let now = state.clock.now();
    let (status, label) = status_of(b, now);
    let (matter_name, hall_name, address, window_name) = names(state, b);
    let cancel_until = state.catalog.halls.hall(&b.hall).and_then(|h| {
        let until = Timestamp(b.start_at.0 - i64::from(h.cancel_minutes) * 60_000);
        (status == "active" && now.0 <= until.0).then(|| until.to_china_rfc3339())
    });
    BookingView {
        token: b.token.clone(),
        status: status.into(),
        status_label: label.into(),
        matter: b.matter.clone(),
        matter_name,
        hall_name,
        address,
        window_name,
        date: b.day.clone(),
        start: hhmm(b.start_min),
        end: hhmm(b.end_min),
        name: b.name_masked.clone(),
        green_channel: b.priority,
        bring: bring(state, &b.matter),
        checkin: checkin_of(state, b),
        cancel_until,
    }
}

/// The window's view of a booking found by its check-in code.
pub(crate) fn staff_view(state: &AppState, b: &BookingRow) -> StaffBooking {
    let (status, label) = status_of(b, state.clock.now());
    let (matter_name, hall_name, _, window_name) = names(state, b);
    StaffBooking {
        id: b.id.clone(),
        status: status.into(),
        status_label: label.into(),
        matter_name,
        hall_name,
        window_name,
        date: b.day.clone(),
        start: hhmm(b.start_min),
        end: hhmm(b.end_min),
        name: b.name_masked.clone(),
        green_channel: b.priority,
        bring: bring(state, &b.matter),
    }
}

/// Book a slot. The last seat goes to exactly one request; the others are told 已约满.
/// Retrying with the same `Idempotency-Key` returns the first booking.
#[utoipa::path(post, path = "/bookings", tag = "bookings",
    request_body = BookingRequest,
    params(("Idempotency-Key" = String, Header, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "每次预约新生成的 UUID，重试时不变")),
    responses(
        (status = 201, description = "已预约", body = BookingView),
        (status = 200, description = "重试：第一次的预约", body = BookingView),
        (status = 400, description = "缺少 Idempotency-Key，或 JSON 无法解析", body = ErrorEnvelope),
        (status = 404, description = "这个事项没有这个大厅或窗口", body = ErrorEnvelope),
        (status = 409, description = "已约满（booking.full）、已预约过这个事项（booking.duplicate）、预约数已达上限（booking.quota）或多次未到暂停预约（booking.blocked）", body = ErrorEnvelope),
        (status = 422, description = "时段不能预约（booking.slot_invalid），姓名、身份证号或手机号不对", body = ErrorEnvelope),
        (status = 429, description = "提交太频繁", body = ErrorEnvelope),
    ))]
pub async fn book(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<BookingRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency::key(&headers)?;
    let now = state.clock.now();
    let today = now.china_date();
    let (hall, window) = place(&state, &req.matter, &req.hall, &req.window)?;
    // Every problem with what was typed, at once.
    let name = req.name.trim();
    let mut problems: Vec<FieldError> =
        rules::person_problems(name, &req.id_number, &req.mobile, today)
            .into_iter()
            .map(|(field, code)| invalid(field, code))
            .collect();
    let declared = match req.green_channel.as_deref() {
        None | Some("") => false,
        Some("disabled" | "pregnant") => true,
        Some(_) => {
            problems.push(invalid("green_channel", "choice.unknown"));
            false
        }
    };
    let date: Option<CivilDate> = req.date.parse().ok();
    let start = minutes_of(&req.start);
    let nowm = now_moment(now);
    let (Some(date), Some(start)) = (date, start) else {
        problems.push(invalid("slot", Refusal::SlotInvalid.code()));
        return Err(ApiError::validation(problems).with_message("请核对预约时段。"));
    };
    if !problems.is_empty() {
        return Err(ApiError::validation(problems).with_message("请核对姓名、身份证号和手机号。"));
    }
    if !bookable(hall, &state.catalog.calendar, nowm, date, start) {
        return Err(refused(Refusal::SlotInvalid));
    }
    let (Ok(id), Ok(mobile)) = (
        ResidentId::parse(&req.id_number, today),
        MobileNumber::parse(&req.mobile),
    ) else {
        return Err(ApiError::new(ErrorCode::Internal));
    };
    let priority = declared || elderly(id.birth_date(), date);
    let fingerprint = idempotency::fingerprint(&req);
    let row = BookingRow {
        id: format!("B{}", ids::random(15)?),
        token: ids::random(TOKEN_LEN)?,
        checkin_code: ids::random(COUNTER_CODE_LEN)?,
        idempotency_key: key,
        fingerprint: fingerprint.clone(),
        hall: hall.code.clone(),
        window: window.code.clone(),
        matter: req.matter.clone(),
        day: date.to_string(),
        start_min: start,
        end_min: start + hall.slot_minutes,
        start_at: Timestamp::at_china(date, start),
        end_at: Timestamp::at_china(date, start + hall.slot_minutes),
        priority,
        id_hash: ids::keyed(&state.digest_key, &["booking-id", id.as_str()]),
        phone_hash: ids::keyed(&state.digest_key, &["booking-phone", mobile.as_str()]),
        name_masked: mask_name(name),
        status: "active".into(),
        created_at: now,
        cancelled_at: None,
        arrived_at: None,
        arrived_by: None,
    };
    let (h, w) = (hall.clone(), window.clone());
    let slot = Moment {
        date,
        minutes: start,
    };
    let since = Timestamp(now.0 - i64::from(hall.no_show_days) * DAY_MS);
    let outcome = state
        .storage
        .book(
            row,
            now,
            since,
            Box::new(move |c| admit(&h, &w, nowm, slot, priority, c)),
        )
        .await?;
    let (status, b) = match outcome {
        BookOutcome::Booked(b) => (StatusCode::CREATED, b),
        BookOutcome::Existing(b) if b.fingerprint == fingerprint => (StatusCode::OK, b),
        BookOutcome::Existing(_) => return Err(idempotency::reused()),
        BookOutcome::Refused(r) => return Err(refused(r)),
    };
    let mut response = (status, Json(view_of(&state, &b))).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/bookings/{}", b.token)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(no_store(response))
}

async fn by_token(state: &AppState, token: &str) -> Result<BookingRow, ApiError> {
    let token = ids::parse(token, TOKEN_LEN).ok_or_else(not_found)?;
    state
        .storage
        .booking_by_token(&token)
        .await?
        .ok_or_else(not_found)
}

/// A booking's confirmation: time, place, what to bring, the check-in QR code. The token is
/// the whole secret (no personal data but a masked name on the page).
#[utoipa::path(get, path = "/bookings/{token}", tag = "bookings",
    params(("token" = String, Path, description = "预约凭证（22 位）")),
    responses(
        (status = 200, description = "预约", body = BookingView),
        (status = 404, description = "没有这个预约", body = ErrorEnvelope),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response, ApiError> {
    let b = by_token(&state, &token).await?;
    Ok(no_store(Json(view_of(&state, &b)).into_response()))
}

/// Cancel a booking, until the hall's cut-off before it starts.
#[utoipa::path(delete, path = "/bookings/{token}", tag = "bookings",
    params(("token" = String, Path, description = "预约凭证")),
    responses(
        (status = 200, description = "已取消", body = BookingView),
        (status = 404, description = "没有这个预约", body = ErrorEnvelope),
        (status = 409, description = "已经取消或已到场，或距离预约时间太近（booking.too_late）", body = ErrorEnvelope),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response, ApiError> {
    let b = by_token(&state, &token).await?;
    let now = state.clock.now();
    let hall = state
        .catalog
        .halls
        .hall(&b.hall)
        .ok_or_else(|| ApiError::new(ErrorCode::Internal))?;
    let slot = Moment {
        date: b
            .day
            .parse()
            .map_err(|_| ApiError::new(ErrorCode::Internal))?,
        minutes: b.start_min,
    };
    cancellable(hall, now_moment(now), slot).map_err(refused)?;
    if !state.storage.cancel_booking(&b.id, now).await? {
        return Err(ApiError::new(ErrorCode::Conflict).with_message("这个预约已经取消或已到场。"));
    }
    let b = by_token(&state, &b.token).await?;
    Ok(no_store(Json(view_of(&state, &b)).into_response()))
}

/// The window marks the arrival, having seen the identity card: the booking is done and the
/// identity counts as verified (its later no-shows count).
#[utoipa::path(post, path = "/staff/bookings/{code}/arrival", tag = "staff",
    params(("code" = String, Path, description = "预约的办件码")),
    responses(
        (status = 204, description = "已确认到场"),
        (status = 401, description = "未登录", body = ErrorEnvelope),
        (status = 404, description = "没有这个预约", body = ErrorEnvelope),
        (status = 409, description = "已取消、已到场或已过时段", body = ErrorEnvelope),
    ))]
pub async fn arrive(
    State(state): State<AppState>,
    s: Staff,
    ApiPath(code): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let code = onetrip_domain::token::counter_code(&code).ok_or_else(not_found)?;
    let b = state
        .storage
        .booking_by_code(&code)
        .await?
        .ok_or_else(not_found)?;
    let now = state.clock.now();
    if status_of(&b, now).0 != "active"
        || !state
            .storage
            .arrive_booking(&b.id, now, &s.username)
            .await?
    {
        return Err(ApiError::new(ErrorCode::Conflict)
            .with_message("这个预约已取消、已到场或已过预约时段。"));
    }
    audit_entry(&state, &s, "booking_arrival", None, Some(b.id.clone())).await;
    Ok(StatusCode::NO_CONTENT)
}
