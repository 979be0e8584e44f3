//! The one error type of the HTTP layer, mapped to the JSON envelope in one place.

use axum::extract::multipart::MultipartError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onetrip_api::{ErrorCode, ErrorEnvelope, FieldError};
use serde::de::DeserializeOwned;

use crate::storage::StorageError;

tokio::task_local! {
    /// The id of the request being served, for the envelope (set by the request-id middleware).
    pub static REQUEST_ID: String;
}

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub fields: Vec<FieldError>,
    pub retry_after_secs: Option<u64>,
    /// A more precise Chinese message than the code's own (没有找到这个事项).
    pub message: Option<&'static str>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        ApiError {
            code,
            fields: Vec::new(),
            retry_after_secs: None,
            message: None,
        }
    }
    pub fn validation(fields: Vec<FieldError>) -> Self {
        ApiError {
            fields,
            ..ApiError::new(ErrorCode::Validation)
        }
    }
    /// A 422 naming every problem the domain found, at once.
    pub fn problems(problems: Vec<onetrip_domain::validation::FieldProblem>) -> Self {
        ApiError::validation(problems.into_iter().map(FieldError::from).collect())
    }
    pub fn with_field(mut self, field: &str, code: &str) -> Self {
        self.fields.push(FieldError {
            field: field.to_owned(),
            code: code.to_owned(),
        });
        self
    }
    pub fn with_message(mut self, message: &'static str) -> Self {
        self.message = Some(message);
        self
    }
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        ApiError::new(code)
    }
}

impl From<StorageError> for ApiError {
    fn from(err: StorageError) -> Self {
        // Logged once here, at the boundary; the citizen sees a plain 503.
        tracing::error!(error = %err, "storage failure");
        let answer = ApiError::new(ErrorCode::Unavailable).retry_after(5);
        match err {
            // Nothing was kept; what the applicant typed is still on their page.
            StorageError::Full => answer.with_message(
                "系统存储空间暂时不足，这次没有保存。您填写的内容都还在，请稍后再试。",
            ),
            _ => answer,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut envelope = ErrorEnvelope::new(self.code);
        envelope.error.fields = self.fields;
        if let Some(message) = self.message {
            envelope.error.message = message.to_owned();
        }
        envelope.error.request_id = REQUEST_ID.try_with(Clone::clone).ok();
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(envelope)).into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// `Json` whose every rejection is our envelope: bad syntax 400, wrong content type 415,
/// too large 413, wrong shape or unknown fields 422.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(ApiError::new(match rejection {
                JsonRejection::JsonDataError(_) => ErrorCode::Validation,
                JsonRejection::JsonSyntaxError(_) => ErrorCode::MalformedJson,
                JsonRejection::MissingJsonContentType(_) => ErrorCode::UnsupportedMediaType,
                JsonRejection::BytesRejection(ref r)
                    if r.status() == StatusCode::PAYLOAD_TOO_LARGE =>
                {
                    ErrorCode::PayloadTooLarge
                }
                _ => ErrorCode::BadRequest,
            })),
        }
    }
}

/// `Multipart` whose rejection is our envelope: a body that is not `multipart/form-data` is
/// 415, one without a usable boundary 400.
pub struct ApiMultipart(pub Multipart);

impl<S> FromRequest<S> for ApiMultipart
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"));
        if !is_multipart {
            return Err(ApiError::new(ErrorCode::UnsupportedMediaType)
                .with_message("只接受 multipart/form-data 格式的文件上传。"));
        }
        Multipart::from_request(req, state)
            .await
            .map(ApiMultipart)
            .map_err(|_| multipart_unreadable())
    }
}

/// A multipart body that breaks off or does not parse: 400, or 413 past the body limit.
pub fn multipart_error(err: MultipartError) -> ApiError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(ErrorCode::PayloadTooLarge)
    } else {
        multipart_unreadable()
    }
}

fn multipart_unreadable() -> ApiError {
    ApiError::new(ErrorCode::BadRequest).with_message("上传的内容格式有误，无法读取，请重新上传。")
}

/// `Query` whose rejection is our envelope: a query string that does not fit (`for=robot`) is 400.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|_| {
                ApiError::new(ErrorCode::BadRequest).with_message("查询参数有误，请检查后重试。")
            })
    }
}

/// `Path` whose rejection is our envelope (a segment that is not UTF-8 is 400).
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|_| ApiError::new(ErrorCode::BadRequest))
    }
}

/// The envelope for a route under `/api` that does not exist.
pub async fn api_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound)
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(ErrorCode::MethodNotAllowed)
}

/// A panic in a handler becomes a 500 envelope; the process lives on.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError::new(ErrorCode::Internal).into_response()
}
