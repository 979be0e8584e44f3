//! 办件列表: one list per tab (待受理, 办理中, 已办结, 已归档, 全部), 只看超期, and pages of 20
//! by the server's cursor. Rows carry no personal data; the number opens the application.

use leptos::prelude::*;
use onetrip_api::staff::{QueueItem, QueuePage as Page};

use super::{LISTS, failed, live, loading, set_title, when};
use crate::api::decode;
use crate::router::{navigate, use_router};

/// The address of a list with its filter and page.
fn list_url(list: &str, overdue: bool, after: Option<&str>) -> String {
    let mut query = Vec::new();
    if overdue {
        query.push("overdue=1".to_owned());
    }
    if let Some(a) = after {
        query.push(format!("after={a}"));
    }
    if query.is_empty() {
        format!("/staff/list/{list}")
    } else {
        format!("/staff/list/{list}?{}", query.join("&"))
    }
}

/// A cursor is `{millis}.{number}`; anything else is not passed on.
fn cursor_ok(c: &str) -> bool {
    !c.is_empty()
        && c.len() <= 40
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

fn row(item: QueueItem) -> impl IntoView {
    let href = format!("/staff/a/{}", item.number);
    view! {
        <tr class:ot-staff-queue__late=item.overdue>
            <th scope="row" data-label="申请编号"><a href=href>{item.number}</a></th>
            <td data-label="事项">{item.name}</td>
            <td data-label="状态">{item.label}</td>
            <td data-label="提交时间">{when(&item.submitted_at)}</td>
            <td data-label="办理期限">{item.due.unwrap_or_else(|| "—".into())}</td>
            <td data-label="是否超期">
                {if item.overdue {
                    view! { <strong class="ot-tag ot-tag--overdue">"超期"</strong> }.into_any()
                } else {
                    view! { <span>"未超期"</span> }.into_any()
                }}
            </td>
        </tr>
    }
}

#[component]
pub fn QueuePage(list: String) -> impl IntoView {
    let router = use_router();
    let list = StoredValue::new(list);
    let overdue = Memo::new(move |_| router.param("overdue").is_some_and(|v| v == "1"));
    let after = Memo::new(move |_| router.param("after").filter(|c| cursor_ok(c)));
    let label = LISTS
        .iter()
        .find(|(k, _)| *k == list.get_value())
        .map_or("全部", |(_, l)| *l);
    set_title(&format!("{label} - 办件列表"));
    let path = Signal::derive(move || {
        let mut p = format!("/api/v1/staff/applications?list={}", list.get_value());
        if overdue.get() {
            p.push_str("&overdue=true");
        }
        if let Some(a) = after.get() {
            p.push_str(&format!("&after={a}"));
        }
        p
    });
    let data = live(path);
    let state = data.state;
    let on_overdue = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        navigate(router, &list_url(&list.get_value(), on, None));
    };
    let tabs = LISTS
        .iter()
        .map(|&(key, name)| {
            let current = (key == list.get_value()).then_some("page");
            let href = move || list_url(key, overdue.get(), None);
            view! { <li><a href=href aria-current=current>{name}</a></li> }
        })
        .collect_view();
    let body = move || {
        match state.get() {
        None => loading(),
        Some(Err(e)) => failed(&e, move || data.reload()),
        Some(Ok(text)) => match decode::<Page>(&text) {
            Err(e) => failed(&e, || {}),
            Ok(page) if page.items.is_empty() => view! {
                <p class="ot-notice">{if overdue.get_untracked() { "这里没有超期的办件。" } else { "这里还没有办件。" }}</p>
            }
            .into_any(),
            Ok(page) => {
                let next = page
                    .next
                    .map(|n| list_url(&list.get_value(), overdue.get_untracked(), Some(&n)));
                let count = page.items.len();
                view! {
                    <div class="ot-staff-table">
                        <table class="ot-table ot-staff-queue">
                            <caption class="ot-visually-hidden">{format!("{label}的办件，本页 {count} 件")}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"申请编号"</th>
                                    <th scope="col">"事项"</th>
                                    <th scope="col">"状态"</th>
                                    <th scope="col">"提交时间"</th>
                                    <th scope="col">"办理期限"</th>
                                    <th scope="col">"是否超期"</th>
                                </tr>
                            </thead>
                            <tbody>{page.items.into_iter().map(row).collect_view()}</tbody>
                        </table>
                    </div>
                    <nav class="ot-staff-pages" aria-label="翻页">
                        {after.get_untracked().is_some().then(|| view! {
                            <a href=list_url(&list.get_value(), overdue.get_untracked(), None)>"回到第一页"</a>
                        })}
                        {next.map(|href| view! { <a href=href rel="next">"下一页"</a> })}
                    </nav>
                }
                .into_any()
            }
        },
    }
    };
    view! {
        <h1 class="ot-heading-xl">"办件列表"</h1>
        <nav class="ot-staff-tabs" aria-label="办件分类">
            <ul>{tabs}</ul>
        </nav>
        <div class="ot-checkbox">
            <input type="checkbox" class="ot-checkbox__input" id="f-overdue"
                prop:checked=move || overdue.get() on:change=on_overdue />
            <label class="ot-checkbox__label" for="f-overdue">"只看超期"</label>
        </div>
        <h2 class="ot-heading-l">{label}</h2>
        <p class="ot-field__hint">"每 10 秒自动刷新。"</p>
        {body}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_addresses() {
        assert_eq!(list_url("new", false, None), "/staff/list/new");
        assert_eq!(
            list_url("all", true, Some("1700000000000.7KQ2M9XA3T")),
            "/staff/list/all?overdue=1&after=1700000000000.7KQ2M9XA3T"
        );
        assert!(cursor_ok("1700000000000.7KQ2M9XA3T"));
        assert!(!cursor_ok("1&list=all"));
    }
}
