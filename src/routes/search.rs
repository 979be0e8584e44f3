//! Search results, rendered by the server from its search over the whole catalogue.

use leptos::prelude::*;

use crate::components::search_box::SearchBox;
use crate::components::server_view::server_view;
use crate::messages::{Key, tr};
use crate::router::use_router;

#[component]
pub fn SearchPage() -> impl IntoView {
    let router = use_router();
    let query = router.param("q").unwrap_or_default();
    view! {
        <h1 class="ot-heading-xl">{tr(Key::SearchTitle)}</h1>
        <SearchBox initial=query />
        // Reads the address, so a new search from this page fetches again.
        {server_view(move || {
            let q = router.param("q").unwrap_or_default();
            format!("/search?q={}", String::from(js_sys::encode_uri_component(&q)))
        })}
    }
}
