//! Department endpoints, interim: until staff sign-in exists (issue 6: argon2 passwords,
//! sessions in cookies, roles per department, an audit log), they are guarded by one bearer
//! token from the configuration (`ONETRIP_STAFF_TOKEN`), compared in constant time. Without
//! the setting every staff endpoint answers 403.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use onetrip_api::application::{CorrectionRequest, MaterialRequest};
use onetrip_api::{ErrorCode, ErrorEnvelope, FieldError};
use onetrip_domain::application::correction_problems;

use crate::AppState;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::routes::applications::{REQUEST_ID_LEN, application};
use crate::routes::files::{asked_of, serve};
use crate::routes::ids;
use crate::routes::supplements::request_view;
use crate::storage::{Inserted, MaterialRequestRow};

/// Equal without telling how much is equal by how long it takes.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn require_staff(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let forbidden =
        || ApiError::new(ErrorCode::Forbidden).with_message("仅限部门工作人员使用，请先登录。");
    let expected = state
        .config
        .staff_token
        .as_deref()
        .filter(|t| !t.is_empty())
        .ok_or_else(forbidden)?;
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(forbidden)?;
    // Compare digests: equal lengths, so the comparison's time says nothing of the token.
    let (a, b) = (
        ids::digest(&["staff", given]),
        ids::digest(&["staff", expected]),
    );
    if same(a.as_bytes(), b.as_bytes()) {
        Ok(())
    } else {
        Err(forbidden())
    }
}

/// A department asks for a material (again), with its reason and the working days allowed
/// (补正). The material must be one the application asks for (not 免提交); the department is
/// the first that needs it.
#[utoipa::path(post, path = "/staff/applications/{number}/corrections", tag = "staff",
    request_body = CorrectionRequest,
    params(("number" = String, Path, description = "申请编号"),
           ("Authorization" = String, Header, description = "Bearer 部门令牌（临时，见 ARCHITECTURE.md）")),
    responses(
        (status = 201, description = "已通知申请人补正", body = MaterialRequest),
        (status = 403, description = "没有令牌或令牌不对，或服务器未设置令牌", body = ErrorEnvelope),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
        (status = 422, description = "材料不在这份申请里（material.unknown）、理由为空或超过 200 字、天数不在 1–30", body = ErrorEnvelope),
    ))]
pub async fn correct(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
    ApiJson(request): ApiJson<CorrectionRequest>,
) -> Result<Response, ApiError> {
    require_staff(&state, &headers)?;
    let row = application(&state, &number).await?;
    let asked = asked_of(&state, &row.subject_kind, &row.subject_code, &row.answers)?;
    let problems = correction_problems(&asked, &request.material, &request.reason, request.days);
    let Some(material) = asked
        .iter()
        .find(|m| m.key == request.material)
        .filter(|_| problems.is_empty())
    else {
        return Err(ApiError::validation(
            problems
                .into_iter()
                .map(|p| FieldError {
                    field: p.field,
                    code: p.code,
                })
                .collect(),
        )
        .with_message("补正通知有误，请按提示修改。"));
    };
    let now = state.clock.now();
    let fresh_id =
        || -> Result<String, ApiError> { Ok(format!("R{}", ids::random(REQUEST_ID_LEN)?)) };
    let request_row = MaterialRequestRow {
        id: fresh_id()?,
        application: row.number.clone(),
        material: material.key.clone(),
        kind: "correction".to_owned(),
        reason: Some(request.reason.trim().to_owned()),
        department: material.departments.first().cloned(),
        requested_at: now,
        due_on: state
            .catalog
            .calendar
            .add_working_days(now.china_date(), request.days)
            .date
            .to_string(),
        resolved_at: None,
    };
    let (Inserted::New(request_row) | Inserted::Existing(request_row)) = ids::insert_fresh(
        request_row,
        |r| {
            let storage = state.storage.clone();
            async move {
                storage.insert_material_request(r.clone()).await?;
                Ok(Inserted::New(r))
            }
        },
        |r| {
            r.id = fresh_id()?;
            Ok(())
        },
    )
    .await?;
    tracing::info!(number = %row.number, material = %request_row.material, "correction requested");
    Ok((
        StatusCode::CREATED,
        Json(request_view(&state, &request_row)),
    )
        .into_response())
}

/// Any document of an application, for the department: an attachment, nosniff, no-store.
#[utoipa::path(get, path = "/staff/applications/{number}/files/{id}", tag = "staff",
    params(("number" = String, Path, description = "申请编号"), ("id" = String, Path, description = "文件编号"),
           ("Authorization" = String, Header, description = "Bearer 部门令牌（临时）")),
    responses(
        (status = 200, description = "文件（作为附件）", body = crate::routes::checklists::PngImage),
        (status = 403, description = "没有令牌或令牌不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份文件", body = ErrorEnvelope),
    ))]
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((number, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    require_staff(&state, &headers)?;
    let app = application(&state, &number).await?;
    let row = state
        .storage
        .file(&id)
        .await?
        .filter(|f| f.application.as_deref() == Some(app.number.as_str()))
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound).with_message("没有这份文件。"))?;
    serve(&state, &row).await
}
