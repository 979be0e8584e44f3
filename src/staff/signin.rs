//! 工作人员登录: username and password; problems in an error summary that takes focus.

use leptos::prelude::*;
use onetrip_api::staff::{SignIn, StaffMe};

use super::{error_summary, error_words, field_error, focus_later, set_title, use_session};
use crate::api::{self, decode};

const SUMMARY: &str = "signin-summary";

#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    set_title("登录");
    // The notice (登录已超时…) is read now and shown until the next sign-in.
    let notice = session.notice.get_untracked();
    if notice.is_some() {
        focus_later("signin-notice".into());
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (u, p) = (
            username.get_untracked().trim().to_owned(),
            password.get_untracked(),
        );
        let mut found = Vec::new();
        if u.is_empty() {
            found.push(("f-username".to_owned(), "请输入用户名。".to_owned()));
        }
        if p.is_empty() {
            found.push(("f-password".to_owned(), "请输入密码。".to_owned()));
        }
        if !found.is_empty() {
            problems.set(found);
            focus_later(SUMMARY.into());
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let body = SignIn {
                username: u,
                password: p,
            };
            let result = api::send("POST", "/api/v1/staff/session", &[], Some(&body))
                .await
                .and_then(|t| decode::<StaffMe>(&t));
            busy.set(false);
            match result {
                Ok(me) => {
                    session.notice.set(None);
                    session.me.set(Some(me));
                }
                Err(e) => {
                    // Whatever was wrong, the password is typed again; the username stays.
                    password.set(String::new());
                    problems.set(vec![("f-username".to_owned(), error_words(&e))]);
                    focus_later(SUMMARY.into());
                }
            }
        });
    };
    // Opened from a counter code's QR link (`/k/{code}` leads here before sign-in).
    let counter_link = crate::router::use_router()
        .path
        .get_untracked()
        .starts_with("/staff/counter/");
    let user_error = field_error(problems, "f-username");
    let pass_error = field_error(problems, "f-password");
    view! {
        <div class="ot-staff-signin">
            <h1 class="ot-heading-xl">"工作人员登录"</h1>
            {counter_link.then(|| view! {
                <div class="ot-notice"><p>
                    "这是申请人在窗口出示的办件码。工作人员登录后即可查看这份申请。"
                    "申请人无需操作：请把手机上的二维码出示给窗口工作人员。"
                </p></div>
            })}
            {notice.map(|n| view! {
                <div class="ot-notice" role="status" tabindex="-1" id="signin-notice"><p>{n}</p></div>
            })}
            {error_summary(SUMMARY.into(), problems)}
            <form on:submit=submit novalidate>
                <div class="ot-field" class:ot-field--error=move || user_error.get().is_some()>
                    <label class="ot-field__label" for="f-username">"用户名"</label>
                    {move || user_error.get().map(|e| view! {
                        <p class="ot-field__error" id="f-username-error"><span class="ot-visually-hidden">"错误："</span>{e}</p>
                    })}
                    <input class="ot-input" id="f-username" name="username" autocomplete="username"
                        spellcheck="false" autocapitalize="none"
                        aria-describedby=move || user_error.get().map(|_| "f-username-error")
                        aria-invalid=move || user_error.get().map(|_| "true")
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev)) />
                </div>
                <div class="ot-field" class:ot-field--error=move || pass_error.get().is_some()>
                    <label class="ot-field__label" for="f-password">"密码"</label>
                    {move || pass_error.get().map(|e| view! {
                        <p class="ot-field__error" id="f-password-error"><span class="ot-visually-hidden">"错误："</span>{e}</p>
                    })}
                    <input class="ot-input" id="f-password" name="password" type="password"
                        autocomplete="current-password"
                        aria-describedby=move || pass_error.get().map(|_| "f-password-error")
                        aria-invalid=move || pass_error.get().map(|_| "true")
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="ot-button">
                    {move || if busy.get() { "正在登录…" } else { "登录" }}
                </button>
            </form>
            <p class="ot-field__hint">"连续 30 分钟没有操作，登录会自动结束。"</p>
        </div>
    }
}
