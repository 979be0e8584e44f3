//! 一表登记: the application flow, a second app (`src/bin/apply.rs`, served under `/apply/`)
//! so that the guidance app's first visit stays small. One section of the merged form per
//! page, the domain's own rules checked on continue, the draft saved on the server at every
//! step, a check-your-answers page, and the submission with an Idempotency-Key.
//!
//! What the applicant types lives in memory only. sessionStorage holds the draft's token and
//! key (`onetrip.draft`), never personal data, so that a reload (WeChat reloads the page after
//! the camera picker) loses nothing.

mod branch;
mod fields;
mod materials;
mod pages;
mod upload;

use leptos::prelude::*;
use onetrip_api::application::{DRAFT_COOKIE, Draft};
use onetrip_domain::CivilDate;
use onetrip_domain::application::ApplicationData;
use onetrip_ui::form_words::{F, ftext};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError, decode};
use crate::components::layout::FormLayout;
use crate::prefs::{self, use_prefs};
use crate::router::{self, apply_path};

const SESSION_KEY: &str = "onetrip.draft";
/// The submitted application this tab may supply materials to: `number:key` (not personal data).
const APPLICATION_KEY: &str = "onetrip.application";

/// The pages of the flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// `/apply/c/{checklist}`: the privacy notice and the two consents, then a new draft.
    Start(String),
    /// `/apply/declined/{checklist}`: what can still be done without consent.
    Declined(String),
    /// `/apply/s/{section}`: one section of the form.
    Section(String),
    /// `/apply/materials`: the documents (一套材料).
    Materials,
    Declarations,
    Review,
    /// `/apply/save`: the resume link, its QR code and its expiry (and a PIN if needed).
    Save,
    /// `/apply/resume/{token}`: open a draft on this device with the second factor.
    Resume(String),
    /// `/apply/supplement/{number}`: 补正, the materials still outstanding after submission.
    Supplement(String),
    Unknown,
}

impl Step {
    pub fn parse(path: &str) -> Step {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(2).collect();
        let code_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        };
        match segments.as_slice() {
            ["c", id] if code_ok(id) => Step::Start((*id).to_owned()),
            ["declined", id] if code_ok(id) => Step::Declined((*id).to_owned()),
            ["s", key] if code_ok(key) => Step::Section((*key).to_owned()),
            ["materials"] => Step::Materials,
            ["declarations"] => Step::Declarations,
            ["review"] => Step::Review,
            ["save"] => Step::Save,
            ["resume", token] if code_ok(token) => Step::Resume((*token).to_owned()),
            ["supplement", number] if code_ok(number) => Step::Supplement((*number).to_owned()),
            _ => Step::Unknown,
        }
    }
}

/// The draft being filled in: its server copy (form, token, expiry, second factor), the key
/// that saves it, and what has been typed (the live copy).
#[derive(Clone, Copy)]
pub struct Apply {
    pub draft: RwSignal<Option<Draft>>,
    pub key: RwSignal<String>,
    pub data: RwSignal<ApplicationData>,
    /// The last save did not reach the server; it is retried.
    pub offline: RwSignal<bool>,
    /// The documents of the draft, kept across pages (uploads go on while the applicant
    /// moves between steps).
    pub uploads: materials::Uploads,
}

pub fn use_apply() -> Apply {
    expect_context::<Apply>()
}

/// Today in China time, from the browser's clock.
pub fn today() -> CivilDate {
    let ms = js_sys::Date::now() as i64 + 8 * 3600 * 1000;
    CivilDate::from_days(ms.div_euclid(86_400_000))
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

/// Remember the draft's token and key for this tab (not personal data), and in the cookie
/// with which the server draws the top of a reloaded step (`form_paint`; sent only to pages
/// under /apply, never to another site's requests).
pub fn remember(token: &str, key: &str) {
    if let Some(s) = session_storage() {
        let _ = s.set_item(SESSION_KEY, &format!("{token}:{key}"));
    }
    set_cookie(&format!("{token}:{key}"));
}

pub fn forget() {
    if let Some(s) = session_storage() {
        let _ = s.remove_item(SESSION_KEY);
    }
    set_cookie("; max-age=0");
}

fn set_cookie(value: &str) {
    crate::prefs::write_cookie(&format!(
        "{DRAFT_COOKIE}={value}; path=/apply; samesite=strict"
    ));
}

fn remembered() -> Option<(String, String)> {
    let v = session_storage()?.get_item(SESSION_KEY).ok()??;
    let (t, k) = v.split_once(':')?;
    Some((t.to_owned(), k.to_owned()))
}

/// Remember that this tab may supply materials to application `number` with `key`, and that
/// this device may follow it (我的办件).
pub fn remember_application(number: &str, key: &str, name: &str) {
    if let Some(s) = session_storage() {
        let _ = s.set_item(APPLICATION_KEY, &format!("{number}:{key}"));
    }
    crate::mine::add(number, key, name);
}

/// The key this tab or device holds for application `number`, if any.
pub fn application_key(number: &str) -> Option<String> {
    let tab = session_storage()
        .and_then(|s| s.get_item(APPLICATION_KEY).ok().flatten())
        .and_then(|v| {
            let (n, k) = v.split_once(':')?;
            (n == number).then(|| k.to_owned())
        });
    tab.or_else(|| crate::mine::key_of(number))
}

impl Apply {
    /// Take a draft from the server as the one being filled in.
    pub fn set(&self, draft: Draft, key: String) {
        remember(&draft.token, &key);
        let other = self
            .draft
            .with_untracked(|d| d.as_ref().is_some_and(|d| d.token != draft.token));
        if other {
            // Another draft's documents are not this one's.
            self.uploads.clear();
        }
        self.data.set(draft.data.clone());
        self.key.set(key);
        self.draft.set(Some(draft));
    }

    /// Save what has been typed. On a dropped connection the answers stay in memory, the user
    /// is told, and the save is tried again every few seconds until it goes through.
    pub fn save(self) {
        leptos::task::spawn_local(async move {
            if let Err(ApiError::Network) = self.save_now().await {
                set_timeout(move || self.save(), std::time::Duration::from_secs(5));
            }
        });
    }

    /// Save what has been typed and wait for the answer (a dropped connection sets
    /// `offline`).
    pub async fn save_now(self) -> Result<(), ApiError> {
        let Some(token) = self
            .draft
            .with_untracked(|d| d.as_ref().map(|d| d.token.clone()))
        else {
            return Ok(());
        };
        let key = self.key.get_untracked();
        let body = onetrip_api::application::DraftSave {
            data: self.data.get_untracked(),
            pin: None,
        };
        let path = format!("/api/v1/drafts/{token}");
        match api::send("PUT", &path, &[("X-Draft-Key", &key)], Some(&body)).await {
            Ok(text) => {
                self.offline.set(false);
                if let Ok(d) = decode::<Draft>(&text) {
                    self.draft.update(|old| {
                        if let Some(old) = old {
                            old.factor = d.factor;
                            old.factor_field = d.factor_field;
                            old.expires_on = d.expires_on;
                        }
                    });
                }
                Ok(())
            }
            Err(e) => {
                if e == ApiError::Network {
                    self.offline.set(true);
                }
                Err(e)
            }
        }
    }

    /// Before another app's page (the form and the materials are two apps): files still
    /// being sent are not cut off without asking, and what has been typed is saved first. On
    /// a dropped connection the applicant stays, told so, and the save is retried.
    fn leave(self, url: String, locale: onetrip_ui::messages::Locale) {
        if self.uploads.moving() && !confirm(ftext(locale, F::LeaveUploading)) {
            return;
        }
        leptos::task::spawn_local(async move {
            match self.save_now().await {
                Err(ApiError::Network) => self.save(),
                _ => router::load(&url),
            }
        });
    }
}

fn confirm(text: &str) -> bool {
    web_sys::window().is_none_or(|w| w.confirm_with_message(text).unwrap_or(true))
}

/// Renders `children` once the draft is here: from memory, or after a reload from the server
/// with the token and key this tab remembers.
pub fn with_draft<V: IntoView + 'static>(
    children: impl Fn(Draft) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let apply = use_apply();
    let prefs = use_prefs();
    let failed = RwSignal::new(false);
    if apply.draft.get_untracked().is_none() {
        match remembered() {
            Some((token, key)) => {
                leptos::task::spawn_local(async move {
                    let early = api::early("otDraft")
                        .await
                        .and_then(|t| decode::<Draft>(&t).ok());
                    let fetched = match early {
                        Some(d) if d.token == token => Ok(d),
                        _ => {
                            let path = format!("/api/v1/drafts/{token}");
                            api::send::<()>("GET", &path, &[("X-Draft-Key", &key)], None)
                                .await
                                .and_then(|t| decode::<Draft>(&t))
                        }
                    };
                    match fetched {
                        Ok(d) => apply.set(d, key),
                        Err(_) => failed.set(true),
                    }
                });
            }
            None => failed.set(true),
        }
    }
    // Rendered once the draft is here, not again at each save's answer: a page re-created
    // under the applicant would lose what it shows (an error summary, focus).
    let ready = Memo::new(move |_| apply.draft.with(Option::is_some));
    move || match ready.get().then(|| apply.draft.get_untracked()).flatten() {
        Some(d) => children(d).into_any(),
        None if failed.get() => view! {
            <div class="ot-notice" role="status">
                <p>{move || ftext(prefs.get().locale, F::NoDraft)}</p>
            </div>
        }
        .into_any(),
        None => crate::components::loaded::loading(),
    }
}

/// Move focus to an element after this render (error summaries, page headings).
pub fn focus_later(id: &'static str) {
    set_timeout(
        move || {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(id))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        },
        std::time::Duration::ZERO,
    );
}

/// The materials step and 补正 are an app of their own (`materials.html`, the `materials`
/// binary): the cards, the checks on the phone and the image compression stay out of the
/// form's download.
pub fn materials_path(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    path == "/apply/materials" || path.starts_with("/apply/supplement/")
}

fn form_path(path: &str) -> bool {
    apply_path(path) && !materials_path(path)
}

/// One app of the flow: the draft in context, and `page` for each step it shows.
fn flow(owns: fn(&str) -> bool, page: fn(Step) -> AnyView) -> impl IntoView {
    prefs::provide();
    let apply = Apply {
        draft: RwSignal::new(None),
        key: RwSignal::new(String::new()),
        data: RwSignal::new(ApplicationData::default()),
        offline: RwSignal::new(false),
        uploads: materials::Uploads::new(),
    };
    provide_context(apply);
    // Called from event handlers, outside any component: the preferences are read here.
    let prefs = use_prefs();
    let leave = Callback::new(move |url: String| apply.leave(url, prefs.get_untracked().locale));
    let router = router::provide_leaving(owns, Some(leave));
    let step = Memo::new(move |_| Step::parse(&router.path.get()));
    view! { <FormLayout>{move || page(step.get())}</FormLayout> }
}

fn form_page(step: Step) -> AnyView {
    match step {
        Step::Start(id) => view! { <pages::StartPage id /> }.into_any(),
        Step::Declined(id) => view! { <pages::DeclinedPage id /> }.into_any(),
        Step::Section(key) => view! { <pages::SectionPage key /> }.into_any(),
        Step::Declarations => view! { <pages::DeclarationsPage /> }.into_any(),
        Step::Review => view! { <pages::ReviewPage /> }.into_any(),
        Step::Save => view! { <pages::SavePage /> }.into_any(),
        Step::Resume(token) => view! { <pages::ResumePage token /> }.into_any(),
        _ => view! { <crate::routes::not_found::NotFound /> }.into_any(),
    }
}

fn materials_page(step: Step) -> AnyView {
    match step {
        Step::Materials => view! { <pages::MaterialsPage /> }.into_any(),
        Step::Supplement(number) => view! { <pages::SupplementPage number /> }.into_any(),
        _ => view! { <crate::routes::not_found::NotFound /> }.into_any(),
    }
}

/// Mount the form (一表登记) into `#app`.
///
/// In a task of its own, after the one that compiled and instantiated the wasm: on a slow
/// phone each is long, and together they would hold the page (a tap on a page whose top the
/// server drew) for their sum.
pub fn start() {
    set_timeout(
        || crate::mount(|| flow(form_path, form_page)),
        std::time::Duration::ZERO,
    );
}

/// Mount the materials step and 补正 into `#app`.
pub fn start_materials() {
    crate::mount(|| flow(materials_path, materials_page));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_to_steps() {
        for (path, step) in [
            ("/apply/c/7KQ2M9XA3T", Step::Start("7KQ2M9XA3T".into())),
            ("/apply/s/company", Step::Section("company".into())),
            ("/apply/s/legal_rep/", Step::Section("legal_rep".into())),
            ("/apply/review", Step::Review),
            ("/apply/declarations", Step::Declarations),
            ("/apply/materials", Step::Materials),
            (
                "/apply/supplement/7KQ2M9XA3T",
                Step::Supplement("7KQ2M9XA3T".into()),
            ),
            ("/apply/save", Step::Save),
            (
                "/apply/resume/ABCDEFGHJKMNPQRSTVWXYZ",
                Step::Resume("ABCDEFGHJKMNPQRSTVWXYZ".into()),
            ),
            ("/apply/s/<script>", Step::Unknown),
            ("/apply/s", Step::Unknown),
            ("/apply", Step::Unknown),
        ] {
            assert_eq!(Step::parse(path), step, "{path}");
        }
    }

    #[test]
    fn each_step_belongs_to_one_app() {
        for path in [
            "/apply/materials",
            "/apply/materials/",
            "/apply/supplement/7KQ2M9XA3T",
        ] {
            assert!(materials_path(path) && !form_path(path), "{path}");
        }
        for path in [
            "/apply/c/7KQ2M9XA3T",
            "/apply/s/company",
            "/apply/review",
            "/apply/save",
        ] {
            assert!(form_path(path) && !materials_path(path), "{path}");
        }
        assert!(!form_path("/track/7KQ2M9XA3T") && !materials_path("/r/7KQ2M9XA3T"));
    }
}
