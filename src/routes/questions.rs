//! 情形引导: the situational questions, one per page, then the one-time checklist. The walk
//! (which question comes next, which answers still apply) is the domain's, the same function
//! the server checks the answers with. Back is the browser's back: every question has its own
//! address. Answers are kept in memory only.

use leptos::prelude::*;
use onetrip_api::catalog::{ChecklistRequest, Questionnaire};
use onetrip_domain::catalog::checklist::Subject;
use onetrip_domain::catalog::questions::{Answers, prune, walk};

use crate::api::{ApiError, decode};
use crate::components::loaded::{failure, fetch_text, loading};
use crate::components::title::use_title;
use crate::messages::{Key, Locale, text, tr};
use crate::prefs::use_prefs;
use crate::router::{Router, navigate, redirect, use_router};
use crate::routes::not_found::NotFound;

/// The questions of the subject being answered, and the answers so far.
#[derive(Clone, Copy)]
pub struct Situation {
    pub questions: RwSignal<Option<Questionnaire>>,
    pub answers: RwSignal<Answers>,
}

pub fn provide() {
    provide_context(Situation {
        questions: RwSignal::new(None),
        answers: RwSignal::new(Answers::new()),
    });
}

fn base(subject: &Subject) -> String {
    match subject {
        Subject::Bundle(code) => format!("/bundles/{code}/questions"),
        Subject::Matter(code) => format!("/matters/{code}/questions"),
    }
}

#[component]
pub fn QuestionsPage(subject: Subject, key: Option<String>) -> impl IntoView {
    let situation = expect_context::<Situation>();
    let router = use_router();
    let prefs = use_prefs();
    let cached = situation
        .questions
        .with_untracked(|q| q.as_ref().is_some_and(|q| q.subject == subject));
    if !cached {
        situation.answers.set(Answers::new());
    }
    let path = match &subject {
        Subject::Bundle(code) => format!("/api/v1/bundles/{code}/questions"),
        Subject::Matter(code) => format!("/api/v1/matters/{code}/questions"),
    };
    // Asked again from the cache while moving between questions; fetched (with an ETag, so
    // usually a 304) when the page is opened afresh.
    let load = fetch_text(Signal::stored(path));
    use_title(move || {
        let locale = prefs.get().locale;
        let name = situation
            .questions
            .get()
            .map(|q| locale.pick(&q.name, &q.name_en).to_owned())
            .unwrap_or_default();
        format!("{} - {name}", text(locale, Key::QuestionOf))
    });
    move || {
        let cached = situation
            .questions
            .get_untracked()
            .filter(|q| q.subject == subject);
        let result = match cached {
            Some(q) => Some(Ok(q)),
            None => load
                .get()
                .map(|r| r.and_then(|body| decode::<Questionnaire>(&body))),
        };
        match result {
            None => loading(),
            Some(Err(err)) => failure(err, move || load.refetch()),
            Some(Ok(q)) => {
                if situation
                    .questions
                    .with_untracked(|c| c.as_ref() != Some(&q))
                {
                    situation.questions.set(Some(q.clone()));
                }
                step(router, situation, q, key.clone())
            }
        }
    }
}

/// What to show for `key`: the question, or a redirect to the first unanswered one, or the
/// checklist being made once every question that applies is answered.
fn step(router: Router, situation: Situation, q: Questionnaire, key: Option<String>) -> AnyView {
    let answers = prune(&q.questions, &situation.answers.get_untracked());
    let w = walk(&q.questions, &answers).unwrap_or_default();
    let index = key
        .as_ref()
        .and_then(|k| q.questions.iter().position(|g| &g.question.key == k));
    match (key, index) {
        (Some(_), None) => NotFound().into_any(),
        (Some(_), Some(i)) if w.asked.contains(&i) || w.next == Some(i) => {
            let number = w
                .asked
                .iter()
                .position(|a| *a == i)
                .unwrap_or(w.asked.len())
                + 1;
            question_view(router, situation, q, i, number).into_any()
        }
        _ => match w.next {
            Some(i) => {
                let url = format!("{}/{}", base(&q.subject), q.questions[i].question.key);
                later(move || redirect(router, &url));
                loading()
            }
            None => view! { <MakeChecklist subject=q.subject answers /> }.into_any(),
        },
    }
}

fn question_view(
    router: Router,
    situation: Situation,
    q: Questionnaire,
    index: usize,
    number: usize,
) -> impl IntoView {
    let prefs = use_prefs();
    let question = q.questions[index].question.clone();
    let key = question.key.clone();
    let chosen = RwSignal::new(situation.answers.with_untracked(|a| a.get(&key).cloned()));
    let problem = RwSignal::new(false);
    let summary_ref = NodeRef::<leptos::html::Div>::new();
    let questions = q.questions.clone();
    let subject = q.subject.clone();
    let submit = {
        let key = key.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Some(value) = chosen.get_untracked() else {
                problem.set(true);
                // After the summary is shown: focus it so the problem is announced.
                request_animation_frame(move || {
                    if let Some(el) = summary_ref.get_untracked() {
                        let _ = el.focus();
                    }
                });
                return;
            };
            situation.answers.update(|a| {
                a.insert(key.clone(), value);
                *a = prune(&questions, a);
            });
            let answers = situation.answers.get_untracked();
            let next = walk(&questions, &answers).ok().and_then(|w| w.next);
            let url = match next {
                Some(i) => format!("{}/{}", base(&subject), questions[i].question.key),
                None => base(&subject),
            };
            navigate(router, &url);
        }
    };
    let name = (q.name.clone(), q.name_en.clone());
    let progress = move || {
        let locale = prefs.get().locale;
        let subject = locale.pick(&name.0, &name.1).to_owned();
        match locale {
            Locale::Zh => format!("{subject} · 第 {number} 个问题"),
            Locale::En => format!("{subject} · question {number}"),
        }
    };
    let text_zh = question.text.clone();
    let text_en = question.text_en.clone();
    let legend = move || prefs.get().locale.pick(&text_zh, &text_en).to_owned();
    let help = question.help.clone().map(|zh| {
        let en = question.help_en.clone().unwrap_or_else(|| zh.clone());
        move || prefs.get().locale.pick(&zh, &en).to_owned()
    });
    let has_help = help.is_some();
    let first_id = format!("ot-q-{}-0", question.key);
    let error_href = format!("#{first_id}");
    view! {
        <div
            class="ot-error-summary"
            role="alert"
            tabindex="-1"
            node_ref=summary_ref
            hidden=move || !problem.get()
        >
            <h2 class="ot-error-summary__title">{tr(Key::ErrorSummaryTitle)}</h2>
            <ul class="ot-error-summary__list">
                <li><a href=error_href>{tr(Key::ChooseOne)}</a></li>
            </ul>
        </div>
        <form on:submit=submit novalidate>
            <div class="ot-field" class:ot-field--error=move || problem.get()>
                <fieldset class="ot-fieldset" aria-describedby=has_help.then_some("ot-q-hint")>
                    <legend class="ot-fieldset__legend">
                        <span class="ot-caption">{progress}</span>
                        <h1 class="ot-heading-xl">{legend}</h1>
                    </legend>
                    {help.map(|h| view! { <p class="ot-field__hint" id="ot-q-hint">{h}</p> })}
                    {move || problem.get().then(|| view! {
                        <p class="ot-field__error"><span class="ot-visually-hidden">{tr(Key::ErrorPrefix)}</span>{tr(Key::ChooseOne)}</p>
                    })}
                    <div class="ot-radios">
                        {question.options.iter().enumerate().map(|(i, o)| {
                            let id = format!("ot-q-{}-{i}", question.key);
                            let value = o.value.clone();
                            let checked = {
                                let value = value.clone();
                                move || chosen.get().as_deref() == Some(value.as_str())
                            };
                            view! {
                                <div class="ot-radios__item">
                                    <input
                                        class="ot-radios__input"
                                        type="radio"
                                        id=id.clone()
                                        name=question.key.clone()
                                        value=value.clone()
                                        prop:checked=checked
                                        on:change=move |_| {
                                            chosen.set(Some(value.clone()));
                                            problem.set(false);
                                        }
                                    />
                                    <label class="ot-radios__label" for=id>{crate::routes::localized(&o.label, &o.label_en)}</label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
            </div>
            <button type="submit" class="ot-button">{tr(Key::Continue)}</button>
        </form>
    }
}

/// Every question answered: store the checklist and go to it (replacing this address, so back
/// returns to the last question). A retry sends the same Idempotency-Key: never two
/// checklists for one press.
#[component]
fn MakeChecklist(subject: Subject, answers: Answers) -> impl IntoView {
    #[derive(serde::Deserialize)]
    struct Created {
        id: String,
    }
    let router = use_router();
    let key = crate::api::new_idempotency_key();
    let request = ChecklistRequest { subject, answers };
    let state = RwSignal::new(None::<Result<String, ApiError>>);
    let send = move || {
        state.set(None);
        let (key, request) = (key.clone(), request.clone());
        leptos::task::spawn_local(async move {
            let result = crate::api::post("/api/v1/checklists", &key, &request)
                .await
                .and_then(|body| decode::<Created>(&body))
                .map(|c| c.id);
            state.set(Some(result));
        });
    };
    send();
    move || match state.get() {
        None => view! { <p class="ot-loading" role="status">{tr(Key::Creating)}</p> }.into_any(),
        Some(Err(err)) => {
            let send = send.clone();
            failure(err, send)
        }
        Some(Ok(id)) => {
            let url = format!("/c/{id}");
            later(move || redirect(router, &url));
            loading()
        }
    }
}

/// Change the address after the current render, never during it.
fn later(f: impl FnOnce() + 'static) {
    set_timeout(f, std::time::Duration::ZERO);
}
