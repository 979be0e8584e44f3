//! The home page: what can be done here, bundles (一件事) first.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::catalog_status::WithCatalog;
use crate::components::title::use_title;
use crate::messages::{Key, text};
use crate::prefs::use_prefs;
use crate::routes::{localized, promise_text, trips_text};

#[component]
pub fn HomePage() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |key| text(prefs.get().locale, key);
    use_title(move || String::new());
    view! {
        <h1 class="ot-heading-xl">{move || t(Key::HomeTitle)}</h1>
        <p class="ot-lead">{move || t(Key::HomeIntro)}</p>
        <WithCatalog children=move |index| {
            let locale = move || prefs.get().locale;
            let bundles = index.bundles.clone();
            let matters = index.matters.clone();
            view! {
                <section aria-labelledby="ot-bundles-heading">
                    <h2 id="ot-bundles-heading" class="ot-heading-l">{move || t(Key::BundlesHeading)}</h2>
                    <ul class="ot-card-list">
                        {bundles.into_iter().map(|b| {
                            let href = format!("/bundles/{}", b.code);
                            view! {
                                <li class="ot-card">
                                    <h3 class="ot-card__title">
                                        <A href=href attr:class="ot-card__link">
                                            {localized(&b.name, &b.name_en)}
                                        </A>
                                    </h3>
                                    <p class="ot-card__summary">{localized(&b.summary, &b.summary_en)}</p>
                                    <p class="ot-card__facts">
                                        <span class="ot-tag">{move || trips_text(locale(), b.trips)}</span>
                                        <span>{move || promise_text(locale(), b.promised_days)}</span>
                                    </p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
                <section aria-labelledby="ot-matters-heading">
                    <h2 id="ot-matters-heading" class="ot-heading-l">{move || t(Key::MattersHeading)}</h2>
                    <ul class="ot-link-list">
                        {matters.into_iter().map(|m| {
                            let href = format!("/matters/{}", m.code);
                            view! {
                                <li class="ot-link-list__item">
                                    <A href=href attr:class="ot-link-list__link">
                                        {localized(&m.name, &m.name_en)}
                                    </A>
                                    <span class="ot-link-list__meta">
                                        {localized(&m.department, &m.department_en)}
                                        " · "
                                        {move || trips_text(locale(), m.trips)}
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        } />
    }
}
