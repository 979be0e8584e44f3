//! A bundle's guide page (一件事): what it includes, how long, how many trips.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::components::catalog_status::WithCatalog;
use crate::components::title::use_title;
use crate::messages::{Key, text, working_days};
use crate::prefs::use_prefs;
use crate::routes::not_found::NotFound;
use crate::routes::{localized, trips_text};

#[component]
pub fn BundlePage() -> impl IntoView {
    let prefs = use_prefs();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let catalog = expect_context::<crate::app::CatalogResource>();
    use_title(move || {
        let locale = prefs.get().locale;
        catalog
            .get()
            .and_then(|r| r.ok())
            .and_then(|i| i.bundles.into_iter().find(|b| b.code == code()))
            .map(|b| locale.pick(&b.name, &b.name_en).to_owned())
            .unwrap_or_default()
    });
    view! {
        <WithCatalog children=move |index| {
            let Some(bundle) = index.bundles.iter().find(|b| b.code == code()).cloned() else {
                return NotFound().into_any();
            };
            let members: Vec<_> = bundle
                .matters
                .iter()
                .filter_map(|c| index.matters.iter().find(|m| &m.code == c).cloned())
                .collect();
            let locale = move || prefs.get().locale;
            view! {
                <span class="ot-caption">{move || text(locale(), Key::BundlesHeading)}</span>
                <h1 class="ot-heading-xl">{localized(&bundle.name, &bundle.name_en)}</h1>
                <p class="ot-lead">{localized(&bundle.summary, &bundle.summary_en)}</p>
                <dl class="ot-summary-list">
                    <div class="ot-summary-list__row">
                        <dt>{move || text(locale(), Key::Trips)}</dt>
                        <dd>{move || trips_text(locale(), bundle.trips)}</dd>
                    </div>
                    <div class="ot-summary-list__row">
                        <dt>{move || text(locale(), Key::PromisedDays)}</dt>
                        <dd>{move || working_days(locale(), bundle.promised_days)}</dd>
                    </div>
                </dl>
                <h2 class="ot-heading-l">{move || text(locale(), Key::MatterCount)}</h2>
                <ol class="ot-link-list">
                    {members.into_iter().map(|m| {
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
                </ol>
            }
            .into_any()
        } />
    }
}
