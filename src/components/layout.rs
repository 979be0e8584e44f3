//! Header with the display settings, the main landmark, and the footer with the hotline.

use leptos::prelude::*;

use crate::components::feedback::FeedbackBox;
use crate::messages::{Key, tr};
use crate::prefs::use_prefs;
use crate::router::use_router;

/// The guidance app's layout: the footer asks whether the page helped.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let router = use_router();
    shell(children, move || {
        let path = router.path.get();
        view! { <FeedbackBox page=path /> }
    })
}

/// The application flow's layout: no page feedback in the middle of a form (its code would
/// also weigh on that app's first load).
#[component]
pub fn FormLayout(children: Children) -> impl IntoView {
    shell(children, || ())
}

fn shell<V: IntoView + 'static>(
    children: Children,
    footer: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    let prefs = use_prefs();
    let toggle_elder = move |_| prefs.update(|p| p.elder = !p.elder);
    let switch_language = move |_| prefs.update(|p| p.locale = p.locale.other());
    let router = use_router();
    // After an in-app navigation, move focus to the new page so screen readers announce it.
    let main_ref = NodeRef::<leptos::html::Main>::new();
    Effect::new(move |previous: Option<String>| {
        let path = router.path.get();
        if previous.is_some_and(|p| p != path)
            && let Some(main) = main_ref.get()
        {
            let _ = main.focus();
        }
        path
    });
    view! {
        <a class="ot-skip-link" href="#main">{tr(Key::SkipToContent)}</a>
        <header class="ot-header">
            <div class="ot-header__inner">
                <a href="/" class="ot-header__brand">
                    <span class="ot-header__name">{tr(Key::AppName)}</span>
                    <span class="ot-header__tagline">{tr(Key::Tagline)}</span>
                </a>
                <div class="ot-header__settings" role="group" aria-label=tr(Key::Settings)>
                    <button
                        type="button"
                        class="ot-toggle"
                        aria-pressed=move || prefs.get().elder.to_string()
                        on:click=toggle_elder
                    >
                        {tr(Key::ElderMode)}
                    </button>
                    <button
                        type="button"
                        class="ot-toggle"
                        lang=move || prefs.get().locale.other().tag()
                        on:click=switch_language
                    >
                        {tr(Key::SwitchLanguage)}
                    </button>
                </div>
            </div>
        </header>
        <main id="main" class="ot-main" tabindex="-1" node_ref=main_ref>
            {children()}
        </main>
        <footer class="ot-footer">
            <div class="ot-footer__inner">
                {footer}
                <p class="ot-footer__hotline">
                    {tr(Key::Hotline)} " "
                    <a class="ot-footer__tel" href="tel:12345">"12345"</a>
                </p>
                <p class="ot-footer__note">{tr(Key::HotlineNote)}</p>
            </div>
        </footer>
    }
}
