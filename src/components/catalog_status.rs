//! The catalogue's loading and failure states, shared by every page that reads it.

use leptos::prelude::*;

use crate::app::CatalogResource;
use crate::messages::{Key, error_text, text};
use crate::prefs::use_prefs;

/// Shows "正在加载…" while the catalogue loads, or the failure with a retry button; renders
/// `children` with the catalogue once it is there.
#[component]
pub fn WithCatalog<F, V>(children: F) -> impl IntoView
where
    F: Fn(onetrip_api::catalog::CatalogIndex) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let prefs = use_prefs();
    let catalog = expect_context::<CatalogResource>();
    move || match catalog.get() {
        None => view! {
            <p class="ot-loading" role="status">{text(prefs.get().locale, Key::Loading)}</p>
        }
        .into_any(),
        Some(Err(err)) => {
            let locale = prefs.get().locale;
            view! {
                <div class="ot-notice ot-notice--error" role="alert">
                    <p>{match err {
                        crate::api::ApiError::Network => text(locale, Key::LoadFailed),
                        other => error_text(locale, other.code()),
                    }}</p>
                    <button type="button" class="ot-button" on:click=move |_| catalog.refetch()>
                        {text(locale, Key::Retry)}
                    </button>
                </div>
            }
            .into_any()
        }
        Some(Ok(index)) => children(index).into_any(),
    }
}
