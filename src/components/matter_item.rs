//! A matter in a list: its name as a link to its guide, its department and its trips.

use leptos::prelude::*;
use onetrip_api::catalog::MatterSummary;

use crate::messages::tr;
use crate::routes::{localized, trips_key};

#[component]
pub fn MatterItem(matter: MatterSummary) -> impl IntoView {
    let href = format!("/matters/{}", matter.code);
    let trips = matter.trips;
    view! {
        <li class="ot-link-list__item">
            <a href=href class="ot-link-list__link">{localized(&matter.name, &matter.name_en)}</a>
            <span class="ot-link-list__meta">
                {localized(&matter.department, &matter.department_en)}
                " · "
                {tr(trips_key(trips))}
            </span>
        </li>
    }
}
