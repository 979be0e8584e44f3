//! Path routing without a router crate: `Page::parse` turns a path into
//! a page (plain data, unit tested), same-origin link clicks become `history.pushState`, and the
//! browser's back button (and Android's back key, `history.back()`) arrive as `popstate`.
//! leptos_router would cost about 57 KB gzip of wasm for what these hundred lines do.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use onetrip_domain::catalog::checklist::Subject;
use onetrip_domain::catalog::{ApplicantKind, is_code};

/// Every page of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    Home,
    /// `/search?q=`: the query is read from the address.
    Search,
    /// Matters and bundles for 个人 or 法人.
    For(ApplicantKind),
    /// One department's matters.
    Department(String),
    Bundle(String),
    Matter(String),
    /// 情形引导: one question per page; `None` is "the first unanswered one".
    Questions(Subject, Option<String>),
    /// A stored one-time checklist (一次性告知单).
    Checklist(String),
    /// The receipt of a submitted application (申请回执).
    Receipt(String),
    NotFound,
}

/// Checklist ids: 10 characters of Crockford base32, upper case.
fn is_checklist_id(s: &str) -> bool {
    s.len() == 10
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// Question keys: snake_case.
fn is_key(s: &str) -> bool {
    onetrip_domain::catalog::condition::is_flag(s)
}

impl Page {
    /// The page for a path (without query or fragment). A trailing slash is tolerated.
    pub fn parse(path: &str) -> Page {
        let path = path
            .strip_suffix('/')
            .filter(|p| !p.is_empty())
            .unwrap_or(path);
        let segments: Vec<&str> = path.split('/').skip(1).collect();
        match segments.as_slice() {
            [] | [""] => Page::Home,
            ["search"] => Page::Search,
            ["for", "person"] => Page::For(ApplicantKind::Person),
            ["for", "company"] => Page::For(ApplicantKind::Company),
            ["departments", code] if is_code(code) => Page::Department((*code).to_owned()),
            ["bundles", code] if is_code(code) => Page::Bundle((*code).to_owned()),
            ["matters", code] if is_code(code) => Page::Matter((*code).to_owned()),
            [kind @ ("bundles" | "matters"), code, "questions", rest @ ..] if is_code(code) => {
                let key = match rest {
                    [] => None,
                    [key] if is_key(key) => Some((*key).to_owned()),
                    _ => return Page::NotFound,
                };
                let code = (*code).to_owned();
                let subject = if *kind == "bundles" {
                    Subject::Bundle(code)
                } else {
                    Subject::Matter(code)
                };
                Page::Questions(subject, key)
            }
            ["c", id] if is_checklist_id(id) => Page::Checklist((*id).to_owned()),
            ["r", id] if is_checklist_id(id) => Page::Receipt((*id).to_owned()),
            _ => Page::NotFound,
        }
    }
}

/// The current path, its query string and the page it shows, in context.
#[derive(Clone, Copy)]
pub struct Router {
    pub path: RwSignal<String>,
    /// `?q=...` or empty.
    pub query: RwSignal<String>,
    pub page: Memo<Page>,
    /// The paths this app shows; any other is a page load.
    owns: fn(&str) -> bool,
    /// What to do before loading another app's page (the application flow saves the draft
    /// first); without it the page is loaded at once.
    leave: Option<Callback<String>>,
}

fn current_path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".into())
}

fn current_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

impl Router {
    /// A parameter of the query string, decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        let query = self.query.get();
        let params = web_sys::UrlSearchParams::new_with_str(&query).ok()?;
        params.get(name)
    }
}

/// Same-origin links to pages (not `/api/`): `(path with query, whether this app shows it)`.
/// Everything else (other origins, new tabs, downloads, in-page `#` links, modified clicks)
/// is left to the browser.
fn link_target(event: &web_sys::MouseEvent, owns: fn(&str) -> bool) -> Option<(String, bool)> {
    if event.default_prevented()
        || event.button() != 0
        || event.ctrl_key()
        || event.meta_key()
        || event.shift_key()
        || event.alt_key()
    {
        return None;
    }
    let target: web_sys::Element = event.target()?.dyn_into().ok()?;
    let anchor: web_sys::HtmlAnchorElement = target.closest("a[href]").ok()??.dyn_into().ok()?;
    if !anchor.target().is_empty() || anchor.has_attribute("download") {
        return None;
    }
    let href = anchor.get_attribute("href")?;
    let location = web_sys::window()?.location();
    let same_origin = anchor.origin() == location.origin().ok()?;
    let path = anchor.pathname();
    let in_page = href.starts_with('#');
    let owned = owns(&path);
    (same_origin && !in_page && !path.starts_with("/api/"))
        .then(|| (path + &anchor.search(), owned))
}

/// The guidance app's paths: everything but the API and the other apps (the application flow
/// under `/apply/`, the progress app under `/track/` and the staff side under `/staff/`), each
/// loaded by a full page load.
pub fn guidance_path(path: &str) -> bool {
    !["/api/", "/apply/", "/track", "/staff", "/book/"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// The application flow's paths.
pub fn apply_path(path: &str) -> bool {
    path.starts_with("/apply/")
}

pub fn provide() -> Router {
    provide_with(guidance_path)
}

/// The router of an app that handles the paths `owns` accepts; links elsewhere load a page.
pub fn provide_with(owns: fn(&str) -> bool) -> Router {
    provide_leaving(owns, None)
}

/// Like [`provide_with`], with `leave` run instead of loading another app's page at once (by
/// link or by [`navigate`]); it calls [`load`] when it is ready.
pub fn provide_leaving(owns: fn(&str) -> bool, leave: Option<Callback<String>>) -> Router {
    let path = RwSignal::new(current_path());
    let router = Router {
        path,
        query: RwSignal::new(current_query()),
        page: Memo::new(move |_| Page::parse(&path.get())),
        owns,
        leave,
    };
    let on_click = window_event_listener(ev::click, move |event| match link_target(&event, owns) {
        Some((path, true)) => {
            event.prevent_default();
            navigate(router, &path);
        }
        Some((path, false)) if leave.is_some() => {
            event.prevent_default();
            go(router, &path, false);
        }
        _ => {}
    });
    let on_back = window_event_listener(ev::popstate, move |_| {
        router.query.set(current_query());
        router.path.set(current_path());
    });
    on_cleanup(move || {
        on_click.remove();
        on_back.remove();
    });
    provide_context(router);
    router
}

/// Go to `url` (a path with an optional `?query`) as a new history entry, at the top of the
/// new page.
pub fn navigate(router: Router, url: &str) {
    go(router, url, false);
}

/// Like [`navigate`], replacing the current history entry (a redirect).
pub fn redirect(router: Router, url: &str) {
    go(router, url, true);
}

/// Load another app's page (a full page load), as a new history entry.
pub fn load(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
}

fn go(router: Router, url: &str, replace: bool) {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    if !(router.owns)(path) {
        match (router.leave, replace) {
            (Some(leave), false) => leave.run(url.to_owned()),
            (_, true) => {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().replace(url);
                }
            }
            (None, false) => load(url),
        }
        return;
    }
    if let Some(window) = web_sys::window() {
        if let Ok(history) = window.history() {
            let null = wasm_bindgen::JsValue::NULL;
            let _ = if replace {
                history.replace_state_with_url(&null, "", Some(url))
            } else {
                history.push_state_with_url(&null, "", Some(url))
            };
        }
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
    let (path, query) = match url.find('?') {
        Some(i) => (&url[..i], &url[i..]),
        None => (url, ""),
    };
    router.query.set(query.to_owned());
    router.path.set(path.to_owned());
}

pub fn use_router() -> Router {
    expect_context::<Router>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_to_pages() {
        let cases = [
            ("/", Page::Home),
            ("", Page::Home),
            (
                "/bundles/company-startup",
                Page::Bundle("company-startup".into()),
            ),
            (
                "/bundles/company-startup/",
                Page::Bundle("company-startup".into()),
            ),
            ("/matters/bank-account", Page::Matter("bank-account".into())),
            ("/matters/", Page::NotFound),
            ("/matters/Bank", Page::NotFound),
            ("/matters/a/b", Page::NotFound),
            ("/bundles", Page::NotFound),
            ("/nothing", Page::NotFound),
            ("//", Page::Home),
            ("/matters//", Page::NotFound),
            ("/search", Page::Search),
            ("/for/person", Page::For(ApplicantKind::Person)),
            ("/for/robots", Page::NotFound),
            ("/departments/amr", Page::Department("amr".into())),
            (
                "/bundles/newborn/questions",
                Page::Questions(Subject::Bundle("newborn".into()), None),
            ),
            (
                "/matters/rental-filing/questions/sublet",
                Page::Questions(
                    Subject::Matter("rental-filing".into()),
                    Some("sublet".into()),
                ),
            ),
            ("/matters/x/questions/Bad-Key", Page::NotFound),
            ("/matters/x/questions/a/b", Page::NotFound),
            ("/c/7KQ2M9XA3T", Page::Checklist("7KQ2M9XA3T".into())),
            ("/c/7kq2m9xa3t", Page::NotFound),
            ("/c/SHORT", Page::NotFound),
            ("/r/7KQ2M9XA3T", Page::Receipt("7KQ2M9XA3T".into())),
        ];
        for (path, page) in cases {
            assert_eq!(Page::parse(path), page, "{path:?}");
        }
    }
}
