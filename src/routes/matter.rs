//! A matter's guide page (办事指南): department, time limits, trips and why.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::catalog_status::WithCatalog;
use crate::components::title::use_title;
use crate::messages::{Key, text, working_days};
use crate::prefs::use_prefs;
use crate::routes::not_found::NotFound;
use crate::routes::{localized, trips_text};

#[component]
pub fn MatterPage() -> impl IntoView {
    let prefs = use_prefs();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let catalog = expect_context::<crate::app::CatalogResource>();
    use_title(move || {
        let locale = prefs.get().locale;
        catalog
            .get()
            .and_then(|r| r.ok())
            .and_then(|i| i.matters.into_iter().find(|m| m.code == code()))
            .map(|m| locale.pick(&m.name, &m.name_en).to_owned())
            .unwrap_or_default()
    });
    view! {
        <WithCatalog children=move |index| {
            let Some(m) = index.matters.iter().find(|m| m.code == code()).cloned() else {
                return NotFound().into_any();
            };
            let locale = move || prefs.get().locale;
            let dept = localized(&m.department, &m.department_en);
            let reason = m.trip_reason.clone();
            view! {
                <span class="ot-caption">{dept.clone()}</span>
                <h1 class="ot-heading-xl">{localized(&m.name, &m.name_en)}</h1>
                <p class="ot-lead">{localized(&m.summary, &m.summary_en)}</p>
                <dl class="ot-summary-list">
                    <div class="ot-summary-list__row">
                        <dt>{move || text(locale(), Key::Department)}</dt>
                        <dd>{dept}</dd>
                    </div>
                    <div class="ot-summary-list__row">
                        <dt>{move || text(locale(), Key::PromisedDays)}</dt>
                        <dd>{move || working_days(locale(), m.promised_days)}</dd>
                    </div>
                    <div class="ot-summary-list__row">
                        <dt>{move || text(locale(), Key::LegalDays)}</dt>
                        <dd>{move || working_days(locale(), m.legal_days)}</dd>
                    </div>
                    <div class="ot-summary-list__row">
                        <dt>{move || text(locale(), Key::Trips)}</dt>
                        <dd>{move || trips_text(locale(), m.trips)}</dd>
                    </div>
                </dl>
                {reason.map(|r| view! {
                    <div class="ot-inset">
                        <h2 class="ot-heading-m">{move || text(locale(), Key::TripReasonHeading)}</h2>
                        <p lang="zh-CN">{r}</p>
                    </div>
                })}
            }
            .into_any()
        } />
    }
}
