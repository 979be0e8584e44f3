//! The search box: a labelled field and a button. Text that carries an ID or phone number is
//! refused here, so it never reaches an address or a log.

use leptos::prelude::*;

use crate::messages::{Key, error_text, tr};
use crate::prefs::use_prefs;
use crate::router::{navigate, use_router};

#[component]
pub fn SearchBox(#[prop(optional)] initial: String) -> impl IntoView {
    let prefs = use_prefs();
    let router = use_router();
    let value = RwSignal::new(initial);
    let problem = RwSignal::new(None::<&'static str>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match onetrip_domain::catalog::search::search_text(&value.get_untracked()) {
            Err(code) => problem.set(Some(code)),
            Ok(q) => {
                problem.set(None);
                let q = String::from(js_sys::encode_uri_component(q));
                navigate(router, &format!("/search?q={q}"));
            }
        }
    };
    view! {
        <form class="ot-search" role="search" on:submit=submit novalidate>
            <div class="ot-field" class:ot-field--error=move || problem.get().is_some()>
                <label class="ot-field__label" for="ot-search-input">{tr(Key::SearchLabel)}</label>
                <p class="ot-field__hint" id="ot-search-hint">{tr(Key::SearchHint)}</p>
                {move || problem.get().map(|k| view! {
                    <p class="ot-field__error" id="ot-search-error" role="alert">
                        {error_text(prefs.get().locale, k)}
                    </p>
                })}
                <div class="ot-search__row">
                    <input
                        id="ot-search-input"
                        class="ot-input ot-search__input"
                        type="search"
                        name="q"
                        maxlength="50"
                        enterkeyhint="search"
                        autocomplete="off"
                        aria-describedby=move || if problem.get().is_some() {
                            "ot-search-hint ot-search-error"
                        } else {
                            "ot-search-hint"
                        }
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                    <button type="submit" class="ot-button ot-search__button">{tr(Key::SearchButton)}</button>
                </div>
            </div>
        </form>
    }
}
