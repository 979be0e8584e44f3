//! 工作人员端: the staff side, a third app (`src/bin/staff.rs`, `staff.html`, served under
//! `/staff/`). Nothing here is reachable from the guidance or application entry points, so
//! the citizens' bundles do not carry it.
//!
//! Who is signed in is asked of the server (`GET /api/v1/staff/me`); the session itself is an
//! HttpOnly cookie the app never sees. Any answer 401 (the session ended, 30 idle minutes)
//! puts the sign-in page in place of the page, with 登录已超时，请重新登录; signing in again
//! returns to the same address. The staff app is Chinese only (the staff's working language);
//! its words are in this module.

mod actions;
mod case;
mod counter;
mod followups;
mod queue;
mod signin;

use leptos::prelude::*;
use onetrip_api::staff::StaffMe;
use onetrip_ui::form_words::form_error_text;
use onetrip_ui::messages::{Key, Locale, error_text, text};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError, decode};
use crate::prefs::{self, use_prefs};
use crate::router::{self, navigate, use_router};

/// Every page of the staff app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum View {
    /// `/staff/`: the signed-in member's own list.
    Home,
    SignIn,
    /// `/staff/list/{new|processing|finished|closed|all}`; `?overdue=1&after=` in the query.
    Queue(String),
    /// `/staff/a/{number}`: one application.
    Application(String),
    /// `/staff/followups`: 整改, for the supervisor.
    Followups,
    /// `/staff/counter[/{code}]`: 窗口核验, an application opened by its counter code (办件码).
    Counter(Option<String>),
    Unknown,
}

/// The lists, as the server names them, with their tab labels.
pub const LISTS: [(&str, &str); 5] = [
    ("new", "待受理"),
    ("processing", "办理中"),
    ("finished", "已办结"),
    ("closed", "已归档"),
    ("all", "全部"),
];

/// Application numbers: 10 characters of Crockford base32, upper case.
fn is_number(s: &str) -> bool {
    s.len() == 10
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

impl View {
    pub fn parse(path: &str) -> View {
        let segments: Vec<&str> = path
            .trim_end_matches('/')
            .split('/')
            .skip(2)
            .filter(|s| !s.is_empty())
            .collect();
        match segments.as_slice() {
            [] => View::Home,
            ["signin"] => View::SignIn,
            ["list", list] if LISTS.iter().any(|(k, _)| k == list) => {
                View::Queue((*list).to_owned())
            }
            ["a", number] if is_number(number) => View::Application((*number).to_owned()),
            ["followups"] => View::Followups,
            ["counter"] => View::Counter(None),
            ["counter", code] => match onetrip_domain::token::counter_code(code) {
                Some(code) => View::Counter(Some(code)),
                None => View::Unknown,
            },
            _ => View::Unknown,
        }
    }
}

/// The staff app's paths; anything else (the citizens' apps) is a full page load.
pub fn staff_path(path: &str) -> bool {
    path.starts_with("/staff/") || path == "/staff"
}

/// Who is signed in, and why the sign-in page is shown.
#[derive(Clone, Copy)]
pub struct Session {
    pub me: RwSignal<Option<StaffMe>>,
    /// The first `GET /staff/me` has answered.
    pub checked: RwSignal<bool>,
    /// Shown on the sign-in page (登录已超时…).
    pub notice: RwSignal<Option<&'static str>>,
}

pub const EXPIRED: &str = "登录已超时，请重新登录。";

impl Session {
    /// False, and back to the sign-in page, when the answer says the session has ended.
    pub fn alive<T>(&self, result: &Result<T, ApiError>) -> bool {
        if matches!(result, Err(ApiError::Server { status: 401, .. })) {
            if self.me.get_untracked().is_some() {
                self.notice.set(Some(EXPIRED));
            }
            self.me.set(None);
            false
        } else {
            true
        }
    }

    /// The list a member starts from: the window's new arrivals, the others' work in hand.
    pub fn home(&self) -> String {
        match self
            .me
            .with_untracked(|m| m.as_ref().map(|m| m.role.clone()))
        {
            Some(r) if r == "window" => "/staff/list/new".into(),
            _ => "/staff/list/processing".into(),
        }
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// `document.title`: "page - 工作人员 - 一次办".
pub fn set_title(page: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&format!("{page} - 工作人员 - 一次办"));
    }
}

/// Move focus to an element after this render (error summaries, status messages).
pub fn focus_later(id: String) {
    set_timeout(
        move || {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&id))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        },
        std::time::Duration::ZERO,
    );
}

pub use onetrip_ui::progress_page::when;

/// The words for an error: the field's code when there is one, else the server's sentence.
pub fn error_words(err: &ApiError) -> String {
    match err {
        ApiError::Network => text(Locale::Zh, Key::LoadFailed).to_owned(),
        ApiError::Server {
            envelope: Some(e), ..
        } => match e.error.fields.first() {
            Some(f) => form_error_text(Locale::Zh, &f.code).to_owned(),
            None if !e.error.message.is_empty() => e.error.message.clone(),
            None => error_text(Locale::Zh, &e.error.code).to_owned(),
        },
        ApiError::Server { .. } => error_text(Locale::Zh, "internal").to_owned(),
    }
}

/// How often an open list or application is read again while the tab is visible, so that
/// what others decide elsewhere shows up.
const POLL: std::time::Duration = std::time::Duration::from_secs(10);

fn tab_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| !d.hidden())
}

/// The text of `GET path`, read when the path changes and again every few seconds while the
/// tab is visible. The signal changes only when the answer does, so views built from it are
/// not rebuilt under the user's hands; a failed poll keeps what was shown.
pub fn live(path: Signal<String>) -> Live {
    let session = use_session();
    let state = RwSignal::new(None::<Result<String, ApiError>>);
    let tick = RwSignal::new(0u32);
    let fetch = move |p: String| {
        leptos::task::spawn_local(async move {
            let result = api::send::<()>("GET", &p, &[], None).await;
            if !session.alive(&result) {
                return;
            }
            // An answer for a page already left, or a failed poll over good data, is dropped.
            if path.try_get_untracked().as_ref() != Some(&p) {
                return;
            }
            let keep = state
                .try_with_untracked(|s| {
                    s.as_ref() == Some(&result) || (result.is_err() && matches!(s, Some(Ok(_))))
                })
                .unwrap_or(true);
            if !keep {
                state.try_set(Some(result));
            }
        });
    };
    Effect::new(move |_| {
        tick.track();
        let p = path.get();
        state.set(None);
        fetch(p);
    });
    if let Ok(handle) = set_interval_with_handle(
        move || {
            // Nothing to follow behind a 404: asking again would only count misses against
            // this address (ONETRIP_RATE_GUESS) and end in 429s for the whole office.
            let gone = state
                .try_with_untracked(|s| {
                    matches!(s, Some(Err(ApiError::Server { status: 404, .. })))
                })
                .unwrap_or(true);
            if tab_visible()
                && !gone
                && let Some(p) = path.try_get_untracked()
            {
                fetch(p);
            }
        },
        POLL,
    ) {
        on_cleanup(move || handle.clear());
    }
    Live { state, tick }
}

/// A page's data read by [`live`].
#[derive(Clone, Copy)]
pub struct Live {
    /// `None` while loading; the answer's text, or why there is none.
    pub state: RwSignal<Option<Result<String, ApiError>>>,
    tick: RwSignal<u32>,
}

impl Live {
    /// Read it again now, showing "正在加载…" meanwhile (after a failure).
    pub fn reload(&self) {
        self.tick.update(|t| *t += 1);
    }
}

/// "正在加载…" as a status.
pub fn loading() -> AnyView {
    view! { <p class="ot-loading" role="status">"正在加载…"</p> }.into_any()
}

/// A failed read: the words and a button to try again.
pub fn failed(err: &ApiError, retry: impl Fn() + 'static) -> AnyView {
    let words = error_words(err);
    view! {
        <div class="ot-notice ot-notice--error" role="alert">
            <p>{words}</p>
            <button type="button" class="ot-button ot-button--secondary" on:click=move |_| retry()>
                "重试"
            </button>
        </div>
    }
    .into_any()
}

/// An error summary: its heading and one link per problem (field id, words). `id` names it,
/// for focus.
pub fn error_summary(id: String, problems: RwSignal<Vec<(String, String)>>) -> impl IntoView {
    move || {
        let list = problems.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="ot-error-summary" role="alert" tabindex="-1" id=id.clone()>
                    <h2 class="ot-error-summary__title">"请修改以下问题"</h2>
                    <ul class="ot-error-summary__list">
                        {list.into_iter().map(|(field, words)| view! {
                            <li><a href=format!("#{field}")>{words}</a></li>
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// The error of field `id` among `problems`, for under its label.
pub fn field_error(problems: RwSignal<Vec<(String, String)>>, id: &str) -> Memo<Option<String>> {
    let id = id.to_owned();
    Memo::new(move |_| problems.with(|p| p.iter().find(|(f, _)| *f == id).map(|(_, w)| w.clone())))
}

/// Header: the service, who is signed in, the pages of their role, 长辈模式 and 退出登录.
#[component]
fn Header() -> impl IntoView {
    let session = use_session();
    let prefs = use_prefs();
    let router = use_router();
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = api::delete("/api/v1/staff/session", &[]).await;
            session.notice.set(Some("您已退出登录。"));
            session.me.set(None);
            navigate(router, "/staff/signin");
        });
    };
    let who = move || {
        session.me.get().map(|m| {
            let place = match (m.role.as_str(), m.department_name) {
                (_, Some(d)) => d,
                ("window", _) => "综合窗口".to_owned(),
                ("supervisor", _) => "督办".to_owned(),
                _ => "管理员".to_owned(),
            };
            let supervisor = m.role == "supervisor";
            let counter = m.role != "admin";
            view! {
                <nav class="ot-staff-nav" aria-label="工作人员导航">
                    <a href=session.home()>"办件"</a>
                    {counter.then(|| view! { <a href="/staff/counter">"窗口核验"</a> })}
                    {supervisor.then(|| view! { <a href="/staff/followups">"整改"</a> })}
                </nav>
                <p class="ot-staff-who">"当前登录：" {m.name} "（" {place} "）"</p>
                <button type="button" class="ot-toggle" on:click=sign_out>"退出登录"</button>
            }
        })
    };
    view! {
        <a class="ot-skip-link" href="#main">"跳到主要内容"</a>
        <header class="ot-header">
            <div class="ot-header__inner ot-staff-header">
                <a href="/staff/" class="ot-header__brand">
                    <span class="ot-header__name">"一次办"</span>
                    <span class="ot-header__tagline">"工作人员"</span>
                </a>
                <div class="ot-staff-bar">
                    {who}
                    <button
                        type="button"
                        class="ot-toggle"
                        aria-pressed=move || prefs.get().elder.to_string()
                        on:click=move |_| prefs.update(|p| p.elder = !p.elder)
                    >
                        "长辈模式"
                    </button>
                </div>
            </div>
        </header>
    }
}

#[component]
fn StaffApp() -> impl IntoView {
    prefs::provide_chinese();
    let router = router::provide_with(staff_path);
    let session = Session {
        me: RwSignal::new(None),
        checked: RwSignal::new(false),
        notice: RwSignal::new(None),
    };
    provide_context(session);
    leptos::task::spawn_local(async move {
        let result = api::send::<()>("GET", "/api/v1/staff/me", &[], None).await;
        if let Ok(me) = result.and_then(|t| decode::<StaffMe>(&t)) {
            session.me.set(Some(me));
        }
        session.checked.set(true);
    });
    let view_of = Memo::new(move |_| View::parse(&router.path.get()));
    let signed_in = Memo::new(move |_| session.me.with(Option::is_some));
    // After an in-app navigation, focus goes to the new page so screen readers announce it.
    let main_ref = NodeRef::<leptos::html::Main>::new();
    Effect::new(move |previous: Option<String>| {
        let path = router.path.get();
        if previous.is_some_and(|p| p != path)
            && let Some(main) = main_ref.get()
        {
            let _ = main.focus();
        }
        path
    });
    Effect::new(move |_| {
        if signed_in.get() && matches!(view_of.get(), View::Home | View::SignIn) {
            router::redirect(router, &session.home());
        }
    });
    let page = move || {
        if !session.checked.get() {
            return loading();
        }
        if !signed_in.get() {
            return view! { <signin::SignInPage /> }.into_any();
        }
        match view_of.get() {
            // Signed in: the member's own list (the effect below goes there).
            View::Home | View::SignIn => loading(),
            View::Queue(list) => view! { <queue::QueuePage list /> }.into_any(),
            View::Application(number) => view! { <case::CasePage number /> }.into_any(),
            View::Followups => view! { <followups::FollowupsPage /> }.into_any(),
            View::Counter(code) => view! { <counter::CounterPage code /> }.into_any(),
            View::Unknown => {
                set_title("页面不存在");
                view! {
                    <h1 class="ot-heading-xl">"页面不存在"</h1>
                    <p><a href="/staff/">"返回办件列表"</a></p>
                }
                .into_any()
            }
        }
    };
    view! {
        <Header />
        <main id="main" class="ot-main ot-staff" tabindex="-1" node_ref=main_ref>
            {page}
        </main>
    }
}

/// Mount the staff app into `#app`.
pub fn start() {
    crate::mount(StaffApp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_to_views() {
        for (path, view) in [
            ("/staff/", View::Home),
            ("/staff", View::Home),
            ("/staff/signin", View::SignIn),
            ("/staff/list/new", View::Queue("new".into())),
            ("/staff/list/all/", View::Queue("all".into())),
            ("/staff/list/mine", View::Unknown),
            (
                "/staff/a/7KQ2M9XA3T",
                View::Application("7KQ2M9XA3T".into()),
            ),
            ("/staff/a/7kq2m9xa3t", View::Unknown),
            ("/staff/a/<script>", View::Unknown),
            ("/staff/followups", View::Followups),
            ("/staff/counter", View::Counter(None)),
            ("/staff/counter/", View::Counter(None)),
            (
                "/staff/counter/7kq2m9xa",
                View::Counter(Some("7KQ2M9XA".into())),
            ),
            ("/staff/counter/7KQ2M9X", View::Unknown),
            ("/staff/nothing", View::Unknown),
        ] {
            assert_eq!(View::parse(path), view, "{path}");
        }
    }

    #[test]
    fn times_are_shortened() {
        assert_eq!(when("2026-05-01T10:23:45+08:00"), "2026-05-01 10:23");
        assert_eq!(when("2026-05-01"), "2026-05-01");
    }
}
