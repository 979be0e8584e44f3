use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::title::use_title;
use crate::messages::{Key, text};
use crate::prefs::use_prefs;

#[component]
pub fn NotFound() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |key| text(prefs.get().locale, key);
    use_title(move || t(Key::NotFoundTitle).to_owned());
    view! {
        <h1 class="ot-heading-xl">{move || t(Key::NotFoundTitle)}</h1>
        <p>{move || t(Key::NotFoundBody)}</p>
        <p><A href="/">{move || t(Key::BackHome)}</A></p>
    }
}
