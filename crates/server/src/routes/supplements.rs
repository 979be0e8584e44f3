//! After submission (容缺受理 and 补正): the materials still to supply, asked for either because
//! the applicant committed at submission to bring them later (`deferred`) or because a
//! department asked (`correction`). The device that submitted keeps its draft key as the
//! application key (`X-Application-Key`); another device opens the application with the
//! draft's second factor and gets a new key. Files go through the same upload path as a
//! draft's (`files::receive`), and a supplement hands them in: the request is resolved when
//! every side of its material has a file uploaded since it was asked for.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use onetrip_api::application::{
    ApplicationMaterials, ApplicationOpen, ApplicationSession, FileRecord, MaterialRequest,
    RequestKind, SupplementRequest,
};
use onetrip_api::{ErrorCode, ErrorEnvelope, FieldError};
use onetrip_domain::CivilDate;
use onetrip_domain::application::missing_problems;
use onetrip_domain::catalog::checklist::ChecklistMaterial;

use crate::AppState;
use crate::error::{ApiError, ApiJson, ApiMultipart, ApiPath};
use crate::routes::applications::{application, application_key_hash};
use crate::routes::drafts::{factor_matches, no_store, refuse_if_locked};
use crate::routes::files::{Target, asked_of, discard, receive, record, serve};
use crate::routes::{idempotency, ids};
use crate::storage::{ApplicationRow, FileRow, MaterialRequestRow};
use crate::workflow::{self, Extras, Who};
use onetrip_domain::workflow::Command;

/// Characters of an application key made by the server (on opening): 160 random bits.
const KEY_LEN: usize = 32;
fn forbidden() -> ApiError {
    ApiError::new(ErrorCode::Forbidden)
        .with_message("没有权限补交这份申请的材料，请在提交申请的设备上打开，或重新验证。")
}

/// An application whose key the request holds (`X-Application-Key`), or the 404/403.
pub(crate) async fn owned_application(
    state: &AppState,
    number: &str,
    headers: &HeaderMap,
) -> Result<ApplicationRow, ApiError> {
    let row = application(state, number).await?;
    let key = headers
        .get("x-application-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 64)
        .ok_or_else(forbidden)?;
    match &row.key_hash {
        Some(hash) if *hash == application_key_hash(key) => Ok(row),
        _ => Err(forbidden()),
    }
}

/// A request as the applicant (and the receipt) sees it: names of documents and departments
/// only, no personal data.
pub(crate) fn request_view(state: &AppState, r: &MaterialRequestRow) -> MaterialRequest {
    let catalog = &state.catalog.catalog;
    let def = catalog.material(&r.material);
    MaterialRequest {
        id: r.id.clone(),
        material: r.material.clone(),
        name: def.map_or_else(|| r.material.clone(), |m| m.name.clone()),
        name_en: def.map_or_else(|| r.material.clone(), |m| m.name_en.clone()),
        kind: if r.kind == "correction" {
            RequestKind::Correction
        } else {
            RequestKind::Deferred
        },
        reason: r.reason.clone(),
        department_name: r
            .department
            .as_deref()
            .and_then(|d| catalog.department(d))
            .map(|d| d.name.clone()),
        requested_at: r.requested_at.to_china_rfc3339(),
        due: r
            .due_on
            .parse::<CivilDate>()
            .unwrap_or_else(|_| r.requested_at.china_date()),
        resolved: r.resolved_at.is_some(),
    }
}

/// The materials the application's situation asks for, from today's catalogue (empty if the
/// situation's questions changed since: nothing can then be uploaded, and staff decide).
fn asked(state: &AppState, row: &ApplicationRow) -> Vec<ChecklistMaterial> {
    asked_of(state, &row.subject_kind, &row.subject_code, &row.answers).unwrap_or_default()
}

async fn view(state: &AppState, row: &ApplicationRow) -> Result<ApplicationMaterials, ApiError> {
    let requests = state.storage.material_requests(&row.number).await?;
    let asked = asked(state, row);
    let mut materials: Vec<ChecklistMaterial> = Vec::new();
    for r in &requests {
        if !materials.iter().any(|m| m.key == r.material)
            && let Some(m) = asked.iter().find(|m| m.key == r.material)
        {
            materials.push(m.clone());
        }
    }
    let files: Vec<FileRecord> = state
        .storage
        .files_of_application(&row.number)
        .await?
        .iter()
        .filter(|f| f.draft_token.is_none())
        .map(record)
        .collect();
    let receipt: onetrip_api::application::Receipt =
        serde_json::from_str(&row.receipt).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    Ok(ApplicationMaterials {
        number: row.number.clone(),
        name: receipt.name,
        name_en: receipt.name_en,
        requests: requests.iter().map(|r| request_view(state, r)).collect(),
        materials,
        files,
    })
}

/// Open an application on another device with the draft's second factor (the last six
/// characters of the ID number, or the PIN chosen when saving): a new application key, and the
/// previous device's key stops working. Five wrong tries lock it for 15 minutes.
#[utoipa::path(post, path = "/applications/{number}/open", tag = "applications",
    request_body = ApplicationOpen,
    params(("number" = String, Path, description = "申请编号")),
    responses(
        (status = 200, description = "验证通过：新的申请钥匙（X-Application-Key）", body = ApplicationSession),
        (status = 422, description = "验证信息不对，或没有这个编号（同样答 application.factor_wrong，不透露编号是否存在）；这份申请没有验证信息（application.no_factor）", body = ErrorEnvelope),
        (status = 429, description = "输错太多次，暂时锁定", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn open(
    State(state): State<AppState>,
    ApiPath(number): ApiPath<String>,
    ApiJson(request): ApiJson<ApplicationOpen>,
) -> Result<Response, ApiError> {
    let wrong = || {
        ApiError::new(ErrorCode::Validation)
            .with_field("factor", "application.factor_wrong")
            .with_message("验证信息不对，请核对后再试。")
    };
    // An unknown number answers exactly as a wrong factor: a lookup without the right second
    // factor tells nothing, not even whether the number exists.
    let mut row = application(&state, &number).await.map_err(|_| wrong())?;
    let now = state.clock.now();
    refuse_if_locked(row.locked_until, now)?;
    let (Some(expected), Some(salt)) = (row.factor_hash.clone(), row.factor_salt.clone()) else {
        return Err(ApiError::new(ErrorCode::Validation)
            .with_field("factor", "application.no_factor")
            .with_message("这份申请没有设置验证信息，请在提交申请的设备上打开，或联系受理部门。"));
    };
    let (failed, locked) = (&mut row.failed_opens, &mut row.locked_until);
    if !factor_matches(&request.factor, &salt, &expected, failed, locked, now) {
        state.storage.update_application_access(row).await?;
        return Err(wrong());
    }
    let key = ids::random(KEY_LEN)?;
    row.key_hash = Some(application_key_hash(&key));
    state.storage.update_application_access(row).await?;
    Ok(no_store(Json(ApplicationSession { key }).into_response()))
}

/// What is still to supply: every request (open ones first), the rules of each material
/// requested (for the same pre-review as before submission), and the files uploaded since
/// submission.
#[utoipa::path(get, path = "/applications/{number}/materials", tag = "applications",
    params(("number" = String, Path, description = "申请编号"),
           ("X-Application-Key" = String, Header, description = "申请钥匙：提交时的草稿钥匙，或验证打开时得到")),
    responses(
        (status = 200, description = "补交材料", body = ApplicationMaterials),
        (status = 403, description = "没有申请钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
    ))]
pub async fn materials(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let row = owned_application(&state, &number, &headers).await?;
    Ok(no_store(Json(view(&state, &row).await?).into_response()))
}

/// Upload a document for an open request (补交), as to a draft: fields `material`, `slot`,
/// `file`; the same limits, checks and pre-review.
#[utoipa::path(post, path = "/applications/{number}/files", tag = "applications",
    params(
        ("number" = String, Path, description = "申请编号"),
        ("X-Application-Key" = String, Header, description = "申请钥匙"),
        ("Idempotency-Key" = String, Header, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "每个文件新生成的 UUID，重试时不变"),
    ),
    request_body(content = crate::routes::files::UploadForm, content_type = "multipart/form-data", description = "material、slot、file 三个字段，依此顺序"),
    responses(
        (status = 201, description = "已检查并保存", body = FileRecord),
        (status = 200, description = "重试：第一次保存的文件", body = FileRecord),
        (status = 400, description = "缺少字段或 Idempotency-Key", body = ErrorEnvelope),
        (status = 403, description = "没有申请钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
        (status = 413, description = "超过这份材料的大小限制", body = ErrorEnvelope),
        (status = 422, description = "文件不能接收（file.*），或这份材料没有待补交的要求（file.material_unknown）", body = ErrorEnvelope),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
    ApiMultipart(multipart): ApiMultipart,
) -> Result<Response, ApiError> {
    let key = idempotency::key(&headers)?;
    let row = owned_application(&state, &number, &headers).await?;
    let open: Vec<String> = state
        .storage
        .material_requests(&row.number)
        .await?
        .into_iter()
        .filter(|r| r.resolved_at.is_none())
        .map(|r| r.material)
        .collect();
    let target = Target {
        materials: asked(&state, &row)
            .into_iter()
            .filter(|m| open.contains(&m.key))
            .collect(),
        existing: state.storage.files_of_application(&row.number).await?,
        draft: None,
        application: Some(row.number),
    };
    receive(&state, key, multipart, target).await
}

fn no_file() -> ApiError {
    ApiError::new(ErrorCode::NotFound).with_message("没有这份文件。")
}

/// A file of this application, to whoever holds its key.
async fn owned_file(
    state: &AppState,
    number: &str,
    id: &str,
    headers: &HeaderMap,
) -> Result<FileRow, ApiError> {
    let app = owned_application(state, number, headers).await?;
    let row = state.storage.file(id).await?.ok_or_else(no_file)?;
    if row.application.as_deref() != Some(app.number.as_str()) {
        return Err(no_file());
    }
    Ok(row)
}

/// One document of the application, to the holder of its key: an attachment.
#[utoipa::path(get, path = "/applications/{number}/files/{id}", tag = "applications",
    params(("number" = String, Path, description = "申请编号"), ("id" = String, Path, description = "文件编号"),
           ("X-Application-Key" = String, Header, description = "申请钥匙")),
    responses(
        (status = 200, description = "文件（作为附件）", body = crate::routes::checklists::PngImage),
        (status = 403, description = "没有申请钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份文件", body = ErrorEnvelope),
    ))]
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((number, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let row = owned_file(&state, &number, &id, &headers).await?;
    serve(&state, &row).await
}

/// Remove a document uploaded since submission and not handed in yet.
#[utoipa::path(delete, path = "/applications/{number}/files/{id}", tag = "applications",
    params(("number" = String, Path, description = "申请编号"), ("id" = String, Path, description = "文件编号"),
           ("X-Application-Key" = String, Header, description = "申请钥匙")),
    responses(
        (status = 204, description = "已删除"),
        (status = 403, description = "没有申请钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份文件", body = ErrorEnvelope),
        (status = 422, description = "已经提交给部门的文件不能删除（file.handed_in）", body = ErrorEnvelope),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((number, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let row = owned_file(&state, &number, &id, &headers).await?;
    if row.draft_token.is_some() || row.handed_in_at.is_some() {
        return Err(ApiError::new(ErrorCode::Validation)
            .with_field("file", "file.handed_in")
            .with_message("这份文件已经提交给部门，不能删除。"));
    }
    discard(&state, &row).await
}

/// Hand in the files uploaded for these requests (补正提交). Each request is resolved when every
/// side of its material has a file uploaded since it was asked for; otherwise nothing changes
/// and each missing side is named. Handing in a resolved request again changes nothing.
#[utoipa::path(post, path = "/applications/{number}/supplements", tag = "applications",
    request_body = SupplementRequest,
    params(("number" = String, Path, description = "申请编号"),
           ("X-Application-Key" = String, Header, description = "申请钥匙")),
    responses(
        (status = 200, description = "已提交：更新后的补交材料", body = ApplicationMaterials),
        (status = 403, description = "没有申请钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
        (status = 422, description = "还缺材料（material.missing，字段 materials.{key}[.side]）或没有这项要求（request.unknown）", body = ErrorEnvelope),
    ))]
pub async fn hand_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
    ApiJson(request): ApiJson<SupplementRequest>,
) -> Result<Response, ApiError> {
    let row = owned_application(&state, &number, &headers).await?;
    let requests = state.storage.material_requests(&row.number).await?;
    let files = state.storage.files_of_application(&row.number).await?;
    let catalog = &state.catalog.catalog;
    let mut problems: Vec<FieldError> = Vec::new();
    let mut resolve: Vec<&MaterialRequestRow> = Vec::new();
    if request.requests.is_empty() || request.requests.len() > 100 {
        problems.push(FieldError {
            field: "requests".into(),
            code: "request.unknown".into(),
        });
    }
    for (i, id) in request.requests.iter().enumerate().take(100) {
        let Some(r) = requests.iter().find(|r| &r.id == id) else {
            problems.push(FieldError {
                field: format!("requests[{i}]"),
                code: "request.unknown".into(),
            });
            continue;
        };
        if r.resolved_at.is_some() || resolve.iter().any(|q| q.id == r.id) {
            continue;
        }
        let both_sides = catalog.material(&r.material).is_some_and(|m| m.both_sides);
        let given: Vec<&str> = files
            .iter()
            .filter(|f| {
                f.draft_token.is_none()
                    && f.material == r.material
                    && f.created_at.0 >= r.requested_at.0
            })
            .map(|f| f.slot.as_str())
            .collect();
        let missing = missing_problems(&r.material, both_sides, &given);
        if missing.is_empty() {
            resolve.push(r);
        }
        problems.extend(missing.into_iter().map(FieldError::from));
    }
    if !problems.is_empty() {
        return Err(
            ApiError::validation(problems).with_message("还有材料没有上传，请按提示上传后再提交。")
        );
    }
    if !resolve.is_empty() {
        let ids = resolve.iter().map(|r| r.id.clone()).collect();
        let mut materials: Vec<String> = resolve.iter().map(|r| r.material.clone()).collect();
        materials.dedup();
        state
            .storage
            .resolve_requests(&row.number, ids, materials, state.clock.now())
            .await?;
        tracing::info!(number = %row.number, requests = resolve.len(), "supplement handed in");
        // Matters whose corrections are all in go on (needs nothing when none was waiting).
        match workflow::act(
            &state,
            &row.number,
            &Who::applicant(),
            &Command::Supplied,
            Extras::default(),
        )
        .await
        {
            Ok(_) => {}
            // Supplied before acceptance, or after the result: nothing moves.
            Err(e) if e.code == ErrorCode::Conflict => {}
            Err(e) => return Err(e),
        }
    }
    Ok(no_store(
        (StatusCode::OK, Json(view(&state, &row).await?)).into_response(),
    ))
}

/// Put the files uploaded since submission (of one side of one material, not yet handed in)
/// in the order the applicant chose.
#[utoipa::path(put, path = "/applications/{number}/files/order", tag = "applications",
    request_body = onetrip_api::application::FileOrder,
    params(("number" = String, Path, description = "申请编号"),
           ("X-Application-Key" = String, Header, description = "申请钥匙")),
    responses(
        (status = 204, description = "已排序"),
        (status = 403, description = "没有申请钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
        (status = 409, description = "列出的文件与这一面现在的文件不一致（files.order_mismatch），请刷新后再排", body = ErrorEnvelope),
    ))]
pub async fn order(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
    ApiJson(order): ApiJson<onetrip_api::application::FileOrder>,
) -> Result<Response, ApiError> {
    let application = owned_application(&state, &number, &headers).await?;
    let rows: Vec<_> = state
        .storage
        .files_of_application(&application.number)
        .await?
        .into_iter()
        .filter(|r| r.draft_token.is_none() && r.handed_in_at.is_none())
        .collect();
    crate::routes::files::reorder(&state, &rows, order).await
}
