//! 办件进度: the applicant's page of one application, as markup the server renders (the phone
//! pays no wasm for it). What to do now comes first, then where it is, who has it, by when,
//! and everything that happened, in plain words. Personal data arrive masked.

use onetrip_api::application::RequestKind;
use onetrip_api::progress::{ApplicantAction, Progress};
use onetrip_domain::lifecycle::{MatterStatus, Outcome, Status};

use crate::blocks::{h, row, summary_list};
use crate::doc::{N, el, link, tc, txt};
use crate::messages::Locale;
use crate::pages::{Page, spaced};

fn when(rfc3339: &str) -> String {
    rfc3339.get(..16).unwrap_or(rfc3339).replace('T', " ")
}

/// What the applicant must do now, each as a clear action; empty when nothing.
fn todo(l: Locale, p: &Progress) -> Option<N> {
    let mut items: Vec<N> = Vec::new();
    for a in &p.actions {
        match a {
            ApplicantAction::Supplement { due } => items.push(
                el("li")
                    .child(tc(
                        "p",
                        "",
                        format!(
                            "{}{due}{}",
                            l.pick("请在 ", "Supply the documents listed below by "),
                            l.pick(" 前补交下面列出的材料。", ".")
                        ),
                    ))
                    .child(link(
                        format!("/apply/supplement/{}", p.number),
                        "ot-button",
                        l.pick("补交材料", "Supply documents"),
                    )),
            ),
            ApplicantAction::Pickup => items.push(tc(
                "li",
                "",
                l.pick(
                    "办理结果已可领取：请带本人身份证原件到受理窗口领取，也可以委托他人凭委托书领取。",
                    "The result is ready: collect it at the service window with your ID card, or send someone with a letter of authorisation.",
                ),
            )),
            ApplicantAction::Rate => items.push(
                el("li")
                    .child(tc(
                        "p",
                        "",
                        l.pick(
                            "请为这次服务打分（好差评），您的评价会直接送到督办部门。",
                            "Rate this service: your rating goes straight to the supervising office.",
                        ),
                    ))
                    .child(link("#rate", "ot-link", l.pick("去评价", "Rate now"))),
            ),
            ApplicantAction::Withdraw => items.push(tc(
                "li",
                "",
                l.pick(
                    "窗口受理之前，您可以撤回这份申请。",
                    "You may withdraw the application until the window accepts it.",
                ),
            )),
            ApplicantAction::Restart => items.push(tc(
                "li",
                "",
                l.pick(
                    "您可以按上面的原因修改后重新申请，之前填写的内容会自动带入。",
                    "You may apply again after fixing what is said above; your earlier answers are filled in.",
                ),
            )),
        }
    }
    if items.is_empty() {
        return None;
    }
    Some(
        el("section")
            .class("ot-notice ot-todo")
            .attr("aria-labelledby", "todo-heading")
            .child(
                h(2, "ot-heading-l", l.pick("您现在需要做", "What to do now"))
                    .attr("id", "todo-heading"),
            )
            .child(el("ul").class("ot-list").children(items)),
    )
}

fn outcome_text(l: Locale, o: Outcome) -> &'static str {
    match o {
        Outcome::AllApproved => l.pick("全部事项都已准予。", "Every matter was granted."),
        Outcome::PartlyApproved => l.pick(
            "部分事项准予，部分事项不予：不予的原因见办理记录，准予的事项照常出结果。",
            "Some matters were granted and some refused: the reasons are in the record below; the granted ones give their results as usual.",
        ),
        Outcome::NoneApproved => l.pick(
            "所有事项都未获准予，原因见办理记录。",
            "No matter was granted: the reasons are in the record below.",
        ),
    }
}

fn matter_rows(l: Locale, p: &Progress) -> N {
    summary_list(p.matters.iter().map(|m| {
        let mut parts = vec![m.department_name.clone(), m.label.clone()];
        if let Some(due) = m.due
            && !matches!(m.status, MatterStatus::Approved | MatterStatus::Refused)
        {
            parts.push(format!("{}{due}", l.pick("承诺 ", "promised by ")));
        }
        if !m.waits_for.is_empty() && m.status == MatterStatus::Waiting {
            parts.push(format!(
                "{}{}",
                l.pick("等待：", "after: "),
                m.waits_for.join("、")
            ));
        }
        let mut value = el("span").child(txt(parts.join(" · ")));
        if m.overdue {
            value = value.child(tc(
                "strong",
                "ot-tag ot-tag--late",
                l.pick("已超期", "Late"),
            ));
        }
        row(&m.name, value)
    }))
}

/// The application's page.
pub fn progress(l: Locale, p: &Progress) -> Page {
    let mut out = vec![
        tc(
            "span",
            "ot-caption",
            l.pick("办件进度", "Application progress"),
        ),
        h(1, "ot-heading-xl", &p.name),
        el("div")
            .class("ot-panel")
            .child(tc("p", "ot-panel__title", l.pick("当前状态", "Status")))
            .child(tc("p", "ot-panel__number", &p.label))
            .child(tc(
                "p",
                "",
                format!(
                    "{}{}",
                    l.pick("申请编号：", "Application number: "),
                    spaced(&p.number)
                ),
            )),
    ];
    if p.overdue {
        let day = match p.status {
            Status::Submitted | Status::PreReview => p.accept_by,
            _ => p.promised,
        };
        out.push(el("div").class("ot-notice ot-notice--error").child(tc(
            "p",
            "",
            format!(
                "{}{}{}",
                l.pick("已超过承诺的时间（", "This is past the promised day ("),
                day.map(|d| d.to_string()).unwrap_or_default(),
                l.pick(
                    "）。办理人员已收到超期提醒；如需了解原因，请拨打 12345 政务服务热线。",
                    "). The staff have been alerted; to ask why, call the 12345 hotline.",
                )
            ),
        )));
    }
    if let Some(box_) = todo(l, p) {
        out.push(box_);
    }
    if !p.refusal.is_empty() {
        out.push(h(
            2,
            "ot-heading-l",
            l.pick("不予受理的原因", "Why it was not accepted"),
        ));
        out.push(
            el("ul")
                .class("ot-list ot-list--bullet")
                .children(p.refusal.iter().map(|r| tc("li", "", r))),
        );
    }
    if !p.outstanding.is_empty() {
        out.push(h(
            2,
            "ot-heading-l",
            l.pick("还需补交的材料", "Documents still to supply"),
        ));
        out.push(summary_list(p.outstanding.iter().map(|m| {
            let kind = match m.kind {
                RequestKind::Deferred => l.pick("容缺", "Deferred"),
                RequestKind::Correction => l.pick("补正", "Correction"),
            };
            let mut parts = vec![kind.to_owned()];
            if let Some(d) = &m.department_name {
                parts.push(d.clone());
            }
            if let Some(r) = &m.reason {
                parts.push(format!("{}{r}", l.pick("原因：", "reason: ")));
            }
            parts.push(format!("{}{}", l.pick("截止 ", "due "), m.due));
            row(&m.name, txt(parts.join(" · ")))
        })));
    }
    if let Some(o) = p.outcome {
        out.push(el("p").class("ot-lead").child(txt(outcome_text(l, o))));
    }
    let mut dates = vec![row(
        l.pick("提交时间", "Submitted"),
        txt(when(&p.submitted_at)),
    )];
    if let (Some(d), Status::Submitted | Status::PreReview) = (p.accept_by, p.status) {
        dates.push(row(
            l.pick("窗口受理期限", "Window decides by"),
            txt(d.to_string()),
        ));
    }
    if let Some(d) = p.promised {
        dates.push(row(
            l.pick("承诺办结", "Result promised by"),
            txt(d.to_string()),
        ));
    }
    if let Some(t) = &p.tracking {
        dates.push(row(
            l.pick("EMS 快递单号", "EMS tracking number"),
            tc("span", "ot-panel__number", t),
        ));
    }
    out.push(summary_list(dates));
    if !p.matters.is_empty() {
        out.push(h(
            2,
            "ot-heading-l",
            l.pick("各部门办理情况", "Each department"),
        ));
        out.push(matter_rows(l, p));
    }
    if let Some(r) = &p.rating {
        let mut section = el("section")
            .attr("aria-labelledby", "rating-heading")
            .child(
                h(2, "ot-heading-l", l.pick("您的评价", "Your rating"))
                    .attr("id", "rating-heading"),
            )
            .child(tc("p", "", format!("{} · {}", r.label, when(&r.rated_at))));
        if let Some(c) = &r.comment {
            section = section.child(tc("p", "", c));
        }
        match (&r.followup_due, &r.reply) {
            (_, Some(reply)) => {
                section = section
                    .child(h(3, "ot-heading-m", l.pick("整改答复", "Follow-up answer")))
                    .child(tc("p", "", reply));
            }
            (Some(due), None) => {
                section = section.child(tc(
                    "p",
                    "",
                    format!(
                        "{}{due}{}",
                        l.pick(
                            "已转督办部门整改，将在 ",
                            "Passed to the supervising office, who will answer by "
                        ),
                        l.pick(" 前答复您。", "."),
                    ),
                ));
            }
            (None, None) => {}
        }
        out.push(section);
    }
    out.push(h(2, "ot-heading-l", l.pick("办理记录", "Record")));
    out.push(
        el("ol")
            .class("ot-timeline")
            .children(p.timeline.iter().map(|e| {
                let mut item = el("li")
                    .child(tc(
                        "p",
                        "ot-timeline__when",
                        format!("{} · {}", when(&e.at), e.who),
                    ))
                    .child(tc("p", "ot-timeline__what", &e.text));
                if let Some(note) = &e.note {
                    item = item.child(
                        el("ul")
                            .class("ot-list ot-list--bullet")
                            .children(note.lines().map(|n| tc("li", "", n))),
                    );
                }
                item
            })),
    );
    if !p.messages.is_empty() {
        out.push(h(2, "ot-heading-l", l.pick("消息", "Messages")));
        out.push(
            el("ul").class("ot-list").children(
                p.messages
                    .iter()
                    .map(|m| tc("li", "", format!("{} {}", when(&m.at), m.text))),
            ),
        );
    }
    if !p.applicant.is_empty() {
        out.push(h(
            2,
            "ot-heading-m",
            l.pick("申请人信息（已隐藏部分内容）", "Applicant (partly hidden)"),
        ));
        out.push(summary_list(
            p.applicant
                .iter()
                .map(|d| row(&d.label, txt(d.value.clone()))),
        ));
    }
    Page {
        title: format!("{} - {}", l.pick("办件进度", "Progress"), p.name),
        nodes: out,
    }
}
