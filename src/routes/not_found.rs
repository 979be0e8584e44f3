use leptos::prelude::*;

use crate::components::title::use_title;
use crate::messages::{Key, tr};

#[component]
pub fn NotFound() -> impl IntoView {
    use_title(move || tr(Key::NotFoundTitle)().to_owned());
    view! {
        <h1 class="ot-heading-xl">{tr(Key::NotFoundTitle)}</h1>
        <p>{tr(Key::NotFoundBody)}</p>
        <p><a href="/">{tr(Key::BackHome)}</a></p>
    }
}
