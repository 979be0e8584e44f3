//! 办件进度 and 我的办件: a third app (`src/bin/track.rs`, served under `/track/`), small on
//! its own, for the applicant who comes back from a notification or the receipt. The page
//! itself is rendered by the server (`/progress/view`) and polled while the tab is visible,
//! each look with the ETag of what the page shows, so an unchanged application costs a 304.
//! Any server instance answers, since everything comes from the database. Buttons (撤回, 评价)
//! are the app's; what they may do is the server's answer (`actions`).

mod counter;

use leptos::prelude::*;
use onetrip_api::ErrorEnvelope;
use onetrip_api::progress::{ApplicantAction, ProgressView, RatingRequest};
use onetrip_domain::workflow::RATING_LEVELS;
use onetrip_ui::progress_controls::{self as words, W};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError, decode};
use crate::components::layout::FormLayout;
use crate::components::loaded::{failure, loading};
use crate::components::title::use_title;
use crate::mine::{self, Mine};
use crate::prefs::{self, use_prefs};
use crate::router::{self, navigate, use_router};

/// How long one look at the progress may wait on the server for a change (long polling; the
/// server's `WAIT_MAX_SECS`).
const WAIT_SECONDS: u32 = 25;

/// The pages of this app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrackPage {
    /// `/track/`: 我的办件 and the lookup by number and second factor.
    Mine,
    /// `/track/{number}`: one application.
    One(String),
    /// `/track/{number}/notice/{kind}`: a printable notice (通知书).
    Notice(String, String),
    Unknown,
}

impl TrackPage {
    pub fn parse(path: &str) -> TrackPage {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(2).collect();
        match segments.as_slice() {
            [] => TrackPage::Mine,
            [n] if is_number(n) => TrackPage::One((*n).to_owned()),
            [n, "notice", k]
                if is_number(n) && ["accepted", "not_accepted", "correction"].contains(k) =>
            {
                TrackPage::Notice((*n).to_owned(), (*k).to_owned())
            }
            _ => TrackPage::Unknown,
        }
    }
}

/// An application number: 10 characters of Crockford base32 (spaces allowed when typed).
fn is_number(s: &str) -> bool {
    s.len() == 10
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// A typed number, spaces and dashes removed, upper-cased.
fn normalize_number(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn track_path(path: &str) -> bool {
    path == "/track" || path.starts_with("/track/")
}

fn zh(l: onetrip_ui::messages::Locale, zh: &'static str, en: &'static str) -> &'static str {
    l.pick(zh, en)
}

/// The words `w` (`onetrip_ui::progress_controls`, which the server's drawing of the controls
/// shares) in the chosen language.
fn say(prefs: RwSignal<prefs::Prefs>, w: W) -> &'static str {
    words::pick(prefs.get().locale, w)
}

/// The number and the second factor, sent to `/open`; the new key is remembered on this
/// device.
#[component]
fn Lookup(#[prop(optional)] number: Option<String>) -> impl IntoView {
    let prefs = use_prefs();
    let router = use_router();
    let fixed = number.is_some();
    let number = RwSignal::new(number.unwrap_or_default());
    let factor = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let busy = RwSignal::new(false);
    let t = move |a, b| zh(prefs.get().locale, a, b);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = normalize_number(&number.get_untracked());
        if !is_number(&n) {
            problem.set(Some("number"));
            crate::apply::focus_later("ot-error-summary");
            return;
        }
        busy.set(true);
        let body = onetrip_api::application::DraftOpen {
            factor: factor.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/applications/{n}/open");
            let result = api::send("POST", &path, &[], Some(&body))
                .await
                .and_then(|t| decode::<onetrip_api::application::ApplicationSession>(&t));
            busy.set(false);
            match result {
                Ok(s) => {
                    mine::add(&n, &s.key, "");
                    problem.set(None);
                    navigate(router, &format!("/track/{n}"));
                }
                Err(ApiError::Server { status: 429, .. }) => {
                    problem.set(Some("locked"));
                    crate::apply::focus_later("ot-error-summary");
                }
                Err(ApiError::Server {
                    status: 422,
                    envelope: Some(ErrorEnvelope { error }),
                }) if error
                    .fields
                    .iter()
                    .any(|f| f.code == "application.no_factor") =>
                {
                    problem.set(Some("no_factor"));
                    crate::apply::focus_later("ot-error-summary");
                }
                Err(ApiError::Server { .. }) => {
                    problem.set(Some("factor"));
                    crate::apply::focus_later("ot-error-summary");
                }
                Err(ApiError::Network) => problem.set(Some("network")),
            }
        });
    };
    let message = move || {
        problem.get().map(|p| match p {
            "number" => t(
                "申请编号是回执上的 10 位字母和数字，请核对后重新输入。",
                "The application number is the 10 letters and digits on the receipt.",
            ),
            "locked" => t(
                "输错次数太多，请 15 分钟后再试。",
                "Too many wrong tries: try again in 15 minutes.",
            ),
            "no_factor" => t(
                "这份申请没有设置验证信息，请在提交申请的手机上查看，或拨打 12345。",
                "This application has no second factor: look on the phone that submitted it, or call 12345.",
            ),
            "network" => t(
                "网络不通，请稍后再试。",
                "No connection: try again later.",
            ),
            _ => t(
                "申请编号或验证信息不对，请核对后再试。多次输错会暂时锁定。",
                "The number or the second factor does not match. Too many wrong tries lock it for a while.",
            ),
        })
    };
    let field = move || {
        if problem.get() == Some("number") {
            "#f-number"
        } else {
            "#f-factor"
        }
    };
    view! {
        <section aria-labelledby="lookup-heading">
            <h2 class="ot-heading-l" id="lookup-heading">{move || t("查询办件", "Find an application")}</h2>
            {move || message().map(|m| view! {
                <div class="ot-error-summary" id="ot-error-summary" tabindex="-1" role="alert">
                    <h2 class="ot-error-summary__title">{t("请检查", "Check this")}</h2>
                    <ul class="ot-list"><li><a href=field()>{m}</a></li></ul>
                </div>
            })}
            <p>{move || t(
                "输入回执上的申请编号，和提交时的验证信息（证件号码后六位，或您设的 6 位数字）。",
                "Type the number on the receipt and the second factor you gave when submitting (the last six characters of the ID number, or your 6-digit PIN).",
            )}</p>
            <form on:submit=submit novalidate>
                <div class="ot-field" hidden=fixed>
                    <label class="ot-field__label" for="f-number">{move || t("申请编号", "Application number")}</label>
                    <input class="ot-input ot-input--medium" id="f-number" autocomplete="off" autocapitalize="characters"
                        spellcheck="false" maxlength="14"
                        prop:value=move || number.get() on:input=move |ev| number.set(event_target_value(&ev)) />
                </div>
                <div class="ot-field">
                    <label class="ot-field__label" for="f-factor">{move || t("验证信息", "Second factor")}</label>
                    <p class="ot-field__hint" id="f-factor-hint">{move || t("证件号码后六位，或 6 位数字 PIN", "Last six characters of the ID number, or the PIN")}</p>
                    <input class="ot-input ot-input--short" id="f-factor" type="password" autocomplete="off" maxlength="6"
                        aria-describedby="f-factor-hint"
                        prop:value=move || factor.get() on:input=move |ev| factor.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="ot-button" disabled=move || busy.get()>{move || t("查询", "Find")}</button>
            </form>
        </section>
    }
}

#[component]
fn MinePage() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |a, b| zh(prefs.get().locale, a, b);
    use_title(move || t("我的办件", "My applications").to_owned());
    let list = RwSignal::new(mine::all());
    let remove = move |number: String| {
        mine::remove(&number);
        list.set(mine::all());
    };
    view! {
        <h1 class="ot-heading-xl">{move || t("我的办件", "My applications")}</h1>
        <p>{move || t(
            "在这台手机上提交或查询过的申请。手机上只记下申请编号和查询用的钥匙，不记下证件号码和手机号码。",
            "Applications submitted or looked up on this phone. Only the number and a key to open it are kept here, never an ID or phone number.",
        )}</p>
        {move || {
            let items = list.get();
            if items.is_empty() {
                view! { <p class="ot-notice">{t("这台手机上还没有办件。", "No application on this phone yet.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="ot-list ot-mine">
                        {items.into_iter().map(|m: Mine| {
                            let n = m.number.clone();
                            let name = if m.name.is_empty() { m.number.clone() } else { m.name.clone() };
                            let label = format!("{name}（{}）", m.number);
                            view! {
                                <li class="ot-mine__item">
                                    <a class="ot-link" href=format!("/track/{}", m.number)>{label.clone()}</a>
                                    " "
                                    <button type="button" class="ot-button ot-button--secondary ot-button--small"
                                        aria-label=move || format!("{}{}", t("从此设备移除 ", "Remove from this device: "), label)
                                        on:click=move |_| remove(n.clone())>
                                        {t("从此设备移除", "Remove from this device")}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
        <Lookup />
    }
}

/// The visible state of the tab: polling waits while it is hidden.
fn visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| !d.hidden())
}

#[component]
fn OnePage(number: String) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |a, b| zh(prefs.get().locale, a, b);
    let key = RwSignal::new(crate::apply::application_key(&number));
    let page = RwSignal::new(None::<Result<ProgressView, ApiError>>);
    let text = RwSignal::new(String::new());
    let announce = RwSignal::new(String::new());
    let offline = RwSignal::new(false);
    let alive = StoredValue::new(true);
    on_cleanup(move || alive.set_value(false));
    use_title(move || {
        page.with(|p| match p {
            Some(Ok(v)) => v.title.clone(),
            _ => t("办件进度", "Progress").to_owned(),
        })
    });
    let n = number.clone();
    // The ETag of what the page shows, sent with each waiting look; and the looks of this page
    // end when it is left (another page of the app, 受理通知书 for one, starts its own).
    let etag = StoredValue::new(None::<String>);
    let signal = send_wrapper::SendWrapper::new(api::abort_on_cleanup());
    // One look at the progress; with `wait`, the server holds the answer until something
    // changes or `wait` seconds pass (long polling). Whether it got an answer.
    let fetch = move |wait: u32| {
        let n = n.clone();
        let signal = signal.clone();
        async move {
            let Some(k) = key.get_untracked() else {
                return false;
            };
            let path = format!(
                "/api/v1/applications/{}/progress/view?lang={}&wait={wait}",
                n,
                prefs.get_untracked().locale.tag()
            );
            // The first look may have been asked for while the app downloaded.
            let early = match wait {
                0 => api::early("otProgress").await,
                _ => None,
            };
            let answer = match early {
                Some(body) => Ok(Some((body, None))),
                None => {
                    let shown = (wait > 0).then(|| etag.get_value()).flatten();
                    let headers = [("X-Application-Key", k.as_str())];
                    api::poll(&path, &headers, shown.as_deref(), signal.as_ref()).await
                }
            };
            match answer {
                // Unchanged: nothing to redraw.
                Ok(None) => {
                    offline.set(false);
                    true
                }
                Ok(Some((body, tag))) => {
                    offline.set(false);
                    if tag.is_some() {
                        etag.set_value(tag);
                    }
                    if body == text.get_untracked() {
                        return true;
                    }
                    match decode::<ProgressView>(&body) {
                        Ok(mut v) => {
                            // The page's script asked for the controls as well (before the
                            // app ran): the same page all the same, which is not drawn again.
                            v.controls = None;
                            v.announce = None;
                            if page.with_untracked(|p| matches!(p, Some(Ok(old)) if *old == v)) {
                                text.set(body);
                                return true;
                            }
                            let before = page.with_untracked(|p| match p {
                                Some(Ok(old)) => Some(old.status),
                                _ => None,
                            });
                            if before.is_some_and(|s| s != v.status) {
                                announce.set(words::status_update(
                                    prefs.get_untracked().locale,
                                    v.status,
                                ));
                            }
                            if !v.name.is_empty() {
                                mine::add(&n, &k, &v.name);
                            }
                            text.set(body);
                            page.set(Some(Ok(v)));
                        }
                        Err(e) => page.set(Some(Err(e))),
                    }
                    true
                }
                Err(ApiError::Server { status: 403, .. }) => {
                    // The key no longer opens it (opened on another device since).
                    mine::remove(&n);
                    key.set(None);
                    false
                }
                Err(ApiError::Network) if page.with_untracked(Option::is_some) => {
                    offline.set(true);
                    false
                }
                Err(e) => {
                    page.set(Some(Err(e)));
                    false
                }
            }
        }
    };
    let load = {
        let fetch = fetch.clone();
        move || {
            leptos::task::spawn_local({
                let f = fetch(0);
                async move {
                    f.await;
                }
            })
        }
    };
    // First look, then, while the tab is visible, a waiting look after another (a change
    // shows within about a second), and at once when the tab comes back or the network
    // returns.
    Effect::new({
        let load = load.clone();
        move |_| {
            key.track();
            prefs.track();
            load();
        }
    });
    leptos::task::spawn_local(async move {
        api::sleep_ms(1000).await;
        while alive.get_value() {
            // No such application: polling would only count misses (ONETRIP_RATE_GUESS).
            let gone = page
                .with_untracked(|p| matches!(p, Some(Err(ApiError::Server { status: 404, .. }))));
            if visible() && !gone && key.get_untracked().is_some() {
                let started = js_sys::Date::now();
                let answered = fetch(WAIT_SECONDS).await;
                // Never faster than once a second (a server that does not wait, a failure).
                let spent = js_sys::Date::now() - started;
                let rest = if answered { 1000.0 } else { 5000.0 } - spent;
                if rest > 0.0 {
                    api::sleep_ms(rest as u32).await;
                }
            } else {
                api::sleep_ms(2000).await;
            }
        }
    });
    for event in ["visibilitychange", "online"] {
        let load = load.clone();
        let target: web_sys::EventTarget = if event == "online" {
            web_sys::window().map(Into::into)
        } else {
            web_sys::window().and_then(|w| w.document()).map(Into::into)
        }
        .unwrap_or_else(|| web_sys::EventTarget::new().expect("an event target"));
        let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            if alive.get_value() && visible() {
                load();
            }
        });
        let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        closure.forget();
    }
    let reload = {
        let load = load.clone();
        move || {
            text.set(String::new());
            load();
        }
    };
    let number_for_lookup = number.clone();
    view! {
        <p class="ot-visually-hidden" role="status" aria-live="polite">{move || announce.get()}</p>
        {move || offline.get().then(|| view! {
            <div class="ot-notice" role="status">
                <p>{t("网络暂时不通，显示的是上次的进度，联网后会自动更新。", "No connection: this is the last progress seen; it updates once you are back online.")}</p>
            </div>
        })}
        {move || match key.get() {
            None => view! {
                <h1 class="ot-heading-xl">{t("办件进度", "Progress")}</h1>
                <p>{t("这台手机还不能查看这份申请，请先验证。", "This phone cannot open this application yet: verify first.")}</p>
                <Lookup number=number_for_lookup.clone() />
            }.into_any(),
            Some(k) => match page.get() {
                None => loading(),
                Some(Err(e)) => failure(e, reload.clone()),
                Some(Ok(v)) => {
                    let withdraw = v.actions.contains(&ApplicantAction::Withdraw);
                    let rate = v.actions.contains(&ApplicantAction::Rate);
                    let restart = v.actions.contains(&ApplicantAction::Restart);
                    let counter = v.actions.contains(&ApplicantAction::Counter);
                    let number = number_for_lookup.clone();
                    view! {
                        <div class="ot-doc" inner_html=v.html.clone()></div>
                        {counter.then(|| view! { <counter::Counter number=number.clone() key=k.clone() /> })}
                        {rate.then(|| view! { <RateForm number=number.clone() key=k.clone() done=reload.clone() /> })}
                        {withdraw.then(|| view! { <Withdraw number=number.clone() key=k.clone() done=reload.clone() /> })}
                        {restart.then(|| view! { <Restart number=number.clone() key=k.clone() /> })}
                        <p class="ot-no-print">
                            <a class="ot-link" href="/track/">{say(prefs, words::MINE)}</a>
                        </p>
                    }.into_any()
                }
            },
        }}
    }
}

/// A notice (受理通知书, 不予受理通知书, 补正告知书) to read or print.
#[component]
fn NoticePage(number: String, kind: String) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |a, b| zh(prefs.get().locale, a, b);
    let key = crate::apply::application_key(&number);
    let path = format!(
        "/api/v1/applications/{number}/notices/{kind}?lang={}",
        prefs.get_untracked().locale.tag()
    );
    let page = LocalResource::new(move || {
        let (path, key) = (path.clone(), key.clone());
        async move {
            let key = key.ok_or(ApiError::Server {
                status: 403,
                envelope: None,
            })?;
            let body = api::send::<()>("GET", &path, &[("X-Application-Key", &key)], None).await?;
            decode::<onetrip_api::catalog::View>(&body)
        }
    });
    use_title(move || {
        page.get()
            .and_then(Result::ok)
            .map(|v| v.title)
            .unwrap_or_default()
    });
    let back = format!("/track/{number}");
    view! {
        {move || match page.get() {
            None => loading(),
            Some(Err(e)) => failure(e, move || page.refetch()),
            Some(Ok(v)) => view! { <div class="ot-doc" inner_html=v.html></div> }.into_any(),
        }}
        <p class="ot-no-print">
            <button type="button" class="ot-button ot-button--secondary" on:click=|_| {
                if let Some(w) = web_sys::window() {
                    let _ = w.print();
                }
            }>{move || t("打印", "Print")}</button>
            " "
            <a class="ot-link" href=back>{move || t("返回办件进度", "Back to the progress")}</a>
        </p>
    }
}

/// What the app reads of the new draft: its token and key (not the whole form, whose decoding
/// would weigh about 30 KB of wasm here; the application flow reads the draft itself).
#[derive(serde::Deserialize)]
struct Restarted {
    key: String,
    draft: RestartedDraft,
}

#[derive(serde::Deserialize)]
struct RestartedDraft {
    token: String,
}

/// 重新申请: a new draft with the earlier answers, opened in the application flow at its
/// check-your-answers page.
#[component]
fn Restart(number: String, key: String) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |a, b| zh(prefs.get().locale, a, b);
    let failed = RwSignal::new(false);
    let idem = crate::api::new_idempotency_key();
    let start = move |_| {
        let path = format!("/api/v1/applications/{number}/restart");
        let (key, idem) = (key.clone(), idem.clone());
        leptos::task::spawn_local(async move {
            let headers = [
                ("X-Application-Key", key.as_str()),
                ("Idempotency-Key", idem.as_str()),
            ];
            match api::send::<()>("POST", &path, &headers, None)
                .await
                .and_then(|t| decode::<Restarted>(&t))
            {
                Ok(s) => {
                    crate::apply::remember(&s.draft.token, &s.key);
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().assign("/apply/review");
                    }
                }
                Err(_) => failed.set(true),
            }
        });
    };
    view! {
        <p class="ot-no-print">
            <button type="button" class="ot-button" on:click=start>{move || say(prefs, words::RESTART)}</button>
        </p>
        {move || failed.get().then(|| view! { <p class="ot-field__error" role="alert">{t("没能开始新的申请，请稍后再试。", "Could not start again: try later.")}</p> })}
    }
}

/// 撤回, confirmed once.
#[component]
fn Withdraw(
    number: String,
    key: String,
    done: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |a, b| zh(prefs.get().locale, a, b);
    let asking = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let confirm = move |_| {
        let path = format!("/api/v1/applications/{number}/withdraw");
        let key = key.clone();
        let done = done.clone();
        leptos::task::spawn_local(async move {
            match api::send::<()>("POST", &path, &[("X-Application-Key", &key)], None).await {
                Ok(_) => {
                    asking.set(false);
                    done();
                }
                Err(_) => failed.set(true),
            }
        });
    };
    view! {
        <section class="ot-no-print" aria-labelledby="withdraw-heading">
            <h2 class="ot-heading-m" id="withdraw-heading">{move || say(prefs, words::WITHDRAW)}</h2>
            {move || if asking.get() {
                view! {
                    <div class="ot-notice" role="alertdialog" aria-labelledby="withdraw-confirm">
                        <p id="withdraw-confirm">{t("确定撤回吗？撤回后这份申请不再办理，可以重新申请。", "Withdraw this application? It will not be processed; you may apply again.")}</p>
                        <button type="button" class="ot-button ot-button--warning" on:click=confirm.clone()>{t("确认撤回", "Yes, withdraw")}</button>
                        " "
                        <button type="button" class="ot-button ot-button--secondary" on:click=move |_| asking.set(false)>{t("不撤回", "No, keep it")}</button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="ot-button ot-button--secondary" on:click=move |_| asking.set(true)>{say(prefs, words::WITHDRAW)}</button>
                }.into_any()
            }}
            {move || failed.get().then(|| view! { <p class="ot-field__error" role="alert">{t("没有撤回成功，请刷新后再试。", "Not withdrawn: reload and try again.")}</p> })}
        </section>
    }
}

/// 好差评: five levels, three optional dimensions, trips and a comment.
#[component]
fn RateForm(
    number: String,
    key: String,
    done: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |a, b| zh(prefs.get().locale, a, b);
    let level = RwSignal::new(0u8);
    let trips = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let missing = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if level.get_untracked() == 0 {
            missing.set(true);
            crate::apply::focus_later("f-level-error");
            return;
        }
        let body = RatingRequest {
            level: level.get_untracked(),
            trips: trips.get_untracked().parse().ok(),
            guide: None,
            speed: None,
            service: None,
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        let path = format!("/api/v1/applications/{number}/rating");
        let key = key.clone();
        let done = done.clone();
        leptos::task::spawn_local(async move {
            match api::send("POST", &path, &[("X-Application-Key", &key)], Some(&body)).await {
                Ok(_) => done(),
                Err(_) => failed.set(true),
            }
        });
    };
    view! {
        <section class="ot-no-print ot-rate" id="rate" aria-labelledby="rate-heading">
            <h2 class="ot-heading-l" id="rate-heading">{move || say(prefs, words::RATE_HEADING)}</h2>
            <form on:submit=submit novalidate>
                <fieldset class="ot-fieldset" aria-describedby=move || missing.get().then_some("f-level-error")>
                    <legend class="ot-fieldset__legend">{move || say(prefs, words::RATE_QUESTION)}</legend>
                    {move || missing.get().then(|| view! {
                        <p class="ot-field__error" id="f-level-error" tabindex="-1">{t("请选择一项评价。", "Choose one.")}</p>
                    })}
                    <div class="ot-radios">
                        {RATING_LEVELS.iter().map(|(value, label)| {
                            let value = *value;
                            let id = format!("f-level-{value}");
                            view! {
                                <div class="ot-radios__item">
                                    <input class="ot-radios__input" type="radio" name="level" id=id.clone()
                                        prop:checked=move || level.get() == value
                                        on:change=move |_| { level.set(value); missing.set(false); } />
                                    <label class="ot-radios__label" for=id>{*label}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <div class="ot-field">
                    <label class="ot-field__label" for="f-trips">{move || say(prefs, words::RATE_TRIPS)}</label>
                    <select class="ot-select" id="f-trips" on:change=move |ev| trips.set(event_target_value(&ev))>
                        {words::TRIPS.iter().map(|(value, w)| view! {
                            <option value=*value>{move || say(prefs, *w)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="ot-field">
                    <label class="ot-field__label" for="f-comment">{move || say(prefs, words::RATE_COMMENT)}</label>
                    <textarea class="ot-textarea" id="f-comment" rows="4" maxlength="500"
                        prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                </div>
                {move || failed.get().then(|| view! { <p class="ot-field__error" role="alert">{t("评价没有提交成功，请稍后再试。", "Not sent: try again later.")}</p> })}
                <button type="submit" class="ot-button">{move || say(prefs, words::RATE_SEND)}</button>
            </form>
        </section>
    }
}

#[component]
fn TrackApp() -> impl IntoView {
    prefs::provide();
    let router = router::provide_with(track_path);
    let page = Memo::new(move |_| TrackPage::parse(&router.path.get()));
    view! {
        <FormLayout>
            {move || match page.get() {
                TrackPage::Mine => view! { <MinePage /> }.into_any(),
                TrackPage::One(number) => view! { <OnePage number /> }.into_any(),
                TrackPage::Notice(number, kind) => view! { <NoticePage number kind /> }.into_any(),
                TrackPage::Unknown => view! { <crate::routes::not_found::NotFound /> }.into_any(),
            }}
        </FormLayout>
    }
}

/// Mount the progress app into `#app`.
pub fn start() {
    crate::mount(TrackApp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_to_pages() {
        for (path, page) in [
            ("/track", TrackPage::Mine),
            ("/track/", TrackPage::Mine),
            ("/track/7KQ2M9XA3T", TrackPage::One("7KQ2M9XA3T".into())),
            ("/track/7KQ2M9XA3T/", TrackPage::One("7KQ2M9XA3T".into())),
            ("/track/7kq2m9xa3t", TrackPage::Unknown),
            ("/track/<script>", TrackPage::Unknown),
            ("/track/7KQ2M9XA3T/x", TrackPage::Unknown),
            (
                "/track/7KQ2M9XA3T/notice/correction",
                TrackPage::Notice("7KQ2M9XA3T".into(), "correction".into()),
            ),
            ("/track/7KQ2M9XA3T/notice/other", TrackPage::Unknown),
        ] {
            assert_eq!(TrackPage::parse(path), page, "{path}");
        }
        assert_eq!(normalize_number("7kq2 m9xa-3t"), "7KQ2M9XA3T");
    }
}
