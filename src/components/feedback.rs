//! "这个页面对您有帮助吗？": a one-question form on every page. Checked in the browser with the
//! same domain rules the server applies, sent with an Idempotency-Key.

use leptos::prelude::*;
use leptos::task::spawn_local;
use onetrip_domain::feedback::Feedback;

use crate::api;
use crate::messages::{Key, error_text, text, tr};
use crate::prefs::use_prefs;

/// Where the little form is. Plain data; the component only renders it.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    Asking,
    /// "没有帮助" chosen: an optional comment, with the problems found on the last try.
    Commenting {
        problems: Vec<String>,
    },
    Sending,
    Thanks,
    /// Sending failed; the comment is kept and the same key is reused on retry.
    Failed {
        code: String,
    },
}

#[component]
pub fn FeedbackBox(page: String) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |key| text(prefs.get().locale, key);
    let stage = RwSignal::new(Stage::Asking);
    let comment = RwSignal::new(String::new());
    // One key per feedback: made on the first press, kept across retries with the same answer.
    let key = StoredValue::new(None::<String>);
    let answer = StoredValue::new(true);
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let summary = NodeRef::<leptos::html::Div>::new();
    let page = StoredValue::new(page);

    let send = move |useful: bool| {
        answer.set_value(useful);
        let feedback = Feedback {
            page: page.get_value(),
            useful,
            comment: (!useful).then(|| comment.get_untracked()),
        }
        .normalized();
        let problems = feedback.problems();
        if !problems.is_empty() {
            stage.set(Stage::Commenting {
                problems: problems.into_iter().map(|p| p.code).collect(),
            });
            // Move focus to the summary so the problem is announced and can be followed.
            request_animation_frame(move || {
                if let Some(s) = summary.get() {
                    let _ = s.focus();
                }
            });
            return;
        }
        let k = key.get_value().unwrap_or_else(api::new_idempotency_key);
        key.set_value(Some(k.clone()));
        stage.set(Stage::Sending);
        spawn_local(async move {
            match api::send_feedback(&k, &feedback).await {
                Ok(_) => stage.set(Stage::Thanks),
                Err(err) => match err.code() {
                    // The server found what the browser should have: show it at the field.
                    "validation" => {
                        let codes = match &err {
                            api::ApiError::Server {
                                envelope: Some(e), ..
                            } => e.error.fields.iter().map(|f| f.code.clone()).collect(),
                            _ => vec!["validation".to_owned()],
                        };
                        stage.set(Stage::Commenting { problems: codes });
                    }
                    code => stage.set(Stage::Failed {
                        code: code.to_owned(),
                    }),
                },
            }
        });
    };

    view! {
        <section class="ot-feedback" aria-labelledby="ot-feedback-title">
            // The heading stays in every stage: it names the region.
            <h2 id="ot-feedback-title" class="ot-feedback__title">{tr(Key::FeedbackQuestion)}</h2>
            {move || match stage.get() {
                Stage::Asking => view! {
                    <div class="ot-feedback__buttons">
                        <button type="button" class="ot-button ot-button--secondary" on:click=move |_| send(true)>
                            {t(Key::FeedbackYes)}
                        </button>
                        <button
                            type="button"
                            class="ot-button ot-button--secondary"
                            on:click=move |_| {
                                stage.set(Stage::Commenting { problems: vec![] });
                                request_animation_frame(move || {
                                    if let Some(el) = textarea.get() {
                                        let _ = el.focus();
                                    }
                                });
                            }
                        >
                            {t(Key::FeedbackNo)}
                        </button>
                    </div>
                }.into_any(),
                Stage::Commenting { problems } => {
                    let locale = prefs.get().locale;
                    let has_error = !problems.is_empty();
                    let messages: Vec<&'static str> =
                        problems.iter().map(|c| error_text(locale, c)).collect();
                    let first = messages.first().copied().unwrap_or_default();
                    view! {
                        <Show when=move || has_error>
                            <div class="ot-error-summary" role="alert" tabindex="-1" node_ref=summary>
                                <h3 class="ot-error-summary__title">{t(Key::ErrorSummaryTitle)}</h3>
                                <ul class="ot-error-summary__list">
                                    {messages.iter().map(|m| view! {
                                        <li><a href="#ot-feedback-comment">{*m}</a></li>
                                    }).collect_view()}
                                </ul>
                            </div>
                        </Show>
                        <form
                            class="ot-feedback__form"
                            novalidate
                            on:submit=move |ev| {
                                ev.prevent_default();
                                send(false);
                            }
                        >
                            <div class=move || if has_error { "ot-field ot-field--error" } else { "ot-field" }>
                                <label class="ot-field__label" for="ot-feedback-comment">
                                    {t(Key::FeedbackCommentLabel)}
                                </label>
                                <p class="ot-field__hint" id="ot-feedback-comment-hint">{t(Key::FeedbackCommentHint)}</p>
                                <Show when=move || has_error>
                                    <p class="ot-field__error" id="ot-feedback-comment-error">
                                        <span class="ot-visually-hidden">{t(Key::ErrorPrefix)}</span>
                                        {first}
                                    </p>
                                </Show>
                                <textarea
                                    id="ot-feedback-comment"
                                    class="ot-textarea"
                                    rows="4"
                                    node_ref=textarea
                                    aria-describedby=if has_error {
                                        "ot-feedback-comment-hint ot-feedback-comment-error"
                                    } else {
                                        "ot-feedback-comment-hint"
                                    }
                                    aria-invalid=has_error.to_string()
                                    prop:value=move || comment.get()
                                    on:input=move |ev| comment.set(event_target_value(&ev))
                                ></textarea>
                            </div>
                            <button type="submit" class="ot-button">{t(Key::FeedbackSend)}</button>
                        </form>
                    }.into_any()
                }
                Stage::Sending => view! {
                    <p class="ot-feedback__status" role="status">{t(Key::FeedbackSending)}</p>
                }.into_any(),
                Stage::Thanks => view! {
                    <p class="ot-feedback__status" role="status">{t(Key::FeedbackThanks)}</p>
                }.into_any(),
                Stage::Failed { code } => {
                    let message = error_text(prefs.get().locale, &code);
                    view! {
                        <p class="ot-feedback__status" role="alert">{message}</p>
                        <button type="button" class="ot-button" on:click=move |_| send(answer.get_value())>
                            {t(Key::Retry)}
                        </button>
                    }.into_any()
                }
            }}
        </section>
    }
}
