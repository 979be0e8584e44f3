//! Stored documents rendered by the server, with a print button: the one-time checklist
//! (一次性告知单) and the receipt of an application (申请回执).

use leptos::prelude::*;

use crate::components::server_view::server_view_then;
use crate::messages::{Key, tr};

/// A server page at `path` (under `/api/v1/views`), then a print button.
fn printable(path: String) -> impl IntoView {
    server_view_then(
        move || path.clone(),
        || {
            view! {
                <p class="ot-no-print">
                    // index.html's script prints: the button works before the app does.
                    <button type="button" class="ot-button ot-button--secondary" data-print="">{tr(Key::Print)}</button>
                </p>
            }
        },
    )
}

#[component]
pub fn ChecklistPage(id: String) -> impl IntoView {
    printable(format!("/checklists/{id}"))
}

#[component]
pub fn ReceiptPage(number: String) -> impl IntoView {
    printable(format!("/applications/{number}"))
}
