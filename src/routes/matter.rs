//! A matter's guide page (办事指南): department, time limits, trips and why.

use leptos::prelude::*;

use crate::components::catalog_status::WithCatalog;
use crate::messages::{Key, tr};
use crate::routes::not_found::NotFound;
use crate::routes::{days, localized, trips_key, use_entry_title};

#[component]
pub fn MatterPage(code: String) -> impl IntoView {
    use_entry_title(code.clone(), |index, code| {
        index
            .matters
            .iter()
            .find(|e| e.code == code)
            .map(|e| (e.name.clone(), e.name_en.clone()))
    });
    view! {
        <WithCatalog children=move |index| {
            let Some(m) = index.matters.iter().find(|m| m.code == code).cloned() else {
                return NotFound().into_any();
            };
            let dept = localized(&m.department, &m.department_en);
            let reason = m.trip_reason.clone();
            view! {
                <span class="ot-caption">{dept.clone()}</span>
                <h1 class="ot-heading-xl">{localized(&m.name, &m.name_en)}</h1>
                <p class="ot-lead">{localized(&m.summary, &m.summary_en)}</p>
                <dl class="ot-summary-list">
                    <div class="ot-summary-list__row">
                        <dt>{tr(Key::Department)}</dt>
                        <dd>{dept}</dd>
                    </div>
                    <div class="ot-summary-list__row">
                        <dt>{tr(Key::PromisedDays)}</dt>
                        <dd>{days(m.promised_days)}</dd>
                    </div>
                    <div class="ot-summary-list__row">
                        <dt>{tr(Key::LegalDays)}</dt>
                        <dd>{days(m.legal_days)}</dd>
                    </div>
                    <div class="ot-summary-list__row">
                        <dt>{tr(Key::Trips)}</dt>
                        <dd>{tr(trips_key(m.trips))}</dd>
                    </div>
                </dl>
                {reason.map(|r| view! {
                    <div class="ot-inset">
                        <h2 class="ot-heading-m">{tr(Key::TripReasonHeading)}</h2>
                        <p lang="zh-CN">{r}</p>
                    </div>
                })}
            }
            .into_any()
        } />
    }
}
