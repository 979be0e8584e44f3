//! What the OpenAPI document says of many operations at once, because the same layer answers
//! them: the middleware (rate limits, maintenance, the cross-site check), the extractors (a
//! body or query string that cannot be read) and the staff session. Each route documents its
//! own answers; `complete` adds these where a route has not said them in its own words.

use onetrip_domain::catalog::search::MAX_QUERY_CHARS;
use onetrip_domain::feedback::IDENTIFIER_RUN;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::AdditionalProperties;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, HeaderBuilder, Object, ObjectBuilder, OpenApi, Ref, RefOr, ResponseBuilder,
    Schema, Type,
};
use utoipa::{PartialSchema, ToSchema};

use crate::staff_auth;

/// The name of the staff session's security scheme.
pub const STAFF_SESSION: &str = "staff_session";

/// Add the shared answers to every operation, and the staff session to the staff operations.
pub fn complete(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        STAFF_SESSION,
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            staff_auth::COOKIE,
            "工作人员会话：POST /v1/staff/session 登录后设置（HttpOnly）",
        ))),
    );
    // The parameters' own schemas (`string_schema!`), which `routes!` does not collect.
    for (name, schema) in [
        (SearchText::name(), SearchText::schema()),
        (RequiredSearchText::name(), RequiredSearchText::schema()),
        (Lang::name(), Lang::schema()),
        (
            crate::routes::staff::QueueList::name(),
            crate::routes::staff::QueueList::schema(),
        ),
    ] {
        components.schemas.insert(name.into_owned(), schema);
    }
    // serde's `deny_unknown_fields` on an internally tagged enum does not reach its variants'
    // schemas: a decision with a field it does not know is refused (422).
    if let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut("StaffAction") {
        for variant in &mut one_of.items {
            if let RefOr::T(Schema::Object(object)) = variant {
                object.additional_properties =
                    Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
        }
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let methods = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ];
        for (method, operation) in methods {
            if let Some(op) = operation {
                op.operation_id = Some(operation_id(method, path));
                complete_operation(path, method, op);
            }
        }
    }
}

/// A string schema of its own, for a parameter's `value_type` (a `schema_with` would drop the
/// parameter's `required` and description).
macro_rules! string_schema {
    ($(#[$doc:meta])* $name:ident => $schema:expr) => {
        $(#[$doc])*
        pub struct $name;
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                utoipa::openapi::RefOr::T(utoipa::openapi::Schema::Object($schema))
            }
        }
        impl utoipa::ToSchema for $name {}
    };
}
pub(crate) use string_schema;

string_schema!(
    /// `search_text()`.
    SearchText => search_text()
);
string_schema!(
    /// `required_search_text()`.
    RequiredSearchText => required_search_text()
);
string_schema!(
    /// The languages of `views::locale`.
    Lang => enumeration(&["zh-CN", "zh", "en"], "zh-CN（默认）或 en")
);

/// A string that is one of `values`.
pub fn enumeration(values: &[&str], description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
        .build()
}

/// The search text where it may be left out (`GET /matters`, `/bundles`): at most 50
/// characters, and no ID or phone number (`search_text` refuses both with 422).
pub fn search_text() -> Object {
    text_schema(
        format!(r"^(?![\s\S]*{IDENTIFIER_RUN})[\s\S]{{0,{MAX_QUERY_CHARS}}}$"),
        0,
        "搜索词（选填，最多 50 个字，不能含身份证号或手机号）；有它时按相关程度排序，否则按目录顺序",
    )
}

/// The search text where it is needed (`GET /search`, `/views/search`): as `search_text`, and
/// something besides spaces.
pub fn required_search_text() -> Object {
    text_schema(
        format!(
            r"^(?=[\s\S]*[^{TRIMMED}])(?![\s\S]*{IDENTIFIER_RUN})[\s\S]{{1,{MAX_QUERY_CHARS}}}$"
        ),
        1,
        "搜索词（1 到 50 个字，不能只有空格，不能含身份证号或手机号），例如 开公司、上户口",
    )
}

/// What `str::trim` takes away (Unicode White_Space), as a character class body.
const TRIMMED: &str = r"\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

fn text_schema(pattern: String, min: usize, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length((min > 0).then_some(min))
        .max_length(Some(MAX_QUERY_CHARS))
        .pattern(Some(pattern))
        .description(Some(description))
        .build()
}

/// An operationId unique by construction, from the method and the path
/// (`get_drafts_token_qr_png`): utoipa takes the handler's name, and many handlers share one
/// (`qr`, `get`, `open`, `upload`...).
fn operation_id(method: &str, path: &str) -> String {
    let path = path.strip_prefix("/v1").unwrap_or(path);
    let mut id = method.to_owned();
    for part in path.split(|c: char| !c.is_ascii_alphanumeric()) {
        if !part.is_empty() {
            id.push('_');
            id.push_str(part);
        }
    }
    id
}

/// Whether this operation needs a signed-in member of staff: everything under `/v1/staff/`
/// but signing in and out.
fn needs_staff(path: &str) -> bool {
    path.starts_with("/v1/staff/") && path != "/v1/staff/session"
}

fn complete_operation(path: &str, method: &str, op: &mut Operation) {
    let params = op.parameters.as_deref().unwrap_or_default();
    let in_path = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let takes_input = !params.is_empty() || op.request_body.is_some();
    let body_types: Vec<&str> = op
        .request_body
        .iter()
        .flat_map(|b| b.content.keys().map(String::as_str))
        .collect();
    let has_body = !body_types.is_empty();
    let multipart = body_types.contains(&"multipart/form-data");
    let write = method != "get";
    if needs_staff(path) {
        op.security = Some(vec![SecurityRequirement::new::<_, _, &str>(
            STAFF_SESSION,
            [],
        )]);
        add(op, 401, "未登录或登录已超时（没有工作人员会话）", false);
    }
    if takes_input {
        add(
            op,
            400,
            "请求无法读取：地址、查询参数、请求头或内容的格式不对",
            false,
        );
    }
    if write {
        add(
            op,
            403,
            "从其他网站发来的请求（Sec-Fetch-Site 不是 same-origin 或 none，或 Origin 不是本站），不予处理",
            false,
        );
    }
    if in_path {
        add(op, 404, "没有找到", false);
    }
    if has_body {
        add(op, 413, "内容太大", false);
        add(
            op,
            415,
            if multipart {
                "不是 multipart/form-data"
            } else {
                "不是 JSON（Content-Type 应为 application/json）"
            },
            false,
        );
        add(op, 422, "内容有误：字段缺少、多余或类型不对", false);
    }
    add(op, 429, "请求太频繁", true);
    add(op, 503, "系统维护中或暂时不可用", true);
}

/// Document `status` with the error envelope, unless the route already has.
fn add(op: &mut Operation, status: u16, description: &str, retry_after: bool) {
    let key = status.to_string();
    if op.responses.responses.contains_key(&key) {
        return;
    }
    let mut response = ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(RefOr::Ref(Ref::from_schema_name("ErrorEnvelope"))))
            .build(),
    );
    if retry_after {
        response = response.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                )
                .description(Some("几秒后可以再试"))
                .build(),
        );
    }
    op.responses
        .responses
        .insert(key, RefOr::T(response.build()));
}
