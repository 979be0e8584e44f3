//! A read-only page rendered by the server (`GET /api/v1/views/...`) for the current language,
//! shown as it is. Guides, bundle pages, checklists and lists are markup that never changes
//! once shown: rendered on the server they cost the phone no wasm (see ARCHITECTURE.md).
//! Links inside are followed by the app's router; a page seen once in this visit (in either
//! language) comes from memory, so back and the language switch are instant offline.

use std::cell::RefCell;

use leptos::prelude::*;
use onetrip_api::catalog::View;

use crate::api::{ApiError, decode};
use crate::components::loaded::{failure, loading};
use crate::components::title::use_title;
use crate::prefs::use_prefs;

thread_local! {
    /// Pages seen in this visit, by address (a list: a visit sees a handful).
    static SEEN: RefCell<Vec<(String, View)>> = const { RefCell::new(Vec::new()) };
}

async fn fetch(url: String) -> Result<View, ApiError> {
    if let Some(v) = SEEN.with(|s| {
        s.borrow()
            .iter()
            .find(|(u, _)| *u == url)
            .map(|(_, v)| v.clone())
    }) {
        return Ok(v);
    }
    let view: View = decode(&crate::api::get(url.clone()).await?)?;
    SEEN.with(|s| s.borrow_mut().push((url, view.clone())));
    Ok(view)
}

/// Take over the page the server already put into index.html (`data-view`: the address of
/// the view, `data-title`: its title; see the server's `first_paint.rs`), so that the app shows
/// it from memory when it mounts, without asking for it again: nothing flashes or moves.
pub fn adopt_first_paint() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    // One per page: the page's own view.
    if let Ok(Some(el)) = doc.query_selector("[data-view]")
        && let Some(url) = el.get_attribute("data-view")
    {
        let view = View {
            title: el.get_attribute("data-title").unwrap_or_default(),
            html: el.inner_html(),
        };
        SEEN.with(|s| s.borrow_mut().push((url, view)));
    }
}

/// The server's page at `/api/v1/views{path}` (path may carry a query).
pub fn server_view(path: impl Fn() -> String + Send + Sync + 'static) -> impl IntoView {
    server_view_then(path, || ())
}

/// The server's page, then `after` (a print button): shown together once the page is here,
/// so that nothing below the page is drawn first and pushed down when it arrives (a layout
/// shift of 0.05 on the checklist and the receipt, measured by Lighthouse).
pub fn server_view_then<V: IntoView + 'static>(
    path: impl Fn() -> String + Send + Sync + 'static,
    after: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    let prefs = use_prefs();
    let url = Signal::derive(move || View::address(&path(), prefs.get().locale.tag()));
    let page = LocalResource::new(move || fetch(url.get()));
    use_title(move || {
        page.get()
            .and_then(Result::ok)
            .map(|v| v.title)
            .unwrap_or_default()
    });
    move || match page.get() {
        Some(Ok(v)) => view! {
            <div class="ot-doc" inner_html=v.html></div>
            {after()}
        }
        .into_any(),
        Some(Err(err)) => failure(err, move || page.refetch()),
        None => loading(),
    }
}
