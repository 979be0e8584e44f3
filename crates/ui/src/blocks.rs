//! The building blocks of read-only documents (see `doc.rs`): summary lists, cards, material
//! groups, the savings table. Each takes the language and the data and returns plain nodes.

use onetrip_api::catalog::{BundleSummary, MatterSummary};
use onetrip_domain::catalog::checklist::{ChecklistMaterial, Need, Savings};
use onetrip_domain::catalog::{Department, FileType, Supply};

use crate::doc::{N, el, link, tc, txt};
use crate::messages::{Key, Locale, money, working_days};
use crate::words::{W, Words};

/// A fixed text, from the app's words or the pages' own.
pub fn t(l: Locale, key: impl Words) -> &'static str {
    key.words(l)
}

/// "一次不用跑" or "最多跑一次".
pub fn trips(l: Locale, n: u8) -> &'static str {
    t(l, if n == 0 { Key::NoTrip } else { Key::OneTrip })
}

/// The list separator of the language.
pub fn sep(l: Locale) -> &'static str {
    l.pick("、", ", ")
}

pub fn h(level: u8, class: &str, s: impl Into<String>) -> N {
    let tag = match level {
        1 => "h1",
        2 => "h2",
        3 => "h3",
        _ => "h4",
    };
    tc(tag, class, s)
}

/// A row of a summary list (`<dt>` label, `<dd>` value).
pub fn row(label: &str, value: N) -> N {
    el("div")
        .class("ot-summary-list__row")
        .child(tc("dt", "", label))
        .child(el("dd").child(value))
}

pub fn summary_list(rows: impl IntoIterator<Item = N>) -> N {
    el("dl").class("ot-summary-list").children(rows)
}

pub fn tag(s: &str) -> N {
    tc("span", "ot-tag", s)
}

/// 示例: the entry's details are illustrative rather than official.
pub fn illustrative(l: Locale) -> N {
    el("p")
        .class("ot-notice ot-notice--info")
        .child(tc("strong", "", t(l, W::Illustrative)))
}

pub fn bundle_card(l: Locale, b: &BundleSummary) -> N {
    el("li")
        .class("ot-card")
        .child(el("h3").class("ot-card__title").child(link(
            format!("/bundles/{}", b.code),
            "ot-card__link",
            l.pick(&b.name, &b.name_en),
        )))
        .child(tc(
            "p",
            "ot-card__summary",
            l.pick(&b.summary, &b.summary_en),
        ))
        .child(
            el("p")
                .class("ot-card__facts")
                .child(tag(trips(l, b.trips)))
                .child(tc(
                    "span",
                    "",
                    format!(
                        "{}{}{}",
                        t(l, Key::PromisedDays),
                        l.pick("：", ": "),
                        working_days(l, b.promised_days)
                    ),
                )),
        )
}

pub fn bundle_cards<'a>(l: Locale, bundles: impl IntoIterator<Item = &'a BundleSummary>) -> N {
    el("ul")
        .class("ot-card-list")
        .children(bundles.into_iter().map(|b| bundle_card(l, b)))
}

pub fn matter_item(l: Locale, m: &MatterSummary) -> N {
    el("li")
        .class("ot-link-list__item")
        .child(link(
            format!("/matters/{}", m.code),
            "ot-link-list__link",
            l.pick(&m.name, &m.name_en),
        ))
        .child(tc(
            "span",
            "ot-link-list__meta",
            format!(
                "{} · {}",
                l.pick(&m.department, &m.department_en),
                trips(l, m.trips)
            ),
        ))
}

pub fn matter_list<'a>(l: Locale, matters: impl IntoIterator<Item = &'a MatterSummary>) -> N {
    el("ul")
        .class("ot-link-list")
        .children(matters.into_iter().map(|m| matter_item(l, m)))
}

/// "PDF、JPG，不超过 5 MB，最多 20 页，需正反两面，图片短边不少于 600 像素".
pub fn limits(l: Locale, m: &ChecklistMaterial) -> String {
    let types: Vec<&str> = m
        .types
        .iter()
        .map(|t| match t {
            FileType::Pdf => "PDF",
            FileType::Jpeg => "JPG",
            FileType::Png => "PNG",
        })
        .collect();
    let size = if m.max_kb >= 1024 {
        format!("{} MB", m.max_kb / 1024)
    } else {
        format!("{} KB", m.max_kb)
    };
    let zh = l == Locale::Zh;
    let mut parts = vec![
        types.join(sep(l)),
        if zh {
            format!("不超过 {size}")
        } else {
            format!("at most {size}")
        },
    ];
    if let Some(p) = m.max_pages {
        parts.push(if zh {
            format!("最多 {p} 页")
        } else {
            format!("at most {p} pages")
        });
    }
    if m.both_sides {
        parts.push(t(l, W::BothSides).to_owned());
    }
    if let Some(px) = m.min_px {
        parts.push(if zh {
            format!("图片短边不少于 {px} 像素")
        } else {
            format!("images at least {px} px on the short side")
        });
    }
    parts.join(l.pick("，", "; "))
}

const GROUPS: [(Need, W, &str); 4] = [
    (Need::Critical, W::NeedCritical, "critical"),
    (Need::Deferrable, W::NeedDeferrable, "deferrable"),
    (Need::Optional, W::NeedOptional, "optional"),
    (Need::Shared, W::NeedShared, "shared"),
];

/// Materials grouped the way an applicant acts on them: required, may follow later (容缺),
/// optional, not needed because the government already has them (免提交). Group titles are
/// headings of `level`, material names one below.
pub fn material_groups(
    l: Locale,
    materials: &[ChecklistMaterial],
    departments: &[Department],
    level: u8,
) -> Vec<N> {
    GROUPS
        .iter()
        .filter(|(need, _, _)| materials.iter().any(|m| m.need == *need))
        .map(|(need, key, class)| {
            el("section")
                .class(&format!("ot-materials ot-materials--{class}"))
                .child(h(level, "ot-heading-m", t(l, *key)))
                .child(
                    el("ul").class("ot-materials__list").children(
                        materials
                            .iter()
                            .filter(|m| m.need == *need)
                            .map(|m| material(l, m, departments, level + 1)),
                    ),
                )
        })
        .collect()
}

fn material(l: Locale, m: &ChecklistMaterial, departments: &[Department], level: u8) -> N {
    let mut name = h(level, "ot-material__name", l.pick(&m.name, &m.name_en));
    if m.conditional {
        name = name
            .text(" ")
            .child(tc("span", "ot-tag ot-tag--grey", t(l, W::Conditional)));
    }
    let needed_by: Vec<&str> = m
        .departments
        .iter()
        .filter_map(|c| departments.iter().find(|d| &d.code == c))
        .map(|d| l.pick(&d.name, &d.name_en))
        .collect();
    let mut facts: Vec<N> = Vec::new();
    let mut fact = |label: W, value: N| {
        facts.push(tc("dt", "", t(l, label)));
        facts.push(el("dd").child(value));
    };
    if let Some(d) = m.deferrable_days {
        let days = working_days(l, d);
        fact(
            W::NeedDeferrable,
            txt(if l == Locale::Zh {
                format!("受理后 {days} 内补交")
            } else {
                format!("within {days} after acceptance")
            }),
        );
    }
    if m.need != Need::Shared {
        fact(W::Copies, txt(m.copies.to_string()));
        fact(W::Formats, txt(limits(l, m)));
        let supply = if m.supply == Supply::Counter {
            W::SupplyCounter
        } else {
            W::SupplyUpload
        };
        fact(W::SupplyLabel, txt(t(l, supply)));
        fact(W::Sample, tc("span", "", m.sample.clone()).zh());
    }
    fact(W::NeededBy, txt(needed_by.join(sep(l))));
    let mut item = el("li")
        .class("ot-material")
        .child(name)
        .child(tc("p", "", m.description.clone()).zh())
        .child(el("dl").class("ot-material__facts").children(facts));
    if !m.notes.is_empty() {
        item = item.child(
            el("ul")
                .class("ot-material__notes")
                .zh()
                .children(m.notes.iter().map(|n| tc("li", "", n.clone()))),
        );
    }
    item
}

/// What a QR code figure shows, besides the image: its alternative text, the short code to
/// type instead (with its label) and the link it holds.
pub struct Qr<'a> {
    pub src: &'a str,
    pub alt: &'a str,
    pub code_label: &'a str,
    pub code: String,
    pub link_label: Option<&'a str>,
    pub url: &'a str,
}

/// A QR code as a phone reads it: an `<img>` of the server's PNG (WeChat recognises an image on
/// a long press, not a canvas), "长按识别或保存" under it, and beside it the short code and the
/// link for those who type. One per screen; the same markup in the application flow.
pub fn qr_figure(l: Locale, qr: Qr) -> N {
    let mut caption = el("figcaption")
        .class("ot-qr__caption")
        .child(tc("span", "", qr.code_label))
        .child(tc("strong", "ot-qr__code", qr.code));
    if let Some(label) = qr.link_label {
        caption = caption.child(tc("span", "", label));
    }
    el("figure")
        .class("ot-qr")
        .child(
            el("div")
                .class("ot-qr__scan")
                .child(
                    el("img")
                        .class("ot-qr__image")
                        .attr("src", qr.src)
                        .attr("width", "240")
                        .attr("height", "240")
                        .attr("alt", qr.alt),
                )
                .child(tc("p", "ot-qr__hint", t(l, Key::QrHint))),
        )
        .child(caption.child(link(qr.url, "ot-qr__link", qr.url)))
}

/// One-by-one against together, as a table a screen reader can read by row and column.
pub fn savings_table(l: Locale, s: &Savings, for_situation: bool) -> N {
    let rows = [
        (W::SavingsFields, s.fields_separate, s.fields_merged),
        (
            W::SavingsMaterials,
            s.materials_separate,
            s.materials_merged,
        ),
        (W::SavingsTrips, s.trips_separate, s.trips_merged),
        (W::SavingsDays, s.days_separate, s.days_merged),
    ];
    let th = |key| tc("th", "", t(l, key)).attr("scope", "col");
    let section = el("section")
        .attr("aria-labelledby", "ot-savings-heading")
        .child(h(2, "ot-heading-l", t(l, W::Savings)).attr("id", "ot-savings-heading"))
        .child(
            el("table")
                .class("ot-table")
                .child(el("thead").child(el("tr").children([
                    th(W::SavingsItem),
                    th(W::SeparateCol),
                    th(W::TogetherCol),
                ])))
                .child(
                    el("tbody").children(rows.iter().map(|(key, separate, together)| {
                        el("tr")
                            .child(tc("th", "", t(l, *key)).attr("scope", "row"))
                            .child(tc("td", "", separate.to_string()))
                            .child(el("td").child(tc("strong", "", together.to_string())))
                    })),
                ),
        );
    if for_situation {
        section
    } else {
        section.child(tc("p", "ot-field__hint", t(l, W::SavingsNote)))
    }
}

/// "200.00 元" or "不收费".
pub fn fee(l: Locale, fen: u64) -> String {
    money(l, fen)
}
