//! Documents (材料) uploaded to a draft: multipart, streamed to a temporary file with the
//! material's size limit enforced while reading, then checked and neutralised
//! (`crate::uploads`) behind a small concurrency limit, and kept in the object store under a
//! random name. Served back only to the draft's holder, as an attachment, with nosniff.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use object_store::ObjectStoreExt;
use object_store::path::Path as ObjectPath;
use onetrip_api::application::{FileOrder, FileRecord};
use onetrip_api::{ErrorCode, ErrorEnvelope};
use onetrip_domain::application::is_asked;
use onetrip_domain::catalog::checklist::{ChecklistMaterial, checklist};
use onetrip_domain::catalog::questions::Answers;
use onetrip_domain::files::{self, FileFacts, FileRules, Severity, declared_type};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::AppState;
use crate::error::{ApiError, ApiJson, ApiMultipart, ApiPath, multipart_error};
use crate::routes::drafts::{owned, subject_of};
use crate::routes::{idempotency, ids};
use crate::storage::{DraftRow, FileRow, Inserted};
use crate::uploads::{self, Refused};

/// Characters of a file id after its `F`.
const ID_LEN: usize = 15;
/// Bytes kept from the start of an upload: enough to reach a photo's frame header past its
/// EXIF block (at most 64 KiB) and a few others.
const HEAD_BYTES: usize = 256 * 1024;

/// What may be decoded at once, in megapixels of images (or megabytes of PDFs), weighed by
/// [`decode_weight`]. A megapixel costs about 5 MB while it is processed (3 bytes per pixel
/// decoded, the scaled copy, the input and the output), so decoding stays within about 150 MB:
/// one 20-megapixel photo at a time, or a dozen photos the app already made smaller.
pub const DECODE_BUDGET: u32 = 24;

/// The share of [`DECODE_BUDGET`] one upload takes: its megapixels from the image header
/// (rounded up), its megabytes for a PDF, the whole budget when the header cannot be read.
pub fn decode_weight(head: &[u8], size: u64) -> u32 {
    let pixels = files::jpeg_dimensions(head).or_else(|| files::png_dimensions(head));
    let units = match (files::sniff(head), pixels) {
        (Some(onetrip_domain::catalog::FileType::Pdf), _) => size.div_ceil(1_000_000),
        (_, Some((w, h))) => (u64::from(w) * u64::from(h)).div_ceil(1_000_000),
        _ => u64::from(DECODE_BUDGET),
    };
    u32::try_from(units)
        .unwrap_or(DECODE_BUDGET)
        .clamp(1, DECODE_BUDGET)
}

/// Files per slot of a material.
const MAX_FILES_PER_SLOT: usize = 20;

/// The owner's view of a file: its address under the application once it has one, under its
/// draft before.
pub(crate) fn record(row: &FileRow) -> FileRecord {
    let url = match (&row.application, &row.draft_token) {
        (Some(number), _) => format!("/api/v1/applications/{number}/files/{}", row.id),
        (None, Some(token)) => format!("/api/v1/drafts/{token}/files/{}", row.id),
        (None, None) => String::new(),
    };
    FileRecord {
        id: row.id.clone(),
        material: row.material.clone(),
        slot: row.slot.clone(),
        position: row.position,
        content_type: row.content_type.clone(),
        bytes: row.bytes,
        pages: row.pages,
        width: row.width,
        height: row.height,
        sha256: row.sha256.clone(),
        url,
    }
}

fn refused(r: Refused) -> ApiError {
    let message = match r {
        Refused::TypeMismatch => "文件的实际格式与扩展名不符，请选择原始的照片或 PDF。",
        Refused::ActiveContent => {
            "这个 PDF 含有脚本或附件等内容，不能接收。请另存为普通 PDF 或拍照上传。"
        }
        Refused::Undecodable => "文件已损坏或不完整，请重新选择。",
        Refused::TooManyPixels => "照片像素太多，请用手机相机直接拍摄后上传。",
        _ => "这个文件不能接收，请按提示重新选择。",
    };
    ApiError::new(ErrorCode::Validation)
        .with_field("file", r.code())
        .with_message(message)
}

/// The words for the first error of the pre-review the server ran on the file as it stored it.
fn review_message(code: &str) -> &'static str {
    match code {
        files::TOO_SMALL_PX => {
            "照片像素太低，工作人员可能看不清。请在光线充足处靠近拍摄，或用原图重新上传。"
        }
        files::DUPLICATE => "这个文件已经上传过了，请不要重复上传同一个文件。",
        files::TOO_MANY_PAGES => "PDF 的页数超过这份材料的上限，请只保留需要的页面。",
        files::TYPE_NOT_ALLOWED => "这份材料不接受这种格式，请按提示选择照片或 PDF。",
        files::TOO_LARGE => "文件太大，超过这份材料的大小限制。照片请压缩后上传。",
        _ => "这个文件不能接收，请按提示重新选择。",
    }
}

fn bad(field: &str, code: &str) -> ApiError {
    ApiError::new(ErrorCode::Validation).with_field(field, code)
}

/// The materials a situation asks the applicant to supply (not 免提交), from today's catalogue.
pub(crate) fn asked_of(
    state: &AppState,
    subject_kind: &str,
    subject_code: &str,
    answers: &str,
) -> Result<Vec<ChecklistMaterial>, ApiError> {
    let subject =
        subject_of(subject_kind, subject_code).ok_or_else(|| ApiError::new(ErrorCode::Internal))?;
    let answers: Answers =
        serde_json::from_str(answers).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    let list = checklist(&state.catalog.catalog, &subject, &answers).map_err(|_| {
        ApiError::new(ErrorCode::Validation).with_message("办事指南已更新，请重新回答问题。")
    })?;
    Ok(list.materials.into_iter().filter(is_asked).collect())
}

/// The materials this draft's situation asks the applicant to supply (not 免提交).
fn materials_of(state: &AppState, draft: &DraftRow) -> Result<Vec<ChecklistMaterial>, ApiError> {
    asked_of(
        state,
        &draft.subject_kind,
        &draft.subject_code,
        &draft.answers,
    )
}

/// Where an upload goes: a draft (before submission) or an application (补交 after it), the
/// materials it may be for, and the files already there (their digests tell a file given
/// twice, their count per slot its position).
pub(crate) struct Target {
    pub draft: Option<String>,
    pub application: Option<String>,
    pub materials: Vec<ChecklistMaterial>,
    pub existing: Vec<FileRow>,
}

/// The fields of an upload (`multipart/form-data`), in this order; any other is refused.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UploadForm {
    /// 材料代码
    material: String,
    /// front、back（身份证的两面）或 pages（默认）
    slot: Option<String>,
    /// 照片或 PDF
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Upload one document to a draft: fields `material` (its key), `slot` (`front`, `back` for
/// the two sides of an identity card, otherwise `pages`) and `file`, in that order.
#[utoipa::path(post, path = "/drafts/{token}/files", tag = "applications",
    params(
        ("token" = String, Path, description = "草稿令牌"),
        ("X-Draft-Key" = String, Header, description = "草稿钥匙"),
        ("Idempotency-Key" = String, Header, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "每个文件新生成的 UUID，重试时不变"),
    ),
    request_body(content = UploadForm, content_type = "multipart/form-data", description = "material、slot、file 三个字段，依此顺序"),
    responses(
        (status = 201, description = "已检查并保存", body = FileRecord),
        (status = 200, description = "重试：第一次保存的文件", body = FileRecord),
        (status = 400, description = "缺少字段或 Idempotency-Key", body = ErrorEnvelope),
        (status = 403, description = "没有草稿钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "草稿不存在或已过期", body = ErrorEnvelope),
        (status = 413, description = "超过这份材料的大小限制", body = ErrorEnvelope),
        (status = 422, description = "类型不符或不允许、无法解码、像素或页数太多、PDF 含脚本等（file.*）、照片像素太低（file.too_small_px）、同一个文件传了两次（file.duplicate）、不需要这份材料", body = ErrorEnvelope),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(token): ApiPath<String>,
    ApiMultipart(multipart): ApiMultipart,
) -> Result<Response, ApiError> {
    let key = idempotency::key(&headers)?;
    let draft = owned(&state, &token, &headers).await?;
    let target = Target {
        materials: materials_of(&state, &draft)?,
        existing: state.storage.files_of_draft(&draft.token).await?,
        draft: Some(draft.token),
        application: None,
    };
    receive(&state, key, multipart, target).await
}

/// The one upload path, for drafts and applications alike: multipart streamed to a temporary
/// file with the material's size limit enforced while reading, checked and neutralised by
/// `uploads::process` behind the semaphore, reviewed with the domain's `files::review` on the
/// facts the server established (so a photo too small to read or a file given twice is refused
/// here as in the browser), then stored under a random name.
pub(crate) async fn receive(
    state: &AppState,
    key: String,
    mut multipart: Multipart,
    target: Target,
) -> Result<Response, ApiError> {
    // A retry of an upload already stored here: the first answer, without reading the file
    // again (and without finding it a duplicate of itself).
    if let Some(first) = target.existing.iter().find(|f| f.idempotency_key == key) {
        return Ok((StatusCode::OK, Json(record(first))).into_response());
    }
    let materials = &target.materials;
    let mut material: Option<String> = None;
    let mut slot: Option<String> = None;
    let mut upload: Option<(
        tempfile_path::TempPath,
        u64,
        String,
        Option<onetrip_domain::catalog::FileType>,
    )> = None;
    // The start of the file, where an image's dimensions are, to weigh it before decoding.
    let mut head: Vec<u8> = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name().unwrap_or_default() {
            "material" => {
                material = Some(
                    field
                        .text()
                        .await
                        .map_err(multipart_error)?
                        .chars()
                        .take(64)
                        .collect(),
                )
            }
            "slot" => {
                slot = Some(
                    field
                        .text()
                        .await
                        .map_err(multipart_error)?
                        .chars()
                        .take(16)
                        .collect(),
                )
            }
            "file" => {
                let m = material
                    .as_deref()
                    .and_then(|k| materials.iter().find(|m| m.key == k))
                    .ok_or_else(|| bad("material", files::MATERIAL_UNKNOWN))?;
                let limit = u64::from(m.max_kb) * 1024;
                let declared = declared_type(
                    field.content_type().unwrap_or_default(),
                    field.file_name().unwrap_or_default(),
                );
                let path = tempfile_path::TempPath::new(&state.config.files_dir)?;
                let mut out = tokio::fs::File::create(path.path())
                    .await
                    .map_err(|_| ApiError::new(ErrorCode::Internal))?;
                let mut size: u64 = 0;
                let mut hash = Sha256::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    size += chunk.len() as u64;
                    if size > limit {
                        // Refused while reading: the rest is never read.
                        return Err(ApiError::new(ErrorCode::PayloadTooLarge)
                            .with_field("file", files::TOO_LARGE)
                            .with_message("文件太大，超过这份材料的大小限制。照片请压缩后上传。"));
                    }
                    hash.update(&chunk);
                    if head.len() < HEAD_BYTES {
                        let take = (HEAD_BYTES - head.len()).min(chunk.len());
                        head.extend_from_slice(&chunk[..take]);
                    }
                    out.write_all(&chunk)
                        .await
                        .map_err(|_| ApiError::new(ErrorCode::Internal))?;
                }
                out.flush()
                    .await
                    .map_err(|_| ApiError::new(ErrorCode::Internal))?;
                let digest: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
                upload = Some((path, size, digest, declared));
            }
            // The app sends these three only: anything else is a mistake, not to be ignored.
            _ => return Err(bad("form", "field.unknown")),
        }
    }
    let material = material.ok_or_else(|| bad("material", "field.required"))?;
    let def = materials
        .iter()
        .find(|m| m.key == material)
        .ok_or_else(|| bad("material", files::MATERIAL_UNKNOWN))?;
    let slot = slot.unwrap_or_else(|| "pages".to_owned());
    if !files::sides(def.both_sides).contains(&slot.as_str()) {
        return Err(bad("slot", files::SLOT_UNKNOWN));
    }
    let (path, size, digest, declared) = upload.ok_or_else(|| bad("file", files::EMPTY))?;
    let in_slot = target
        .existing
        .iter()
        .filter(|f| f.material == material && f.slot == slot)
        .count();
    if in_slot >= MAX_FILES_PER_SLOT {
        return Err(bad("file", "group.too_many"));
    }
    // Decoding is memory-hungry: what is decoded at once stays within a budget, whatever the
    // number of uploads.
    let permit = state
        .upload_permits
        .clone()
        .acquire_many_owned(decode_weight(&head, size))
        .await
        .map_err(|_| ApiError::new(ErrorCode::Unavailable))?;
    let (types, max_pages) = (def.types.clone(), def.max_pages);
    // Read (one allocation of exactly the file's size) and processed on a blocking thread,
    // while the permit is held: at most a few whole files are ever in memory.
    let processed = tokio::task::spawn_blocking(move || {
        let r = match std::fs::read(path.path()) {
            Ok(bytes) => Ok(uploads::process(&bytes, declared, &types, max_pages)),
            Err(_) => Err(ApiError::new(ErrorCode::Internal)),
        };
        drop(path);
        drop(permit);
        r
    })
    .await
    .map_err(|_| ApiError::new(ErrorCode::Internal))??
    .map_err(refused)?;
    // The browser's pre-review again, on what the server established itself.
    let facts = FileFacts {
        declared,
        detected: Some(processed.file_type),
        bytes: size,
        pages: processed
            .pages
            .map(|p| u16::try_from(p).unwrap_or(u16::MAX)),
        width: processed.width,
        height: processed.height,
        sharpness: None,
        brightness: None,
        digest: digest.clone(),
    };
    let others: Vec<&str> = target.existing.iter().map(|f| f.sha256.as_str()).collect();
    let errors: Vec<String> = files::review(&FileRules::from(def), &facts, &others)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.code)
        .collect();
    if let Some(first) = errors.first() {
        let message = review_message(first);
        return Err(errors
            .iter()
            .fold(ApiError::new(ErrorCode::Validation), |e, code| {
                e.with_field("file", code)
            })
            .with_message(message));
    }
    let object = format!("files/{}", ids::random(26)?);
    let stored_bytes = processed.bytes.len() as u64;
    // The bytes first, then the row that names them: whichever instance answers, now or on a
    // retry with the same key, an acknowledged upload has its bytes in the store. A retry
    // that finds the first row drops its own copy.
    state
        .files
        .put(&ObjectPath::from(object.as_str()), processed.bytes.into())
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot store an uploaded file");
            ApiError::new(ErrorCode::Unavailable).retry_after(5)
        })?;
    let row = FileRow {
        id: format!("F{}", ids::random(ID_LEN)?),
        idempotency_key: key,
        draft_token: target.draft.clone(),
        application: target.application.clone(),
        material,
        slot,
        position: u32::try_from(in_slot).unwrap_or(u32::MAX),
        content_type: processed.content_type.to_owned(),
        bytes: stored_bytes,
        sha256: digest,
        pages: processed.pages,
        width: processed.width,
        height: processed.height,
        object: object.clone(),
        created_at: state.clock.now(),
        handed_in_at: None,
    };
    let inserted = ids::insert_fresh(
        row,
        |r| state.storage.insert_file(r),
        |r| {
            r.id = format!("F{}", ids::random(ID_LEN)?);
            Ok(())
        },
    )
    .await;
    let (status, stored) = match inserted {
        Ok(Inserted::New(r)) => (StatusCode::CREATED, r),
        Ok(Inserted::Existing(r))
            if r.draft_token == target.draft && r.application == target.application =>
        {
            forget_object(state, &object).await;
            (StatusCode::OK, r)
        }
        Ok(Inserted::Existing(_)) => {
            forget_object(state, &object).await;
            return Err(idempotency::reused());
        }
        Err(e) => {
            forget_object(state, &object).await;
            return Err(e);
        }
    };
    Ok((status, Json(record(&stored))).into_response())
}

/// The documents uploaded to a draft.
#[utoipa::path(get, path = "/drafts/{token}/files", tag = "applications",
    params(("token" = String, Path, description = "草稿令牌"), ("X-Draft-Key" = String, Header, description = "草稿钥匙")),
    responses(
        (status = 200, description = "已上传的材料", body = Vec<FileRecord>),
        (status = 403, description = "没有草稿钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "草稿不存在或已过期", body = ErrorEnvelope),
    ))]
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(token): ApiPath<String>,
) -> Result<Response, ApiError> {
    let draft = owned(&state, &token, &headers).await?;
    let rows = state.storage.files_of_draft(&draft.token).await?;
    let list: Vec<FileRecord> = rows.iter().map(record).collect();
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(list),
    )
        .into_response())
}

async fn owned_file(
    state: &AppState,
    token: &str,
    id: &str,
    headers: &HeaderMap,
) -> Result<FileRow, ApiError> {
    let draft = owned(state, token, headers).await?;
    let not_found = || ApiError::new(ErrorCode::NotFound).with_message("没有这份文件。");
    let row = state.storage.file(id).await?.ok_or_else(not_found)?;
    if row.draft_token.as_deref() != Some(draft.token.as_str()) {
        return Err(not_found());
    }
    Ok(row)
}

/// One uploaded document, to its owner only: an attachment, never rendered as a page.
#[utoipa::path(get, path = "/drafts/{token}/files/{id}", tag = "applications",
    params(("token" = String, Path, description = "草稿令牌"), ("id" = String, Path, description = "文件编号"),
           ("X-Draft-Key" = String, Header, description = "草稿钥匙")),
    responses(
        (status = 200, description = "文件（作为附件）", body = crate::routes::checklists::PngImage),
        (status = 403, description = "没有草稿钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份文件", body = ErrorEnvelope),
    ))]
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((token, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let row = owned_file(&state, &token, &id, &headers).await?;
    serve(&state, &row).await
}

/// How long stored bytes may wait for the row that names them before they count as an orphan.
/// An upload writes its bytes, then its row, milliseconds apart; an hour leaves room for any
/// instance still in the middle of one.
pub const ORPHAN_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Names asked about at once.
const SWEEP_PAGE: usize = 500;

/// Delete the stored objects that no file row names and that are older than `grace`: what a
/// crash between the bytes and the row leaves (an acknowledged upload always has its row), or
/// a crash between deleting rows and their bytes. Returns how many went. Safe on every
/// instance at once: a delete of what is already gone is no error.
pub async fn sweep_orphans(
    state: &AppState,
    grace: std::time::Duration,
) -> Result<usize, object_store::Error> {
    use futures_util::TryStreamExt;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let cutoff = i64::try_from(now.saturating_sub(grace).as_millis()).unwrap_or(i64::MAX);
    let mut listing = state.files.list(Some(&ObjectPath::from("files")));
    let (mut page, mut swept) = (Vec::new(), 0);
    while let Some(meta) = listing.try_next().await? {
        if meta.last_modified.timestamp_millis() < cutoff {
            page.push(meta.location.to_string());
        }
        if page.len() == SWEEP_PAGE {
            swept += sweep_page(state, std::mem::take(&mut page)).await;
        }
    }
    swept += sweep_page(state, page).await;
    if swept > 0 {
        tracing::info!(objects = swept, "orphaned documents deleted");
    }
    Ok(swept)
}

/// Delete the names of `page` no row names; how many went.
async fn sweep_page(state: &AppState, page: Vec<String>) -> usize {
    if page.is_empty() {
        return 0;
    }
    let linked = match state.storage.linked_objects(&page).await {
        Ok(l) => l,
        Err(e) => {
            // Not knowing which are linked, delete none.
            tracing::warn!(error = %e, "cannot sweep orphaned documents");
            return 0;
        }
    };
    let mut swept = 0;
    for name in page.iter().filter(|n| !linked.contains(n)) {
        match state.files.delete(&ObjectPath::from(name.as_str())).await {
            Ok(()) => swept += 1,
            Err(e) => tracing::warn!(error = %e, "cannot delete an orphaned document"),
        }
    }
    swept
}

/// An object no row names (a retry's copy of bytes already stored): deleted, best effort.
async fn forget_object(state: &AppState, object: &str) {
    if let Err(e) = state.files.delete(&ObjectPath::from(object)).await {
        tracing::warn!(error = %e, "could not delete an unused copy of an upload");
    }
}

/// A stored file as an attachment: never rendered as a page, never cached.
pub(crate) async fn serve(state: &AppState, row: &FileRow) -> Result<Response, ApiError> {
    // A store that cannot be reached (S3 on the network) is a 503 to retry, not a 404.
    let unavailable = |e: object_store::Error| match e {
        object_store::Error::NotFound { .. } => ApiError::new(ErrorCode::NotFound),
        e => {
            tracing::error!(error = %e, "cannot read a stored file");
            ApiError::new(ErrorCode::Unavailable).retry_after(5)
        }
    };
    let bytes = state
        .files
        .get(&ObjectPath::from(row.object.as_str()))
        .await
        .map_err(unavailable)?
        .bytes()
        .await
        .map_err(unavailable)?;
    let ext = match row.content_type.as_str() {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "pdf",
    };
    let disposition = format!(
        "attachment; filename=\"{}-{}.{ext}\"",
        row.material,
        row.position + 1
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(&row.content_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// Remove an uploaded document from a draft.
#[utoipa::path(delete, path = "/drafts/{token}/files/{id}", tag = "applications",
    params(("token" = String, Path, description = "草稿令牌"), ("id" = String, Path, description = "文件编号"),
           ("X-Draft-Key" = String, Header, description = "草稿钥匙")),
    responses(
        (status = 204, description = "已删除"),
        (status = 403, description = "没有草稿钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "没有这份文件", body = ErrorEnvelope),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath((token, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let row = owned_file(&state, &token, &id, &headers).await?;
    discard(&state, &row).await
}

/// Put the files of one side of a material in the order the applicant chose (page 1 first).
#[utoipa::path(put, path = "/drafts/{token}/files/order", tag = "applications",
    request_body = FileOrder,
    params(("token" = String, Path, description = "草稿令牌"), ("X-Draft-Key" = String, Header, description = "草稿钥匙")),
    responses(
        (status = 204, description = "已排序"),
        (status = 403, description = "没有草稿钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "草稿不存在或已过期", body = ErrorEnvelope),
        (status = 409, description = "列出的文件与这一面现在的文件不一致（files.order_mismatch），请刷新后再排", body = ErrorEnvelope),
    ))]
pub async fn order(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(token): ApiPath<String>,
    ApiJson(order): ApiJson<FileOrder>,
) -> Result<Response, ApiError> {
    let draft = owned(&state, &token, &headers).await?;
    let rows = state.storage.files_of_draft(&draft.token).await?;
    reorder(&state, &rows, order).await
}

/// Number `rows` of one side of one material in the order given, when the order names each of
/// them exactly once.
pub(crate) async fn reorder(
    state: &AppState,
    rows: &[FileRow],
    order: FileOrder,
) -> Result<Response, ApiError> {
    let mut side: Vec<&str> = rows
        .iter()
        .filter(|r| r.material == order.material && r.slot == order.slot)
        .map(|r| r.id.as_str())
        .collect();
    let mut named: Vec<&str> = order.files.iter().map(String::as_str).collect();
    side.sort_unstable();
    named.sort_unstable();
    // The list the app holds is not the one stored: the files changed since (409, as any
    // request made on a state that has moved on).
    if side.is_empty() || side != named {
        return Err(ApiError::new(ErrorCode::Conflict)
            .with_field("files", "files.order_mismatch")
            .with_message("文件列表已经变化，请刷新页面后再调整顺序。"));
    }
    state.storage.order_files(order.files).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Delete a file: its row, then its bytes.
pub(crate) async fn discard(state: &AppState, row: &FileRow) -> Result<Response, ApiError> {
    state.storage.delete_file(&row.id).await?;
    let _ = state
        .files
        .delete(&ObjectPath::from(row.object.as_str()))
        .await;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A temporary file under the files folder, deleted when dropped.
mod tempfile_path {
    use std::path::{Path, PathBuf};

    use onetrip_api::ErrorCode;

    use crate::error::ApiError;

    pub struct TempPath(PathBuf);

    impl TempPath {
        pub fn new(dir: &Path) -> Result<TempPath, ApiError> {
            let tmp = dir.join("tmp");
            std::fs::create_dir_all(&tmp).map_err(|_| ApiError::new(ErrorCode::Internal))?;
            Ok(TempPath(
                tmp.join(format!("upload-{}", uuid::Uuid::new_v4())),
            ))
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempPath {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_head(w: u16, h: u16) -> Vec<u8> {
        // SOI, then a baseline frame header (SOF0) with the dimensions.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08];
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        b
    }

    #[test]
    fn uploads_weigh_their_megapixels_or_megabytes_within_the_budget() {
        // A phone photo the app compressed: 2000 x 1500 is 3 megapixels.
        assert_eq!(decode_weight(&jpeg_head(2000, 1500), 600_000), 3);
        // A 20-megapixel original takes most of the budget; a 50-megapixel one all of it.
        assert_eq!(decode_weight(&jpeg_head(5472, 3648), 10_000_000), 20);
        assert_eq!(
            decode_weight(&jpeg_head(8660, 5774), 10_000_000),
            DECODE_BUDGET
        );
        // A PDF by its size; an unreadable header as the worst case.
        assert_eq!(decode_weight(b"%PDF-1.7\n", 4_200_000), 5);
        assert_eq!(decode_weight(b"%PDF-1.7\n", 10), 1);
        assert_eq!(decode_weight(b"GIF89a", 10), DECODE_BUDGET);
        assert_eq!(decode_weight(&[], 0), DECODE_BUDGET);
    }
}
