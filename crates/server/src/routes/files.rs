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
use onetrip_api::application::FileRecord;
use onetrip_api::{ErrorCode, ErrorEnvelope};
use onetrip_domain::catalog::checklist::{ChecklistMaterial, Need, checklist};
use onetrip_domain::catalog::questions::Answers;
use onetrip_domain::files::{self, declared_type};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::AppState;
use crate::error::{ApiError, ApiPath};
use crate::routes::drafts::{owned, subject_of};
use crate::routes::{idempotency, ids};
use crate::storage::{DraftRow, FileRow, Inserted};
use crate::uploads::{self, Refused};

/// Characters of a file id after its `F`.
const ID_LEN: usize = 15;
/// Files per slot of a material.
const MAX_FILES_PER_SLOT: usize = 20;

fn record(row: &FileRow) -> FileRecord {
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
        url: format!("/api/v1/drafts/{}/files/{}", row.draft_token, row.id),
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

fn bad(field: &str, code: &str) -> ApiError {
    ApiError::new(ErrorCode::Validation).with_field(field, code)
}

/// The materials this draft's situation asks the applicant to supply (not 免提交).
fn materials_of(state: &AppState, draft: &DraftRow) -> Result<Vec<ChecklistMaterial>, ApiError> {
    let subject = subject_of(&draft.subject_kind, &draft.subject_code)
        .ok_or_else(|| ApiError::new(ErrorCode::Internal))?;
    let answers: Answers =
        serde_json::from_str(&draft.answers).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    let list = checklist(&state.catalog.catalog, &subject, &answers).map_err(|_| {
        ApiError::new(ErrorCode::Validation).with_message("办事指南已更新，请重新回答问题。")
    })?;
    Ok(list
        .materials
        .into_iter()
        .filter(|m| m.need != Need::Shared)
        .collect())
}

/// Upload one document to a draft: fields `material` (its key), `slot` (`front`, `back` for
/// the two sides of an identity card, otherwise `pages`) and `file`, in that order.
#[utoipa::path(post, path = "/drafts/{token}/files", tag = "applications",
    params(
        ("token" = String, Path, description = "草稿令牌"),
        ("X-Draft-Key" = String, Header, description = "草稿钥匙"),
        ("Idempotency-Key" = String, Header, description = "每个文件新生成的 UUID，重试时不变"),
    ),
    request_body(content_type = "multipart/form-data", description = "material、slot、file 三个字段"),
    responses(
        (status = 201, description = "已检查并保存", body = FileRecord),
        (status = 200, description = "重试：第一次保存的文件", body = FileRecord),
        (status = 400, description = "缺少字段或 Idempotency-Key", body = ErrorEnvelope),
        (status = 403, description = "没有草稿钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "草稿不存在或已过期", body = ErrorEnvelope),
        (status = 413, description = "超过这份材料的大小限制", body = ErrorEnvelope),
        (status = 422, description = "类型不符或不允许、无法解码、像素或页数太多、PDF 含脚本等（file.*）、不需要这份材料", body = ErrorEnvelope),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(token): ApiPath<String>,
    mut multipart: Multipart,
) -> Result<Response, ApiError> {
    let key = idempotency::key(&headers)?;
    let draft = owned(&state, &token, &headers).await?;
    let mut material: Option<String> = None;
    let mut slot: Option<String> = None;
    let mut upload: Option<(
        tempfile_path::TempPath,
        u64,
        String,
        Option<onetrip_domain::catalog::FileType>,
    )> = None;
    let materials = materials_of(&state, &draft)?;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| ApiError::new(ErrorCode::BadRequest))?
    {
        match field.name().unwrap_or_default() {
            "material" => {
                material = Some(
                    field
                        .text()
                        .await
                        .map_err(|_| ApiError::new(ErrorCode::BadRequest))?
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
                        .map_err(|_| ApiError::new(ErrorCode::BadRequest))?
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
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|_| ApiError::new(ErrorCode::PayloadTooLarge))?
                {
                    size += chunk.len() as u64;
                    if size > limit {
                        // Refused while reading: the rest is never read.
                        return Err(ApiError::new(ErrorCode::PayloadTooLarge)
                            .with_field("file", files::TOO_LARGE)
                            .with_message("文件太大，超过这份材料的大小限制。照片请压缩后上传。"));
                    }
                    hash.update(&chunk);
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
            _ => {}
        }
    }
    let material = material.ok_or_else(|| bad("material", "field.required"))?;
    let def = materials
        .iter()
        .find(|m| m.key == material)
        .ok_or_else(|| bad("material", files::MATERIAL_UNKNOWN))?;
    let slot = slot.unwrap_or_else(|| "pages".to_owned());
    let slots: &[&str] = if def.both_sides {
        &["front", "back"]
    } else {
        &["pages"]
    };
    if !slots.contains(&slot.as_str()) {
        return Err(bad("slot", files::SLOT_UNKNOWN));
    }
    let (path, _size, digest, declared) = upload.ok_or_else(|| bad("file", files::EMPTY))?;
    let existing = state.storage.files_of_draft(&draft.token).await?;
    let in_slot = existing
        .iter()
        .filter(|f| f.material == material && f.slot == slot)
        .count();
    if in_slot >= MAX_FILES_PER_SLOT {
        return Err(bad("file", "group.too_many"));
    }
    // Decoding is memory-hungry: a few at a time, whatever the number of uploads.
    let permit = state
        .upload_permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| ApiError::new(ErrorCode::Unavailable))?;
    let mut bytes = Vec::new();
    tokio::fs::File::open(path.path())
        .await
        .map_err(|_| ApiError::new(ErrorCode::Internal))?
        .read_to_end(&mut bytes)
        .await
        .map_err(|_| ApiError::new(ErrorCode::Internal))?;
    drop(path);
    let (types, max_pages) = (def.types.clone(), def.max_pages);
    let processed = tokio::task::spawn_blocking(move || {
        let r = uploads::process(&bytes, declared, &types, max_pages);
        drop(permit);
        r
    })
    .await
    .map_err(|_| ApiError::new(ErrorCode::Internal))?
    .map_err(refused)?;
    let object = format!("files/{}", ids::random(26)?);
    let row = FileRow {
        id: format!("F{}", ids::random(ID_LEN)?),
        idempotency_key: key,
        draft_token: draft.token.clone(),
        application: None,
        material,
        slot,
        position: u32::try_from(in_slot).unwrap_or(u32::MAX),
        content_type: processed.content_type.to_owned(),
        bytes: processed.bytes.len() as u64,
        sha256: digest,
        pages: processed.pages,
        width: processed.width,
        height: processed.height,
        object: object.clone(),
        created_at: state.clock.now(),
    };
    let inserted = ids::insert_fresh(
        row,
        |r| state.storage.insert_file(r),
        |r| {
            r.id = format!("F{}", ids::random(ID_LEN)?);
            Ok(())
        },
    )
    .await?;
    let (status, stored) = match inserted {
        Inserted::New(r) => {
            // The row names the object; the object is written before the answer, so an
            // acknowledged upload always has its bytes.
            state
                .files
                .put(&ObjectPath::from(object), processed.bytes.into())
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "cannot store an uploaded file");
                    ApiError::new(ErrorCode::Unavailable).retry_after(5)
                })?;
            (StatusCode::CREATED, r)
        }
        Inserted::Existing(r) if r.draft_token == draft.token => (StatusCode::OK, r),
        Inserted::Existing(_) => return Err(idempotency::reused()),
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
    if row.draft_token != draft.token {
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
    let bytes = state
        .files
        .get(&ObjectPath::from(row.object.as_str()))
        .await
        .map_err(|_| ApiError::new(ErrorCode::NotFound))?
        .bytes()
        .await
        .map_err(|_| ApiError::new(ErrorCode::Unavailable))?;
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
