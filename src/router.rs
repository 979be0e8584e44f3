//! Path routing for four kinds of page, without a router crate: `Page::parse` turns a path into
//! a page (plain data, unit tested), same-origin link clicks become `history.pushState`, and the
//! browser's back button (and Android's back key, `history.back()`) arrive as `popstate`.
//! leptos_router would cost about 57 KB gzip of wasm for what these hundred lines do.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Every page of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    Home,
    Bundle(String),
    Matter(String),
    NotFound,
}

/// Catalogue codes: lowercase letters, digits and dashes (the catalogue's own rule).
fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
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
            ["bundles", code] if is_code(code) => Page::Bundle((*code).to_owned()),
            ["matters", code] if is_code(code) => Page::Matter((*code).to_owned()),
            _ => Page::NotFound,
        }
    }
}

/// The current path and the page it shows, in context.
#[derive(Clone, Copy)]
pub struct Router {
    pub path: RwSignal<String>,
    pub page: Memo<Page>,
}

fn current_path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".into())
}

/// Follow same-origin links inside the app without reloading; leave everything else (other
/// origins, new tabs, downloads, `/api/`, in-page `#` links, modified clicks) to the browser.
fn link_target(event: &web_sys::MouseEvent) -> Option<String> {
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
    (same_origin && !in_page && !path.starts_with("/api/")).then_some(path)
}

pub fn provide() -> Router {
    let path = RwSignal::new(current_path());
    let router = Router {
        path,
        page: Memo::new(move |_| Page::parse(&path.get())),
    };
    let on_click = window_event_listener(ev::click, move |event| {
        if let Some(path) = link_target(&event) {
            event.prevent_default();
            navigate(router, &path);
        }
    });
    let on_back = window_event_listener(ev::popstate, move |_| {
        router.path.set(current_path());
    });
    on_cleanup(move || {
        on_click.remove();
        on_back.remove();
    });
    provide_context(router);
    router
}

/// Go to `path` as a new history entry, at the top of the new page.
pub fn navigate(router: Router, path: &str) {
    if let Some(window) = web_sys::window() {
        if let Ok(history) = window.history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
        }
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
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
        ];
        for (path, page) in cases {
            assert_eq!(Page::parse(path), page, "{path:?}");
        }
    }
}
