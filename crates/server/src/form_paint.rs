//! 首屏 of the application flow: a section (`/apply/s/{key}`) or the review (`/apply/review`)
//! reloaded in the middle of a draft is answered with the page's top already in it (the
//! caption with the step, 全部步骤, the heading and what follows it: `onetrip_ui::form_top`),
//! instead of 正在加载… until the 230 KB app has arrived. The app draws the same in the same
//! place when it mounts. A section's fields are drawn too, without values
//! (`onetrip_ui::form_fields`), and its app, like the review's, is downloaded when the page is
//! used (`first_paint::start_on_use`): reading a step costs the phone about 10 KB.
//!
//! Which draft: the tab's token and key, which the app also puts in a cookie (`ot_draft`,
//! `Path=/apply`, `SameSite=Strict`: see `remember` in `src/apply.rs`), since a page request
//! carries no header of ours. The top is the form's, catalogue text for the applicant's
//! situation: nothing personal is drawn, and the page is not stored (`no-store`). Without a
//! cookie, with a wrong key, an expired draft, a catalogue changed since the draft was saved
//! (answers may be dropped, and the app then says so above the hint) or another address, the
//! page is apply.html as built. Chinese only, as the guidance pages.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use onetrip_api::application::DRAFT_COOKIE;
use onetrip_domain::application::{ApplicationData, ApplicationForm, prefill};
use onetrip_ui::doc::{N, el, html};
use onetrip_ui::form_fields::section_form;
use onetrip_ui::form_top::step_top;

use crate::AppState;
use crate::prefs;
use crate::routes::drafts;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/apply/s/{key}",
            get(
                |State(s): State<AppState>, Path(key): Path<String>, h: HeaderMap| async move {
                    page(&s, &h, &format!("/apply/s/{key}")).await
                },
            ),
        )
        .route(
            "/apply/review",
            get(|State(s): State<AppState>, h: HeaderMap| async move {
                page(&s, &h, "/apply/review").await
            }),
        )
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::compression::CompressionLevel::Precise(5)),
        )
}

async fn page(state: &AppState, headers: &HeaderMap, here: &str) -> Response {
    let page = match drawn(state, headers, here).await {
        Some(page) => page,
        None if state.apply_html.is_empty() => crate::static_files::NOT_BUILT.to_owned(),
        None => state.apply_html.to_string(),
    };
    let page = prefs::apply(prefs::of(headers), &page).into_owned();
    let mut response = Html(page).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.append(header::VARY, HeaderValue::from_static("Cookie"));
    response
}

async fn drawn(state: &AppState, headers: &HeaderMap, here: &str) -> Option<String> {
    let (token, key) = cookie(headers)?;
    let row = drafts::owned_with(state, token, Some(key)).await.ok()?;
    if row.catalog_version != state.catalog.version {
        return None;
    }
    let form: ApplicationForm = serde_json::from_str(&row.form).ok()?;
    let (title, top) = step_top(&form, here)?;
    // Marked, so that a tab holding another draft than the cookie's hides it (draft-early.js).
    let mut page: Vec<_> = top.into_iter().map(|n| n.attr("data-drawn", "")).collect();
    // The review's only control is 提交申请 and a section's are its fields: their app starts
    // when one is used (the answers are put in by the page's script, `draft-early.js`, from the
    // tab's own draft: nothing personal in this page). A section the server does not draw
    // whole (领取方式, a bank branch, answers offered from another section) has its app at once.
    let template = match here.strip_prefix("/apply/s/") {
        None => state.apply_on_use.as_ref()?,
        Some(section) => match section_fields(&form, &row.data, section) {
            Some(fields) => {
                // Laid out by the page's script a few fields a frame, after the top has been
                // shown: the whole step laid out at once held a slow phone for over 100 ms.
                page.push(el("template").attr("id", "ot-fields").children(fields));
                state.apply_on_use.as_ref()?
            }
            None => state.form_paint.as_ref()?,
        },
    };
    Some(template.page(&title, &html(&page), ""))
}

/// A section's form as the app first draws it, for the rows the draft has; `None` when the
/// app would first offer answers from another section (its notice would move the fields).
fn section_fields(form: &ApplicationForm, data: &str, section: &str) -> Option<Vec<N>> {
    let data: ApplicationData = serde_json::from_str(data).ok()?;
    if !prefill(form, &data, section).is_empty() {
        return None;
    }
    let rows = data.groups.get(section).map_or(0, Vec::len);
    section_form(form, section, rows)
}

/// `ot_draft`'s token and key.
fn cookie(headers: &HeaderMap) -> Option<(&str, &str)> {
    crate::middleware::cookie(headers, DRAFT_COOKIE)?
        .split_once(':')
        .filter(|(t, k)| !t.is_empty() && !k.is_empty() && k.len() <= 64)
}
