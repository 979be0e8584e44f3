//! The one JSON error envelope of the API: `{"error": {"code", "message", "request_id", "fields"}}`.
//!
//! `code` is machine-readable and stable; `message` is a short Chinese sentence for people who
//! read raw responses (the app shows its own words for the code, in the user's language).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Machine-readable code, e.g. `not_found`, `validation`.
    pub code: String,
    /// A short explanation in Chinese.
    pub message: String,
    /// The id of the request, also in the `x-request-id` header and the server log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field validation errors (codes such as `id_number.checksum`), all at once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// One problem with one field: `field` is the canonical key (`applicant.id_number`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: String,
}

impl From<onetrip_domain::validation::FieldProblem> for FieldError {
    fn from(p: onetrip_domain::validation::FieldProblem) -> Self {
        FieldError {
            field: p.field,
            code: p.code,
        }
    }
}

/// Every envelope code the server emits, with its HTTP status and Chinese message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadRequest,
    MalformedJson,
    UnsupportedMediaType,
    PayloadTooLarge,
    Validation,
    NotFound,
    MethodNotAllowed,
    CrossSite,
    Unauthorized,
    Forbidden,
    Conflict,
    RateLimited,
    Maintenance,
    Internal,
    Unavailable,
}

impl ErrorCode {
    pub const ALL: &'static [ErrorCode] = &[
        Self::BadRequest,
        Self::MalformedJson,
        Self::UnsupportedMediaType,
        Self::PayloadTooLarge,
        Self::Validation,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::CrossSite,
        Self::Unauthorized,
        Self::Forbidden,
        Self::Conflict,
        Self::RateLimited,
        Self::Maintenance,
        Self::Internal,
        Self::Unavailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::MalformedJson => "malformed_json",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge => "payload_too_large",
            Self::Validation => "validation",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::CrossSite => "cross_site",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::Conflict => "conflict",
            Self::RateLimited => "rate_limited",
            Self::Maintenance => "maintenance",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == code)
    }

    pub fn status(self) -> u16 {
        match self {
            Self::BadRequest | Self::MalformedJson => 400,
            Self::Unauthorized => 401,
            Self::CrossSite | Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::MethodNotAllowed => 405,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::Validation => 422,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::Maintenance | Self::Unavailable => 503,
        }
    }

    /// The Chinese message carried in the envelope.
    pub fn message_zh(self) -> &'static str {
        match self {
            Self::BadRequest => "请求有误，请检查后重试。",
            Self::MalformedJson => "提交的数据格式有误，无法读取。",
            Self::UnsupportedMediaType => "只接受 JSON 格式的数据。",
            Self::PayloadTooLarge => "提交的内容太大。",
            Self::Validation => "填写的信息有误，请按提示修改。",
            Self::NotFound => "找不到您要的内容。",
            Self::MethodNotAllowed => "不支持这种请求方式。",
            Self::CrossSite => "请从一次办页面内操作。",
            Self::Unauthorized => "请先登录，或登录已超时，请重新登录。",
            Self::Forbidden => "没有权限打开，请从原来的链接进入或重新验证。",
            Self::Conflict => "办件刚刚有了变化，请刷新后再试。",
            Self::RateLimited => "操作太频繁，请稍后再试。",
            Self::Maintenance => "系统维护中，请稍后再来。",
            Self::Internal => "系统出了点问题，请稍后再试。",
            Self::Unavailable => "服务暂时不可用，请稍后再试。",
        }
    }
}

impl ErrorEnvelope {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            error: ErrorBody {
                code: code.as_str().to_owned(),
                message: code.message_zh().to_owned(),
                request_id: None,
                fields: Vec::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(*code));
            assert!((400..600).contains(&code.status()));
            assert!(!code.message_zh().is_empty());
        }
        let mut names: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }
}
