//! Drafts (草稿) of an application: saved at every step, read back after a reload with the
//! draft key the app holds (`X-Draft-Key`), and opened on another device with the resume link
//! plus a second factor (the last six characters of an ID number in the draft, or a PIN).
//! Drafts hold personal data: nothing of them is logged, and they are deleted when they
//! expire (see `purge`) or when the application is submitted.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onetrip_api::application::{
    Draft, DraftOpen, DraftRequest, DraftSave, DraftSession, ResumeFactor,
};
use onetrip_api::{ErrorCode, ErrorEnvelope, FieldError};
use onetrip_domain::application::{
    ApplicationData, ApplicationForm, MAX_VALUE_CHARS, application_form, resume_id,
};
use onetrip_domain::catalog::checklist::{Subject, UNKNOWN_SUBJECT};
use onetrip_domain::catalog::questions::Answers;

use crate::AppState;
use crate::clock::Timestamp;
use crate::error::{ApiError, ApiJson, ApiPath};
use crate::routes::{idempotency, ids};
use crate::storage::{DraftRow, Inserted};

/// Characters of a resume token: 110 random bits.
pub const TOKEN_LEN: usize = 22;
/// Characters of a draft key made by the server (on opening): 160 random bits.
const KEY_LEN: usize = 32;
/// A draft lives this long after its last save.
pub const DRAFT_DAYS: i64 = 30;
/// Wrong second factors before the draft is locked, and for how long.
const MAX_FAILED_OPENS: u32 = 5;
const LOCK_MINUTES: i64 = 15;

/// The 429 while a draft or application is locked after too many wrong second factors.
pub(crate) fn refuse_if_locked(
    locked_until: Option<Timestamp>,
    now: Timestamp,
) -> Result<(), ApiError> {
    match locked_until {
        Some(until) if until.0 > now.0 => {
            let secs = u64::try_from((until.0 - now.0) / 1000 + 1).unwrap_or(1);
            Err(ApiError::new(ErrorCode::RateLimited)
                .with_message("输错次数太多，请 15 分钟后再试。")
                .retry_after(secs))
        }
        _ => Ok(()),
    }
}

/// Does `input` match the second factor stored as `expected` (salted with `salt`)? A match
/// clears the count of wrong tries; a miss counts one, and the fifth locks for 15 minutes.
pub(crate) fn factor_matches(
    input: &str,
    salt: &str,
    expected: &str,
    failed_opens: &mut u32,
    locked_until: &mut Option<Timestamp>,
    now: Timestamp,
) -> bool {
    let factor = onetrip_domain::ident::normalize(input);
    let matches =
        factor.chars().count() <= 64 && ids::digest(&["draft-factor", salt, &factor]) == expected;
    if matches {
        *failed_opens = 0;
        *locked_until = None;
    } else {
        *failed_opens += 1;
        if *failed_opens >= MAX_FAILED_OPENS {
            *failed_opens = 0;
            *locked_until = Some(Timestamp(now.0 + LOCK_MINUTES * 60 * 1000));
        }
    }
    matches
}
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Days an audit entry is kept (the promise is at least 180).
const AUDIT_KEEP_DAYS: i64 = 365;

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound).with_message("草稿不存在或已过期（草稿保存 30 天）。")
}

fn to_json(value: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|_| ApiError::new(ErrorCode::Internal))
}

pub(crate) fn subject_parts(subject: &Subject) -> (&'static str, &str) {
    match subject {
        Subject::Bundle(code) => ("bundle", code),
        Subject::Matter(code) => ("matter", code),
    }
}

pub(crate) fn subject_of(kind: &str, code: &str) -> Option<Subject> {
    match kind {
        "bundle" => Some(Subject::Bundle(code.to_owned())),
        "matter" => Some(Subject::Matter(code.to_owned())),
        _ => None,
    }
}

/// Both consents, or the 422 naming the one missing.
pub(crate) fn require_consent(consent: onetrip_api::application::Consent) -> Result<(), ApiError> {
    let mut fields = Vec::new();
    if !consent.privacy {
        fields.push(FieldError {
            field: "consent.privacy".into(),
            code: "consent.required".into(),
        });
    }
    if !consent.sensitive {
        fields.push(FieldError {
            field: "consent.sensitive".into(),
            code: "consent.required".into(),
        });
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(fields)
            .with_message("在线办理需要您同意个人信息处理规则和敏感个人信息处理。"))
    }
}

/// The form of a situation from today's catalogue, or the 422 of its answers.
pub(crate) fn form_of(
    state: &AppState,
    subject: &Subject,
    answers: &Answers,
) -> Result<ApplicationForm, ApiError> {
    application_form(&state.catalog.catalog, subject, answers).map_err(|problems| {
        let message = if problems.iter().any(|p| p.code == UNKNOWN_SUBJECT) {
            "没有找到这个事项或一件事。"
        } else {
            "请回答每个适用的问题，并从给出的选项中选择。"
        };
        ApiError::problems(problems).with_message(message)
    })
}

/// The draft key from `X-Draft-Key`.
fn draft_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("x-draft-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty() && k.len() <= 64)
}

fn forbidden() -> ApiError {
    ApiError::new(ErrorCode::Forbidden)
}

/// A live draft by token (expired ones are as good as gone), or the 404.
async fn live(state: &AppState, token: &str) -> Result<DraftRow, ApiError> {
    let token = ids::parse(token, TOKEN_LEN).ok_or_else(not_found)?;
    let row = state.storage.draft(&token).await?.ok_or_else(not_found)?;
    if row.expires_at.0 < state.clock.now().0 {
        return Err(not_found());
    }
    Ok(row)
}

/// A live draft whose key the request holds.
pub(crate) async fn owned(
    state: &AppState,
    token: &str,
    headers: &HeaderMap,
) -> Result<DraftRow, ApiError> {
    owned_with(state, token, draft_key(headers)).await
}

/// A live draft whose key is `key` (from the header, or the page's cookie: `form_paint`).
pub(crate) async fn owned_with(
    state: &AppState,
    token: &str,
    key: Option<&str>,
) -> Result<DraftRow, ApiError> {
    let row = live(state, token).await?;
    let key = key.ok_or_else(forbidden)?;
    if ids::digest(&["draft-key", key]) != row.key_hash {
        return Err(forbidden());
    }
    Ok(row)
}

fn unreadable(token: &str) -> ApiError {
    // The token's first characters only: enough to find the row, not to open it.
    tracing::error!(token = %&token[..4.min(token.len())], "stored draft unreadable");
    ApiError::new(ErrorCode::Internal)
}

/// Bring a draft to today's catalogue: the form recomputed, answers to fields that no longer
/// exist dropped, with their labels (from the form they were saved against) to tell the user.
fn refresh(state: &AppState, row: &mut DraftRow) -> Result<Vec<String>, ApiError> {
    if row.catalog_version == state.catalog.version {
        return Ok(Vec::new());
    }
    let old: ApplicationForm =
        serde_json::from_str(&row.form).map_err(|_| unreadable(&row.token))?;
    let mut data: ApplicationData =
        serde_json::from_str(&row.data).map_err(|_| unreadable(&row.token))?;
    let subject =
        subject_of(&row.subject_kind, &row.subject_code).ok_or_else(|| unreadable(&row.token))?;
    let answers: Answers =
        serde_json::from_str(&row.answers).map_err(|_| unreadable(&row.token))?;
    // If the situation's questions changed, the form cannot be rebuilt: the draft is kept as
    // it was, and submitting will ask for the questions again.
    let Ok(form) = application_form(&state.catalog.catalog, &subject, &answers) else {
        return Ok(Vec::new());
    };
    let dropped = data
        .retain_known(&form)
        .into_iter()
        .map(|key| old.field(&key).map_or(key.clone(), |f| f.label.clone()))
        .collect();
    row.data = to_json(&data)?;
    row.form = to_json(&form)?;
    row.catalog_version.clone_from(&state.catalog.version);
    Ok(dropped)
}

fn view(state: &AppState, row: &DraftRow, dropped: Vec<String>) -> Result<Draft, ApiError> {
    let form: ApplicationForm =
        serde_json::from_str(&row.form).map_err(|_| unreadable(&row.token))?;
    let data: ApplicationData =
        serde_json::from_str(&row.data).map_err(|_| unreadable(&row.token))?;
    let (factor, factor_field) = match row.factor_kind.as_str() {
        "id" => (
            ResumeFactor::IdTail,
            resume_id(&data).and_then(|(key, _)| {
                let key = key.replace("[0]", "[]");
                form.field(&key).map(|f| f.label.clone())
            }),
        ),
        "pin" => (ResumeFactor::Pin, None),
        _ => (ResumeFactor::None, None),
    };
    // The last day it opens: the expiry instant's date in China time.
    let expires_on = Timestamp(row.expires_at.0 - 1).china_date().to_string();
    Ok(Draft {
        resume_url: state
            .config
            .public_base_url()
            .link(&format!("/apply/resume/{}", row.token)),
        qr_url: format!("/api/v1/drafts/{}/qr.png", row.token),
        token: row.token.clone(),
        saved_at: row.saved_at.to_china_rfc3339(),
        expires_on,
        form,
        data,
        factor,
        factor_field,
        dropped,
    })
}

pub(crate) fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Start an application: the situation's form, an empty draft, and the key that reads and
/// saves it (the request's Idempotency-Key itself, so a retried request gets the same key).
#[utoipa::path(post, path = "/drafts", tag = "applications",
    request_body = DraftRequest,
    params(("Idempotency-Key" = String, Header, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "每次开始申请新生成的 UUID，重试时不变；它也是这份草稿的钥匙")),
    responses(
        (status = 201, description = "已创建草稿", body = DraftSession),
        (status = 200, description = "重试：第一次创建的草稿", body = DraftSession),
        (status = 400, description = "缺少或格式错误的 Idempotency-Key，或 JSON 无法解析", body = ErrorEnvelope),
        (status = 413, description = "内容太大", body = ErrorEnvelope),
        (status = 415, description = "不是 JSON", body = ErrorEnvelope),
        (status = 422, description = "未同意个人信息处理（consent.required）、事项不存在或回答不完整", body = ErrorEnvelope),
        (status = 429, description = "提交太频繁", body = ErrorEnvelope),
        (status = 503, description = "暂时无法保存", body = ErrorEnvelope),
    ))]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<DraftRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency::key(&headers)?;
    require_consent(request.consent)?;
    let form = form_of(&state, &request.subject, &request.answers)?;
    let fingerprint = idempotency::fingerprint(&request);
    let (kind, code) = subject_parts(&request.subject);
    let now = state.clock.now();
    let row = DraftRow {
        token: ids::random(TOKEN_LEN)?,
        key_hash: ids::digest(&["draft-key", &key]),
        idempotency_key: key.clone(),
        fingerprint: fingerprint.clone(),
        subject_kind: kind.to_owned(),
        subject_code: code.to_owned(),
        answers: to_json(&request.answers)?,
        data: to_json(&ApplicationData::default())?,
        form: to_json(&form)?,
        catalog_version: state.catalog.version.clone(),
        factor_kind: String::new(),
        factor_hash: None,
        failed_opens: 0,
        locked_until: None,
        created_at: now,
        saved_at: now,
        expires_at: Timestamp(now.0 + DRAFT_DAYS * DAY_MS),
    };
    let inserted = ids::insert_fresh(
        row,
        |r| state.storage.insert_draft(r),
        |r| {
            r.token = ids::random(TOKEN_LEN)?;
            Ok(())
        },
    )
    .await?;
    let (status, stored) = match inserted {
        Inserted::New(r) => (StatusCode::CREATED, r),
        Inserted::Existing(r) if r.fingerprint == fingerprint => (StatusCode::OK, r),
        Inserted::Existing(_) => return Err(idempotency::reused()),
    };
    let draft = view(&state, &stored, Vec::new())?;
    Ok(no_store(
        (status, Json(DraftSession { key, draft })).into_response(),
    ))
}

/// A draft, read back with its key (after a reload, or on the device that opened it). If the
/// catalogue changed since the last save, answers to fields that no longer exist are dropped
/// and named in `dropped`.
#[utoipa::path(get, path = "/drafts/{token}", tag = "applications",
    params(
        ("token" = String, Path, description = "草稿令牌（续填链接中的 22 个字符）"),
        ("X-Draft-Key" = String, Header, description = "草稿钥匙：创建或验证打开时得到"),
    ),
    responses(
        (status = 200, description = "草稿", body = Draft),
        (status = 403, description = "没有草稿钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "草稿不存在或已过期", body = ErrorEnvelope),
    ))]
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(token): ApiPath<String>,
) -> Result<Response, ApiError> {
    let mut row = owned(&state, &token, &headers).await?;
    let dropped = refresh(&state, &mut row)?;
    if !dropped.is_empty() {
        state.storage.update_draft(row.clone()).await?;
    }
    let draft = view(&state, &row, dropped)?;
    Ok(no_store(Json(draft).into_response()))
}

/// 核对信息 below its top, as the app draws it: every answer with its change link, the
/// materials, the declarations and 提交申请 (which waits for the app). For the review page
/// shown before the app (`public/draft-early.js`): the answers come only to the tab holding
/// the draft's key, never in the page itself. A draft saved against an older catalogue is
/// 409: the app checks it again and says what changed.
#[utoipa::path(get, path = "/drafts/{token}/review", tag = "applications",
    params(
        ("token" = String, Path, description = "草稿令牌"),
        ("X-Draft-Key" = String, Header, description = "草稿钥匙"),
    ),
    responses(
        (status = 200, description = "核对页（HTML）", body = onetrip_api::application::DraftReview),
        (status = 403, description = "没有草稿钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "草稿不存在或已过期", body = ErrorEnvelope),
        (status = 409, description = "草稿保存后办事指南有更新", body = ErrorEnvelope),
    ))]
pub async fn review(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(token): ApiPath<String>,
) -> Result<Response, ApiError> {
    let row = owned(&state, &token, &headers).await?;
    if row.catalog_version != state.catalog.version {
        return Err(ApiError::new(ErrorCode::Conflict)
            .with_message("草稿保存后办事指南有更新，请在申请页面核对。"));
    }
    let form: ApplicationForm =
        serde_json::from_str(&row.form).map_err(|_| unreadable(&row.token))?;
    let data: ApplicationData =
        serde_json::from_str(&row.data).map_err(|_| unreadable(&row.token))?;
    let files = state.storage.files_of_draft(&row.token).await?;
    let body = onetrip_ui::review::body(&form, &data, |m| {
        files.iter().filter(|f| f.material == m).count()
    });
    let html = onetrip_ui::doc::html(&body);
    Ok(no_store(
        Json(onetrip_api::application::DraftReview { html }).into_response(),
    ))
}

/// Save everything typed so far (at every step). Incomplete answers are fine here: only what
/// could never be stored is refused (unknown fields, over-long values, too many rows). The
/// expiry moves to 30 days after this save. A PIN, when given, becomes the second factor
/// unless the draft holds an ID number.
#[utoipa::path(put, path = "/drafts/{token}", tag = "applications",
    request_body = DraftSave,
    params(
        ("token" = String, Path, description = "草稿令牌"),
        ("X-Draft-Key" = String, Header, description = "草稿钥匙"),
    ),
    responses(
        (status = 200, description = "已保存", body = Draft),
        (status = 400, description = "JSON 无法解析", body = ErrorEnvelope),
        (status = 403, description = "没有草稿钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 404, description = "草稿不存在或已过期", body = ErrorEnvelope),
        (status = 413, description = "内容太大", body = ErrorEnvelope),
        (status = 422, description = "无法保存的内容（field.unknown、field.too_long、group.too_many、pin.format）", body = ErrorEnvelope),
    ))]
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(token): ApiPath<String>,
    ApiJson(request): ApiJson<DraftSave>,
) -> Result<Response, ApiError> {
    let mut row = owned(&state, &token, &headers).await?;
    refresh(&state, &mut row)?;
    let form: ApplicationForm =
        serde_json::from_str(&row.form).map_err(|_| unreadable(&row.token))?;
    let data = request.data;
    let mut fields = storable(&form, &data);
    let pin = match request.pin.as_deref().map(str::trim) {
        Some(p) if p.len() == 6 && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.to_owned()),
        Some(_) => {
            fields.push(FieldError {
                field: "pin".into(),
                code: "pin.format".into(),
            });
            None
        }
        None => None,
    };
    if !fields.is_empty() {
        return Err(ApiError::validation(fields).with_message("有内容无法保存，请按提示修改。"));
    }
    if let Some((_, tail)) = resume_id(&data) {
        row.factor_kind = "id".into();
        row.factor_hash = Some(ids::digest(&["draft-factor", &row.token, &tail]));
    } else if let Some(pin) = pin {
        row.factor_kind = "pin".into();
        row.factor_hash = Some(ids::digest(&["draft-factor", &row.token, &pin]));
    } else if row.factor_kind == "id" {
        // The ID number was removed and no PIN given: no second factor until one is.
        row.factor_kind = String::new();
        row.factor_hash = None;
    }
    let now = state.clock.now();
    row.data = to_json(&data)?;
    row.saved_at = now;
    row.expires_at = Timestamp(now.0 + DRAFT_DAYS * DAY_MS);
    if !state.storage.update_draft(row.clone()).await? {
        return Err(not_found());
    }
    Ok(no_store(
        Json(view(&state, &row, Vec::new())?).into_response(),
    ))
}

/// What in a save could never be stored: keys the form does not have, values over the
/// longest any field allows, more rows than a group allows.
fn storable(form: &ApplicationForm, data: &ApplicationData) -> Vec<FieldError> {
    let too_long = |v: &String| v.chars().count() > MAX_VALUE_CHARS;
    let mut out = Vec::new();
    let mut push = |field: String, code: &str| {
        out.push(FieldError {
            field,
            code: code.to_owned(),
        })
    };
    for (k, v) in &data.values {
        if form.field(k).is_none_or(|f| f.group().is_some()) {
            push(k.clone(), "field.unknown");
        } else if too_long(v) {
            push(k.clone(), "field.too_long");
        }
    }
    for (g, rows) in &data.groups {
        let Some(limits) = form.section(g).and_then(|s| s.rows) else {
            push(g.clone(), "field.unknown");
            continue;
        };
        if rows.len() > usize::from(limits.max) {
            push(g.clone(), "group.too_many");
            continue;
        }
        for (i, row) in rows.iter().enumerate() {
            for (k, v) in row {
                if form.field(&format!("{g}[].{k}")).is_none() {
                    push(format!("{g}[{i}].{k}"), "field.unknown");
                } else if too_long(v) {
                    push(format!("{g}[{i}].{k}"), "field.too_long");
                }
            }
        }
    }
    out
}

/// Open a draft on another device: the resume link's token plus the second factor. Each
/// success issues a new key (the other device's key stops working); five wrong tries lock the
/// draft for 15 minutes.
#[utoipa::path(post, path = "/drafts/{token}/open", tag = "applications",
    request_body = DraftOpen,
    params(("token" = String, Path, description = "草稿令牌")),
    responses(
        (status = 200, description = "验证通过：草稿和新的草稿钥匙", body = DraftSession),
        (status = 404, description = "草稿不存在或已过期", body = ErrorEnvelope),
        (status = 422, description = "验证信息不对（draft.factor_wrong）或还没有设置（draft.no_factor）", body = ErrorEnvelope),
        (status = 429, description = "输错太多次，暂时锁定", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn open(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    ApiJson(request): ApiJson<DraftOpen>,
) -> Result<Response, ApiError> {
    let mut row = live(&state, &token).await?;
    let now = state.clock.now();
    refuse_if_locked(row.locked_until, now)?;
    let Some(expected) = row.factor_hash.clone() else {
        return Err(ApiError::new(ErrorCode::Validation)
            .with_field("factor", "draft.no_factor")
            .with_message("这份草稿还没有设置验证信息。"));
    };
    let salt = row.token.clone();
    let (failed, locked) = (&mut row.failed_opens, &mut row.locked_until);
    if !factor_matches(&request.factor, &salt, &expected, failed, locked, now) {
        state.storage.update_draft(row).await?;
        return Err(ApiError::new(ErrorCode::Validation)
            .with_field("factor", "draft.factor_wrong")
            .with_message("验证信息不对，请核对后再试。"));
    }
    let key = ids::random(KEY_LEN)?;
    row.key_hash = ids::digest(&["draft-key", &key]);
    let dropped = refresh(&state, &mut row)?;
    if !state.storage.update_draft(row.clone()).await? {
        return Err(not_found());
    }
    let draft = view(&state, &row, dropped)?;
    Ok(no_store(Json(DraftSession { key, draft }).into_response()))
}

/// The QR code of a draft's resume link (the token only: no personal data), to scan with
/// another phone. Opening still needs the second factor.
#[utoipa::path(get, path = "/drafts/{token}/qr.png", tag = "applications",
    params(("token" = String, Path, description = "草稿令牌")),
    responses(
        (status = 200, description = "二维码（PNG），内容是续填链接", body = crate::routes::checklists::PngImage, content_type = "image/png"),
        (status = 404, description = "草稿不存在或已过期", body = ErrorEnvelope),
    ))]
pub async fn qr(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Response, ApiError> {
    let row = live(&state, &token).await?;
    let url = state
        .config
        .public_base_url()
        .link(&format!("/apply/resume/{}", row.token));
    crate::routes::checklists::png_response(&url, "private, max-age=3600")
}

/// Delete expired drafts every ten minutes and orphaned documents once a day, for as long as
/// the server runs.
pub async fn purge(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    let mut ticks: u64 = 0;
    loop {
        every.tick().await;
        if let Err(e) = purge_once(&state).await {
            tracing::warn!(error = %e, "could not purge expired drafts");
        }
        // Orphaned documents once a day (the first, an hour after start): listing the store
        // costs more than a query.
        if ticks % 144 == 6
            && let Err(e) =
                crate::routes::files::sweep_orphans(&state, crate::routes::files::ORPHAN_GRACE)
                    .await
        {
            tracing::warn!(error = %e, "could not list the documents to sweep orphans");
        }
        ticks += 1;
    }
}

/// Delete expired drafts and the documents uploaded to them (rows, then bytes); returns how
/// many drafts went.
pub async fn purge_once(state: &AppState) -> Result<u64, crate::storage::StorageError> {
    let now = state.clock.now();
    let objects = state.storage.purge_draft_files(now).await?;
    for object in &objects {
        use object_store::ObjectStoreExt;
        let path = object_store::path::Path::from(object.as_str());
        if let Err(e) = state.files.delete(&path).await {
            tracing::warn!(error = %e, "could not delete an expired draft's document");
        }
    }
    let drafts = state.storage.purge_drafts(now).await?;
    if drafts > 0 || !objects.is_empty() {
        tracing::info!(drafts, documents = objects.len(), "expired drafts deleted");
    }
    // The audit log is kept for a year (at least 180 days are promised), with ended sessions.
    let before = crate::clock::Timestamp(now.0 - AUDIT_KEEP_DAYS * DAY_MS);
    let audits = state.storage.purge_audit(before).await?;
    if audits > 0 {
        tracing::info!(entries = audits, "audit entries older than a year deleted");
    }
    Ok(drafts)
}

/// 重新申请: after 不予受理 or 撤回, a new draft with the earlier situation and answers (the
/// declarations and the 容缺 commitments are given again; documents are uploaded again), for
/// the holder of the application's key. Its key is the request's Idempotency-Key.
#[utoipa::path(post, path = "/applications/{number}/restart", tag = "applications",
    params(("number" = String, Path, description = "申请编号"),
           ("X-Application-Key" = String, Header, description = "申请的钥匙"),
           ("Idempotency-Key" = String, Header, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", description = "这次操作的唯一标识，也是新草稿的钥匙")),
    responses(
        (status = 201, description = "新草稿，已带入原来的回答", body = DraftSession),
        (status = 403, description = "没有钥匙或钥匙不对", body = ErrorEnvelope),
        (status = 409, description = "这份申请还在办理，不能重新申请", body = ErrorEnvelope),
    ))]
pub async fn restart(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let key = idempotency::key(&headers)?;
    let app = crate::routes::supplements::owned_application(&state, &number, &headers).await?;
    if !matches!(app.status.as_str(), "not_accepted" | "withdrawn") {
        return Err(
            ApiError::new(ErrorCode::Conflict).with_message("这份申请还在办理，不能重新申请。")
        );
    }
    let subject = subject_of(&app.subject_kind, &app.subject_code)
        .ok_or_else(|| ApiError::new(ErrorCode::Internal))?;
    let answers: Answers =
        serde_json::from_str(&app.answers).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    let form = form_of(&state, &subject, &answers)?;
    let mut data: ApplicationData =
        serde_json::from_str(&app.data).map_err(|_| ApiError::new(ErrorCode::Internal))?;
    data.declarations.clear();
    data.deferred.clear();
    let now = state.clock.now();
    let fingerprint = ids::digest(&["restart", &app.number]);
    let row = DraftRow {
        token: ids::random(TOKEN_LEN)?,
        key_hash: ids::digest(&["draft-key", &key]),
        idempotency_key: key.clone(),
        fingerprint: fingerprint.clone(),
        subject_kind: app.subject_kind.clone(),
        subject_code: app.subject_code.clone(),
        answers: app.answers.clone(),
        data: to_json(&data)?,
        form: to_json(&form)?,
        catalog_version: state.catalog.version.clone(),
        factor_kind: String::new(),
        factor_hash: None,
        failed_opens: 0,
        locked_until: None,
        created_at: now,
        saved_at: now,
        expires_at: Timestamp(now.0 + DRAFT_DAYS * DAY_MS),
    };
    let inserted = ids::insert_fresh(
        row,
        |r| state.storage.insert_draft(r),
        |r| {
            r.token = ids::random(TOKEN_LEN)?;
            Ok(())
        },
    )
    .await?;
    let (status, mut stored) = match inserted {
        Inserted::New(r) => (StatusCode::CREATED, r),
        Inserted::Existing(r) if r.fingerprint == fingerprint => (StatusCode::OK, r),
        Inserted::Existing(_) => return Err(idempotency::reused()),
    };
    // A catalogue changed since: what it no longer asks is dropped, as when a draft is read.
    let dropped = refresh(&state, &mut stored)?;
    if !dropped.is_empty() {
        state.storage.update_draft(stored.clone()).await?;
    }
    let draft = view(&state, &stored, dropped)?;
    Ok(no_store(
        (status, Json(DraftSession { key, draft })).into_response(),
    ))
}
