//! 核对信息, the review page of the application flow, as data: every answer as the applicant
//! reads it, by section, with the link that changes it, and how each material stands. The
//! app draws it (`Review` in `src/apply/pages.rs`); the server draws the same into the page
//! when the review is reloaded (`crates/server/src/form_paint.rs`), so that the whole page is
//! on the screen before the app, which is downloaded only when 提交申请 is pressed.
//!
//! The answers are the applicant's own, shown in full so that they can be checked: the
//! server's page is sent only to the tab holding the draft's key (`no-store`).

use onetrip_domain::application::{
    ApplicationData, ApplicationForm, DELIVERY_SECTION, asked_materials, asks_address,
    format_basis_points, format_fen, parse_basis_points, parse_fen, split_row_key,
};
use onetrip_domain::catalog::merge::MergedField;
use onetrip_domain::catalog::{Delivery, FieldKind};

use crate::doc::{N, el, link, tc};
use crate::form_words::{F, ftext};
use crate::messages::Locale;

/// One answer: its label, its value as shown, and the link that changes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    pub label: String,
    pub value: String,
    pub link: String,
}

/// The answers of one section (or 领取方式), under its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewSection {
    pub title: String,
    pub rows: Vec<ReviewRow>,
}

/// Where the materials are changed from the review.
pub const MATERIALS_LINK: &str = "/apply/materials?from=review";
/// Where the declarations are changed from the review.
pub const DECLARATIONS_LINK: &str = "/apply/declarations?from=review";
/// 保存，以后再填.
pub const SAVE_LINK: &str = "/apply/save";

/// The label of a data key, with the row for a group (`第 2 位 · 持股比例`); a material's
/// name (and side) for `materials.id-card.back`.
pub fn label_of(form: &ApplicationForm, key: &str, l: Locale) -> String {
    if let Some(rest) = key.strip_prefix("materials.") {
        let (material, side) = match rest.rsplit_once('.') {
            Some((m, s)) if form.material(m).is_some() => (m, Some(s)),
            _ => (rest, None),
        };
        let name = form
            .material(material)
            .map(|m| l.pick(&m.name, &m.name_en).to_owned())
            .unwrap_or_default();
        return match side {
            Some("front") => format!("{name} · {}", ftext(l, F::SideFront)),
            Some("back") => format!("{name} · {}", ftext(l, F::SideBack)),
            _ => name,
        };
    }
    let (def_key, row) = match split_row_key(key) {
        Some((g, i, f)) => (format!("{g}[].{f}"), Some(i)),
        None => (key.to_owned(), None),
    };
    let label = form
        .field(&def_key)
        .map(|f| l.pick(&f.label, &f.label_en).to_owned())
        .or_else(|| {
            form.section(key)
                .map(|s| l.pick(&s.title, &s.title_en).to_owned())
        })
        .unwrap_or_default();
    match row {
        Some(i) => format!(
            "{} · {label}",
            ftext(l, F::Row).replace("{n}", &(i + 1).to_string())
        ),
        None => label,
    }
}

/// A value as the review page shows it: the option's label, 是/否, money and shares as
/// numbers with their unit, a bank or branch by its name.
pub fn display(form: &ApplicationForm, field: &MergedField, value: &str, l: Locale) -> String {
    match field.kind {
        FieldKind::Choice => field.options.iter().find(|o| o.value == value).map_or_else(
            || value.to_owned(),
            |o| l.pick(&o.label, &o.label_en).to_owned(),
        ),
        FieldKind::YesNo => ftext(l, if value == "yes" { F::Yes } else { F::No }).to_owned(),
        FieldKind::Money => parse_fen(value).map_or_else(
            || value.to_owned(),
            |f| format!("{} {}", format_fen(f), ftext(l, F::Yuan)),
        ),
        FieldKind::Percent => parse_basis_points(value).map_or_else(
            || value.to_owned(),
            |b| format!("{}%", format_basis_points(b)),
        ),
        FieldKind::Bank | FieldKind::Branch => form
            .banks
            .iter()
            .find_map(|b| {
                if b.code == value {
                    return Some(l.pick(&b.name, &b.name_en).to_owned());
                }
                let x = b.branch(value)?;
                Some(format!("{} {}（{}）", b.name, x.name, x.address))
            })
            .unwrap_or_else(|| value.to_owned()),
        _ => value.to_owned(),
    }
}

/// Every answer, by section in form order; 领取方式 last when the form asks for it.
pub fn sections(form: &ApplicationForm, d: &ApplicationData, l: Locale) -> Vec<ReviewSection> {
    let mut out: Vec<ReviewSection> = Vec::new();
    for s in &form.sections {
        if s.key == DELIVERY_SECTION && !asks_address(form, d) {
            continue;
        }
        let link = format!("/apply/s/{}?from=review", s.key);
        let mut rows = Vec::new();
        match s.rows {
            None => {
                for f in &s.fields {
                    let value = d
                        .values
                        .get(&f.key)
                        .map(|v| display(form, f, v.trim(), l))
                        .unwrap_or_default();
                    let label = l.pick(&f.label, &f.label_en).to_owned();
                    rows.push(ReviewRow {
                        label,
                        value,
                        link: link.clone(),
                    });
                }
            }
            Some(_) => {
                let group = d.groups.get(&s.key).map_or(&[][..], Vec::as_slice);
                for (i, row) in group.iter().enumerate() {
                    for f in &s.fields {
                        let name = f.key.rsplit_once("].").map_or("", |(_, n)| n);
                        let value = row
                            .get(name)
                            .map(|v| display(form, f, v.trim(), l))
                            .unwrap_or_default();
                        let label = label_of(form, &format!("{}[{i}].{name}", s.key), l);
                        rows.push(ReviewRow {
                            label,
                            value,
                            link: link.clone(),
                        });
                    }
                }
            }
        }
        if !rows.is_empty() {
            let title = l.pick(&s.title, &s.title_en).to_owned();
            out.push(ReviewSection { title, rows });
        }
    }
    if !form.delivery.is_empty() {
        let value = match d.delivery {
            Some(Delivery::Ems) => ftext(l, F::DeliveryEms),
            Some(_) => ftext(l, F::DeliveryPickup),
            None => "",
        };
        out.push(ReviewSection {
            title: ftext(l, F::DeliveryLegend).to_owned(),
            rows: vec![ReviewRow {
                label: ftext(l, F::DeliveryLegend).to_owned(),
                value: value.to_owned(),
                link: format!("/apply/s/{DELIVERY_SECTION}?from=review"),
            }],
        });
    }
    out
}

/// How a material stands: `files` uploaded, else 容缺 (to follow within its days), else not
/// given.
pub fn material_value(l: Locale, files: usize, deferred: bool, days: u32) -> String {
    if files > 0 {
        ftext(l, F::FilesCount).replace("{n}", &files.to_string())
    } else if deferred {
        ftext(l, F::Deferred).replace("{days}", &days.to_string())
    } else {
        ftext(l, F::NotGiven).to_owned()
    }
}

/// A row of the summary list: label, value, and the change link naming the label for screen
/// readers.
fn row(l: Locale, label: &str, value: &str, href: &str) -> N {
    el("div")
        .class("ot-summary-list__row")
        .child(el("dt").text(label))
        .child(el("dd").text(value))
        .child(
            el("dd").child(
                el("a")
                    .attr("href", href)
                    .text(ftext(l, F::Change))
                    .child(tc("span", "ot-visually-hidden", format!(" {label}"))),
            ),
        )
}

/// The review below its top (`form_top::step_top`), as the app draws it in Chinese: the
/// answers, the materials (`files`: how many files each has), the declarations, 提交申请 (which
/// waits for the app, `data-early`) and 保存，以后再填.
pub fn body(form: &ApplicationForm, d: &ApplicationData, files: impl Fn(&str) -> usize) -> Vec<N> {
    let l = Locale::Zh;
    let mut out = Vec::new();
    for s in sections(form, d, l) {
        out.push(tc("h2", "ot-heading-m", s.title));
        out.push(
            el("dl")
                .class("ot-summary-list")
                .children(s.rows.iter().map(|r| row(l, &r.label, &r.value, &r.link))),
        );
    }
    let asked: Vec<_> = asked_materials(form).collect();
    if !asked.is_empty() {
        out.push(tc("h2", "ot-heading-m", ftext(l, F::MaterialsTitle)));
        out.push(
            el("dl")
                .class("ot-summary-list")
                .children(asked.iter().map(|m| {
                    let value = material_value(
                        l,
                        files(&m.key),
                        d.deferred.contains(&m.key),
                        m.deferrable_days.unwrap_or(0),
                    );
                    row(l, &m.name, &value, MATERIALS_LINK)
                })),
        );
    }
    out.push(tc("h2", "ot-heading-m", ftext(l, F::DeclarationsTitle)));
    out.push(
        el("p").child(
            el("a")
                .attr("href", DECLARATIONS_LINK)
                .text(ftext(l, F::Change))
                .child(tc(
                    "span",
                    "ot-visually-hidden",
                    ftext(l, F::DeclarationsTitle),
                )),
        ),
    );
    out.push(
        el("form").attr("novalidate", "").child(
            el("button")
                .attr("type", "submit")
                .class("ot-button")
                .attr("disabled", "")
                .attr("data-early", "")
                .text(ftext(l, F::Submit)),
        ),
    );
    out.push(el("p").child(link(SAVE_LINK, "", ftext(l, F::SaveLater))));
    out
}
