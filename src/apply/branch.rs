//! 开户网点: the branches of the bank chosen in the form, by district (a select) as radios with
//! address and hours; on request (never by itself) the browser's location orders them nearest
//! first with the distance. The location stays in this page: it is never sent or stored.

use leptos::prelude::*;
use onetrip_domain::bank::{Geo, bank, nearest};
use onetrip_domain::catalog::FieldKind;
use onetrip_ui::form_words::{F, ftext};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

use super::fields::{get, set};
use super::use_apply;
use crate::prefs::use_prefs;

/// Ask the browser once for where it is; `done` gets the place, or `None` when refused or
/// unavailable.
fn locate(done: impl FnOnce(Option<Geo>) + 'static) {
    let done = std::rc::Rc::new(std::cell::Cell::new(Some(
        Box::new(done) as Box<dyn FnOnce(_)>
    )));
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        if let Some(f) = done.take() {
            f(None);
        }
        return;
    };
    let ok_done = done.clone();
    let ok = Closure::once_into_js(move |pos: JsValue| {
        let num = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).ok()?.as_f64();
        let coords = js_sys::Reflect::get(&pos, &"coords".into()).unwrap_or_default();
        let here = num(&coords, "latitude")
            .zip(num(&coords, "longitude"))
            .map(|(lat, lon)| Geo { lat, lon });
        if let Some(f) = ok_done.take() {
            f(here);
        }
    });
    let fail = Closure::once_into_js(move |_: JsValue| {
        if let Some(f) = done.take() {
            f(None);
        }
    });
    let _ = geo
        .get_current_position_with_error_callback(ok.unchecked_ref(), Some(fail.unchecked_ref()));
}

/// The branch radios for data key `key` (`bank.branch`), the bank read from the form's bank
/// field.
pub fn branch_picker(key: String, id: String) -> AnyView {
    let prefs = use_prefs();
    let apply = use_apply();
    let (banks, bank_key) = apply.draft.with_untracked(|d| {
        d.as_ref().map_or_else(Default::default, |d| {
            (
                d.form.banks.clone(),
                d.form
                    .key_of(FieldKind::Bank)
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
    });
    let district = RwSignal::new(String::new());
    let here = RwSignal::new(None::<Geo>);
    let status = RwSignal::new(None::<F>);
    let chosen = Memo::new(move |_| get(&bank_key));
    let banks = StoredValue::new(banks);
    let bank_of = move || banks.with_value(|bs| bank(bs, &chosen.get()).cloned());
    // The district of the branch already chosen, else the bank's first.
    let branch_key = key.clone();
    Effect::new(move |_| {
        if let Some(b) = bank_of() {
            let current = get(&branch_key);
            let d = b.branch(&current).map_or_else(
                || {
                    b.districts()
                        .first()
                        .map(|d| (*d).to_owned())
                        .unwrap_or_default()
                },
                |x| x.district.clone(),
            );
            if here.get_untracked().is_none() {
                district.set(d);
            }
        }
    });
    let find = move |_| {
        status.set(Some(F::Locating));
        locate(move |geo| {
            status.set(geo.is_none().then_some(F::NoLocation));
            if geo.is_some() {
                district.set(String::new());
            }
            here.set(geo);
        });
    };
    let t = move |k: F| ftext(prefs.get().locale, k);
    let select_id = format!("{id}-district");
    let list = move || {
        let b = bank_of()?;
        let l = prefs.get().locale;
        let d = district.get();
        let rows: Vec<(String, String, Option<u32>)> = match here.get() {
            Some(g) => nearest(&b, g)
                .into_iter()
                .map(|(x, km)| (x.code.clone(), x.district.clone(), Some(km)))
                .collect(),
            None => b
                .branches
                .iter()
                .map(|x| (x.code.clone(), x.district.clone(), None))
                .collect(),
        };
        let (key, id) = (key.clone(), id.clone());
        Some(
            rows.into_iter()
                .filter(|(_, dd, _)| d.is_empty() || *dd == d)
                .enumerate()
                .map(|(i, (code, _, km))| {
                    let x = b.branch(&code).cloned().unwrap_or_else(|| b.branches[0].clone());
                    let rid = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                    let hint = format!("{rid}-hint");
                    let line = ftext(l, F::BranchLine)
                        .replace("{address}", &x.address)
                        .replace("{opens}", &x.opens)
                        .replace("{closes}", &x.closes);
                    let far = km.map(|k| format!(" · {}.{} {}", k / 10, k % 10, l.pick("公里", "km")));
                    let (k1, k2, c1) = (key.clone(), key.clone(), code.clone());
                    view! {
                        <div class="ot-radios__item">
                            <input class="ot-radios__input" type="radio" id=rid.clone() name=id.clone()
                                value=code.clone() aria-describedby=hint.clone()
                                prop:checked=move || get(&k1) == c1 on:change=move |_| set(&k2, code.clone()) />
                            <label class="ot-radios__label" for=rid>
                                {format!("{} {}{}", b.name, x.name, far.unwrap_or_default())}
                                <span class="ot-branch__line" id=hint>{line}</span>
                            </label>
                        </div>
                    }
                })
                .collect_view(),
        )
    };
    let districts = move || {
        bank_of()
            .map(|b| {
                b.districts()
                    .into_iter()
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <div class="ot-branch">
            <label class="ot-field__label" for=select_id.clone()>{move || t(F::District)}</label>
            <select class="ot-select" id=select_id on:change=move |ev| district.set(event_target_value(&ev))>
                <option value="" prop:selected=move || district.get().is_empty()>{move || t(F::AllDistricts)}</option>
                {move || districts().into_iter().map(|d| {
                    let (same, label) = (d.clone(), d.clone());
                    view! { <option value=d prop:selected=move || district.get() == same>{label}</option> }
                }).collect_view()}
            </select>
            <p><button type="button" class="ot-button ot-button--secondary" on:click=find>{move || t(F::NearestFirst)}</button></p>
            <p role="status">{move || status.get().map(t)}</p>
            <div class="ot-radios">{list}</div>
        </div>
    }
    .into_any()
}
