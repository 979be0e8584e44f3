//! Stored one-time checklists (一次性告知单): computed by the domain from a situation, kept under
//! a short random id, shared as a link and a QR code. They hold the situational answers only,
//! never personal data; even so the answers are never logged.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onetrip_api::catalog::{ChecklistRecord, ChecklistRequest};
use onetrip_api::{ErrorCode, ErrorEnvelope};
use onetrip_domain::catalog::checklist::{Checklist, UNKNOWN_SUBJECT, checklist};
use onetrip_domain::catalog::questions::Answers;
use utoipa::ToSchema;

use crate::AppState;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::routes::drafts::{subject_of, subject_parts};
use crate::routes::{idempotency, ids};
use crate::storage::{ChecklistRow, Inserted};

const ID_LEN: usize = 10;

fn new_id() -> Result<String, ApiError> {
    ids::random(ID_LEN)
}

/// A checklist id as typed or scanned, or `None` when it cannot be one.
pub fn parse_id(text: &str) -> Option<String> {
    ids::parse(text, ID_LEN)
}

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound).with_message("没有找到这份告知单，请检查链接或编号。")
}

/// JSON text for a column; serialising our own types does not fail, but is not unwrapped.
fn to_json(value: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|_| ApiError::new(ErrorCode::Internal))
}

/// A stored row as the API shows it, with `changed` from recomputing its situation against the
/// catalogue loaded now.
fn record_of(state: &AppState, row: ChecklistRow) -> Result<ChecklistRecord, ApiError> {
    let unreadable = |what: &str| {
        // The id only: the row's answers stay out of the log.
        tracing::error!(id = %row.id, what, "stored checklist unreadable");
        ApiError::new(ErrorCode::Internal)
    };
    let stored: Checklist =
        serde_json::from_str(&row.checklist).map_err(|_| unreadable("checklist"))?;
    let answers: Answers = serde_json::from_str(&row.answers).map_err(|_| unreadable("answers"))?;
    let subject =
        subject_of(&row.subject_kind, &row.subject_code).ok_or_else(|| unreadable("subject"))?;
    let changed =
        checklist(&state.catalog.catalog, &subject, &answers).map_or(true, |now| now != stored);
    Ok(ChecklistRecord {
        url: state
            .config
            .public_base_url()
            .link(&format!("/c/{}", row.id)),
        qr_url: format!("/api/v1/checklists/{}/qr.png", row.id),
        id: row.id,
        created_at: row.created_at.to_china_rfc3339(),
        catalog_version: row.catalog_version,
        checklist: stored,
        answers,
        changed,
    })
}

/// A stored checklist by id (as typed or scanned), or the 404.
pub async fn record(state: &AppState, id: &str) -> Result<ChecklistRecord, ApiError> {
    let id = parse_id(id).ok_or_else(not_found)?;
    let row = state.storage.checklist(&id).await?.ok_or_else(not_found)?;
    record_of(state, row)
}

/// Compute the checklist for a situation and keep it under a short id for its link and QR
/// code. Retrying with the same `Idempotency-Key` and body returns the first checklist.
#[utoipa::path(post, path = "/checklists", tag = "checklists",
    request_body = ChecklistRequest,
    params(("Idempotency-Key" = String, Header, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "每次提交新生成的 UUID，重试时不变")),
    responses(
        (status = 201, description = "已生成并保存告知单", body = ChecklistRecord,
         headers(("Location" = String, description = "这份告知单的地址"))),
        (status = 200, description = "重试：第一次生成的告知单", body = ChecklistRecord),
        (status = 400, description = "缺少或格式错误的 Idempotency-Key，或 JSON 无法解析", body = ErrorEnvelope),
        (status = 403, description = "跨站请求", body = ErrorEnvelope),
        (status = 413, description = "内容太大", body = ErrorEnvelope),
        (status = 415, description = "不是 JSON", body = ErrorEnvelope),
        (status = 422, description = "没有这个事项或一件事（subject.unknown），回答不完整或不对（answers.missing、answers.unknown_option、answers.not_applicable、answers.unknown_question），或同一个 Idempotency-Key 提交了不同内容", body = ErrorEnvelope),
        (status = 429, description = "提交太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
        (status = 503, description = "暂时无法保存", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ChecklistRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency::key(&headers)?;
    let computed = checklist(&state.catalog.catalog, &request.subject, &request.answers).map_err(
        |problems| {
            let message = if problems.iter().any(|p| p.code == UNKNOWN_SUBJECT) {
                "没有找到这个事项或一件事。"
            } else {
                "请回答每个适用的问题，并从给出的选项中选择。"
            };
            ApiError::problems(problems).with_message(message)
        },
    )?;
    let fingerprint = idempotency::fingerprint(&request);
    let (kind, code) = subject_parts(&request.subject);
    let row = ChecklistRow {
        id: new_id()?,
        idempotency_key: key,
        fingerprint: fingerprint.clone(),
        subject_kind: kind.to_owned(),
        subject_code: code.to_owned(),
        answers: to_json(&request.answers)?,
        catalog_version: state.catalog.version.clone(),
        checklist: to_json(&computed)?,
        created_at: state.clock.now(),
    };
    let inserted = ids::insert_fresh(
        row,
        |r| state.storage.insert_checklist(r),
        |r| {
            r.id = new_id()?;
            Ok(())
        },
    )
    .await?;
    let (status, stored) = match inserted {
        Inserted::New(r) => (StatusCode::CREATED, r),
        Inserted::Existing(r) if r.fingerprint == fingerprint => (StatusCode::OK, r),
        Inserted::Existing(_) => return Err(idempotency::reused()),
    };
    let record = record_of(&state, stored)?;
    let mut response = (status, Json(&record)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/checklists/{}", record.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A stored checklist, exactly as it was computed, and whether the catalogue has changed since
/// in a way that would change it.
#[utoipa::path(get, path = "/checklists/{id}", tag = "checklists",
    params(("id" = String, Path, description = "告知单编号，10 个字符，例如 7KQ2M9XA3T")),
    responses(
        (status = 200, description = "告知单", body = ChecklistRecord),
        (status = 400, description = "地址有误", body = ErrorEnvelope),
        (status = 404, description = "没有这份告知单", body = ErrorEnvelope),
        (status = 429, description = "请求太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
        (status = 503, description = "暂时无法读取", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn get(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let record = record(&state, &id).await?;
    // `changed` follows the catalogue, so the answer is fetched again each time.
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        Json(record),
    )
        .into_response())
}

/// PNG 图片。
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PngImage(#[allow(dead_code)] Vec<u8>);

/// The QR code of a checklist's link (`{PUBLIC_BASE_URL}/c/{id}` and nothing else), to print
/// or show on another screen.
#[utoipa::path(get, path = "/checklists/{id}/qr.png", tag = "checklists",
    params(("id" = String, Path, description = "告知单编号")),
    responses(
        (status = 200, description = "二维码（PNG），内容是告知单的链接", body = PngImage, content_type = "image/png",
         headers(("Cache-Control" = String, description = "长期缓存：同一编号的二维码不会变"))),
        (status = 400, description = "地址有误", body = ErrorEnvelope),
        (status = 404, description = "没有这份告知单", body = ErrorEnvelope),
        (status = 429, description = "请求太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
        (status = 503, description = "暂时无法读取", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn qr(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id).ok_or_else(not_found)?;
    let row = state.storage.checklist(&id).await?.ok_or_else(not_found)?;
    let url = state
        .config
        .public_base_url()
        .link(&format!("/c/{}", row.id));
    png_response(&url, "public, max-age=31536000, immutable")
}

/// A PNG of the QR code of `url`, with its cache policy.
pub fn png_response(url: &str, cache: &'static str) -> Result<Response, ApiError> {
    let png = crate::qr::png(url).map_err(|e| {
        tracing::error!(error = %e, "cannot draw a QR code");
        ApiError::new(ErrorCode::Internal)
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/png")),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        png,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ten_unambiguous_characters_and_read_back() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let id = new_id().unwrap();
            assert_eq!(parse_id(&id).as_deref(), Some(id.as_str()));
            assert!(!id.contains(['I', 'L', 'O', 'U']), "{id}");
            assert!(seen.insert(id));
        }
        assert_eq!(parse_id("7kq2m9xa3t").as_deref(), Some("7KQ2M9XA3T"));
        assert_eq!(parse_id("O1IL000000").as_deref(), Some("0111000000"));
        for bad in [
            "",
            "7KQ2M9XA3",
            "7KQ2M9XA3TT",
            "7KQ2M9XA3U",
            "7KQ2M9XA3-",
            "七KQ2M9XA3T",
        ] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
    }
}
