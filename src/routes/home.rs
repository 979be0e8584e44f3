//! The home page: a search box and entries by 个人/法人 (in the app), then the bundles
//! (一件事), the most used matters and the departments (rendered by the server).

use leptos::prelude::*;

use crate::components::search_box::SearchBox;
use crate::components::server_view::server_view;
use crate::messages::{Key, tr};

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <h1 class="ot-heading-xl">{tr(Key::HomeTitle)}</h1>
        <p class="ot-lead">{tr(Key::HomeIntro)}</p>
        <SearchBox />
        <nav class="ot-entries" aria-label=tr(Key::ForWhom)>
            <a class="ot-entries__link" href="/for/person">{tr(Key::ForPerson)}</a>
            <a class="ot-entries__link" href="/for/company">{tr(Key::ForCompany)}</a>
        </nav>
        {server_view(|| "/home".to_owned())}
    }
}
