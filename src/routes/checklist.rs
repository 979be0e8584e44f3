//! A stored one-time checklist (一次性告知单), rendered by the server, with a print button.

use leptos::prelude::*;

use crate::components::server_view::server_view;
use crate::messages::{Key, tr};

#[component]
pub fn ChecklistPage(id: String) -> impl IntoView {
    view! {
        {server_view(move || format!("/checklists/{id}"))}
        <p class="ot-no-print">
            <button type="button" class="ot-button ot-button--secondary" on:click=|_| {
                if let Some(w) = web_sys::window() {
                    let _ = w.print();
                }
            }>{tr(Key::Print)}</button>
        </p>
    }
}
