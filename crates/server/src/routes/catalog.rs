//! The catalogue, read-only: the index, lists, search, the service guide (办事指南) and bundle
//! pages. Every answer here is a function of the loaded catalogue and the URL, which is what
//! lets `middleware::catalogue_etag` revalidate them all in one place.

use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::HeaderName;
use onetrip_api::catalog::{
    BundleDetail, BundleMember, BundleRef, BundleSummary, CatalogIndex, DepartmentSummary,
    MatterGuide, MatterSummary, Questionnaire, SearchResults,
};
use onetrip_api::{ErrorCode, ErrorEnvelope};
use onetrip_domain::catalog::checklist::{Savings, Subject, merge_materials, typical};
use onetrip_domain::catalog::questions::{questionnaire_of, questionnaire_of_matter};
use onetrip_domain::catalog::search::{
    QUERY_EMPTY, QUERY_TOO_LONG, search as search_catalog, search_text,
};
use onetrip_domain::catalog::{ApplicantKind, Bundle, Catalog, Department, Matter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ApiPath, ApiQuery};

/// A bundle in a list, with its days and trips in the most common situation.
pub fn bundle_summary(c: &Catalog, b: &Bundle) -> BundleSummary {
    let typical = typical(c, &Subject::Bundle(b.code.clone()));
    BundleSummary {
        code: b.code.clone(),
        name: b.name.clone(),
        name_en: b.name_en.clone(),
        for_whom: b.for_whom,
        life_event: b.life_event.clone(),
        summary: b.summary.clone(),
        summary_en: b.summary_en.clone(),
        matters: b.members.iter().map(|m| m.matter.clone()).collect(),
        promised_days: typical.as_ref().map_or(0, |t| t.promised_days),
        trips: typical.as_ref().map_or(0, |t| t.trips),
    }
}

pub fn matter_summary(c: &Catalog, m: &Matter) -> MatterSummary {
    let dept = c.department(&m.department);
    MatterSummary {
        code: m.code.clone(),
        name: m.name.clone(),
        name_en: m.name_en.clone(),
        department_code: m.department.clone(),
        department: dept.map(|d| d.name.clone()).unwrap_or_default(),
        department_en: dept.map(|d| d.name_en.clone()).unwrap_or_default(),
        for_whom: m.for_whom.clone(),
        summary: m.summary.clone(),
        summary_en: m.summary_en.clone(),
        legal_days: m.legal_days,
        promised_days: m.promised_days,
        trips: m.trips,
        trip_reason: m.trip_reason.clone(),
        popular: m.popular,
    }
}

/// The catalogue's bundles (一件事), matters (事项) and departments, for the home page.
#[utoipa::path(get, path = "/catalog", tag = "catalog",
    params(IfNoneMatch),
    responses(
        (status = 200, description = "服务目录", body = CatalogIndex, headers(
            ("ETag" = String, description = "由目录版本和请求地址得出"),
            ("Cache-Control" = String, description = "no-cache：每次用 If-None-Match 确认"))),
        (status = 304, description = "未改变（If-None-Match 与 ETag 相同），没有内容"),
        (status = 429, description = "请求太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn index(State(state): State<AppState>) -> Json<CatalogIndex> {
    Json(index_of(&state))
}

/// Everything the home page lists.
pub fn index_of(state: &AppState) -> CatalogIndex {
    let c = &state.catalog.catalog;
    CatalogIndex {
        version: state.catalog.version.clone(),
        bundles: c.bundles.iter().map(|b| bundle_summary(c, b)).collect(),
        matters: c.matters.iter().map(|m| matter_summary(c, m)).collect(),
        departments: c
            .departments
            .iter()
            .map(|d| DepartmentSummary {
                code: d.code.clone(),
                name: d.name.clone(),
                name_en: d.name_en.clone(),
                matters: c.matters.iter().filter(|m| m.department == d.code).count() as u32,
            })
            .collect(),
    }
}

/// `If-None-Match`, answered by `middleware::catalogue_etag` for every catalogue read.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IfNoneMatch {
    /// 上次收到的 ETag；目录没变时回答 304
    #[param(rename = "If-None-Match")]
    if_none_match: Option<String>,
}

/// `GET /matters` query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatterListQuery {
    /// 搜索词（选填，最多 50 个字）；有它时按相关程度排序，否则按目录顺序
    #[param(value_type = Option<crate::api_doc::SearchText>)]
    pub q: Option<String>,
    /// 只列出个人（person）或法人（company）可以办的
    #[serde(rename = "for")]
    pub for_whom: Option<ApplicantKind>,
    /// 只列出这个部门的事项（部门代码）
    pub department: Option<String>,
}

/// `GET /bundles` query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BundleListQuery {
    /// 搜索词（选填，最多 50 个字）；有它时按相关程度排序，否则按目录顺序
    #[param(value_type = Option<crate::api_doc::SearchText>)]
    pub q: Option<String>,
    /// 只列出个人（person）或法人（company）的一件事
    #[serde(rename = "for")]
    pub for_whom: Option<ApplicantKind>,
}

/// `GET /search` query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// 搜索词（1 到 50 个字），例如 开公司、上户口
    #[serde(default)]
    #[param(required = true, value_type = crate::api_doc::RequiredSearchText)]
    pub q: String,
    /// 只搜个人（person）或法人（company）的
    #[serde(rename = "for")]
    pub for_whom: Option<ApplicantKind>,
}

/// `GET /api/v1/matters`: matters (事项), best first when searched.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct MatterList {
    pub matters: Vec<MatterSummary>,
}

/// `GET /api/v1/bundles`: bundles (一件事), best first when searched.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct BundleList {
    pub bundles: Vec<BundleSummary>,
}

/// The search text, trimmed: `None` when there is none, 422 when it is too long.
fn query_text(q: Option<&str>) -> Result<Option<&str>, ApiError> {
    match q.map(search_text) {
        None | Some(Err(QUERY_EMPTY)) => Ok(None),
        Some(Ok(q)) => Ok(Some(q)),
        Some(Err(code)) => Err(query_error(code)),
    }
}

/// The search text where one is required (`/search`, `/views/search`), by the domain's rule.
pub fn required_query(q: &str) -> Result<&str, ApiError> {
    search_text(q).map_err(query_error)
}

fn query_error(code: &'static str) -> ApiError {
    let message = match code {
        QUERY_EMPTY => "请输入要搜索的内容。",
        QUERY_TOO_LONG => "搜索内容太长，请不要超过 50 个字。",
        _ => "请不要在搜索框输入身份证号或手机号，输入要办的事即可。",
    };
    ApiError::new(ErrorCode::Validation)
        .with_field("q", code)
        .with_message(message)
}

fn matter_is_for(m: &Matter, for_whom: Option<ApplicantKind>) -> bool {
    for_whom.is_none_or(|k| m.for_whom.contains(&k))
}

fn bundle_is_for(b: &Bundle, for_whom: Option<ApplicantKind>) -> bool {
    for_whom.is_none_or(|k| b.for_whom == k)
}

/// Matters (事项), searched or in catalogue order, for a kind of applicant or a department.
#[utoipa::path(get, path = "/matters", tag = "catalog",
    params(MatterListQuery, IfNoneMatch),
    responses(
        (status = 200, description = "事项列表", body = MatterList, headers(
            ("ETag" = String, description = "由目录版本和请求地址得出"),
            ("Cache-Control" = String, description = "no-cache"))),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "查询参数有误（例如 for 不是 person 或 company）", body = ErrorEnvelope),
        (status = 422, description = "搜索词超过 50 个字", body = ErrorEnvelope),
        (status = 429, description = "请求太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn list_matters(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<MatterListQuery>,
) -> Result<Json<MatterList>, ApiError> {
    let c = &state.catalog.catalog;
    let q = query_text(query.q.as_deref())?;
    let in_department = |m: &&Matter| query.department.as_ref().is_none_or(|d| &m.department == d);
    let matters: Vec<&Matter> = match q {
        Some(q) => search_catalog(c, q, query.for_whom)
            .into_iter()
            .filter_map(|hit| match hit.subject {
                Subject::Matter(code) => c.matter(&code),
                Subject::Bundle(_) => None,
            })
            .filter(in_department)
            .collect(),
        None => c
            .matters
            .iter()
            .filter(|m| matter_is_for(m, query.for_whom))
            .filter(in_department)
            .collect(),
    };
    Ok(Json(MatterList {
        matters: matters.into_iter().map(|m| matter_summary(c, m)).collect(),
    }))
}

/// `GET /api/v1/banks`: the banks of 网上预约银行开户 and their branches (illustrative data).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, ToSchema)]
pub struct BankList {
    pub banks: Vec<onetrip_domain::bank::Bank>,
}

/// The banks taking part in 预约开户, each with its branches by district (address, working-day
/// hours, place), in catalogue order.
#[utoipa::path(get, path = "/banks", tag = "catalog",
    params(IfNoneMatch),
    responses(
        (status = 200, description = "开户银行及网点（示例数据）", body = BankList, headers(
            ("ETag" = String, description = "由目录版本和请求地址得出"),
            ("Cache-Control" = String, description = "no-cache"))),
        (status = 304, description = "未改变，没有内容"),
        (status = 429, description = "请求太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn list_banks(State(state): State<AppState>) -> Json<BankList> {
    Json(BankList {
        banks: state.catalog.catalog.banks.clone(),
    })
}

/// Bundles (一件事), searched or in catalogue order, for a kind of applicant.
#[utoipa::path(get, path = "/bundles", tag = "catalog",
    params(BundleListQuery, IfNoneMatch),
    responses(
        (status = 200, description = "一件事列表", body = BundleList, headers(
            ("ETag" = String, description = "由目录版本和请求地址得出"),
            ("Cache-Control" = String, description = "no-cache"))),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "查询参数有误（例如 for 不是 person 或 company）", body = ErrorEnvelope),
        (status = 422, description = "搜索词超过 50 个字", body = ErrorEnvelope),
        (status = 429, description = "请求太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn list_bundles(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<BundleListQuery>,
) -> Result<Json<BundleList>, ApiError> {
    let c = &state.catalog.catalog;
    let bundles: Vec<&Bundle> = match query_text(query.q.as_deref())? {
        Some(q) => search_catalog(c, q, query.for_whom)
            .into_iter()
            .filter_map(|hit| match hit.subject {
                Subject::Bundle(code) => c.bundle(&code),
                Subject::Matter(_) => None,
            })
            .collect(),
        None => c
            .bundles
            .iter()
            .filter(|b| bundle_is_for(b, query.for_whom))
            .collect(),
    };
    Ok(Json(BundleList {
        bundles: bundles.into_iter().map(|b| bundle_summary(c, b)).collect(),
    }))
}

const SERVER_TIMING: HeaderName = HeaderName::from_static("server-timing");

/// Bundles and matters for what people type (开公司, 上户口), best first.
#[utoipa::path(get, path = "/search", tag = "catalog",
    params(SearchQuery, IfNoneMatch),
    responses(
        (status = 200, description = "搜索结果，一件事和事项按相关程度排列", body = SearchResults, headers(
            ("ETag" = String, description = "由目录版本和请求地址得出"),
            ("Cache-Control" = String, description = "no-cache"),
            ("Server-Timing" = String, description = "search;dur=搜索用时（毫秒）"))),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "查询参数有误（例如 for 不是 person 或 company）", body = ErrorEnvelope),
        (status = 422, description = "没有搜索词，或超过 50 个字", body = ErrorEnvelope),
        (status = 429, description = "请求太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<([(HeaderName, String); 1], Json<SearchResults>), ApiError> {
    let c = &state.catalog.catalog;
    let q = required_query(&query.q)?;
    let started = Instant::now();
    let results = search_results(c, q, query.for_whom);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    Ok((
        [(SERVER_TIMING, format!("search;dur={ms:.3}"))],
        Json(results),
    ))
}

/// Bundles and matters for a query, each best first.
pub fn search_results(c: &Catalog, q: &str, for_whom: Option<ApplicantKind>) -> SearchResults {
    let mut bundles = Vec::new();
    let mut matters = Vec::new();
    for hit in search_catalog(c, q, for_whom) {
        match hit.subject {
            Subject::Bundle(code) => bundles.extend(c.bundle(&code).map(|b| bundle_summary(c, b))),
            Subject::Matter(code) => matters.extend(c.matter(&code).map(|m| matter_summary(c, m))),
        }
    }
    SearchResults {
        query: q.to_owned(),
        bundles,
        matters,
    }
}

/// A matter by code, or the 404 that says so in words.
fn find_matter<'a>(c: &'a Catalog, code: &str) -> Result<&'a Matter, ApiError> {
    c.matter(code).ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound).with_message("没有找到这个事项，请检查链接是否完整。")
    })
}

/// A bundle by code, or the 404 that says so in words.
fn find_bundle<'a>(c: &'a Catalog, code: &str) -> Result<&'a Bundle, ApiError> {
    c.bundle(code).ok_or_else(|| {
        ApiError::new(ErrorCode::NotFound).with_message("没有找到这件事，请检查链接是否完整。")
    })
}

/// A department by code; a validated catalogue always has it, so the fallback is only a guard.
fn department_of(c: &Catalog, code: &str) -> Department {
    c.department(code).cloned().unwrap_or_else(|| Department {
        code: code.to_owned(),
        name: code.to_owned(),
        name_en: code.to_owned(),
        hotline: None,
        declaration: None,
        declaration_en: None,
    })
}

/// The service guide (办事指南) of one matter: every material it may need, its form fields,
/// its situational questions and the bundles it belongs to.
#[utoipa::path(get, path = "/matters/{code}", tag = "catalog",
    params(("code" = String, Path, description = "事项代码，例如 company-registration"), IfNoneMatch),
    responses(
        (status = 200, description = "办事指南", body = MatterGuide, headers(
            ("ETag" = String, description = "由目录版本和请求地址得出"),
            ("Cache-Control" = String, description = "no-cache"))),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "地址有误", body = ErrorEnvelope),
        (status = 404, description = "没有这个事项", body = ErrorEnvelope),
        (status = 429, description = "请求太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn matter_guide(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<MatterGuide>, ApiError> {
    matter_guide_of(&state, &code).map(Json)
}

/// The guide of a matter, or the 404 for an unknown code.
pub fn matter_guide_of(state: &AppState, code: &str) -> Result<MatterGuide, ApiError> {
    let c = &state.catalog.catalog;
    let m = find_matter(c, code)?;
    Ok(MatterGuide {
        version: state.catalog.version.clone(),
        matter: m.clone(),
        department: department_of(c, &m.department),
        hotline: c.hotline(m),
        // Every use, whatever the situation; those with a condition come out `conditional`.
        materials: merge_materials(c, m.materials.iter().map(|u| (m, u))),
        fields: m
            .fields
            .iter()
            .filter_map(|f| c.field(&f.key).cloned())
            .collect(),
        questions: questionnaire_of_matter(m),
        bookable: state.catalog.halls.for_matter(&m.code).next().is_some(),
        bundles: c
            .bundles
            .iter()
            .filter(|b| b.members.iter().any(|x| x.matter == m.code))
            .map(|b| BundleRef {
                code: b.code.clone(),
                name: b.name.clone(),
                name_en: b.name_en.clone(),
            })
            .collect(),
    })
}

/// A bundle (一件事) page: its members, departments, situational questions and what doing them
/// together saves in the most common situation.
#[utoipa::path(get, path = "/bundles/{code}", tag = "catalog",
    params(("code" = String, Path, description = "一件事代码，例如 company-startup"), IfNoneMatch),
    responses(
        (status = 200, description = "一件事详情", body = BundleDetail, headers(
            ("ETag" = String, description = "由目录版本和请求地址得出"),
            ("Cache-Control" = String, description = "no-cache"))),
        (status = 304, description = "未改变，没有内容"),
        (status = 400, description = "地址有误", body = ErrorEnvelope),
        (status = 404, description = "没有这件事", body = ErrorEnvelope),
        (status = 429, description = "请求太频繁", body = ErrorEnvelope,
         headers(("Retry-After" = u64, description = "几秒后可以再试"))),
    ))]
pub async fn bundle_detail(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<BundleDetail>, ApiError> {
    bundle_detail_of(&state, &code).map(Json)
}

/// A bundle's page data, or the 404 for an unknown code.
pub fn bundle_detail_of(state: &AppState, code: &str) -> Result<BundleDetail, ApiError> {
    let c = &state.catalog.catalog;
    let b = find_bundle(c, code)?;
    let typical = typical(c, &Subject::Bundle(b.code.clone()));
    let mut departments: Vec<Department> = Vec::new();
    for m in c.bundle_matters(b) {
        if !departments.iter().any(|d| d.code == m.department) {
            departments.push(department_of(c, &m.department));
        }
    }
    Ok(BundleDetail {
        version: state.catalog.version.clone(),
        summary: bundle_summary(c, b),
        illustrative: typical.as_ref().map_or(b.illustrative, |t| t.illustrative),
        source: b.source.clone(),
        members: b
            .members
            .iter()
            .filter_map(|member| {
                c.matter(&member.matter).map(|m| BundleMember {
                    matter: matter_summary(c, m),
                    after: member.after.clone(),
                    conditional: member.when.is_some(),
                })
            })
            .collect(),
        departments,
        questions: questionnaire_of(c, b),
        savings: typical.and_then(|t| t.savings).unwrap_or(Savings {
            fields_separate: 0,
            fields_merged: 0,
            materials_separate: 0,
            materials_merged: 0,
            trips_separate: 0,
            trips_merged: 0,
            days_separate: 0,
            days_merged: 0,
        }),
    })
}

/// A bundle's situational questions (情形引导), in order, with the conditions under which each
/// is asked: all the app needs to walk them one per page.
#[utoipa::path(get, path = "/bundles/{code}/questions", tag = "catalog",
    params(("code" = String, Path, description = "一件事代码"), IfNoneMatch),
    responses(
        (status = 200, description = "情形引导的问题", body = Questionnaire),
        (status = 304, description = "未改变，没有内容"),
        (status = 404, description = "没有这件事", body = ErrorEnvelope),
    ))]
pub async fn bundle_questions(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Questionnaire>, ApiError> {
    let c = &state.catalog.catalog;
    let b = find_bundle(c, &code)?;
    Ok(Json(Questionnaire {
        subject: Subject::Bundle(b.code.clone()),
        name: b.name.clone(),
        name_en: b.name_en.clone(),
        questions: questionnaire_of(c, b),
    }))
}

/// A matter's own situational questions (often none).
#[utoipa::path(get, path = "/matters/{code}/questions", tag = "catalog",
    params(("code" = String, Path, description = "事项代码"), IfNoneMatch),
    responses(
        (status = 200, description = "情形引导的问题", body = Questionnaire),
        (status = 304, description = "未改变，没有内容"),
        (status = 404, description = "没有这个事项", body = ErrorEnvelope),
    ))]
pub async fn matter_questions(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Questionnaire>, ApiError> {
    let c = &state.catalog.catalog;
    let m = find_matter(c, &code)?;
    Ok(Json(Questionnaire {
        subject: Subject::Matter(m.code.clone()),
        name: m.name.clone(),
        name_en: m.name_en.clone(),
        questions: questionnaire_of_matter(m),
    }))
}
