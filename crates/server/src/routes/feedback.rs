use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use onetrip_api::{ErrorEnvelope, FeedbackReceipt};
use onetrip_domain::feedback::Feedback;

use crate::AppState;
use crate::error::{ApiError, ApiJson};
use crate::routes::idempotency;
use crate::storage::{FeedbackRecord, Inserted};

/// Tell us whether a page helped. Retrying with the same `Idempotency-Key` and body returns the
/// first answer; the same key with a different body is refused.
#[utoipa::path(post, path = "/feedback", tag = "feedback",
    request_body = Feedback,
    params(("Idempotency-Key" = String, Header, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "每次提交新生成的 UUID，重试时不变")),
    responses(
        (status = 201, description = "已收到", body = FeedbackReceipt),
        (status = 200, description = "重试：第一次的结果", body = FeedbackReceipt),
        (status = 400, description = "缺少或格式错误的 Idempotency-Key，或 JSON 无法解析", body = ErrorEnvelope),
        (status = 403, description = "跨站请求", body = ErrorEnvelope),
        (status = 413, description = "内容太大", body = ErrorEnvelope),
        (status = 415, description = "不是 JSON", body = ErrorEnvelope),
        (status = 422, description = "内容有误，或同一个 Idempotency-Key 提交了不同内容", body = ErrorEnvelope),
        (status = 429, description = "提交太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(feedback): ApiJson<Feedback>,
) -> Result<(StatusCode, Json<FeedbackReceipt>), ApiError> {
    let key = idempotency::key(&headers)?;
    let feedback = feedback.normalized();
    let problems = feedback.problems();
    if !problems.is_empty() {
        return Err(ApiError::problems(problems));
    }
    let fingerprint = idempotency::fingerprint(&feedback);
    let record = FeedbackRecord {
        id: key,
        fingerprint: fingerprint.clone(),
        page: feedback.page,
        useful: feedback.useful,
        comment: feedback.comment,
        created_at: state.clock.now(),
    };
    let (status, stored) = match state.storage.insert_feedback(record).await? {
        Inserted::New(r) => (StatusCode::CREATED, r),
        Inserted::Existing(r) if r.fingerprint == fingerprint => (StatusCode::OK, r),
        Inserted::Existing(_) => return Err(idempotency::reused()),
    };
    Ok((
        status,
        Json(FeedbackReceipt {
            id: stored.id,
            received_at: stored.created_at.to_china_rfc3339(),
        }),
    ))
}
