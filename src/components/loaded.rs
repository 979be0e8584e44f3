//! Fetching a page's data and its loading and failure states, shared by every page:
//! "正在加载…", a 404 as the not-found page, any other failure with its words and a retry
//! button.
//!
//! Every page fetches through the same resource type (the answer's text) and decodes it when
//! it renders: one copy of the async machinery in the wasm instead of one per data type.

use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::api::{ApiError, decode};
use crate::messages::{Key, error_text, text};
use crate::prefs::use_prefs;
use crate::routes::not_found::NotFound;

/// The text of `GET path`, fetched again when the path changes.
pub fn fetch_text(path: Signal<String>) -> LocalResource<Result<String, ApiError>> {
    LocalResource::new(move || crate::api::get(path.get()))
}

/// Renders `children` with the decoded answer of `GET path` once it is there.
pub fn loaded<T, V>(
    path: impl Into<Signal<String>>,
    children: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    let path = path.into();
    let resource = fetch_text(path);
    move || match resource.get() {
        Some(Ok(body)) => match decode::<T>(&body) {
            Ok(value) => children(value).into_any(),
            Err(err) => failure(err, move || resource.refetch()),
        },
        Some(Err(err)) => failure(err, move || resource.refetch()),
        None => loading(),
    }
}

pub fn loading() -> AnyView {
    let prefs = use_prefs();
    view! { <p class="ot-loading" role="status">{move || text(prefs.get().locale, Key::Loading)}</p> }
        .into_any()
}

/// A failed request: the not-found page for a 404, else the words and a retry button.
pub fn failure(err: ApiError, retry: impl Fn() + 'static) -> AnyView {
    if matches!(err, ApiError::Server { status: 404, .. }) {
        return NotFound().into_any();
    }
    let locale = use_prefs().get_untracked().locale;
    view! {
        <div class="ot-notice ot-notice--error" role="alert">
            <p>{match err {
                ApiError::Network => text(locale, Key::LoadFailed),
                other => error_text(locale, other.code()),
            }}</p>
            <button type="button" class="ot-button" on:click=move |_| retry()>
                {text(locale, Key::Retry)}
            </button>
        </div>
    }
    .into_any()
}
