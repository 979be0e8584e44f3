//! 整改: ratings of 不满意 or worse still to answer, for the supervisor, each with a reply
//! form. The applicant sees the reply on the application's page.

use leptos::prelude::*;
use onetrip_api::staff::{Followup, FollowupReply};
use onetrip_domain::workflow::MAX_COMMENT_CHARS;

use super::{
    error_summary, error_words, failed, field_error, focus_later, live, loading, set_title,
    use_session,
};
use crate::api::{self, decode};

#[component]
pub fn FollowupsPage() -> impl IntoView {
    set_title("整改");
    let data = live(Signal::derive(|| "/api/v1/staff/followups".to_owned()));
    let status = RwSignal::new(None::<String>);
    let list = Memo::new(move |_| {
        data.state.with(|s| match s {
            Some(Ok(t)) => Some(decode::<Vec<Followup>>(t)),
            Some(Err(e)) => Some(Err(e.clone())),
            None => None,
        })
    });
    let body = move || {
        match list.get() {
        None => loading(),
        Some(Err(e)) => failed(&e, move || data.reload()),
        Some(Ok(items)) if items.is_empty() => {
            view! { <p class="ot-notice">"没有待答复的整改。"</p> }.into_any()
        }
        Some(Ok(items)) => view! {
            <ul class="ot-staff-list">
                {items.into_iter().map(|f| view! { <li><FollowupItem item=f data status /></li> }).collect_view()}
            </ul>
        }
        .into_any(),
    }
    };
    view! {
        <h1 class="ot-heading-xl">"整改"</h1>
        <p>"申请人评为“不满意”或“非常不满意”的办件，需在 15 个工作日内答复整改情况。"</p>
        <div class="ot-staff-status" role="status" tabindex="-1" id="followup-status">
            {move || status.get().map(|s| view! { <p class="ot-notice ot-notice--success">{s}</p> })}
        </div>
        {body}
    }
}

#[component]
fn FollowupItem(
    item: Followup,
    data: super::Live,
    status: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = use_session();
    let number = item.number.clone();
    let id = format!("f-reply-{number}");
    let summary_id = format!("{id}-summary");
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let reply = RwSignal::new(String::new());
    let error = field_error(problems, &id);
    let submit = {
        let (number, id, summary_id) = (number.clone(), id.clone(), summary_id.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let text = reply.get_untracked().trim().to_owned();
            let count = text.chars().count();
            if count == 0 || count > MAX_COMMENT_CHARS {
                let words = if count == 0 {
                    "请写明整改情况。".to_owned()
                } else {
                    format!("整改情况最多 {MAX_COMMENT_CHARS} 字。")
                };
                problems.set(vec![(id.clone(), words)]);
                focus_later(summary_id.clone());
                return;
            }
            let (number, id, summary_id) = (number.clone(), id.clone(), summary_id.clone());
            let key = api::new_idempotency_key();
            leptos::task::spawn_local(async move {
                let path = format!("/api/v1/staff/followups/{number}");
                let result = api::post(&path, &key, &FollowupReply { reply: text }).await;
                if !session.alive(&result) {
                    return;
                }
                match result {
                    Ok(_) => {
                        status.set(Some(format!("已答复办件 {number} 的整改。")));
                        focus_later("followup-status".into());
                        data.reload();
                    }
                    Err(e) => {
                        problems.try_set(vec![(id, error_words(&e))]);
                        focus_later(summary_id);
                    }
                }
            });
        }
    };
    let r = item.rating;
    let heading = format!("h-{number}");
    view! {
        <section class="ot-staff-action" aria-labelledby=heading.clone()>
            <h2 class="ot-heading-m" id=heading.clone()>"办件 " <a href=format!("/staff/a/{number}")>{number.clone()}</a></h2>
            <dl class="ot-summary-list">
                <div class="ot-summary-list__row"><dt>"评价"</dt><dd>{r.label}</dd></div>
                {r.comment.map(|c| view! { <div class="ot-summary-list__row"><dt>"申请人意见"</dt><dd>{c}</dd></div> })}
                <div class="ot-summary-list__row"><dt>"评价时间"</dt><dd>{super::when(&r.rated_at)}</dd></div>
                {r.followup_due.map(|d| view! { <div class="ot-summary-list__row"><dt>"答复期限"</dt><dd>{d.to_string()}</dd></div> })}
                <div class="ot-summary-list__row"><dt>"是否超期"</dt><dd>{if item.overdue {
                    view! { <strong class="ot-tag ot-tag--overdue">"超期"</strong> }.into_any()
                } else {
                    view! { <span>"未超期"</span> }.into_any()
                }}</dd></div>
            </dl>
            <form on:submit=submit novalidate>
                {error_summary(summary_id.clone(), problems)}
                <div class="ot-field" class:ot-field--error=move || error.get().is_some()>
                    <label class="ot-field__label" for=id.clone()>{format!("办件 {number} 的整改情况")}</label>
                    {move || error.get().map(|e| view! { <p class="ot-field__error"><span class="ot-visually-hidden">"错误："</span>{e}</p> })}
                    <textarea class="ot-textarea" id=id rows="3"
                        aria-invalid=move || error.get().map(|_| "true")
                        prop:value=move || reply.get() on:input=move |ev| reply.set(event_target_value(&ev))></textarea>
                </div>
                <button type="submit" class="ot-button">"提交答复"</button>
            </form>
        </section>
    }
}
