//! The root component: preferences, the catalogue shared by every page, the router and the
//! layout around it.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::layout::Layout;
use crate::prefs;
use crate::routes::{bundle::BundlePage, home::HomePage, matter::MatterPage, not_found::NotFound};

/// The catalogue, fetched once and shared: the home page lists it, guide pages read from it.
pub type CatalogResource =
    LocalResource<Result<onetrip_api::catalog::CatalogIndex, crate::api::ApiError>>;

#[component]
pub fn App() -> impl IntoView {
    prefs::provide();
    let catalog: CatalogResource = LocalResource::new(crate::api::catalog);
    provide_context(catalog);
    view! {
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/bundles/:code") view=BundlePage />
                    <Route path=path!("/matters/:code") view=MatterPage />
                </Routes>
            </Layout>
        </Router>
    }
}
