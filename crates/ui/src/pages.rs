//! The read-only pages, built from the API's data for one language. The server renders them
//! to HTML (`GET /api/v1/views/...`); the app puts that HTML into its shell.

use onetrip_api::application::{Receipt, RequestKind};
use onetrip_api::catalog::{
    BundleDetail, CatalogIndex, ChecklistRecord, MatterGuide, SearchResults,
};
use onetrip_domain::catalog::checklist::Subject;
use onetrip_domain::catalog::{ApplicantKind, Delivery};

use crate::blocks::{
    Qr, bundle_cards, fee, h, illustrative, material_groups, matter_list, qr_figure, row,
    savings_table, summary_list, t, tag, trips,
};
use crate::doc::{N, el, link, tc, txt};
use crate::messages::{Key, Locale, working_days};
use crate::words::W;

/// A page: its title (for the document title) and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub title: String,
    pub nodes: Vec<N>,
}

/// The home page below its search box: bundles (一件事), the most used matters, departments.
pub fn home(l: Locale, index: &CatalogIndex) -> Page {
    let mut popular: Vec<_> = index
        .matters
        .iter()
        .filter(|m| m.popular.is_some())
        .collect();
    popular.sort_by_key(|m| m.popular);
    let nodes = vec![
        el("section")
            .attr("aria-labelledby", "ot-bundles-heading")
            .children([
                h(2, "ot-heading-l", t(l, W::BundlesHeading)).attr("id", "ot-bundles-heading"),
                bundle_cards(l, &index.bundles),
            ]),
        el("section")
            .attr("aria-labelledby", "ot-popular-heading")
            .children([
                h(2, "ot-heading-l", t(l, W::Popular)).attr("id", "ot-popular-heading"),
                matter_list(l, popular),
            ]),
        el("section")
            .attr("aria-labelledby", "ot-departments-heading")
            .children([
                h(2, "ot-heading-l", t(l, W::ByDepartment)).attr("id", "ot-departments-heading"),
                el("ul").class("ot-grid-links").children(
                    index.departments.iter().filter(|d| d.matters > 0).map(|d| {
                        el("li").child(link(
                            format!("/departments/{}", d.code),
                            "ot-grid-links__link",
                            l.pick(&d.name, &d.name_en),
                        ))
                    }),
                ),
            ]),
    ];
    Page {
        title: String::new(),
        nodes,
    }
}

/// Everything for 个人 or 法人.
pub fn for_whom(l: Locale, index: &CatalogIndex, kind: ApplicantKind) -> Page {
    let key = match kind {
        ApplicantKind::Person => Key::ForPerson,
        ApplicantKind::Company => Key::ForCompany,
    };
    Page {
        title: t(l, key).to_owned(),
        nodes: vec![
            h(1, "ot-heading-xl", t(l, key)),
            h(2, "ot-heading-l", t(l, W::BundlesHeading)),
            bundle_cards(l, index.bundles.iter().filter(|b| b.for_whom == kind)),
            h(2, "ot-heading-l", t(l, W::MattersHeading)),
            matter_list(
                l,
                index.matters.iter().filter(|m| m.for_whom.contains(&kind)),
            ),
        ],
    }
}

/// One department's matters; `None` for an unknown department.
pub fn department(l: Locale, index: &CatalogIndex, code: &str) -> Option<Page> {
    let d = index.departments.iter().find(|d| d.code == code)?;
    let name = l.pick(&d.name, &d.name_en);
    Some(Page {
        title: name.to_owned(),
        nodes: vec![
            tc("span", "ot-caption", t(l, W::ByDepartment)),
            h(1, "ot-heading-xl", name),
            matter_list(
                l,
                index.matters.iter().filter(|m| m.department_code == code),
            ),
        ],
    })
}

/// Search results, bundles first, each best first.
pub fn search(l: Locale, found: &SearchResults) -> Page {
    let mut nodes = Vec::new();
    if found.bundles.is_empty() && found.matters.is_empty() {
        nodes.push(tc("p", "ot-inset", t(l, W::SearchNone)).attr("role", "status"));
    }
    if !found.bundles.is_empty() {
        nodes.push(h(2, "ot-heading-l", t(l, W::BundlesHeading)));
        nodes.push(bundle_cards(l, &found.bundles));
    }
    if !found.matters.is_empty() {
        nodes.push(h(2, "ot-heading-l", t(l, W::MattersHeading)));
        nodes.push(matter_list(l, &found.matters));
    }
    Page {
        title: t(l, Key::SearchTitle).to_owned(),
        nodes,
    }
}

/// The box that starts the questions (or, on a guide, the checklist).
pub fn start_box(l: Locale, href: String, label: W) -> N {
    el("div")
        .class("ot-start")
        .child(tc("p", "", t(l, W::StartHint)))
        .child(link(href, "ot-button ot-button--start", t(l, label)))
}

/// A bundle's page (一件事): its matters and departments, what doing them together saves, and
/// the way into the situational questions.
pub fn bundle(l: Locale, d: &BundleDetail) -> Page {
    Page {
        title: l.pick(&d.summary.name, &d.summary.name_en).to_owned(),
        nodes: bundle_nodes(l, d),
    }
}

fn bundle_nodes(l: Locale, d: &BundleDetail) -> Vec<N> {
    let b = &d.summary;
    let members = d.members.iter().map(|member| {
        let m = &member.matter;
        let mut meta = format!(
            "{} · {}",
            l.pick(&m.department, &m.department_en),
            trips(l, m.trips)
        );
        if member.conditional {
            meta = format!("{meta} · {}", t(l, W::Conditional));
        }
        let after: Vec<&str> = member
            .after
            .iter()
            .filter_map(|c| d.members.iter().find(|x| &x.matter.code == c))
            .map(|x| l.pick(&x.matter.name, &x.matter.name_en))
            .collect();
        el("li")
            .class("ot-link-list__item")
            .child(link(
                format!("/matters/{}", m.code),
                "ot-link-list__link",
                l.pick(&m.name, &m.name_en),
            ))
            .child(tc("span", "ot-link-list__meta", meta))
            .maybe((!after.is_empty()).then(|| {
                tc(
                    "span",
                    "ot-link-list__meta",
                    format!("{}{}", t(l, W::AfterPrefix), after.join(l.pick("、", ", "))),
                )
            }))
    });
    let mut out = vec![
        tc("span", "ot-caption", t(l, W::BundlesHeading)),
        h(1, "ot-heading-xl", l.pick(&b.name, &b.name_en)),
        tc("p", "ot-lead", l.pick(&b.summary, &b.summary_en)),
    ];
    if d.illustrative {
        out.push(illustrative(l));
    }
    out.extend([
        summary_list([
            row(t(l, W::Trips), tag(trips(l, b.trips))),
            row(
                t(l, Key::PromisedDays),
                txt(working_days(l, b.promised_days)),
            ),
        ]),
        start_box(
            l,
            format!("/bundles/{}/questions", b.code),
            W::StartQuestions,
        ),
        h(2, "ot-heading-l", t(l, W::MatterCount)),
        el("ol").class("ot-link-list").children(members),
        h(2, "ot-heading-l", t(l, W::DepartmentsHeading)),
        el("ul").children(
            d.departments
                .iter()
                .map(|dep| tc("li", "", l.pick(&dep.name, &dep.name_en))),
        ),
        savings_table(l, &d.savings, false),
        tc(
            "p",
            "ot-source",
            format!("{}{}{}", t(l, W::Source), l.pick("：", ": "), d.source),
        ),
    ]);
    out
}

/// The reason for the one trip and where to go, as a highlighted box.
pub fn trip_box(l: Locale, level: u8, title: &str, reason: &str, office: Option<&str>) -> N {
    el("div")
        .class("ot-inset")
        .child(h(level, "ot-heading-m", title))
        .child(tc("p", "", reason).zh())
        .maybe(office.map(|o| {
            el("p")
                .child(tc("strong", "", t(l, W::Office)))
                .text(" ")
                .child(tc("span", "", o).zh())
        }))
}

fn bullets(items: &[String]) -> N {
    el("ul")
        .zh()
        .children(items.iter().map(|c| tc("li", "", c.clone())))
}

/// A matter's service guide (办事指南): every fact of the catalogue entry, the trips badge with
/// its reason, materials grouped by what the applicant has to do, the way to a checklist.
pub fn matter(l: Locale, g: &MatterGuide) -> Page {
    Page {
        title: l.pick(&g.matter.name, &g.matter.name_en).to_owned(),
        nodes: matter_nodes(l, g),
    }
}

fn matter_nodes(l: Locale, g: &MatterGuide) -> Vec<N> {
    let m = &g.matter;
    let sep = l.pick("、", ", ");
    let for_whom: Vec<&str> = m
        .for_whom
        .iter()
        .map(|k| {
            t(
                l,
                if *k == ApplicantKind::Person {
                    W::Person
                } else {
                    W::Company
                },
            )
        })
        .collect();
    let delivery: Vec<&str> = m
        .delivery
        .iter()
        .map(|d| {
            t(
                l,
                match d {
                    Delivery::Ems => W::Ems,
                    Delivery::Pickup => W::Pickup,
                    Delivery::Electronic => W::Electronic,
                },
            )
        })
        .collect();
    let dept = l.pick(&g.department.name, &g.department.name_en);
    let badge = if m.trips == 0 {
        "ot-badge ot-badge--zero"
    } else {
        "ot-badge ot-badge--one"
    };
    let mut out = vec![
        tc("span", "ot-caption", dept),
        h(1, "ot-heading-xl", l.pick(&m.name, &m.name_en)),
        tc("p", "ot-lead", l.pick(&m.summary, &m.summary_en)),
    ];
    if m.illustrative {
        out.push(illustrative(l));
    }
    out.push(
        el("p")
            .class(badge)
            .text(format!("{}{}", t(l, W::Trips), l.pick("：", ": ")))
            .child(tc("strong", "", trips(l, m.trips))),
    );
    if let Some(reason) = &m.trip_reason {
        out.push(trip_box(
            l,
            2,
            t(l, W::TripReasonHeading),
            reason,
            m.office.as_deref(),
        ));
    }
    if g.bookable {
        out.push(
            el("p").child(
                el("a")
                    .class("ot-button ot-button--secondary")
                    .attr("href", format!("/book/{}", m.code))
                    .attr("data-full-load", "")
                    .child(txt(l.pick("网上预约到窗口办理", "Book the visit online"))),
            ),
        );
    }
    let fee_value = el("span").text(fee(l, m.fee_fen)).maybe(
        m.fee_note
            .as_ref()
            .map(|n| tc("span", "ot-link-list__meta", n.clone()).zh()),
    );
    out.push(summary_list([
        row(t(l, W::Department), txt(dept)),
        row(t(l, Key::ForWhom), txt(for_whom.join(sep))),
        row(
            t(l, Key::PromisedDays),
            txt(working_days(l, m.promised_days)),
        ),
        row(t(l, W::LegalDays), txt(working_days(l, m.legal_days))),
        row(t(l, W::Fee), fee_value),
        row(t(l, W::Result), tc("span", "", m.result.clone()).zh()),
        row(t(l, W::Delivery), txt(delivery.join(sep))),
        row(
            t(l, W::HotlineLabel),
            link(
                format!("tel:{}", g.hotline.replace('-', "")),
                "",
                g.hotline.clone(),
            ),
        ),
    ]));
    out.push(start_box(
        l,
        format!("/matters/{}/questions", m.code),
        W::GetChecklist,
    ));
    out.push(h(2, "ot-heading-l", t(l, W::MaterialsHeading)));
    out.extend(material_groups(
        l,
        &g.materials,
        std::slice::from_ref(&g.department),
        3,
    ));
    if !m.conditions.is_empty() {
        out.push(h(2, "ot-heading-l", t(l, W::Conditions)));
        out.push(bullets(&m.conditions));
    }
    if !g.fields.is_empty() {
        out.push(h(2, "ot-heading-l", t(l, W::FieldsHeading)));
        out.push(
            el("ul").class("ot-columns").children(
                g.fields
                    .iter()
                    .map(|f| tc("li", "", l.pick(&f.label, &f.label_en))),
            ),
        );
    }
    if !m.legal_basis.is_empty() {
        out.push(h(2, "ot-heading-l", t(l, W::LegalBasis)));
        out.push(bullets(&m.legal_basis));
    }
    if !g.bundles.is_empty() {
        out.push(h(2, "ot-heading-l", t(l, W::InBundles)));
        out.push(
            el("ul")
                .class("ot-link-list")
                .children(g.bundles.iter().map(|b| {
                    el("li").class("ot-link-list__item").child(link(
                        format!("/bundles/{}", b.code),
                        "ot-link-list__link",
                        l.pick(&b.name, &b.name_en),
                    ))
                })),
        );
    }
    out.push(tc(
        "p",
        "ot-source",
        format!("{}{}{}", t(l, W::Source), l.pick("：", ": "), m.source),
    ));
    out
}

/// 分享: the ways to pass the checklist's link on. All three are here and the page's small script
/// (index.html) shows the one this browser has: the system's share sheet, 复制链接 (the
/// clipboard, else the link on the page selected for the person to copy), or in WeChat's
/// browser, whose own menu shares pages, the way to it. The status line says what happened.
/// None of it is printed. Rendered here rather than in the app: a few bytes of script instead of
/// kilobytes of wasm (see ARCHITECTURE.md).
fn share(l: Locale, url: &str) -> N {
    let button = |class: &str, word: W| {
        el("button")
            .attr("type", "button")
            .class(&format!("ot-button ot-button--secondary {class}"))
            .attr("data-share", url)
            .text(t(l, word))
    };
    el("div")
        .class("ot-share ot-no-print")
        .child(button("ot-share__system", W::Share))
        .child(button("ot-share__copy", W::ShareCopy))
        .child(
            el("p")
                .class("ot-share__wechat")
                .child(tc("strong", "", t(l, W::Share)))
                .text(" ")
                .text(t(l, W::ShareWeChat)),
        )
        .child(
            el("p")
                .class("ot-share__status")
                .attr("role", "status")
                .attr("data-copied", t(l, W::ShareCopied))
                .attr("data-selected", t(l, W::ShareSelected)),
        )
}

/// "承诺时限：3 个工作日（法定时限：20 个工作日）": the promise and what the law allows.
fn time_limits(l: Locale, promised: u32, legal: u32) -> String {
    let colon = l.pick("：", ": ");
    let (open, close) = if l == Locale::Zh {
        ("（", "）")
    } else {
        (" (", ")")
    };
    format!(
        "{}{colon}{}{open}{}{colon}{}{close}",
        t(l, Key::PromisedDays),
        working_days(l, promised),
        t(l, W::LegalDays),
        working_days(l, legal)
    )
}

/// `7KQ2M9XA3T` as `7KQ2 M9XA 3T`, easy to read out at a counter.
pub fn spaced(id: &str) -> String {
    id.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A stored one-time checklist (一次性告知单): the QR code and link first, the situation, the
/// materials grouped by what to do, the matters with their departments, days, trips and fees.
pub fn checklist(l: Locale, r: &ChecklistRecord) -> Page {
    Page {
        title: format!(
            "{} - {}",
            t(l, W::ChecklistTitle),
            l.pick(&r.checklist.name, &r.checklist.name_en)
        ),
        nodes: checklist_nodes(l, r),
    }
}

fn checklist_nodes(l: Locale, r: &ChecklistRecord) -> Vec<N> {
    let c = &r.checklist;
    let again = match &c.subject {
        Subject::Bundle(code) => format!("/bundles/{code}/questions"),
        Subject::Matter(code) => format!("/matters/{code}/questions"),
    };
    let mut out = vec![
        tc("span", "ot-caption", t(l, W::ChecklistTitle)),
        h(1, "ot-heading-xl", l.pick(&c.name, &c.name_en)),
    ];
    if r.changed {
        out.push(
            el("div")
                .class("ot-notice")
                .attr("role", "status")
                .child(tc("p", "", t(l, W::ChangedNote)))
                .child(link(
                    again.clone(),
                    "ot-button ot-button--secondary",
                    t(l, W::Regenerate),
                )),
        );
    }
    if c.illustrative {
        out.push(illustrative(l));
    }
    out.push(qr_figure(
        l,
        Qr {
            src: &r.qr_url,
            alt: t(l, W::QrAlt),
            code_label: t(l, W::ChecklistCode),
            code: spaced(&r.id),
            link_label: Some(t(l, W::ChecklistLink)),
            url: &r.url,
        },
    ));
    out.push(tc("p", "", t(l, W::ChecklistKeep)));
    out.push(share(l, &r.url));
    out.push(summary_list([
        row(t(l, W::Trips), tag(trips(l, c.trips))),
        row(
            t(l, Key::PromisedDays),
            txt(working_days(l, c.promised_days)),
        ),
        row(t(l, W::Fee), txt(fee(l, c.fee_fen))),
    ]));
    if !c.answers.is_empty() {
        out.push(h(2, "ot-heading-l", t(l, W::YourAnswers)));
        out.push(summary_list(c.answers.iter().map(|a| {
            row(
                l.pick(&a.question, &a.question_en),
                txt(l.pick(&a.answer, &a.answer_en)),
            )
        })));
        out.push(
            el("p")
                .class("ot-no-print")
                .child(link(again, "", t(l, W::Regenerate))),
        );
    }
    out.push(h(2, "ot-heading-l", t(l, W::MaterialsHeading)));
    out.extend(material_groups(l, &c.materials, &c.departments, 3));
    let trip_matters: Vec<_> = c.matters.iter().filter(|m| m.trips > 0).collect();
    if trip_matters.is_empty() {
        out.push(h(2, "ot-heading-l", t(l, W::Office)));
        out.push(tc("p", "", t(l, W::NoTripNote)));
    } else {
        out.push(h(2, "ot-heading-l", t(l, W::WhereToGo)));
        for m in trip_matters {
            out.push(trip_box(
                l,
                3,
                l.pick(&m.name, &m.name_en),
                m.trip_reason.as_deref().unwrap_or_default(),
                m.office.as_deref(),
            ));
        }
    }
    out.push(h(2, "ot-heading-l", t(l, W::MattersIncluded)));
    out.push(
        el("ol")
            .class("ot-link-list")
            .children(c.matters.iter().map(|m| {
                let dept = c
                    .departments
                    .iter()
                    .find(|d| d.code == m.department)
                    .map(|d| l.pick(&d.name, &d.name_en))
                    .unwrap_or_default();
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
                            "{dept} · {} · {} · {}",
                            time_limits(l, m.promised_days, m.legal_days),
                            trips(l, m.trips),
                            fee(l, m.fee_fen)
                        ),
                    ))
            })),
    );
    if let Some(s) = &c.savings {
        out.push(savings_table(l, s, true));
    }
    out.push(
        el("section")
            .class("ot-apply ot-no-print")
            .child(h(2, "ot-heading-l", t(l, W::ApplyOnline)))
            .child(tc("p", "", t(l, W::ApplyOnlineNote)))
            .child(
                el("a")
                    .class("ot-button")
                    .attr("href", format!("/apply/c/{}", r.id))
                    .attr("data-full-load", "")
                    .child(txt(t(l, W::ApplyOnline))),
            ),
    );
    out
}

/// 申请回执: the receipt of a submitted application.
pub fn receipt(l: Locale, r: &Receipt) -> Page {
    Page {
        title: format!(
            "{} - {}",
            t(l, W::ReceiptTitle),
            l.pick(&r.name, &r.name_en)
        ),
        nodes: receipt_nodes(l, r),
    }
}

fn promised(l: Locale, p: &onetrip_domain::calendar::Promise) -> String {
    let date = p.date.to_string();
    if p.provisional {
        format!("{date}{}", t(l, W::ReceiptProvisional))
    } else {
        date
    }
}

/// 容缺受理 / 需补正: each material still to supply, why, and by when, with the way to supply
/// it (a page of the application flow, which asks for the application key or second factor).
fn outstanding_nodes(l: Locale, r: &Receipt) -> Vec<N> {
    let items = r.outstanding.iter().map(|m| {
        let kind = match m.kind {
            RequestKind::Deferred => W::ReceiptDeferredKind,
            RequestKind::Correction => W::ReceiptCorrectionKind,
        };
        let mut parts = vec![t(l, kind).to_owned()];
        if let Some(dept) = &m.department_name {
            parts.push(dept.clone());
        }
        if let Some(reason) = &m.reason {
            parts.push(format!("{}：{reason}", t(l, W::ReceiptReason)));
        }
        parts.push(format!("{}：{}", t(l, W::ReceiptDue), m.due));
        row(l.pick(&m.name, &m.name_en), txt(parts.join(" · ")))
    });
    vec![
        el("section")
            .class("ot-notice")
            .attr("aria-labelledby", "receipt-outstanding")
            .child(
                h(2, "ot-heading-l", t(l, W::ReceiptOutstanding)).attr("id", "receipt-outstanding"),
            )
            .child(tc("p", "", t(l, W::ReceiptOutstandingText)))
            .child(summary_list(items))
            .child(link(
                format!("/apply/supplement/{}", r.number),
                "ot-button",
                t(l, W::ReceiptSupplement),
            )),
    ]
}

fn receipt_nodes(l: Locale, r: &Receipt) -> Vec<N> {
    let mut out = vec![
        tc("span", "ot-caption", t(l, W::ReceiptTitle)),
        h(1, "ot-heading-xl", l.pick(&r.name, &r.name_en)),
        el("div")
            .class("ot-panel")
            .attr("role", "status")
            .child(tc("p", "ot-panel__title", t(l, W::ReceiptNumber)))
            .child(tc("p", "ot-panel__number", spaced(&r.number)))
            .child(tc("p", "", t(l, W::ReceiptAccepted))),
    ];
    if r.name_review {
        out.push(
            el("div")
                .class("ot-notice")
                .child(tc("p", "", t(l, W::ReceiptNameReview))),
        );
    }
    if !r.outstanding.is_empty() {
        out.extend(outstanding_nodes(l, r));
    }
    let delivery = match r.delivery {
        Delivery::Ems => t(l, W::ReceiptEms),
        _ => t(l, W::ReceiptPickup),
    };
    out.push(summary_list([
        row(
            t(l, W::ReceiptSubmitted),
            txt(r
                .submitted_at
                .get(..16)
                .unwrap_or(&r.submitted_at)
                .replace('T', " ")),
        ),
        row(t(l, W::ReceiptPromised), txt(promised(l, &r.promised))),
        row(t(l, W::ReceiptDelivery), txt(delivery)),
    ]));
    out.push(h(2, "ot-heading-l", t(l, W::ReceiptNext)));
    out.push(tc("p", "", t(l, W::ReceiptNextText)));
    out.push(
        el("p").child(
            link(
                format!("/track/{}", r.number),
                "ot-button ot-button--secondary",
                l.pick("查看办理进度", "See the progress"),
            )
            .attr("data-full-load", ""),
        ),
    );
    out.push(h(2, "ot-heading-l", t(l, W::ReceiptByMatter)));
    out.push(summary_list(r.matters.iter().map(|m| {
        row(
            l.pick(&m.name, &m.name_en),
            txt(format!(
                "{} · {} · {}",
                l.pick(&m.department_name, &m.department_name_en),
                m.result,
                promised(l, &m.promised)
            )),
        )
    })));
    if let Some(s) = &r.savings {
        out.push(savings_table(l, s, true));
    }
    out.push(tc("p", "", t(l, W::ReceiptKeep)));
    out.push(qr_figure(
        l,
        Qr {
            src: &r.qr_url,
            alt: t(l, W::ReceiptQrAlt),
            code_label: t(l, W::ReceiptNumber),
            code: spaced(&r.number),
            link_label: None,
            url: &r.url,
        },
    ));
    out
}
