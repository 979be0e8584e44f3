//! One input per field kind, bound to the application's data by canonical key, with its label,
//! hint, the departments that need it (on request), and its error next to it.

use leptos::prelude::*;
use onetrip_domain::application::{ApplicationForm, split_row_key};
use onetrip_domain::catalog::FieldKind;
use onetrip_domain::catalog::merge::MergedField;
use onetrip_domain::validation::FieldProblem;
use onetrip_ui::form_words::{F, form_error_text, ftext};
use onetrip_ui::messages::{Key, Locale, text};

use super::use_apply;
use crate::prefs::use_prefs;

pub use onetrip_ui::form_fields::field_id;
use onetrip_ui::form_fields::{
    RADIO_MAX, input_attrs, is_group_choice, is_long_text, label as field_label, options, who_needs,
};
pub use onetrip_ui::review::label_of;

/// The words of a problem: a required choice asks to choose, not to fill in.
pub fn problem_text(form: &ApplicationForm, field: &str, code: &str, l: Locale) -> &'static str {
    let def_key = match split_row_key(field) {
        Some((g, _, f)) => format!("{g}[].{f}"),
        None => field.to_owned(),
    };
    let choice = form.field(&def_key).is_some_and(|f| {
        matches!(
            f.kind,
            FieldKind::Choice | FieldKind::YesNo | FieldKind::Bank | FieldKind::Branch
        )
    });
    if choice && code == onetrip_domain::application::REQUIRED {
        ftext(l, F::ChooseOne)
    } else {
        form_error_text(l, code)
    }
}

/// Read and write one data key (`company.name`, `shareholders[1].name`).
pub fn get(key: &str) -> String {
    let apply = use_apply();
    apply
        .data
        .with(|d| match split_row_key(key) {
            Some((g, i, f)) => d
                .groups
                .get(g)
                .and_then(|r| r.get(i))
                .and_then(|r| r.get(f))
                .cloned(),
            None => d.values.get(key).cloned(),
        })
        .unwrap_or_default()
}

pub fn set(key: &str, value: String) {
    let apply = use_apply();
    apply.data.update(|d| match split_row_key(key) {
        Some((g, i, f)) => {
            if let Some(row) = d.groups.entry(g.to_owned()).or_default().get_mut(i) {
                row.insert(f.to_owned(), value);
            }
        }
        None => {
            d.values.insert(key.to_owned(), value);
        }
    });
}

/// One field of the form, at data key `key` (a row's key for a group field).
#[component]
pub fn Field(
    field: MergedField,
    key: String,
    problems: RwSignal<Vec<FieldProblem>>,
) -> impl IntoView {
    let prefs = use_prefs();
    let apply = use_apply();
    let id = field_id(&key);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = {
        let key = key.clone();
        Memo::new(move |_| {
            problems.with(|p| p.iter().find(|p| p.field == key).map(|p| p.code.clone()))
        })
    };
    let label = {
        let field = field.clone();
        move || field_label(&field, prefs.get().locale)
    };
    let help = field.help.clone();
    let has_help = help.is_some();
    let described = move || {
        let mut ids = Vec::new();
        if has_help {
            ids.push(hint_id.clone());
        }
        if error.get().is_some() {
            ids.push(error_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let who = {
        let field = field.clone();
        move || {
            apply.draft.with(|d| {
                d.as_ref()
                    .map(|d| who_needs(&field, &d.form, prefs.get().locale))
                    .unwrap_or_default()
            })
        }
    };
    let error_text = {
        let error_id = format!("{id}-error");
        let key = key.clone();
        move || {
            error.get().map(|code| {
                let l = prefs.get().locale;
                let words = apply.draft.with(|d| {
                    d.as_ref().map_or_else(
                        || form_error_text(l, &code),
                        |d| problem_text(&d.form, &key, &code, l),
                    )
                });
                view! {
                    <p class="ot-field__error" id=error_id.clone()>
                        <span class="ot-visually-hidden">{text(l, Key::ErrorPrefix)}</span>
                        {words}
                    </p>
                }
            })
        }
    };
    let described = Signal::derive(described);
    let input = control(&field, key.clone(), id.clone(), described, error);
    // Radios sit in a fieldset named by its legend; a select has its own label.
    let is_group_choice = is_group_choice(&field);
    view! {
        <div class="ot-field" class:ot-field--error=move || error.get().is_some()>
            {if is_group_choice {
                view! {
                    <fieldset class="ot-fieldset" aria-describedby=described>
                        <legend class="ot-field__label">{label}</legend>
                        {help.clone().map(|h| view! { <p class="ot-field__hint" id=format!("{id}-hint")>{h}</p> })}
                        {error_text.clone()}
                        {input}
                    </fieldset>
                }.into_any()
            } else {
                view! {
                    <label class="ot-field__label" for=id.clone()>{label}</label>
                    {help.clone().map(|h| view! { <p class="ot-field__hint" id=format!("{id}-hint")>{h}</p> })}
                    {error_text.clone()}
                    {input}
                }.into_any()
            }}
            <details class="ot-who">
                <summary>{move || ftext(prefs.get().locale, F::WhoNeeds)}</summary>
                <p>{who}</p>
            </details>
        </div>
    }
}

/// The control itself: radios for choices of up to six options and yes/no, a select for
/// longer lists, a textarea for long text, otherwise an input with the right keyboard.
fn control(
    field: &MergedField,
    key: String,
    id: String,
    described: Signal<Option<String>>,
    error: Memo<Option<String>>,
) -> AnyView {
    let prefs = use_prefs();
    let invalid = move || error.get().is_some().then_some("true");
    let value = {
        let key = key.clone();
        move || get(&key)
    };
    if field.kind == FieldKind::Branch {
        return super::branch::branch_picker(key, id);
    }
    let options = use_apply().draft.with_untracked(|d| {
        d.as_ref()
            .map_or_else(Vec::new, |d| options(field, &d.form))
    });
    if !options.is_empty() && options.len() <= RADIO_MAX {
        return view! {
            <div class="ot-radios">
                {options.into_iter().enumerate().map(|(i, (v, zh, en))| {
                    let rid = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                    let checked = {
                        let (v, key) = (v.clone(), key.clone());
                        move || get(&key) == v
                    };
                    let on_change = {
                        let (v, key) = (v.clone(), key.clone());
                        move |_| set(&key, v.clone())
                    };
                    view! {
                        <div class="ot-radios__item">
                            <input class="ot-radios__input" type="radio" id=rid.clone() name=id.clone()
                                value=v prop:checked=checked on:change=on_change />
                            <label class="ot-radios__label" for=rid>{move || prefs.get().locale.pick(&zh, &en).to_owned()}</label>
                        </div>
                    }
                }).collect_view()}
            </div>
        }
        .into_any();
    }
    if !options.is_empty() {
        return view! {
            <select class="ot-select" id=id aria-describedby=described aria-invalid=invalid
                prop:value=value
                on:change=move |ev| set(&key, event_target_value(&ev))>
                <option value="">{move || prefs.get().locale.pick("请选择", "Choose").to_owned()}</option>
                {options.into_iter().map(|(v, zh, en)| view! {
                    <option value=v>{move || prefs.get().locale.pick(&zh, &en).to_owned()}</option>
                }).collect_view()}
            </select>
        }
        .into_any();
    }
    if is_long_text(field) {
        return view! {
            <textarea class="ot-textarea" id=id rows="4" aria-describedby=described aria-invalid=invalid
                prop:value=value on:input=move |ev| set(&key, event_target_value(&ev))></textarea>
        }
        .into_any();
    }
    let (kind, mode, autocomplete) = input_attrs(field);
    let unit = match field.kind {
        FieldKind::Money => Some(F::Yuan),
        FieldKind::Percent => None,
        _ => None,
    };
    let percent = field.kind == FieldKind::Percent;
    view! {
        <div class="ot-input-wrap">
            <input class="ot-input" type=kind id=id inputmode=mode autocomplete=autocomplete
                spellcheck="false" aria-describedby=described aria-invalid=invalid
                prop:value=value on:input=move |ev| set(&key, event_target_value(&ev)) />
            {unit.map(|u| view! { <span class="ot-input-unit" aria-hidden="true">{move || ftext(prefs.get().locale, u)}</span> })}
            {percent.then(|| view! { <span class="ot-input-unit" aria-hidden="true">"%"</span> })}
        </div>
    }
    .into_any()
}
