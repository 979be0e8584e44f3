//! The root component: preferences, the router and the layout around the current page.

use leptos::prelude::*;
use onetrip_domain::catalog::ApplicantKind;

use crate::components::layout::Layout;
use crate::components::server_view::server_view;
use crate::prefs;
use crate::router::{self, Page};
use crate::routes::checklist::{ChecklistPage, ReceiptPage};
use crate::routes::home::HomePage;
use crate::routes::not_found::NotFound;
use crate::routes::questions::{self, QuestionsPage};
use crate::routes::search::SearchPage;

#[component]
pub fn App() -> impl IntoView {
    prefs::provide();
    questions::provide();
    let router = router::provide();
    view! {
        <Layout>
            {move || match router.page.get() {
                Page::Home => view! { <HomePage /> }.into_any(),
                Page::Search => view! { <SearchPage /> }.into_any(),
                Page::For(kind) => {
                    let kind = if kind == ApplicantKind::Person { "person" } else { "company" };
                    server_view(move || format!("/for/{kind}")).into_any()
                }
                Page::Department(code) => server_view(move || format!("/departments/{code}")).into_any(),
                Page::Bundle(code) => server_view(move || format!("/bundles/{code}")).into_any(),
                Page::Matter(code) => server_view(move || format!("/matters/{code}")).into_any(),
                Page::Questions(subject, key) => view! { <QuestionsPage subject key /> }.into_any(),
                Page::Checklist(id) => view! { <ChecklistPage id /> }.into_any(),
                Page::Receipt(number) => view! { <ReceiptPage number /> }.into_any(),
                Page::NotFound => view! { <NotFound /> }.into_any(),
            }}
        </Layout>
    }
}
