//! The root component: preferences, the catalogue shared by every page, the router and the
//! layout around it.

use leptos::prelude::*;

use crate::components::layout::Layout;
use crate::prefs;
use crate::router::{self, Page};
use crate::routes::{bundle::BundlePage, home::HomePage, matter::MatterPage, not_found::NotFound};

/// The catalogue, fetched once and shared: the home page lists it, guide pages read from it.
pub type CatalogResource =
    LocalResource<Result<onetrip_api::catalog::CatalogIndex, crate::api::ApiError>>;

#[component]
pub fn App() -> impl IntoView {
    prefs::provide();
    let catalog: CatalogResource = LocalResource::new(crate::api::catalog);
    provide_context(catalog);
    let router = router::provide();
    view! {
        <Layout>
            {move || match router.page.get() {
                Page::Home => view! { <HomePage /> }.into_any(),
                Page::Bundle(code) => view! { <BundlePage code /> }.into_any(),
                Page::Matter(code) => view! { <MatterPage code /> }.into_any(),
                Page::NotFound => view! { <NotFound /> }.into_any(),
            }}
        </Layout>
    }
}
