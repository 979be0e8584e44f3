//! A bundle's guide page (一件事): what it includes, how long, how many trips.

use leptos::prelude::*;

use crate::components::catalog_status::WithCatalog;
use crate::components::matter_item::MatterItem;
use crate::messages::{Key, tr};
use crate::routes::not_found::NotFound;
use crate::routes::{days, localized, trips_key, use_entry_title};

#[component]
pub fn BundlePage(code: String) -> impl IntoView {
    use_entry_title(code.clone(), |index, code| {
        index
            .bundles
            .iter()
            .find(|e| e.code == code)
            .map(|e| (e.name.clone(), e.name_en.clone()))
    });
    view! {
        <WithCatalog children=move |index| {
            let Some(bundle) = index.bundles.iter().find(|b| b.code == code).cloned() else {
                return NotFound().into_any();
            };
            let members: Vec<_> = bundle
                .matters
                .iter()
                .filter_map(|c| index.matters.iter().find(|m| &m.code == c).cloned())
                .collect();
            view! {
                <span class="ot-caption">{tr(Key::BundlesHeading)}</span>
                <h1 class="ot-heading-xl">{localized(&bundle.name, &bundle.name_en)}</h1>
                <p class="ot-lead">{localized(&bundle.summary, &bundle.summary_en)}</p>
                <dl class="ot-summary-list">
                    <div class="ot-summary-list__row">
                        <dt>{tr(Key::Trips)}</dt>
                        <dd>{tr(trips_key(bundle.trips))}</dd>
                    </div>
                    <div class="ot-summary-list__row">
                        <dt>{tr(Key::PromisedDays)}</dt>
                        <dd>{days(bundle.promised_days)}</dd>
                    </div>
                </dl>
                <h2 class="ot-heading-l">{tr(Key::MatterCount)}</h2>
                <ol class="ot-link-list">
                    {members.into_iter().map(|m| view! { <MatterItem matter=m /> }).collect_view()}
                </ol>
            }
            .into_any()
        } />
    }
}
