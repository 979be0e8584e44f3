//! Header with the display settings, the main landmark, and the footer with the hotline.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::components::feedback::FeedbackBox;
use crate::messages::{Key, text};
use crate::prefs::use_prefs;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |key| text(prefs.get().locale, key);
    let toggle_elder = move |_| prefs.update(|p| p.elder = !p.elder);
    let switch_language = move |_| prefs.update(|p| p.locale = p.locale.other());
    let location = use_location();
    // After an in-app navigation, move focus to the new page so screen readers announce it.
    let main_ref = NodeRef::<leptos::html::Main>::new();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            if let Some(main) = main_ref.get() {
                let _ = main.focus();
            }
        }
        path
    });
    view! {
        <a class="ot-skip-link" href="#main">{move || t(Key::SkipToContent)}</a>
        <header class="ot-header">
            <div class="ot-header__inner">
                <A href="/" attr:class="ot-header__brand">
                    <span class="ot-header__name">{move || t(Key::AppName)}</span>
                    <span class="ot-header__tagline">{move || t(Key::Tagline)}</span>
                </A>
                <div class="ot-header__settings" role="group" aria-label=move || t(Key::Settings)>
                    <button
                        type="button"
                        class="ot-toggle"
                        aria-pressed=move || prefs.get().elder.to_string()
                        on:click=toggle_elder
                    >
                        {move || t(Key::ElderMode)}
                    </button>
                    <button
                        type="button"
                        class="ot-toggle"
                        lang=move || prefs.get().locale.other().tag()
                        on:click=switch_language
                    >
                        {move || t(Key::SwitchLanguage)}
                    </button>
                </div>
            </div>
        </header>
        <main id="main" class="ot-main" tabindex="-1" node_ref=main_ref>
            {children()}
        </main>
        <footer class="ot-footer">
            <div class="ot-footer__inner">
                {move || {
                    let path = location.pathname.get();
                    view! { <FeedbackBox page=path /> }
                }}
                <p class="ot-footer__hotline">
                    {move || t(Key::Hotline)} " "
                    <a class="ot-footer__tel" href="tel:12345">"12345"</a>
                </p>
                <p class="ot-footer__note">{move || t(Key::HotlineNote)}</p>
            </div>
        </footer>
    }
}
