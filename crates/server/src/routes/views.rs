//! Read-only pages rendered for one language (`onetrip_ui::pages`), for the app to show as
//! they are: the home lists, 个人/法人 lists, a department, search results, a bundle, a guide
//! and a stored checklist. Each is built from the same data as the JSON resource beside it.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use onetrip_api::catalog::View;
use onetrip_api::{ErrorCode, ErrorEnvelope};
use onetrip_domain::catalog::ApplicantKind;
use onetrip_ui::doc::html;
use onetrip_ui::messages::Locale;
use onetrip_ui::pages::{self, Page};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::routes::catalog::{
    bundle_detail_of, index_of, matter_guide_of, required_query, search_results,
};

/// The language of a page.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewQuery {
    /// zh-CN（默认）或 en
    #[param(value_type = Option<crate::api_doc::Lang>)]
    pub lang: Option<String>,
}

/// `GET /views/search` query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewSearchQuery {
    /// 搜索词（1 到 50 个字）
    #[serde(default)]
    #[param(required = true, value_type = crate::api_doc::RequiredSearchText)]
    pub q: String,
    /// zh-CN（默认）或 en
    #[param(value_type = Option<crate::api_doc::Lang>)]
    pub lang: Option<String>,
}

pub(crate) fn locale(lang: Option<&str>) -> Result<Locale, ApiError> {
    match lang {
        None => Ok(Locale::Zh),
        Some(tag) => Locale::from_tag(tag).ok_or_else(|| {
            ApiError::new(ErrorCode::BadRequest)
                .with_field("lang", "lang.unknown")
                .with_message("语言只能是 zh-CN 或 en。")
        }),
    }
}

fn view(page: Page) -> Json<View> {
    Json(View {
        title: page.title,
        html: html(&page.nodes),
    })
}

/// The home page's lists: bundles (一件事), the most used matters, departments.
#[utoipa::path(get, path = "/views/home", tag = "views",
    params(ViewQuery),
    responses(
        (status = 200, description = "首页", body = View),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "语言参数有误", body = ErrorEnvelope),
    ))]
pub async fn home(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Json<View>, ApiError> {
    let l = locale(q.lang.as_deref())?;
    Ok(view(pages::home(l, &index_of(&state))))
}

/// Everything for individuals (person) or companies (company).
#[utoipa::path(get, path = "/views/for/{kind}", tag = "views",
    params(("kind" = String, Path, description = "person 或 company"), ViewQuery),
    responses(
        (status = 200, description = "个人或法人办事", body = View),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "语言参数有误", body = ErrorEnvelope),
        (status = 404, description = "没有这个分类", body = ErrorEnvelope),
    ))]
pub async fn for_whom(
    State(state): State<AppState>,
    ApiPath(kind): ApiPath<String>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Json<View>, ApiError> {
    let l = locale(q.lang.as_deref())?;
    let kind = match kind.as_str() {
        "person" => ApplicantKind::Person,
        "company" => ApplicantKind::Company,
        _ => return Err(ApiError::new(ErrorCode::NotFound)),
    };
    Ok(view(pages::for_whom(l, &index_of(&state), kind)))
}

/// One department's matters.
#[utoipa::path(get, path = "/views/departments/{code}", tag = "views",
    params(("code" = String, Path, description = "部门代码"), ViewQuery),
    responses(
        (status = 200, description = "部门的事项", body = View),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "语言参数有误", body = ErrorEnvelope),
        (status = 404, description = "没有这个部门", body = ErrorEnvelope),
    ))]
pub async fn department(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Json<View>, ApiError> {
    let l = locale(q.lang.as_deref())?;
    pages::department(l, &index_of(&state), &code)
        .map(view)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound).with_message("没有找到这个部门。"))
}

/// Search results.
#[utoipa::path(get, path = "/views/search", tag = "views",
    params(ViewSearchQuery),
    responses(
        (status = 200, description = "搜索结果", body = View),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "语言参数有误", body = ErrorEnvelope),
        (status = 422, description = "没有搜索词，超过 50 个字，或含有身份证号、手机号", body = ErrorEnvelope),
    ))]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ViewSearchQuery>,
) -> Result<Json<View>, ApiError> {
    let l = locale(q.lang.as_deref())?;
    let text = required_query(&q.q)?;
    let found = search_results(&state.catalog.catalog, text, None);
    Ok(view(pages::search(l, &found)))
}

/// A bundle's page (一件事).
#[utoipa::path(get, path = "/views/bundles/{code}", tag = "views",
    params(("code" = String, Path, description = "一件事代码"), ViewQuery),
    responses(
        (status = 200, description = "一件事", body = View),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "语言参数有误", body = ErrorEnvelope),
        (status = 404, description = "没有这件事", body = ErrorEnvelope),
    ))]
pub async fn bundle(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Json<View>, ApiError> {
    let l = locale(q.lang.as_deref())?;
    Ok(view(pages::bundle(l, &bundle_detail_of(&state, &code)?)))
}

/// A matter's service guide (办事指南).
#[utoipa::path(get, path = "/views/matters/{code}", tag = "views",
    params(("code" = String, Path, description = "事项代码"), ViewQuery),
    responses(
        (status = 200, description = "办事指南", body = View),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "语言参数有误", body = ErrorEnvelope),
        (status = 404, description = "没有这个事项", body = ErrorEnvelope),
    ))]
pub async fn matter(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Json<View>, ApiError> {
    let l = locale(q.lang.as_deref())?;
    Ok(view(pages::matter(l, &matter_guide_of(&state, &code)?)))
}

/// A stored one-time checklist (一次性告知单).
#[utoipa::path(get, path = "/views/checklists/{id}", tag = "views",
    params(("id" = String, Path, description = "告知单编号"), ViewQuery),
    responses(
        (status = 200, description = "一次性告知单", body = View),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "语言参数有误", body = ErrorEnvelope),
        (status = 404, description = "没有这份告知单", body = ErrorEnvelope),
        (status = 503, description = "暂时无法读取", body = ErrorEnvelope),
    ))]
pub async fn checklist(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Json<View>, ApiError> {
    let l = locale(q.lang.as_deref())?;
    let record = crate::routes::checklists::record(&state, &id).await?;
    Ok(view(pages::checklist(l, &record)))
}

/// The receipt of a submitted application (申请回执).
#[utoipa::path(get, path = "/views/applications/{number}", tag = "views",
    params(("number" = String, Path, description = "申请编号"), ViewQuery),
    responses(
        (status = 200, description = "申请回执", body = View),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "语言参数有误", body = ErrorEnvelope),
        (status = 404, description = "没有这份申请", body = ErrorEnvelope),
        (status = 503, description = "暂时无法读取", body = ErrorEnvelope),
    ))]
pub async fn application(
    State(state): State<AppState>,
    ApiPath(number): ApiPath<String>,
    ApiQuery(q): ApiQuery<ViewQuery>,
) -> Result<Response, ApiError> {
    let l = locale(q.lang.as_deref())?;
    let receipt = crate::routes::applications::find(&state, &number).await?;
    // What is outstanding changes: read afresh every time.
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        view(pages::receipt(l, &receipt)),
    )
        .into_response())
}
