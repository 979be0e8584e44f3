//! The home page: what can be done here, bundles (一件事) first.

use leptos::prelude::*;

use crate::components::catalog_status::WithCatalog;
use crate::components::matter_item::MatterItem;
use crate::components::title::use_title;
use crate::messages::{Key, tr};

use crate::routes::{localized, promise, trips_key};

#[component]
pub fn HomePage() -> impl IntoView {
    use_title(String::new);
    view! {
        <h1 class="ot-heading-xl">{tr(Key::HomeTitle)}</h1>
        <p class="ot-lead">{tr(Key::HomeIntro)}</p>
        <WithCatalog children=move |index| {
            let bundles = index.bundles.clone();
            let matters = index.matters.clone();
            view! {
                <section aria-labelledby="ot-bundles-heading">
                    <h2 id="ot-bundles-heading" class="ot-heading-l">{tr(Key::BundlesHeading)}</h2>
                    <ul class="ot-card-list">
                        {bundles.into_iter().map(|b| {
                            let href = format!("/bundles/{}", b.code);
                            view! {
                                <li class="ot-card">
                                    <h3 class="ot-card__title">
                                        <a href=href class="ot-card__link">
                                            {localized(&b.name, &b.name_en)}
                                        </a>
                                    </h3>
                                    <p class="ot-card__summary">{localized(&b.summary, &b.summary_en)}</p>
                                    <p class="ot-card__facts">
                                        <span class="ot-tag">{tr(trips_key(b.trips))}</span>
                                        <span>{promise(b.promised_days)}</span>
                                    </p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
                <section aria-labelledby="ot-matters-heading">
                    <h2 id="ot-matters-heading" class="ot-heading-l">{tr(Key::MattersHeading)}</h2>
                    <ul class="ot-link-list">
                        {matters.into_iter().map(|m| view! { <MatterItem matter=m /> }).collect_view()}
                    </ul>
                </section>
            }
        } />
    }
}
