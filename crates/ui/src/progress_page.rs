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

/// "2026-05-01T10:23:45+08:00" as "2026-05-01 10:23" (China time, as the server sends it).
pub fn when(rfc3339: &str) -> String {
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
            ApplicantAction::Counter => items.push(
                el("li")
                    .child(tc(
                        "p",
                        "",
                        l.pick(
                            "有事项需要到窗口办理一次。到窗口时出示办件码，工作人员扫码即可调出您在网上填好的申请，不用重新填写。",
                            "One matter needs a visit to the service window. Show your counter code there: staff scan it and open the application you prepared online.",
                        ),
                    ))
                    .child(link("#counter", "ot-link", l.pick("出示办件码", "Show the counter code"))),
            ),
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
    if let Some(b) = &p.bank {
        out.push(h(
            2,
            "ot-heading-l",
            l.pick("预约开户", "Bank account appointment"),
        ));
        let mut rows = vec![
            row(
                l.pick("开户银行和网点", "Bank and branch"),
                txt(format!("{} {}", b.bank_name, b.branch_name)),
            ),
            row(l.pick("网点地址", "Address"), txt(b.address.clone())),
            row(l.pick("营业时间", "Opening hours"), txt(b.hours.clone())),
            row(
                l.pick("账户类型", "Type of account"),
                txt(b.account_type.clone()),
            ),
            row(l.pick("进度", "Progress"), txt(b.label.clone())),
        ];
        if let Some(at) = &b.signing_at {
            rows.push(row(
                l.pick("面签时间", "Signing at the bank"),
                txt(at.clone()),
            ));
        }
        out.push(summary_list(rows));
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
    if !p.notices.is_empty() {
        out.push(h(2, "ot-heading-l", l.pick("通知书", "Notices")));
        out.push(
            el("ul")
                .class("ot-list")
                .children(p.notices.iter().map(|k| {
                    let name = match k.as_str() {
                        "accepted" => l.pick("受理通知书", "Notice of acceptance"),
                        "not_accepted" => l.pick("不予受理通知书", "Notice of non-acceptance"),
                        _ => l.pick("补正告知书", "Notice of corrections"),
                    };
                    el("li").child(link(
                        format!("/track/{}/notice/{k}", p.number),
                        "ot-link",
                        name,
                    ))
                })),
        );
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

/// Who the notice is addressed to: the company, or the applicant (masked).
fn addressee(p: &Progress) -> String {
    p.applicant
        .iter()
        .find(|d| d.label == "企业名称")
        .or_else(|| p.applicant.iter().find(|d| d.label == "申请人"))
        .map_or_else(|| "申请人".to_owned(), |d| d.value.clone())
}

fn day(rfc3339: &str) -> String {
    let d = rfc3339.get(..10).unwrap_or(rfc3339);
    match (d.get(..4), d.get(5..7), d.get(8..10)) {
        (Some(y), Some(m), Some(dd)) => format!(
            "{y}年{}月{}日",
            m.trim_start_matches('0'),
            dd.trim_start_matches('0')
        ),
        _ => d.to_owned(),
    }
}

/// The printable notices in their standard form (受理通知书, 不予受理通知书, 补正告知书), in
/// Chinese whatever the interface language: they are the legal documents. `today`
/// (`YYYY-MM-DD`) dates the 补正告知书, which lists every open item at once.
pub fn notice(_l: Locale, p: &Progress, kind: &str, today: &str) -> Option<Page> {
    let (title, body): (&str, Vec<N>) = match kind {
        "accepted" => {
            let at = p.accepted_at.as_deref()?;
            let mut body = vec![tc(
                "p",
                "",
                format!(
                    "您（单位）于{}提出的{}申请，经审查，申请材料齐全、符合法定形式，本机关决定予以受理。",
                    day(&p.submitted_at),
                    p.name
                ),
            )];
            let deferred: Vec<_> = p
                .outstanding
                .iter()
                .filter(|m| m.kind == RequestKind::Deferred)
                .collect();
            if !deferred.is_empty() {
                body.push(tc(
                    "p",
                    "",
                    "本申请为容缺受理。请在下列期限内补交材料，逾期未补交的，相关事项暂缓出具办理结果：",
                ));
                body.push(
                    el("ol").class("ot-list ot-list--number").children(
                        deferred
                            .iter()
                            .map(|m| tc("li", "", format!("{}（{} 前）", m.name, m.due))),
                    ),
                );
            }
            if let Some(d) = p.promised {
                body.push(tc(
                    "p",
                    "",
                    format!("承诺办结时间：{d}（法定节假日顺延）。"),
                ));
            }
            body.push(tc("p", "", format!("受理日期：{}", day(at))));
            ("受理通知书", body)
        }
        "not_accepted" => {
            let at = p.refused_at.as_deref()?;
            (
                "不予受理通知书",
                vec![
                    tc(
                        "p",
                        "",
                        format!(
                            "您（单位）于{}提出的{}申请，经审查，因下列原因，本机关决定不予受理：",
                            day(&p.submitted_at),
                            p.name
                        ),
                    ),
                    el("ol")
                        .class("ot-list ot-list--number")
                        .children(p.refusal.iter().map(|r| tc("li", "", r))),
                    tc(
                        "p",
                        "",
                        "您可以按上述原因修改后重新申请。如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
                    ),
                    tc("p", "", format!("决定日期：{}", day(at))),
                ],
            )
        }
        "correction" => {
            let items: Vec<_> = p
                .outstanding
                .iter()
                .filter(|m| m.kind == RequestKind::Correction)
                .collect();
            if items.is_empty() {
                return None;
            }
            let due = items.iter().map(|m| m.due).min()?;
            (
                "补正告知书",
                vec![
                    tc(
                        "p",
                        "",
                        format!(
                            "您（单位）提出的{}申请，经审查，申请材料需要补正。现将需要补正的全部内容一次性告知如下，请于{due}前一并补正：",
                            p.name
                        ),
                    ),
                    el("ol")
                        .class("ot-list ot-list--number")
                        .children(items.iter().map(|m| {
                            let mut text = m.name.clone();
                            if let Some(d) = &m.department_name {
                                text = format!("{text}（{d}）");
                            }
                            if let Some(r) = &m.reason {
                                text = format!("{text}：{r}");
                            }
                            tc("li", "", text)
                        })),
                    tc(
                        "p",
                        "",
                        format!(
                            "补正材料可以在“一次办”补交材料页面上传（/apply/supplement/{}），无需到窗口。补正期间不计入承诺办理时间。",
                            p.number
                        ),
                    ),
                    tc("p", "", format!("告知日期：{}", day(today))),
                ],
            )
        }
        _ => return None,
    };
    let mut nodes = vec![
        h(1, "ot-heading-xl ot-notice-doc__title", title),
        tc("p", "ot-notice-doc__number", format!("编号：{}", p.number)),
        tc("p", "", format!("{}：", addressee(p))),
    ];
    nodes.extend(body);
    nodes.push(tc(
        "p",
        "ot-notice-doc__sign",
        "一次办 政务服务中心综合窗口",
    ));
    Some(Page {
        title: format!("{title} - {}", p.name),
        nodes: vec![el("article").class("ot-notice-doc").children(nodes)],
    })
}
