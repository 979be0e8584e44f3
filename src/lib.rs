//! 一次办: the citizen app. Components only read signals and call plain functions; every rule
//! comes from `onetrip-domain`, every HTTP call goes through `api.rs`, every word through
//! `messages.rs`.

pub mod api;
pub mod app;
pub mod apply;
pub mod book;
pub mod components;
pub mod messages;
pub mod mine;
pub mod prefs;
pub mod router;
pub mod routes;
pub mod staff;
pub mod track;

use wasm_bindgen::JsCast;

/// Mount the app into `#app`, replacing the static shell that index.html shows while loading.
pub fn start() {
    components::server_view::adopt_first_paint();
    mount(app::App);
}

/// Mount an app (the guidance app, the application flow, the progress app, the staff side)
/// into `#app` of its page, replacing the static shell shown while the wasm loads.
pub fn mount<N: leptos::prelude::IntoView + 'static>(app: impl FnOnce() -> N + 'static) {
    // Panic messages in the console help in development; release builds abort without them.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    root.set_inner_html("");
    leptos::mount::mount_to(root, app).forget();
}
