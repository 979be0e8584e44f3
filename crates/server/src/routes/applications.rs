//! Submitted applications (申请): validated again with the domain's rules, stored once per
//! Idempotency-Key (through the storage's group commit), answered with a receipt that carries
//! the application number, what happens next and by when. The receipt holds no personal data,
//! so its link and QR code can be shared and printed.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onetrip_api::application::{ApplicationRequest, Receipt, ReceiptMatter};
use onetrip_api::{ErrorCode, ErrorEnvelope};
use onetrip_domain::application::{finish_days, material_problems, outstanding, validate};
use onetrip_domain::calendar::Promise;
use onetrip_domain::catalog::Delivery;
use onetrip_domain::catalog::checklist::{Checklist, checklist};
use onetrip_domain::ident::CompanyName;

use crate::AppState;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::routes::drafts::{form_of, owned, require_consent, subject_parts};
use crate::routes::{idempotency, ids};
use crate::storage::{ApplicationRow, Inserted, MaterialRequestRow, StorageError};
use crate::workflow;

/// Characters of a material request's id after its `R`.
pub const REQUEST_ID_LEN: usize = 15;

/// Characters of an application number: 50 random bits.
pub const NUMBER_LEN: usize = 10;

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound).with_message("没有找到这份申请，请检查申请编号。")
}

fn to_json(value: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|_| ApiError::new(ErrorCode::Internal))
}

/// The receipt of an application accepted now: each matter's promised date counted in working
/// days from today (China time) along the bundle's order, the last of them for the whole.
fn receipt(
    state: &AppState,
    number: &str,
    request: &ApplicationRequest,
    list: &Checklist,
) -> Result<Receipt, ApiError> {
    let now = state.clock.now();
    let today = now.china_date();
    let calendar = &state.catalog.calendar;
    let matters: Vec<ReceiptMatter> = list
        .matters
        .iter()
        .zip(finish_days(&list.matters))
        .map(|(m, days)| {
            let dept = list.departments.iter().find(|d| d.code == m.department);
            ReceiptMatter {
                code: m.code.clone(),
                name: m.name.clone(),
                name_en: m.name_en.clone(),
                department_name: dept.map_or_else(|| m.department.clone(), |d| d.name.clone()),
                department_name_en: dept
                    .map_or_else(|| m.department.clone(), |d| d.name_en.clone()),
                result: m.result.clone(),
                promised: calendar.add_working_days(today, days),
            }
        })
        .collect();
    let promised = matters
        .iter()
        .map(|m| m.promised.clone())
        .max_by_key(|p| p.date)
        .map(|last| Promise {
            provisional: matters.iter().any(|m| m.promised.provisional),
            ..last
        })
        .unwrap_or_else(|| calendar.add_working_days(today, 0));
    Ok(Receipt {
        number: number.to_owned(),
        url: state.config.public_base_url().link(&format!("/r/{number}")),
        qr_url: format!("/api/v1/applications/{number}/qr.png"),
        submitted_at: now.to_china_rfc3339(),
        name: list.name.clone(),
        name_en: list.name_en.clone(),
        promised,
        matters,
        delivery: request.data.delivery.unwrap_or(Delivery::Pickup),
        savings: list.savings,
        name_review: request
            .data
            .get("company.name")
            .and_then(|n| CompanyName::parse(n).ok())
            .is_some_and(|n| n.needs_review()),
        deferred: !request.data.deferred.is_empty(),
        outstanding: Vec::new(),
    })
}

/// Submit an application. Everything is checked again with the same rules the app used; a
/// retry with the same `Idempotency-Key` and body (a double tap, a timeout, a replay) returns
/// the first receipt and never stores a second application.
#[utoipa::path(post, path = "/applications", tag = "applications",
    request_body = ApplicationRequest,
    params(
        ("Idempotency-Key" = String, Header, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "按下“提交”时新生成的 UUID，重试时不变"),
        ("X-Draft-Key" = Option<String>, Header, description = "草稿钥匙：提交成功后删除 `draft` 指定的草稿"),
    ),
    responses(
        (status = 201, description = "已受理：回执", body = Receipt,
         headers(("Location" = String, description = "这份申请的地址"))),
        (status = 200, description = "重试：第一次提交的回执", body = Receipt),
        (status = 400, description = "缺少或格式错误的 Idempotency-Key，或 JSON 无法解析", body = ErrorEnvelope),
        (status = 403, description = "跨站请求", body = ErrorEnvelope),
        (status = 413, description = "内容太大", body = ErrorEnvelope),
        (status = 415, description = "不是 JSON", body = ErrorEnvelope),
        (status = 422, description = "填写有误：每个问题一个代码（与页面上的校验相同），或未同意个人信息处理，或同一个 Idempotency-Key 提交了不同内容", body = ErrorEnvelope),
        (status = 429, description = "提交太频繁", body = ErrorEnvelope),
        (status = 503, description = "暂时无法保存", body = ErrorEnvelope),
    ))]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ApplicationRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency::key(&headers)?;
    require_consent(request.consent)?;
    let form = form_of(&state, &request.subject, &request.answers)?;
    let now = state.clock.now();
    let today = now.china_date();
    // The draft, and the documents uploaded to it, count only when the request holds its key;
    // the draft is then deleted with the write.
    let draft = match &request.draft {
        Some(token) => owned(&state, token, &headers).await.ok(),
        None => None,
    };
    let files = match &draft {
        Some(d) => state.storage.files_of_draft(&d.token).await?,
        None => Vec::new(),
    };
    let given: Vec<(&str, &str)> = files
        .iter()
        .map(|f| (f.material.as_str(), f.slot.as_str()))
        .collect();
    let fingerprint =
        idempotency::fingerprint(&(&request.subject, &request.answers, &request.data));
    let mut problems = validate(&form, &request.data, today);
    problems.extend(material_problems(&form, &request.data, &given));
    if !problems.is_empty() {
        // A retry of a submission that went through finds its draft (and so its documents)
        // gone: the first receipt is its answer, not a list of missing materials.
        // The same key with another body is refused as such.
        if let Some(first) = state.storage.application_by_key(&key).await? {
            if first.fingerprint == fingerprint {
                return answer(&state, StatusCode::OK, &first).await;
            }
            return Err(idempotency::reused());
        }
        return Err(
            ApiError::problems(problems).with_message("有几处需要修改，请按提示修改后再提交。")
        );
    }
    // 容缺: each deferred material is due that many working days from today.
    let requests: Vec<MaterialRequestRow> = outstanding(&form, &request.data, &given)
        .into_iter()
        .map(|m| MaterialRequestRow {
            id: String::new(),
            application: String::new(),
            material: m.key.clone(),
            kind: "deferred".to_owned(),
            reason: None,
            department: m.departments.first().cloned(),
            requested_at: now,
            due_on: state
                .catalog
                .calendar
                .add_working_days(today, m.deferrable_days.unwrap_or(0))
                .date
                .to_string(),
            resolved_at: None,
        })
        .collect();
    let (kind, code) = subject_parts(&request.subject);
    let number = ids::random(NUMBER_LEN)?;
    // Worked out once for the receipt, the matters and a retry's new number.
    let list = checklist(&state.catalog.catalog, &request.subject, &request.answers)
        .map_err(|_| ApiError::new(ErrorCode::Internal))?;
    let first_receipt = receipt(&state, &number, &request, &list)?;
    // The matters the departments will process, each with its promised date, and the first
    // entry of the log: the machine pre-review passed.
    let promised: Vec<String> = first_receipt
        .matters
        .iter()
        .map(|m| m.promised.date.to_string())
        .collect();
    let matters = workflow::first_matters(&list, &promised);
    let (events, status) = workflow::first_events(&matters, now);
    let application_key = headers
        .get("x-draft-key")
        .and_then(|v| v.to_str().ok())
        .filter(|_| draft.is_some());
    let row = ApplicationRow {
        number: number.clone(),
        idempotency_key: key,
        fingerprint: fingerprint.clone(),
        subject_kind: kind.to_owned(),
        subject_code: code.to_owned(),
        answers: to_json(&request.answers)?,
        data: to_json(&request.data)?,
        receipt: to_json(&first_receipt)?,
        catalog_version: state.catalog.version.clone(),
        created_at: now,
        status: status.code().to_owned(),
        version: events.len() as u64,
        updated_at: events.last().map(|e| e.at),
        accept_by: Some(
            state
                .catalog
                .calendar
                .add_working_days(today, workflow::ACCEPT_DAYS)
                .date
                .to_string(),
        ),
        due_on: Some(first_receipt.promised.date.to_string()),
        // The device that submitted keeps its draft key as the application key.
        key_hash: application_key.map(application_key_hash),
        factor_kind: draft
            .as_ref()
            .map_or_else(String::new, |d| d.factor_kind.clone()),
        factor_salt: draft.as_ref().map(|d| d.token.clone()),
        factor_hash: draft.as_ref().and_then(|d| d.factor_hash.clone()),
        failed_opens: 0,
        locked_until: None,
    };
    let draft_token = draft.map(|d| d.token);
    // 预约开户: the bank's copy of the choice, written with the application.
    let appointment = crate::routes::bank::appointment_of(&state, &number, &request.data, now);
    let inserted = ids::insert_fresh(
        row,
        |r| {
            // Fresh request ids on every attempt: a taken one is drawn again like the number.
            let requests = with_ids(&requests);
            let draft = draft_token.clone();
            let storage = state.storage.clone();
            let (matters, events) = (matters.clone(), events.clone());
            let appointment = appointment.clone();
            async move {
                storage
                    .insert_application_with(r, draft, requests?, matters, events, appointment)
                    .await
            }
        },
        |r| {
            r.number = ids::random(NUMBER_LEN)?;
            r.receipt = to_json(&receipt(&state, &r.number, &request, &list)?)?;
            Ok(())
        },
    )
    .await?;
    let (status, stored) = match inserted {
        Inserted::New(r) => {
            tracing::info!(number = %r.number, subject = %r.subject_code, "application stored");
            (StatusCode::CREATED, r)
        }
        Inserted::Existing(r) if r.fingerprint == fingerprint => (StatusCode::OK, r),
        Inserted::Existing(_) => return Err(idempotency::reused()),
    };
    answer(&state, status, &stored).await
}

/// SHA-256 of an application key, as kept in `applications.key_hash`.
pub(crate) fn application_key_hash(key: &str) -> String {
    ids::digest(&["application-key", key])
}

fn with_ids(requests: &[MaterialRequestRow]) -> Result<Vec<MaterialRequestRow>, StorageError> {
    requests
        .iter()
        .map(|r| {
            let id = ids::random(REQUEST_ID_LEN)
                .map_err(|_| StorageError::Query("no randomness".to_owned()))?;
            Ok(MaterialRequestRow {
                id: format!("R{id}"),
                ..r.clone()
            })
        })
        .collect()
}

/// The answer to a submission: the receipt as stored at submission, with its address.
async fn answer(
    state: &AppState,
    status: StatusCode,
    stored: &ApplicationRow,
) -> Result<Response, ApiError> {
    let receipt = with_outstanding(state, stored).await?;
    let mut response = (status, Json(&receipt)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/applications/{}", stored.number))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn read_receipt(row: &ApplicationRow) -> Result<Receipt, ApiError> {
    serde_json::from_str(&row.receipt).map_err(|_| {
        tracing::error!(number = %row.number, "stored receipt unreadable");
        ApiError::new(ErrorCode::Internal)
    })
}

/// An application by number (as typed or scanned), or the 404.
pub(crate) async fn application(
    state: &AppState,
    number: &str,
) -> Result<ApplicationRow, ApiError> {
    let number = ids::parse(number, NUMBER_LEN).ok_or_else(not_found)?;
    state
        .storage
        .application(&number)
        .await?
        .ok_or_else(not_found)
}

/// A receipt by application number (as typed or scanned), or the 404: as stored at
/// submission, with the materials still outstanding read now.
pub async fn find(state: &AppState, number: &str) -> Result<Receipt, ApiError> {
    let row = application(state, number).await?;
    with_outstanding(state, &row).await
}

/// The receipt as stored, with the open requests read now.
async fn with_outstanding(state: &AppState, row: &ApplicationRow) -> Result<Receipt, ApiError> {
    let mut receipt = read_receipt(row)?;
    receipt.outstanding = state
        .storage
        .material_requests(&row.number)
        .await?
        .iter()
        .filter(|r| r.resolved_at.is_none())
        .map(|r| crate::routes::supplements::request_view(state, r))
        .collect();
    Ok(receipt)
}

/// The receipt of a submitted application.
#[utoipa::path(get, path = "/applications/{number}", tag = "applications",
    params(("number" = String, Path, description = "申请编号，10 个字符")),
    responses(
        (status = 200, description = "回执", body = Receipt),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let receipt = find(&state, &number).await?;
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        Json(receipt),
    )
        .into_response())
}

/// The QR code of a receipt's link: long-press to save it inside WeChat, scan it to reopen
/// the receipt.
#[utoipa::path(get, path = "/applications/{number}/qr.png", tag = "applications",
    params(("number" = String, Path, description = "申请编号")),
    responses(
        (status = 200, description = "二维码（PNG），内容是回执的链接", body = crate::routes::checklists::PngImage, content_type = "image/png"),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
    ))]
pub async fn qr(
    State(state): State<AppState>,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let receipt = find(&state, &number).await?;
    crate::routes::checklists::png_response(&receipt.url, "public, max-age=31536000, immutable")
}
