//! The fields of a step of the application flow: what each control is (its id, kind, keyboard
//! and choices, used by the app's `Field` in `src/apply/fields.rs`), and the step's form drawn
//! as the app draws it when nothing has been typed yet (`section_form`), which the server puts
//! below the step's top (`crates/server/src/form_paint.rs`) so that a reloaded step is whole
//! before its 230 KB app is downloaded, on first use.
//!
//! Drawn without values: every control carries its data key (`data-k`) and the page's script
//! fills in the tab's answers from the draft it fetches with the tab's key (`draft-early.js`);
//! nothing personal is in the page. Chinese only, as the rest of the drawn pages.

use onetrip_domain::application::{ApplicationForm, DELIVERY_SECTION, FormSection};
use onetrip_domain::catalog::FieldKind;
use onetrip_domain::catalog::merge::MergedField;

use crate::doc::{N, el, link, radio_item, tc};
use crate::form_words::{F, ftext};
use crate::messages::Locale;

/// Choices with up to this many options are radios; longer ones a select.
pub const RADIO_MAX: usize = 6;

/// An element id for a data key: `shareholders[1].name` → `f-shareholders-1-name`.
pub fn field_id(key: &str) -> String {
    let mut id = String::from("f-");
    for c in key.chars() {
        id.push(if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '-'
        });
    }
    id.replace("--", "-").trim_end_matches('-').to_owned()
}

/// The data key of field `field` (a group's `shareholders[].name`) in row `row`.
pub fn row_key(group: &str, row: usize, field: &str) -> String {
    let name = field.rsplit_once("].").map_or(field, |(_, n)| n);
    format!("{group}[{row}].{name}")
}

/// The input type, `inputmode` and `autocomplete` for a field.
pub fn input_attrs(field: &MergedField) -> (&'static str, Option<&'static str>, &'static str) {
    let own = field.key.starts_with("applicant.");
    match field.kind {
        FieldKind::Mobile => ("tel", Some("numeric"), if own { "tel" } else { "off" }),
        FieldKind::PostalCode => ("text", Some("numeric"), "postal-code"),
        FieldKind::Date => ("date", None, "off"),
        FieldKind::Money | FieldKind::Percent => ("text", Some("decimal"), "off"),
        FieldKind::Integer => ("text", Some("numeric"), "off"),
        FieldKind::PersonName => ("text", None, if own { "name" } else { "off" }),
        FieldKind::Address if field.key.starts_with("mailing.") => ("text", None, "street-address"),
        _ => ("text", None, "off"),
    }
}

/// A choice's options as (value, Chinese, English): yes/no, the catalogue's, or the banks.
pub fn options(field: &MergedField, form: &ApplicationForm) -> Vec<(String, String, String)> {
    match field.kind {
        FieldKind::YesNo => vec![
            ("yes".into(), "是".into(), "Yes".into()),
            ("no".into(), "否".into(), "No".into()),
        ],
        FieldKind::Choice => field
            .options
            .iter()
            .map(|o| (o.value.clone(), o.label.clone(), o.label_en.clone()))
            .collect(),
        FieldKind::Bank => form
            .banks
            .iter()
            .map(|b| (b.code.clone(), b.name.clone(), b.name_en.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

/// Radios in a fieldset named by its legend (a select has its own label).
pub fn is_group_choice(field: &MergedField) -> bool {
    matches!(field.kind, FieldKind::YesNo | FieldKind::Branch)
        || (field.kind == FieldKind::Choice && field.options.len() <= RADIO_MAX)
}

/// A long text is a textarea.
pub fn is_long_text(field: &MergedField) -> bool {
    field.kind == FieldKind::Text && field.max.is_none_or(|m| m > 100)
}

/// The field's label, with 选填 when it is optional.
pub fn label(field: &MergedField, l: Locale) -> String {
    let mut s = l.pick(&field.label, &field.label_en).to_owned();
    if !field.required {
        s.push_str(ftext(l, F::Optional));
    }
    s
}

/// The departments that need a field, named in `l`.
pub fn who_needs(field: &MergedField, form: &ApplicationForm, l: Locale) -> String {
    field
        .departments
        .iter()
        .map(|code| {
            form.departments
                .iter()
                .find(|x| &x.code == code)
                .map_or(code.as_str(), |x| l.pick(&x.name, &x.name_en))
        })
        .collect::<Vec<_>>()
        .join(l.pick("、", ", "))
}

/// The form of section `key` as the app first draws it, in Chinese, with `rows` rows for a
/// repeatable group. `None` where the server does not draw it: 领取方式 (what it asks depends on
/// the answers) and a section with a bank branch (its picker asks the server as one types).
pub fn section_form(form: &ApplicationForm, key: &str, rows: usize) -> Option<Vec<N>> {
    let l = Locale::Zh;
    if key == DELIVERY_SECTION {
        return None;
    }
    let section = form.section(key)?;
    if section.fields.iter().any(|f| f.kind == FieldKind::Branch) {
        return None;
    }
    let body = match section.rows {
        Some(limits) => group(form, section, rows.max(1), usize::from(limits.max)),
        None => section
            .fields
            .iter()
            .map(|f| field(form, f, &f.key))
            .collect(),
    };
    Some(vec![
        el("form").attr("novalidate", "").children(body).child(
            el("button")
                .attr("type", "submit")
                .class("ot-button")
                .text(ftext(l, F::Continue)),
        ),
        el("p").child(link("/apply/save", "", ftext(l, F::SaveLater))),
    ])
}

/// A repeatable group: one fieldset per row, the remove and add buttons.
fn group(form: &ApplicationForm, section: &FormSection, rows: usize, max: usize) -> Vec<N> {
    let l = Locale::Zh;
    let g = &section.key;
    let mut out = vec![el("div").attr("id", field_id(g)).attr("tabindex", "-1")];
    out.extend((0..rows).map(|i| {
        let legend = ftext(l, F::Row).replace("{n}", &(i + 1).to_string());
        let remove = (rows > 1).then(|| {
            button(ftext(l, F::RemoveRow)).child(tc(
                "span",
                "ot-visually-hidden",
                format!(" {}", i + 1),
            ))
        });
        el("fieldset")
            .class("ot-fieldset ot-row")
            .child(tc("legend", "ot-heading-m", legend))
            .children(
                section
                    .fields
                    .iter()
                    .map(|f| field(form, f, &row_key(g, i, &f.key))),
            )
            .maybe(remove)
    }));
    if rows < max {
        out.push(el("p").child(button(ftext(l, F::AddRow))));
    }
    out
}

fn button(words: &str) -> N {
    el("button")
        .attr("type", "button")
        .class("ot-button ot-button--secondary")
        .text(words)
}

/// One field at data key `key`: its label, hint, control and 哪些部门需要.
fn field(form: &ApplicationForm, f: &MergedField, key: &str) -> N {
    let l = Locale::Zh;
    let id = field_id(key);
    let hint_id = format!("{id}-hint");
    let hint = f
        .help
        .as_ref()
        .map(|h| tc("p", "ot-field__hint", h.clone()).attr("id", hint_id.clone()));
    let described = hint.is_some().then_some(hint_id);
    let control = control(form, f, key, &id, described.as_deref());
    let who = el("details")
        .class("ot-who")
        .child(el("summary").text(ftext(l, F::WhoNeeds)))
        .child(el("p").text(who_needs(f, form, l)));
    let field = el("div").class("ot-field");
    let field = if is_group_choice(f) {
        let set = el("fieldset").class("ot-fieldset");
        let set = match &described {
            Some(d) => set.attr("aria-describedby", d.clone()),
            None => set,
        };
        field.child(
            set.child(tc("legend", "ot-field__label", label(f, l)))
                .maybe(hint)
                .child(control),
        )
    } else {
        field
            .child(tc("label", "ot-field__label", label(f, l)).attr("for", id.clone()))
            .maybe(hint)
            .child(control)
    };
    field.child(who)
}

/// The control: radios, a select, a textarea or an input with the right keyboard.
fn control(
    form: &ApplicationForm,
    f: &MergedField,
    key: &str,
    id: &str,
    described: Option<&str>,
) -> N {
    let described = |n: N| match described {
        Some(d) => n.attr("aria-describedby", d),
        None => n,
    };
    let options = options(f, form);
    if !options.is_empty() && options.len() <= RADIO_MAX {
        return el("div")
            .class("ot-radios")
            .children(options.into_iter().enumerate().map(|(i, (v, zh, _))| {
                let rid = if i == 0 {
                    id.to_owned()
                } else {
                    format!("{id}-{i}")
                };
                radio_item(id, &rid, &zh, |i| i.attr("value", v).attr("data-k", key))
            }));
    }
    if !options.is_empty() {
        let select = el("select").class("ot-select").attr("id", id);
        return described(select)
            .attr("data-k", key)
            .child(el("option").attr("value", "").text("请选择"))
            .children(
                options
                    .into_iter()
                    .map(|(v, zh, _)| el("option").attr("value", v).text(zh)),
            );
    }
    if is_long_text(f) {
        let area = el("textarea")
            .class("ot-textarea")
            .attr("id", id)
            .attr("rows", "4");
        return described(area).attr("data-k", key);
    }
    let (kind, mode, autocomplete) = input_attrs(f);
    let input = el("input")
        .class("ot-input")
        .attr("type", kind)
        .attr("id", id);
    let input = match mode {
        Some(m) => input.attr("inputmode", m),
        None => input,
    };
    let input = input
        .attr("autocomplete", autocomplete)
        .attr("spellcheck", "false");
    let unit = match f.kind {
        FieldKind::Money => Some(ftext(Locale::Zh, F::Yuan)),
        FieldKind::Percent => Some("%"),
        _ => None,
    };
    el("div")
        .class("ot-input-wrap")
        .child(described(input).attr("data-k", key))
        .maybe(unit.map(|u| tc("span", "ot-input-unit", u).attr("aria-hidden", "true")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_row_keys() {
        assert_eq!(field_id("shareholders[1].name"), "f-shareholders-1-name");
        assert_eq!(field_id("company.name"), "f-company-name");
        assert_eq!(
            row_key("shareholders", 2, "shareholders[].name"),
            "shareholders[2].name"
        );
    }
}
