//! 办件详情: one application as the one who decides sees it (personal data in full: the server
//! writes each opening to the audit log), with the decisions this member may take now.

use leptos::prelude::*;
use onetrip_api::application::{FileRecord, MaterialRequest, RequestKind};
use onetrip_api::progress::{MatterProgress, TimelineEntry};
use onetrip_api::staff::StaffApplication;

use super::actions::Actions;
use super::{failed, live, loading, set_title, use_session, when};
use crate::api::{ApiError, decode};

#[derive(Clone, PartialEq)]
enum Phase {
    Loading,
    Ready,
    Failed(ApiError),
}

#[component]
pub fn CasePage(
    number: String,
    /// Opened by its counter code (办件码) at the window: what to check in person first.
    #[prop(optional)]
    counter: Option<onetrip_api::counter::CounterView>,
) -> impl IntoView {
    set_title(&format!("办件 {number}"));
    let number = StoredValue::new(number);
    let path = Signal::derive(move || format!("/api/v1/staff/applications/{}", number.get_value()));
    let data = live(path);
    let app = Memo::new(move |_| {
        data.state.with(|s| match s {
            Some(Ok(text)) => decode::<StaffApplication>(text).ok(),
            _ => None,
        })
    });
    let phase = Memo::new(move |_| {
        data.state.with(|s| match s {
            None => Phase::Loading,
            Some(Ok(_)) => Phase::Ready,
            Some(Err(e)) => Phase::Failed(e.clone()),
        })
    });
    let session = use_session();
    let status = RwSignal::new(None::<String>);
    move || {
        match phase.get() {
        Phase::Loading => loading(),
        Phase::Failed(ApiError::Server { status: 404, .. }) => {
            set_title("没有找到这份办件");
            view! {
                <h1 class="ot-heading-xl">"没有找到这份办件"</h1>
                <p>"请核对申请编号。部门工作人员只能查看含有本部门事项的办件。"</p>
                <p><a href=session.home()>"返回办件列表"</a></p>
            }
            .into_any()
        }
        Phase::Failed(e) => failed(&e, move || data.reload()),
        Phase::Ready => view! {
            <p class="ot-staff-back"><a href=session.home()>"返回办件列表"</a></p>
            <h1 class="ot-heading-xl">"办件 " {number.get_value()}</h1>
            <div class="ot-staff-status" role="status" tabindex="-1" id="case-status">
                {move || status.get().map(|s| view! { <p class="ot-notice ot-notice--success">{s}</p> })}
            </div>
            {counter.as_ref().map(super::counter::checks)}
            {move || app.get().map(summary)}
            <section class="ot-staff-section" aria-labelledby="h-actions">
                <h2 class="ot-heading-l" id="h-actions">"办理"</h2>
                <Actions number=number.get_value() app status data />
            </section>
            {move || app.get().map(|a| view! {
                {matters(&a.matters)}
                {requests(&a.requests)}
                {files(&a)}
                {form(&a)}
                {timeline(&a.timeline)}
            })}
        }
        .into_any(),
    }
    }
}

fn overdue_tag(overdue: bool) -> AnyView {
    if overdue {
        view! { <strong class="ot-tag ot-tag--overdue">"超期"</strong> }.into_any()
    } else {
        view! { <span>"未超期"</span> }.into_any()
    }
}

/// The header facts: what, where it is, its days.
fn summary(a: StaffApplication) -> impl IntoView {
    let rating = a.rating.map(|r| {
        let comment = r.comment.map(|c| format!("：{c}")).unwrap_or_default();
        format!("{}{comment}", r.label)
    });
    view! {
        <dl class="ot-summary-list">
            <div class="ot-summary-list__row"><dt>"事项"</dt><dd>{a.name}</dd></div>
            <div class="ot-summary-list__row"><dt>"状态"</dt><dd><strong>{a.label}</strong></dd></div>
            <div class="ot-summary-list__row"><dt>"提交时间"</dt><dd>{when(&a.submitted_at)}</dd></div>
            {a.accept_by.map(|d| view! { <div class="ot-summary-list__row"><dt>"受理期限"</dt><dd>{d}</dd></div> })}
            {a.promised.map(|d| view! { <div class="ot-summary-list__row"><dt>"承诺办结日期"</dt><dd>{d}</dd></div> })}
            <div class="ot-summary-list__row"><dt>"是否超期"</dt><dd>{overdue_tag(a.overdue)}</dd></div>
            {a.tracking.map(|t| view! { <div class="ot-summary-list__row"><dt>"EMS 快递单号"</dt><dd>{t}</dd></div> })}
            {rating.map(|r| view! { <div class="ot-summary-list__row"><dt>"评价"</dt><dd>{r}</dd></div> })}
        </dl>
    }
}

/// Each matter in its own department (并联审批).
fn matters(list: &[MatterProgress]) -> impl IntoView + use<> {
    let rows = list
        .iter()
        .map(|m| {
            let waits = (!m.waits_for.is_empty())
                .then(|| format!("（等待：{}）", m.waits_for.join("、")));
            view! {
                <tr>
                    <th scope="row" data-label="事项">{m.name.clone()}</th>
                    <td data-label="部门">{m.department_name.clone()}</td>
                    <td data-label="状态">{m.label.clone()}{waits}</td>
                    <td data-label="办结期限">{m.due.map_or_else(|| "—".to_owned(), |d| d.to_string())}</td>
                    <td data-label="是否超期">{overdue_tag(m.overdue)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="ot-staff-section" aria-labelledby="h-matters">
            <h2 class="ot-heading-l" id="h-matters">"各部门办理情况（并联审批）"</h2>
            <div class="ot-staff-table">
                <table class="ot-table ot-staff-queue">
                    <thead><tr>
                        <th scope="col">"事项"</th>
                        <th scope="col">"部门"</th>
                        <th scope="col">"状态"</th>
                        <th scope="col">"办结期限"</th>
                        <th scope="col">"是否超期"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// 容缺 and 补正 requests, open first.
fn requests(list: &[MaterialRequest]) -> impl IntoView + use<> {
    let mut list = list.to_vec();
    list.sort_by_key(|r| r.resolved);
    let items = list
        .into_iter()
        .map(|r| {
            let kind = match r.kind {
                RequestKind::Deferred => "容缺",
                _ => "补正",
            };
            let state = if r.resolved { "已补交" } else { "待补交" };
            view! {
                <li class="ot-staff-request" class:ot-staff-request--open=!r.resolved>
                    <strong>{format!("{kind}：{}", r.name)}</strong>
                    " · " {state} " · 补交期限 " {r.due.to_string()}
                    {r.department_name.map(|d| view! { <br />"提出部门：" {d} })}
                    {r.reason.map(|x| view! { <br />"原因：" {x} })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="ot-staff-section" aria-labelledby="h-requests">
            <h2 class="ot-heading-l" id="h-requests">"容缺和补正"</h2>
            <ul class="ot-staff-list">{items}</ul>
        </section>
    }
}

fn slot_name(slot: &str) -> &'static str {
    match slot {
        "front" => "人像面",
        "back" => "国徽面",
        _ => "",
    }
}

fn size(f: &FileRecord) -> String {
    let kind = if f.content_type == "application/pdf" {
        match f.pages {
            Some(p) => format!("PDF，{p} 页"),
            None => "PDF".to_owned(),
        }
    } else {
        match (f.width, f.height) {
            (Some(w), Some(h)) => format!("图片，{w}×{h}"),
            _ => "图片".to_owned(),
        }
    };
    format!("{kind}，{:.0} KB", f.bytes as f64 / 1024.0)
}

/// The documents, each with a download (the server audits it).
fn files(a: &StaffApplication) -> impl IntoView + use<> {
    let name_of = |key: &str| {
        a.materials
            .iter()
            .find(|m| m.key == key)
            .map_or_else(|| key.to_owned(), |m| m.name.clone())
    };
    let items = a
        .files
        .iter()
        .map(|f| {
            let name = format!("{} {}", name_of(&f.material), slot_name(&f.slot));
            let name = name.trim().to_owned();
            let href = format!("/api/v1/staff/applications/{}/files/{}", a.number, f.id);
            let n = f.position + 1;
            view! {
                <li>
                    <a href=href download="">{format!("下载：{name} 第 {n} 份")}</a>
                    " （" {size(f)} "）"
                </li>
            }
        })
        .collect_view();
    let none = a
        .files
        .is_empty()
        .then(|| view! { <p>"没有上传的材料。"</p> });
    view! {
        <section class="ot-staff-section" aria-labelledby="h-files">
            <h2 class="ot-heading-l" id="h-files">"材料"</h2>
            <p class="ot-field__hint">"下载会记入审计日志。材料已通过机器预审（格式、大小、清晰度）。"</p>
            {none}
            <ul class="ot-staff-list">{items}</ul>
        </section>
    }
}

/// The form as the applicant filled it in (in full: this view is audited).
fn form(a: &StaffApplication) -> impl IntoView + use<> {
    let rows = a
        .form
        .iter()
        .map(|l| {
            view! {
                <div class="ot-summary-list__row"><dt>{l.label.clone()}</dt><dd>{l.value.clone()}</dd></div>
            }
        })
        .collect_view();
    view! {
        <section class="ot-staff-section" aria-labelledby="h-form">
            <h2 class="ot-heading-l" id="h-form">"申请表"</h2>
            <p class="ot-field__hint">"含个人信息，查看已记入审计日志，请勿外传。"</p>
            <dl class="ot-summary-list">{rows}</dl>
        </section>
    }
}

fn timeline(list: &[TimelineEntry]) -> impl IntoView + use<> {
    let items = list
        .iter()
        .map(|t| {
            view! {
                <li>
                    <span class="ot-staff-time">{when(&t.at)}</span> " "
                    <strong>{t.who.clone()}</strong> "：" {t.text.clone()}
                    {t.note.clone().map(|n| view! { <p class="ot-staff-note">{n}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="ot-staff-section" aria-labelledby="h-timeline">
            <h2 class="ot-heading-l" id="h-timeline">"办理记录"</h2>
            <ol class="ot-staff-list ot-staff-timeline">{items}</ol>
        </section>
    }
}
