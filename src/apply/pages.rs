//! The pages of the application flow.

use leptos::prelude::*;
use onetrip_api::ErrorEnvelope;
use onetrip_api::application::{
    ApplicationRequest, Consent, Draft, DraftOpen, DraftRequest, DraftSave, DraftSession,
    ResumeFactor,
};
use onetrip_domain::application::{
    ApplicationForm, DELIVERY_SECTION, asked_materials, asks_address, prefill, section_of,
    section_problems, validate,
};
use onetrip_domain::catalog::Delivery;
use onetrip_domain::catalog::checklist::Subject;
use onetrip_domain::catalog::questions::Answers;
use onetrip_domain::validation::FieldProblem;
use onetrip_ui::form_top::{savings_line, step_caption};
use onetrip_ui::form_words::{F, form_error_text, ftext};
use onetrip_ui::messages::{Key, Locale, text};
use onetrip_ui::pages::spaced;
use onetrip_ui::review;

use super::fields::{Field, field_id, label_of, problem_text};
use super::materials::{Supplement, check_materials, materials_step};
use super::{focus_later, today, use_apply, with_draft};
use crate::api::{self, ApiError, decode};
use crate::components::loaded::{failure, loaded};
use crate::components::title::use_title;
use crate::prefs::use_prefs;
use crate::router::{navigate, use_router};

/// "第 3 步，共 8 步" and the list of all steps (a list, not a horizontal bar).
fn progress(form: &ApplicationForm, here: &str) -> impl IntoView + use<> {
    let prefs = use_prefs();
    let all = form.steps();
    let total = all.len();
    let n = all.iter().position(|s| s.path == here).map_or(1, |i| i + 1);
    let name = (form.name.clone(), form.name_en.clone());
    let here = here.to_owned();
    view! {
        <span class="ot-caption">{move || {
            let l = prefs.get().locale;
            step_caption(l, l.pick(&name.0, &name.1), n, total)
        }}</span>
        <details class="ot-steps">
            <summary>{move || ftext(prefs.get().locale, F::AllSteps)}</summary>
            <ol class="ot-steps__list">
                {all.into_iter().map(|s| {
                    let current = (s.path == here).then_some("step");
                    view! { <li><a href=s.path aria-current=current>{move || prefs.get().locale.pick(&s.title, &s.title_en).to_owned()}</a></li> }
                }).collect_view()}
            </ol>
        </details>
    }
}

/// The error summary's box: its heading and a link per problem (address, words); the caller
/// moves focus to `#ot-error-summary`.
pub(super) fn summary_box(l: Locale, items: Vec<(String, String)>) -> impl IntoView {
    view! {
        <div class="ot-error-summary" role="alert" tabindex="-1" id="ot-error-summary">
            <h2 class="ot-error-summary__title">{text(l, Key::ErrorSummaryTitle)}</h2>
            <ul class="ot-error-summary__list">
                {items.into_iter().map(|(h, t)| view! { <li><a href=h>{t}</a></li> }).collect_view()}
            </ul>
        </div>
    }
}

/// The error summary: a heading, a link to each problem's field; takes focus when shown.
fn error_summary(
    problems: RwSignal<Vec<FieldProblem>>,
    href: impl Fn(&FieldProblem) -> String + Send + Sync + 'static,
) -> impl IntoView {
    let prefs = use_prefs();
    let apply = use_apply();
    move || {
        let list = problems.get();
        (!list.is_empty()).then(|| {
            let l = prefs.get().locale;
            let items = apply.draft.with(|d| {
                list.iter()
                    .map(|p| {
                        let label = d
                            .as_ref()
                            .map(|d| label_of(&d.form, &p.field, l))
                            .unwrap_or_default();
                        let message = d.as_ref().map_or_else(
                            || form_error_text(l, &p.code),
                            |d| problem_text(&d.form, &p.field, &p.code, l),
                        );
                        let text = if label.is_empty() {
                            message.to_owned()
                        } else {
                            format!("{label}：{message}")
                        };
                        (href(p), text)
                    })
                    .collect::<Vec<_>>()
            });
            summary_box(l, items)
        })
    }
}

fn offline_notice() -> impl IntoView {
    let apply = use_apply();
    let prefs = use_prefs();
    move || {
        apply.offline.get().then(|| view! {
        <div class="ot-notice ot-notice--info" role="status"><p>{ftext(prefs.get().locale, F::Offline)}</p></div>
    })
    }
}

fn t(key: F) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let prefs = use_prefs();
    move || ftext(prefs.get().locale, key)
}

/// Where to go after this step: back to the review page when the change came from there.
fn next_after(form: &ApplicationForm, here: &str) -> String {
    let router = use_router();
    if router.param("from").as_deref() == Some("review") {
        return "/apply/review".into();
    }
    let all = form.steps();
    let i = all.iter().position(|s| s.path == here).unwrap_or(0);
    all.get(i + 1)
        .map_or_else(|| "/apply/review".into(), |s| s.path.clone())
}

/// What the flow reads of a stored checklist (`ChecklistRecord`): decoding only these fields
/// keeps the checklist's own types out of this app's wasm.
#[derive(Clone, serde::Deserialize)]
struct ChecklistStart {
    id: String,
    answers: Answers,
    checklist: ChecklistHead,
}

#[derive(Clone, serde::Deserialize)]
struct ChecklistHead {
    subject: Subject,
    name: String,
    name_en: String,
}

/// What the flow reads of a receipt: its number, to open the receipt page, and its name, for
/// 我的办件.
#[derive(serde::Deserialize)]
struct Submitted {
    number: String,
    name: String,
}

#[component]
pub fn StartPage(id: String) -> impl IntoView {
    loaded(
        format!("/api/v1/checklists/{id}"),
        move |record: ChecklistStart| {
            view! { <Consents record /> }
        },
    )
}

#[component]
fn Consents(record: ChecklistStart) -> impl IntoView {
    let prefs = use_prefs();
    let apply = use_apply();
    let router = use_router();
    let privacy = RwSignal::new(false);
    let sensitive = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let error = RwSignal::new(None::<ApiError>);
    let key = StoredValue::new(api::new_idempotency_key());
    let name = (
        record.checklist.name.clone(),
        record.checklist.name_en.clone(),
    );
    use_title({
        let name = name.clone();
        move || {
            format!(
                "{} - {}",
                ftext(prefs.get().locale, F::PrivacyTitle),
                prefs.get().locale.pick(&name.0, &name.1)
            )
        }
    });
    let request = DraftRequest {
        subject: record.checklist.subject.clone(),
        answers: record.answers.clone(),
        consent: Consent {
            privacy: true,
            sensitive: true,
        },
    };
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut missing = Vec::new();
        if !privacy.get_untracked() {
            missing.push(FieldProblem {
                field: "consent.privacy".into(),
                code: "consent.required".into(),
            });
        }
        if !sensitive.get_untracked() {
            missing.push(FieldProblem {
                field: "consent.sensitive".into(),
                code: "consent.required".into(),
            });
        }
        problems.set(missing.clone());
        if !missing.is_empty() {
            focus_later("ot-error-summary");
            return;
        }
        let request = request.clone();
        leptos::task::spawn_local(async move {
            match api::post("/api/v1/drafts", &key.get_value(), &request)
                .await
                .and_then(|t| decode::<DraftSession>(&t))
            {
                Ok(session) => {
                    let first = session
                        .draft
                        .form
                        .steps()
                        .first()
                        .map(|s| s.path.clone())
                        .unwrap_or_default();
                    apply.set(session.draft, session.key);
                    navigate(router, &first);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let declined = format!("/apply/declined/{}", record.id);
    view! {
        <span class="ot-caption">{move || prefs.get().locale.pick(&name.0, &name.1).to_owned()}</span>
        <h1 class="ot-heading-xl">{t(F::PrivacyTitle)}</h1>
        {error_summary(problems, |p| format!("#{}", field_id(&p.field)))}
        <p>{t(F::PrivacyText1)}</p>
        <p>{t(F::PrivacyText2)}</p>
        <p>{t(F::PrivacyText3)}</p>
        <form on:submit=start novalidate>
            {[("consent.privacy", privacy, F::ConsentPrivacy), ("consent.sensitive", sensitive, F::ConsentSensitive)].into_iter().map(|(k, sig, label)| {
                let id = field_id(k);
                let err = move || problems.with(|p| p.iter().any(|p| p.field == k));
                view! {
                    <div class="ot-field" class:ot-field--error=err>
                        {move || err().then(|| view! { <p class="ot-field__error">{form_error_text(prefs.get().locale, "consent.required")}</p> })}
                        <div class="ot-checkbox">
                            <input type="checkbox" class="ot-checkbox__input" id=id.clone() prop:checked=move || sig.get()
                                on:change=move |ev| sig.set(event_target_checked(&ev)) />
                            <label class="ot-checkbox__label" for=id>{t(label)}</label>
                        </div>
                    </div>
                }
            }).collect_view()}
            {move || error.get().map(|e| failure(e, || {}))}
            <div class="ot-button-group">
                <button type="submit" class="ot-button">{t(F::ConsentStart)}</button>
                <a class="ot-button ot-button--secondary" href=declined>{t(F::ConsentDecline)}</a>
            </div>
        </form>
    }
}

#[component]
pub fn DeclinedPage(id: String) -> impl IntoView {
    let prefs = use_prefs();
    use_title(move || ftext(prefs.get().locale, F::DeclinedTitle).to_owned());
    view! {
        <h1 class="ot-heading-xl">{t(F::DeclinedTitle)}</h1>
        <p>{t(F::DeclinedText)}</p>
        <p><a class="ot-button" href=format!("/c/{id}")>{t(F::BackToChecklist)}</a></p>
        <p><a href="tel:12345">"12345"</a></p>
    }
}

#[component]
pub fn SectionPage(key: String) -> impl IntoView {
    with_draft(move |draft| view! { <Section draft key=key.clone() /> })
}

#[component]
fn Section(draft: Draft, key: String) -> impl IntoView {
    let apply = use_apply();
    let prefs = use_prefs();
    let router = use_router();
    let form = draft.form.clone();
    let here = format!("/apply/s/{key}");
    let Some(section) = form.section(&key).cloned().or_else(|| {
        (key == DELIVERY_SECTION && !form.delivery.is_empty()).then(|| {
            onetrip_domain::application::FormSection {
                key: key.clone(),
                title: "领取方式".into(),
                title_en: "Receiving the result".into(),
                help: None,
                help_en: None,
                rows: None,
                fields: Vec::new(),
            }
        })
    }) else {
        return view! { <crate::routes::not_found::NotFound /> }.into_any();
    };
    // Known answers are offered, never skipped: the applicant sees them here.
    let offered = apply.data.with_untracked(|d| prefill(&form, d, &key));
    let prefilled = !offered.is_empty();
    if prefilled {
        apply.data.update(|d| {
            for (k, v) in offered {
                d.values.insert(k, v);
            }
        });
    }
    let title = (section.title.clone(), section.title_en.clone());
    use_title({
        let title = title.clone();
        move || prefs.get().locale.pick(&title.0, &title.1).to_owned()
    });
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let form_v = StoredValue::new(form.clone());
    let is_delivery = key == DELIVERY_SECTION;
    let section_key = key.clone();
    let next = next_after(&form, &here);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found: Vec<FieldProblem> = form_v.with_value(|f| {
            let all = apply.data.with_untracked(|d| validate(f, d, today()));
            section_problems(&all, &section_key).cloned().collect()
        });
        problems.set(found.clone());
        if found.is_empty() {
            apply.save();
            navigate(router, &next);
        } else {
            focus_later("ot-error-summary");
        }
    };
    let dropped = draft.dropped.clone();
    let help = section
        .help
        .clone()
        .map(|zh| (zh.clone(), section.help_en.clone().unwrap_or(zh)));
    let body = match section.rows {
        Some(limits) => group_rows(section.clone(), limits.max, problems).into_any(),
        None => {
            let fields = section.fields.clone();
            let plain = move || {
                let ask =
                    !is_delivery || form_v.with_value(|f| apply.data.with(|d| asks_address(f, d)));
                ask.then(|| {
                    fields
                        .iter()
                        .map(|f| view! { <Field field=f.clone() key=f.key.clone() problems /> })
                        .collect_view()
                })
            };
            view! {
                {is_delivery.then(|| delivery_choice(form_v.with_value(|f| f.delivery.clone()), problems))}
                {plain}
            }
            .into_any()
        }
    };
    view! {
        {progress(&form, &here)}
        <h1 class="ot-heading-xl">{move || prefs.get().locale.pick(&title.0, &title.1).to_owned()}</h1>
        {offline_notice()}
        {(!dropped.is_empty()).then(|| view! {
            <div class="ot-notice ot-notice--info" role="status"><p>{t(F::Dropped)}{dropped.join("、")}</p></div>
        })}
        {error_summary(problems, |p| format!("#{}", if p.field == "delivery" { "f-delivery".to_owned() } else { field_id(&p.field) }))}
        {help.map(|(zh, en)| view! { <p class="ot-field__hint">{move || prefs.get().locale.pick(&zh, &en).to_owned()}</p> })}
        {prefilled.then(|| view! { <div class="ot-notice ot-notice--info" role="status"><p>{t(F::Prefilled)}</p></div> })}
        {next_task(view! {
            <form on:submit=submit novalidate>
                {body}
                <button type="submit" class="ot-button">{t(F::Continue)}</button>
            </form>
            <p><a href="/apply/save">{t(F::SaveLater)}</a></p>
        }.into_any())}
    }
    .into_any()
}

/// `view`, drawn in the task after the one that draws the rest of the page. The top of a
/// step is cheap and the server may already have drawn it; the fields are most of the work
/// (on a slow phone about 100 ms), and together with the app's start they made one task long
/// enough to hold a tap. Everything drawn later is below what is already there, and the footer
/// is below the first screen (`.ot-main`'s `min-height`), so nothing shifts.
fn next_task(view: AnyView) -> impl IntoView {
    let ready = RwSignal::new(false);
    set_timeout(move || ready.set(true), std::time::Duration::ZERO);
    let held = StoredValue::new_local(Some(view));
    move || {
        ready
            .get()
            .then(|| held.try_update_value(Option::take).flatten())
            .flatten()
    }
}

/// EMS to an address or pickup at a window.
fn delivery_choice(options: Vec<Delivery>, problems: RwSignal<Vec<FieldProblem>>) -> impl IntoView {
    let apply = use_apply();
    let prefs = use_prefs();
    let error = move || {
        problems.with(|p| {
            p.iter()
                .find(|p| p.field == "delivery")
                .map(|p| p.code.clone())
        })
    };
    view! {
        <div class="ot-field" class:ot-field--error=move || error().is_some()>
            <fieldset class="ot-fieldset">
                <legend class="ot-field__label">{t(F::DeliveryLegend)}</legend>
                {move || error().map(|c| view! { <p class="ot-field__error">{form_error_text(prefs.get().locale, &c)}</p> })}
                <div class="ot-radios">
                    {options.into_iter().enumerate().map(|(i, d)| {
                        let id = if i == 0 { "f-delivery".to_owned() } else { format!("f-delivery-{i}") };
                        let label = if d == Delivery::Ems { F::DeliveryEms } else { F::DeliveryPickup };
                        view! {
                            <div class="ot-radios__item">
                                <input class="ot-radios__input" type="radio" name="delivery" id=id.clone()
                                    prop:checked=move || apply.data.with(|x| x.delivery == Some(d))
                                    on:change=move |_| apply.data.update(|x| x.delivery = Some(d)) />
                                <label class="ot-radios__label" for=id>{t(label)}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// A repeatable group: one fieldset per row, add and remove buttons.
fn group_rows(
    section: onetrip_domain::application::FormSection,
    max: u16,
    problems: RwSignal<Vec<FieldProblem>>,
) -> impl IntoView {
    let apply = use_apply();
    let prefs = use_prefs();
    let g = section.key.clone();
    if apply
        .data
        .with_untracked(|d| d.groups.get(&g).is_none_or(Vec::is_empty))
    {
        apply.data.update(|d| {
            d.groups
                .entry(g.clone())
                .or_default()
                .push(Default::default())
        });
    }
    let count = {
        let g = g.clone();
        Memo::new(move |_| apply.data.with(|d| d.groups.get(&g).map_or(0, Vec::len)))
    };
    let fields = section.fields.clone();
    let group_error = {
        let g = g.clone();
        move || problems.with(|p| p.iter().find(|p| p.field == g).map(|p| p.code.clone()))
    };
    let g2 = g.clone();
    let g3 = g.clone();
    view! {
        <div id=field_id(&g) tabindex="-1">
            {move || group_error().map(|c| view! { <p class="ot-field__error">{form_error_text(prefs.get().locale, &c)}</p> })}
        </div>
        {move || (0..count.get()).map(|i| {
            let fields = fields.clone();
            let g = g2.clone();
            let remove = {
                let g = g.clone();
                move |_| {
                    apply.data.update(|d| {
                        if let Some(rows) = d.groups.get_mut(&g)
                            && i < rows.len()
                        {
                            rows.remove(i);
                        }
                    });
                    problems.set(Vec::new());
                }
            };
            view! {
                <fieldset class="ot-fieldset ot-row">
                    <legend class="ot-heading-m">{move || ftext(prefs.get().locale, F::Row).replace("{n}", &(i + 1).to_string())}</legend>
                    {fields.iter().map(|f| {
                        let name = f.key.rsplit_once("].").map_or(f.key.clone(), |(_, n)| n.to_owned());
                        view! { <Field field=f.clone() key=format!("{g}[{i}].{name}") problems /> }
                    }).collect_view()}
                    {(count.get_untracked() > 1).then(|| view! {
                        <button type="button" class="ot-button ot-button--secondary" on:click=remove>
                            {t(F::RemoveRow)}<span class="ot-visually-hidden">{format!(" {}", i + 1)}</span>
                        </button>
                    })}
                </fieldset>
            }
        }).collect_view()}
        {move || (count.get() < usize::from(max)).then(|| {
            let g = g3.clone();
            view! {
                <p><button type="button" class="ot-button ot-button--secondary" on:click=move |_| {
                    apply.data.update(|d| d.groups.entry(g.clone()).or_default().push(Default::default()));
                }>{t(F::AddRow)}</button></p>
            }
        })}
    }
}

#[component]
pub fn MaterialsPage() -> impl IntoView {
    with_draft(|draft| view! { <Materials draft /> })
}

#[component]
fn Materials(draft: Draft) -> impl IntoView {
    let apply = use_apply();
    let prefs = use_prefs();
    let router = use_router();
    let form = StoredValue::new(draft.form.clone());
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let waiting = RwSignal::new(None::<F>);
    use_title(move || ftext(prefs.get().locale, F::MaterialsTitle).to_owned());
    let next = next_after(&draft.form, "/apply/materials");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match form.with_value(check_materials) {
            Ok(()) => {
                problems.set(Vec::new());
                waiting.set(None);
                apply.save();
                navigate(router, &next);
            }
            Err((wait, found)) => {
                waiting.set(wait);
                problems.set(found);
                focus_later("ot-error-summary");
            }
        }
    };
    view! {
        {progress(&draft.form, "/apply/materials")}
        <h1 class="ot-heading-xl">{t(F::MaterialsTitle)}</h1>
        {offline_notice()}
        {move || waiting.get().map(|w| view! {
            <div class="ot-error-summary" role="alert" tabindex="-1" id="ot-error-summary"><p>{ftext(prefs.get().locale, w)}</p></div>
        })}
        {error_summary(problems, |p| format!("#{}", field_id(&p.field)))}
        <p class="ot-field__hint">{t(F::MaterialsHelp)}</p>
        {materials_step(&draft, problems)}
        <form on:submit=submit novalidate>
            <button type="submit" class="ot-button">{t(F::Continue)}</button>
        </form>
        <p><a href="/apply/save">{t(F::SaveLater)}</a></p>
    }
}

#[component]
pub fn DeclarationsPage() -> impl IntoView {
    with_draft(|draft| view! { <Declarations draft /> })
}

#[component]
fn Declarations(draft: Draft) -> impl IntoView {
    let apply = use_apply();
    let prefs = use_prefs();
    let router = use_router();
    let form = StoredValue::new(draft.form.clone());
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    use_title(move || ftext(prefs.get().locale, F::DeclarationsTitle).to_owned());
    let next = next_after(&draft.form, "/apply/declarations");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found: Vec<FieldProblem> = form.with_value(|f| {
            let all = apply.data.with_untracked(|d| validate(f, d, today()));
            all.into_iter()
                .filter(|p| p.field.starts_with("declarations"))
                .collect()
        });
        problems.set(found.clone());
        if found.is_empty() {
            apply.save();
            navigate(router, &next);
        } else {
            focus_later("ot-error-summary");
        }
    };
    view! {
        {progress(&draft.form, "/apply/declarations")}
        <h1 class="ot-heading-xl">{t(F::DeclarationsTitle)}</h1>
        {offline_notice()}
        {error_summary(problems, |p| format!("#{}", field_id(&p.field)))}
        <p class="ot-field__hint">{t(F::DeclarationsHelp)}</p>
        <form on:submit=submit novalidate>
            {draft.form.declarations.iter().map(|d| {
                let key = format!("declarations.{}", d.department);
                let id = field_id(&key);
                let dept = d.department.clone();
                let dept2 = d.department.clone();
                let (name_zh, name_en) = (d.department_name.clone(), d.department_name_en.clone());
                let (accept_zh, accept_en) = (name_zh.clone(), name_en.clone());
                let (text_zh, text_en) = (d.text.clone(), d.text_en.clone());
                let err = {
                    let key = key.clone();
                    Memo::new(move |_| problems.with(|p| p.iter().any(|p| p.field == key)))
                };
                view! {
                    <fieldset class="ot-fieldset ot-field ot-declaration" class:ot-field--error=move || err.get()>
                        <legend class="ot-heading-m">{move || prefs.get().locale.pick(&name_zh, &name_en).to_owned()}</legend>
                        <p>{move || prefs.get().locale.pick(&text_zh, &text_en).to_owned()}</p>
                        {move || err.get().then(|| view! { <p class="ot-field__error">{form_error_text(prefs.get().locale, "declaration.required")}</p> })}
                        <div class="ot-checkbox">
                            <input type="checkbox" class="ot-checkbox__input" id=id.clone()
                                prop:checked=move || apply.data.with(|x| x.declarations.contains(&dept))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    apply.data.update(|x| { if on { x.declarations.insert(dept2.clone()); } else { x.declarations.remove(&dept2); } });
                                } />
                            <label class="ot-checkbox__label" for=id>{move || {
                                let l = prefs.get().locale;
                                ftext(l, F::DeclarationAccept).replace("{dept}", l.pick(&accept_zh, &accept_en))
                            }}</label>
                        </div>
                    </fieldset>
                }
            }).collect_view()}
            <button type="submit" class="ot-button">{t(F::Continue)}</button>
        </form>
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    with_draft(|draft| view! { <Review draft /> })
}

/// Where the change link of a problem's field goes.
fn change_link(field: &str) -> String {
    if field.starts_with("materials") {
        "/apply/materials?from=review".into()
    } else if field.starts_with("declarations") {
        "/apply/declarations?from=review".into()
    } else if field == "delivery" {
        format!("/apply/s/{DELIVERY_SECTION}?from=review")
    } else {
        format!(
            "/apply/s/{}?from=review",
            section_of(field).split('[').next().unwrap_or_default()
        )
    }
}

#[component]
fn Review(draft: Draft) -> impl IntoView {
    let apply = use_apply();
    // After a reload here, the documents are read back for the summary and the checks: the
    // list only, the review shows no thumbnails (they were 1.2 MB on a 1.6 Mbps phone, LCP
    // 4 s in Lighthouse).
    super::materials::load_draft_files(
        apply.uploads,
        super::materials::Target::draft(&draft.token, &apply.key.get_untracked()),
        false,
    );
    let prefs = use_prefs();
    let form = draft.form.clone();
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    // One key per press that has not yet been answered: a double tap or a retry reuses it.
    let key = StoredValue::new(api::new_idempotency_key());
    use_title(move || ftext(prefs.get().locale, F::ReviewTitle).to_owned());
    let sections = {
        let form = form.clone();
        move || {
            apply
                .data
                .with(|d| review::sections(&form, d, prefs.get().locale))
        }
    };
    let savings = form
        .savings
        .map(|s| move || savings_line(prefs.get().locale, &s));
    let form_v = StoredValue::new(form.clone());
    let token = draft.token.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut found =
            form_v.with_value(|f| apply.data.with_untracked(|d| validate(f, d, today())));
        if let Err((_, more)) = form_v.with_value(check_materials) {
            found.extend(more);
        }
        problems.set(found.clone());
        if !found.is_empty() {
            focus_later("ot-error-summary");
            return;
        }
        busy.set(true);
        error.set(None);
        let request = form_v.with_value(|f| ApplicationRequest {
            subject: f.subject.clone(),
            answers: f.answers.clone(),
            data: apply.data.get_untracked(),
            consent: Consent {
                privacy: true,
                sensitive: true,
            },
            draft: Some(token.clone()),
        });
        let draft_key = apply.key.get_untracked();
        leptos::task::spawn_local(async move {
            let k = key.get_value();
            let result = api::send(
                "POST",
                "/api/v1/applications",
                &[("Idempotency-Key", &k), ("X-Draft-Key", &draft_key)],
                Some(&request),
            )
            .await
            .and_then(|t| decode::<Submitted>(&t));
            busy.set(false);
            match result {
                Ok(receipt) => {
                    super::forget();
                    super::remember_application(&receipt.number, &draft_key, &receipt.name);
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().replace(&format!("/r/{}", receipt.number));
                    }
                }
                Err(e) => match e.field_problems() {
                    Some(found) => {
                        // The data changed since this key was made: the next press is a new
                        // request.
                        key.set_value(api::new_idempotency_key());
                        problems.set(found);
                        focus_later("ot-error-summary");
                    }
                    None => error.set(Some(e)),
                },
            }
        });
    };
    view! {
        {progress(&form, "/apply/review")}
        <h1 class="ot-heading-xl">{t(F::ReviewTitle)}</h1>
        {offline_notice()}
        {error_summary(problems, |p| change_link(&p.field))}
        <p>{t(F::ReviewHelp)}</p>
        {savings.map(|s| view! { <div class="ot-notice ot-notice--info"><p>{s}</p></div> })}
        {next_task(view! {
            {move || {
                let l = prefs.get().locale;
                sections().into_iter().map(|s| view! {
                    <h2 class="ot-heading-m">{s.title}</h2>
                    <dl class="ot-summary-list">
                        {s.rows.into_iter().map(|r| view! {
                            <div class="ot-summary-list__row">
                                <dt>{r.label.clone()}</dt>
                                <dd>{r.value}</dd>
                                <dd><a href=r.link>{ftext(l, F::Change)}<span class="ot-visually-hidden">{format!(" {}", r.label)}</span></a></dd>
                            </div>
                        }).collect_view()}
                    </dl>
                }).collect_view()
            }}
            {materials_summary(&form)}
            <h2 class="ot-heading-m">{t(F::DeclarationsTitle)}</h2>
            <p><a href=review::DECLARATIONS_LINK>{t(F::Change)}<span class="ot-visually-hidden">{t(F::DeclarationsTitle)}</span></a></p>
            {move || error.get().map(|e| failure(e, || {}))}
            <form on:submit=submit novalidate>
                <button type="submit" class="ot-button" aria-disabled=move || busy.get().then_some("true")>
                    {move || if busy.get() { ftext(prefs.get().locale, F::Submitting) } else { ftext(prefs.get().locale, F::Submit) }}
                </button>
            </form>
            <p><a href="/apply/save">{t(F::SaveLater)}</a></p>
        }.into_any())}
    }
}

/// The materials on the review page: how many files each has, or its commitment.
fn materials_summary(form: &ApplicationForm) -> impl IntoView + use<> {
    let apply = use_apply();
    let prefs = use_prefs();
    let asked: Vec<_> = asked_materials(form).cloned().collect();
    (!asked.is_empty()).then(|| {
        view! {
            <h2 class="ot-heading-m">{t(F::MaterialsTitle)}</h2>
            <dl class="ot-summary-list">
                {asked.into_iter().map(|m| {
                    let key = m.key.clone();
                    let name = (m.name.clone(), m.name_en.clone());
                    let days = m.deferrable_days.unwrap_or(0);
                    let value = move || {
                        let n = apply.uploads.items.with(|list| list.iter().filter(|i| i.material == key && i.status == super::materials::Status::Done).count());
                        let deferred = apply.data.with(|d| d.deferred.contains(&key));
                        review::material_value(prefs.get().locale, n, deferred, days)
                    };
                    let label = move || prefs.get().locale.pick(&name.0, &name.1).to_owned();
                    view! {
                        <div class="ot-summary-list__row">
                            <dt>{label.clone()}</dt>
                            <dd>{value}</dd>
                            <dd><a href=review::MATERIALS_LINK>{t(F::Change)}<span class="ot-visually-hidden">{move || format!(" {}", label())}</span></a></dd>
                        </div>
                    }
                }).collect_view()}
            </dl>
        }
    })
}

#[component]
pub fn SavePage() -> impl IntoView {
    with_draft(|draft| view! { <Save draft /> })
}

#[component]
fn Save(draft: Draft) -> impl IntoView {
    let apply = use_apply();
    let prefs = use_prefs();
    let router = use_router();
    let pin = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    use_title(move || ftext(prefs.get().locale, F::SaveTitle).to_owned());
    apply.save();
    let back = router.param("back").unwrap_or_else(|| {
        draft
            .form
            .steps()
            .first()
            .map(|s| s.path.clone())
            .unwrap_or_default()
    });
    let set_pin = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(token) = apply
            .draft
            .with_untracked(|d| d.as_ref().map(|d| d.token.clone()))
        else {
            return;
        };
        let body = DraftSave {
            data: apply.data.get_untracked(),
            pin: Some(pin.get_untracked()),
        };
        let key = apply.key.get_untracked();
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/drafts/{token}");
            match api::send("PUT", &path, &[("X-Draft-Key", &key)], Some(&body))
                .await
                .and_then(|t| decode::<Draft>(&t))
            {
                Ok(d) => {
                    problems.set(Vec::new());
                    apply.draft.update(|old| {
                        if let Some(old) = old {
                            old.factor = d.factor;
                            old.factor_field = d.factor_field;
                            old.expires_on = d.expires_on;
                        }
                    });
                }
                Err(
                    e @ ApiError::Server {
                        envelope: Some(_), ..
                    },
                ) => {
                    problems.set(e.field_problems().unwrap_or_default());
                    focus_later("ot-error-summary");
                }
                Err(_) => apply.offline.set(true),
            }
        });
    };
    view! {
        <h1 class="ot-heading-xl">{t(F::SaveTitle)}</h1>
        {offline_notice()}
        {move || {
            let d = apply.draft.get()?;
            let l = prefs.get().locale;
            Some(match d.factor {
                ResumeFactor::None => view! {
                    {error_summary(problems, |_| "#f-pin".to_owned())}
                    <p class="ot-field__hint">{ftext(l, F::PinHelp)}</p>
                    <form on:submit=set_pin novalidate>
                        <div class="ot-field" class:ot-field--error=move || problems.with(|p| !p.is_empty())>
                            <label class="ot-field__label" for="f-pin">{ftext(l, F::PinLabel)}</label>
                            <input class="ot-input ot-input--short" id="f-pin" type="password" inputmode="numeric" autocomplete="off" maxlength="6"
                                prop:value=move || pin.get() on:input=move |ev| pin.set(event_target_value(&ev)) />
                        </div>
                        <button type="submit" class="ot-button">{ftext(l, F::PinSave)}</button>
                    </form>
                }.into_any(),
                factor => {
                    let factor_text = match factor {
                        ResumeFactor::IdTail => ftext(l, F::SaveFactorId).replace("{field}", d.factor_field.as_deref().unwrap_or("")),
                        _ => ftext(l, F::SaveFactorPin).to_owned(),
                    };
                    view! {
                        <p>{ftext(l, F::SaveLinkHelp)}</p>
                        // The markup of `onetrip_ui::blocks::qr_figure`: the image, how to
                        // read it, and the token (the short form of the link) to type.
                        <figure class="ot-qr">
                            <div class="ot-qr__scan">
                                <img class="ot-qr__image" src=d.qr_url.clone() width="240" height="240" alt=ftext(l, F::DraftQrAlt) />
                                <p class="ot-qr__hint">{text(l, Key::QrHint)}</p>
                            </div>
                            <figcaption class="ot-qr__caption">
                                <span>{ftext(l, F::DraftCode)}</span>
                                <strong class="ot-qr__code">{spaced(&d.token)}</strong>
                                <span>{ftext(l, F::DraftLink)}</span>
                                <a class="ot-qr__link" href=d.resume_url.clone()>{d.resume_url.clone()}</a>
                            </figcaption>
                        </figure>
                        <p>{ftext(l, F::SaveExpires).replace("{date}", &d.expires_on)}</p>
                        <p>{factor_text}</p>
                    }.into_any()
                }
            })
        }}
        <p><a class="ot-button ot-button--secondary" href=back>{t(F::BackToForm)}</a></p>
    }
}

/// The second factor (last six characters of the ID number, or the PIN), sent to `path`; the
/// answer's text goes to `opened`.
#[component]
fn FactorForm(
    path: String,
    title: F,
    help: F,
    button: F,
    opened: impl Fn(String) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let prefs = use_prefs();
    let factor = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let error = RwSignal::new(None::<ApiError>);
    use_title(move || ftext(prefs.get().locale, title).to_owned());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = DraftOpen {
            factor: factor.get_untracked(),
        };
        let path = path.clone();
        let opened = opened.clone();
        leptos::task::spawn_local(async move {
            match api::send("POST", &path, &[], Some(&body)).await {
                Ok(text) => opened(text),
                Err(ApiError::Server {
                    status: 422,
                    envelope: Some(ErrorEnvelope { error }),
                }) => {
                    problems.set(
                        error
                            .fields
                            .into_iter()
                            .map(|f| FieldProblem {
                                field: "factor".into(),
                                code: f.code,
                            })
                            .collect(),
                    );
                    focus_later("ot-error-summary");
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <h1 class="ot-heading-xl">{t(title)}</h1>
        {error_summary(problems, |_| "#f-factor".to_owned())}
        <p>{t(help)}</p>
        <form on:submit=submit novalidate>
            <div class="ot-field" class:ot-field--error=move || problems.with(|p| !p.is_empty())>
                <label class="ot-field__label" for="f-factor">{t(F::ResumeLabel)}</label>
                {move || problems.get().first().map(|p| view! { <p class="ot-field__error" id="f-factor-error">{form_error_text(prefs.get().locale, &p.code)}</p> })}
                <input class="ot-input ot-input--short" id="f-factor" type="password" autocomplete="off" maxlength="6"
                    aria-describedby=move || (!problems.with(Vec::is_empty)).then_some("f-factor-error")
                    prop:value=move || factor.get() on:input=move |ev| factor.set(event_target_value(&ev)) />
            </div>
            {move || error.get().map(|e| failure(e, || {}))}
            <button type="submit" class="ot-button">{t(button)}</button>
        </form>
    }
}

#[component]
pub fn ResumePage(token: String) -> impl IntoView {
    let apply = use_apply();
    let router = use_router();
    let opened = move |text: String| {
        let Ok(session) = decode::<DraftSession>(&text) else {
            return;
        };
        let form = session.draft.form.clone();
        let problems_now = validate(&form, &session.draft.data, today());
        let first = form
            .steps()
            .into_iter()
            .map(|s| s.path)
            .find(|p| {
                let k = p.trim_start_matches("/apply/s/");
                p.starts_with("/apply/s/") && section_problems(&problems_now, k).next().is_some()
            })
            .unwrap_or_else(|| "/apply/review".into());
        apply.set(session.draft, session.key);
        navigate(router, &first);
    };
    view! { <FactorForm path=format!("/api/v1/drafts/{token}/open") title=F::ResumeTitle help=F::ResumeHelp button=F::ResumeOpen opened /> }
}

/// 补正: with the key this tab holds, or after the second factor.
#[component]
pub fn SupplementPage(number: String) -> impl IntoView {
    let prefs = use_prefs();
    use_title(move || ftext(prefs.get().locale, F::SupplementTitle).to_owned());
    let key = RwSignal::new(super::application_key(&number));
    let forbidden = RwSignal::new(false);
    let n = number.clone();
    let opened = move |text: String| {
        if let Ok(s) = decode::<onetrip_api::application::ApplicationSession>(&text) {
            super::remember_application(&n, &s.key, "");
            forbidden.set(false);
            key.set(Some(s.key));
        }
    };
    move || {
        match key.get() {
        Some(k) if !forbidden.get() => view! { <Supplement number=number.clone() key=k forbidden /> }.into_any(),
        _ => view! {
            <FactorForm path=format!("/api/v1/applications/{number}/open") title=F::SupplementTitle help=F::OpenApplicationHelp button=F::OpenApplication opened=opened.clone() />
        }.into_any(),
    }
    }
}
