//! The decisions the server says this member may take now (`can`), each as a small form. The
//! browser checks what the domain lets it check (reasons, the EMS number's check digit); the
//! server decides, and its refusals (409, 403, 422) are shown the same way.

use leptos::prelude::*;
use onetrip_api::progress::BankAppointmentView;
use onetrip_api::staff::{CorrectionItem, Named, StaffAction, StaffApplication};
use onetrip_domain::application::{MAX_CORRECTION_DAYS, MAX_CORRECTION_REASON};
use onetrip_domain::workflow::{MAX_REASON_CHARS, reasons_problems, tracking_number};
use onetrip_ui::form_words::form_error_text;
use onetrip_ui::messages::Locale;

use super::{Live, error_summary, error_words, field_error, focus_later, use_session};
use crate::api::{self, ApiError};

/// What the forms need of the application: it changes rarely, so the forms (and what is
/// typed in them) survive the polls.
#[derive(Clone, PartialEq)]
struct Offer {
    can: Vec<String>,
    deferrable: Vec<Named>,
    materials: Vec<Named>,
    /// (code, name, department's name) of each matter this member may decide.
    matters: Vec<(String, String, String)>,
    /// 预约开户: the chosen bank, branch and signing time, when there is one.
    bank: Option<BankAppointmentView>,
}

/// Everything one form needs to send its decision.
#[derive(Clone, Copy)]
struct Ctx {
    number: StoredValue<String>,
    session: super::Session,
    status: RwSignal<Option<String>>,
    data: Live,
}

/// A form's problems (field id, words) and whether it is sending.
#[derive(Clone, Copy)]
struct FormState {
    id: StoredValue<String>,
    problems: RwSignal<Vec<(String, String)>>,
    busy: RwSignal<bool>,
}

impl FormState {
    fn new(id: impl Into<String>) -> Self {
        FormState {
            id: StoredValue::new(id.into()),
            problems: RwSignal::new(Vec::new()),
            busy: RwSignal::new(false),
        }
    }

    fn summary_id(&self) -> String {
        format!("{}-summary", self.id.get_value())
    }

    fn show(&self, problems: Vec<(String, String)>) {
        self.problems.set(problems);
        focus_later(self.summary_id());
    }

    fn summary(&self) -> impl IntoView + use<> {
        error_summary(self.summary_id(), self.problems)
    }
}

/// Send a decision; on success show the application as it now is and say what was done.
/// `field` maps the server's field names to this form's inputs.
fn send(
    ctx: Ctx,
    form: FormState,
    action: StaffAction,
    done: String,
    field: impl Fn(&str) -> String + 'static,
) {
    if form.busy.get_untracked() {
        return;
    }
    form.busy.set(true);
    let session = ctx.session;
    let key = api::new_idempotency_key();
    leptos::task::spawn_local(async move {
        let path = format!(
            "/api/v1/staff/applications/{}/actions",
            ctx.number.get_value()
        );
        let result = api::post(&path, &key, &action).await;
        form.busy.try_set(false);
        if !session.alive(&result) {
            return;
        }
        match result {
            Ok(text) => {
                form.problems.try_set(Vec::new());
                ctx.status.set(Some(done));
                ctx.data.state.set(Some(Ok(text)));
                focus_later("case-status".into());
            }
            Err(e) => {
                let problems = match &e {
                    ApiError::Server {
                        envelope: Some(env),
                        ..
                    } if !env.error.fields.is_empty() => env
                        .error
                        .fields
                        .iter()
                        .map(|f| {
                            (
                                field(&f.field),
                                form_error_text(Locale::Zh, &f.code).to_owned(),
                            )
                        })
                        .collect(),
                    _ => vec![(field(""), error_words(&e))],
                };
                form.show(problems);
            }
        }
    });
}

/// One reason per line, blank lines left out.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The domain's problems with some reasons, in words, pointing at the textarea `id`.
fn reason_problems(id: &str, reasons: &[String]) -> Vec<(String, String)> {
    reasons_problems(reasons)
        .into_iter()
        .map(|p| {
            let words = match p.code.as_str() {
                "field.required" if p.field == "reasons" => "请写明理由，每行一条。".to_owned(),
                "field.too_large" => "理由最多 10 条。".to_owned(),
                "field.too_long" => {
                    let n = p
                        .field
                        .trim_start_matches("reasons[")
                        .trim_end_matches(']')
                        .parse::<usize>()
                        .map_or(0, |i| i + 1);
                    format!("第 {n} 条理由太长，每条最多 {MAX_REASON_CHARS} 字。")
                }
                code => form_error_text(Locale::Zh, code).to_owned(),
            };
            (id.to_owned(), words)
        })
        .collect()
}

/// A labelled textarea with its hint and error.
fn textarea(
    id: String,
    label: String,
    hint: &'static str,
    value: RwSignal<String>,
    form: FormState,
) -> impl IntoView {
    let error = field_error(form.problems, &id);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (h, e) = (hint_id.clone(), error_id.clone());
        move || match error.get() {
            Some(_) => format!("{h} {e}"),
            None => h.clone(),
        }
    };
    view! {
        <div class="ot-field" class:ot-field--error=move || error.get().is_some()>
            <label class="ot-field__label" for=id.clone()>{label}</label>
            <p class="ot-field__hint" id=hint_id>{hint}</p>
            {move || error.get().map(|e| view! {
                <p class="ot-field__error" id=error_id.clone()><span class="ot-visually-hidden">"错误："</span>{e}</p>
            })}
            <textarea class="ot-textarea" id=id rows="3" aria-describedby=described
                aria-invalid=move || error.get().map(|_| "true")
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
        </div>
    }
}

fn button(label: &'static str, form: FormState, secondary: bool) -> impl IntoView {
    view! {
        <button type="submit" class="ot-button" class:ot-button--secondary=secondary
            aria-disabled=move || form.busy.get().then_some("true")>
            {label}
        </button>
    }
}

#[component]
pub fn Actions(
    number: String,
    app: Memo<Option<StaffApplication>>,
    status: RwSignal<Option<String>>,
    data: Live,
) -> impl IntoView {
    let ctx = Ctx {
        number: StoredValue::new(number),
        session: use_session(),
        status,
        data,
    };
    let offer = Memo::new(move |_| {
        app.with(|a| {
            a.as_ref().map(|a| Offer {
                can: a.can.clone(),
                // A material the applicant already deferred (an open request) is not offered
                // again.
                deferrable: a
                    .deferrable
                    .iter()
                    .filter(|m| {
                        !a.requests
                            .iter()
                            .any(|r| !r.resolved && r.material == m.key)
                    })
                    .cloned()
                    .collect(),
                materials: a.materials.clone(),
                matters: a
                    .matters
                    .iter()
                    .filter(|m| a.can.iter().any(|c| c.ends_with(&format!(":{}", m.code))))
                    .map(|m| (m.code.clone(), m.name.clone(), m.department_name.clone()))
                    .collect(),
                bank: a.bank.clone(),
            })
        })
    });
    move || {
        offer.get().map(|o| {
            let has = |name: &str| o.can.iter().any(|c| c == name);
            if o.can.is_empty() {
                return view! { <p>"当前没有需要您办理的操作。"</p> }.into_any();
            }
            view! {
                {has("accept").then(|| accept(ctx, o.deferrable.clone()))}
                {has("refuse").then(|| refuse(ctx))}
                {o.matters.iter().map(|(code, name, dept)| {
                    matter(ctx, &o, code.clone(), name.clone(), dept.clone())
                }).collect_view()}
                {has("confirm_signing").then(|| signing(ctx, o.bank.clone()))}
                {has("open_account").then(|| simple(ctx, "f-open-account", "已开户", "面签已完成，银行账户已开立。", StaffAction::OpenAccount, "已登记开户。"))}
                {has("dispatch").then(|| dispatch(ctx))}
                {has("ready_for_pickup").then(|| simple(ctx, "f-pickup", "通知申请人领取", "证照已到综合窗口，通知申请人前来领取。", StaffAction::ReadyForPickup, "已通知申请人领取。"))}
                {has("deliver").then(|| simple(ctx, "f-deliver", "确认已送达", "申请人已收到或已领取证照。", StaffAction::Deliver, "已确认送达。"))}
            }
            .into_any()
        })
    }
}

/// 受理, with the materials the applicant may bring later (容缺受理).
fn accept(ctx: Ctx, deferrable: Vec<Named>) -> impl IntoView {
    let form = FormState::new("f-accept");
    let chosen = RwSignal::new(Vec::<String>::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let defer = chosen.get_untracked();
        let done = if defer.is_empty() {
            "已受理。"
        } else {
            "已容缺受理。"
        };
        send(
            ctx,
            form,
            StaffAction::Accept { defer },
            done.into(),
            |_| "f-accept-0".into(),
        );
    };
    let any = !deferrable.is_empty();
    let boxes = deferrable
        .into_iter()
        .enumerate()
        .map(|(i, m)| {
            let id = format!("f-accept-{i}");
            let key = m.key.clone();
            let key2 = m.key.clone();
            view! {
                <div class="ot-checkbox">
                    <input type="checkbox" class="ot-checkbox__input" id=id.clone()
                        prop:checked=move || chosen.with(|c| c.contains(&key))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let k = key2.clone();
                            chosen.update(|c| {
                                c.retain(|x| *x != k);
                                if on { c.push(k); }
                            });
                        } />
                    <label class="ot-checkbox__label" for=id>{m.name}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <form class="ot-staff-action" aria-labelledby="h-accept" on:submit=submit novalidate>
            <h3 class="ot-heading-m" id="h-accept">"受理"</h3>
            {form.summary()}
            {any.then(|| view! {
                <fieldset class="ot-fieldset">
                    <legend class="ot-fieldset__legend">"容缺受理（选填）"</legend>
                    <p class="ot-field__hint">"勾选的材料由申请人在受理后按期补交；不勾选即为正常受理。"</p>
                    {boxes}
                </fieldset>
            })}
            {button("受理", form, false)}
        </form>
    }
}

/// 不予受理, with reasons.
fn refuse(ctx: Ctx) -> impl IntoView {
    let form = FormState::new("f-refuse");
    let text = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let reasons = lines(&text.get_untracked());
        let found = reason_problems("f-refuse", &reasons);
        if !found.is_empty() {
            return form.show(found);
        }
        send(
            ctx,
            form,
            StaffAction::Refuse { reasons },
            "已不予受理。".into(),
            |_| "f-refuse".into(),
        );
    };
    view! {
        <form class="ot-staff-action" aria-labelledby="h-refuse" on:submit=submit novalidate>
            <h3 class="ot-heading-m" id="h-refuse">"不予受理"</h3>
            {form.summary()}
            {textarea("f-refuse".into(), "不予受理的理由".into(), "每行写一条理由，申请人会看到。", text, form)}
            {button("不予受理", form, true)}
        </form>
    }
}

/// One matter of this department: 准予, 不予, 要求补正 (each as the server allows).
fn matter(ctx: Ctx, o: &Offer, code: String, name: String, dept: String) -> impl IntoView {
    let has = |what: &str| o.can.iter().any(|c| *c == format!("{what}:{code}"));
    let heading = format!("h-matter-{code}");
    let (approve, refuse, correct) = (
        has("approve"),
        has("refuse_matter"),
        has("request_correction"),
    );
    let materials = o.materials.clone();
    view! {
        <section class="ot-staff-action" aria-labelledby=heading.clone()>
            <h3 class="ot-heading-m" id=heading.clone()>{format!("{name}（{dept}）")}</h3>
            {approve.then(|| approve_form(ctx, code.clone(), name.clone()))}
            {refuse.then(|| refuse_matter(ctx, code.clone(), name.clone()))}
            {correct.then(|| correction(ctx, code.clone(), name.clone(), materials))}
        </section>
    }
}

fn approve_form(ctx: Ctx, code: String, name: String) -> impl IntoView {
    let id = format!("f-approve-{code}");
    let form = FormState::new(id.clone());
    let note = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = note.get_untracked().trim().to_owned();
        if n.chars().count() > MAX_REASON_CHARS {
            return form.show(vec![(
                form.id.get_value(),
                format!("备注最多 {MAX_REASON_CHARS} 字。"),
            )]);
        }
        send(
            ctx,
            form,
            StaffAction::Approve {
                matter: code.clone(),
                note: (!n.is_empty()).then_some(n),
            },
            format!("已准予：{name}。"),
            move |_| form.id.get_value(),
        );
    };
    view! {
        <form on:submit=submit novalidate>
            {form.summary()}
            {textarea(id, "准予的备注（选填）".into(), "例如证照编号，申请人会看到。", note, form)}
            {button("准予", form, false)}
        </form>
    }
}

fn refuse_matter(ctx: Ctx, code: String, name: String) -> impl IntoView {
    let id = format!("f-refuse-{code}");
    let form = FormState::new(id.clone());
    let text = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let reasons = lines(&text.get_untracked());
        let found = reason_problems(&form.id.get_value(), &reasons);
        if !found.is_empty() {
            return form.show(found);
        }
        send(
            ctx,
            form,
            StaffAction::RefuseMatter {
                matter: code.clone(),
                reasons,
            },
            format!("已作出不予决定：{name}。"),
            move |_| form.id.get_value(),
        );
    };
    view! {
        <details class="ot-details">
            <summary>"不予（写明理由）"</summary>
            <form on:submit=submit novalidate>
                {form.summary()}
                {textarea(id, "不予的理由".into(), "每行写一条理由，申请人会看到。", text, form)}
                {button("不予", form, true)}
            </form>
        </details>
    }
}

/// 要求补正: every item at once (一次性告知), with the working days allowed.
fn correction(ctx: Ctx, code: String, name: String, materials: Vec<Named>) -> impl IntoView {
    let base = StoredValue::new(format!("f-correct-{code}"));
    let form = FormState::new(base.get_value());
    let next_id = StoredValue::new(1u32);
    let rows = RwSignal::new(vec![(
        0u32,
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    )]);
    let days = RwSignal::new("5".to_owned());
    let materials = StoredValue::new(materials);
    let add = move |_| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        rows.update(|r| {
            r.push((
                id,
                RwSignal::new(String::new()),
                RwSignal::new(String::new()),
            ))
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut found = Vec::new();
        let list = rows.get_untracked();
        let mut items = Vec::new();
        for (i, (_, material, reason)) in list.iter().enumerate() {
            let (m, r) = (material.get_untracked(), reason.get_untracked());
            let n = i + 1;
            if m.is_empty() {
                found.push((
                    format!("{}-m{i}", base.get_value()),
                    format!("第 {n} 项：请选择要补正的材料。"),
                ));
            }
            let r = r.trim().to_owned();
            if r.is_empty() {
                found.push((
                    format!("{}-r{i}", base.get_value()),
                    format!("第 {n} 项：请写明补正原因。"),
                ));
            } else if r.chars().count() > MAX_CORRECTION_REASON {
                found.push((
                    format!("{}-r{i}", base.get_value()),
                    format!("第 {n} 项：原因最多 {MAX_CORRECTION_REASON} 字。"),
                ));
            }
            items.push(CorrectionItem {
                material: m,
                reason: r,
            });
        }
        let d = days.get_untracked().trim().parse::<u32>().unwrap_or(0);
        if !(1..=MAX_CORRECTION_DAYS).contains(&d) {
            found.push((
                format!("{}-days", base.get_value()),
                format!("补正期限应为 1 到 {MAX_CORRECTION_DAYS} 个工作日。"),
            ));
        }
        if !found.is_empty() {
            return form.show(found);
        }
        send(
            ctx,
            form,
            StaffAction::RequestCorrection {
                matter: code.clone(),
                items,
                days: d,
            },
            format!("已发出补正告知：{name}。"),
            move |field| {
                // items[2].reason → the third row's reason.
                let row = field
                    .strip_prefix("items[")
                    .and_then(|r| r.split(']').next())
                    .and_then(|n| n.parse::<usize>().ok());
                match row {
                    Some(i) if field.ends_with("material") => format!("{}-m{i}", base.get_value()),
                    Some(i) => format!("{}-r{i}", base.get_value()),
                    None if field == "days" => format!("{}-days", base.get_value()),
                    None => format!("{}-m0", base.get_value()),
                }
            },
        );
    };
    let row_view = move |i: usize, material: RwSignal<String>, reason: RwSignal<String>| {
        let (mid, rid) = (
            format!("{}-m{i}", base.get_value()),
            format!("{}-r{i}", base.get_value()),
        );
        let m_error = field_error(form.problems, &mid);
        let r_error = field_error(form.problems, &rid);
        let n = i + 1;
        let options = materials.with_value(|ms| {
            ms.iter()
                .map(|m| view! { <option value=m.key.clone()>{m.name.clone()}</option> })
                .collect_view()
        });
        let remove = move |_| {
            rows.update(|r| {
                if r.len() > 1 {
                    r.remove(i);
                }
            })
        };
        let (mid2, rid2) = (mid.clone(), rid.clone());
        view! {
            <fieldset class="ot-fieldset ot-row">
                <legend class="ot-fieldset__legend">{format!("第 {n} 项")}</legend>
                <div class="ot-field" class:ot-field--error=move || m_error.get().is_some()>
                    <label class="ot-field__label" for=mid.clone()>"要补正的材料"</label>
                    {move || m_error.get().map(|e| view! { <p class="ot-field__error"><span class="ot-visually-hidden">"错误："</span>{e}</p> })}
                    <select class="ot-select" id=mid2 prop:value=move || material.get()
                        aria-invalid=move || m_error.get().map(|_| "true")
                        on:change=move |ev| material.set(event_target_value(&ev))>
                        <option value="">"请选择"</option>
                        {options}
                    </select>
                </div>
                <div class="ot-field" class:ot-field--error=move || r_error.get().is_some()>
                    <label class="ot-field__label" for=rid.clone()>"补正原因"</label>
                    {move || r_error.get().map(|e| view! { <p class="ot-field__error"><span class="ot-visually-hidden">"错误："</span>{e}</p> })}
                    <input class="ot-input" id=rid2 prop:value=move || reason.get()
                        aria-invalid=move || r_error.get().map(|_| "true")
                        on:input=move |ev| reason.set(event_target_value(&ev)) />
                </div>
                {(n > 1).then(|| view! {
                    <button type="button" class="ot-button ot-button--secondary ot-button--small" on:click=remove>
                        {format!("删除第 {n} 项")}
                    </button>
                })}
            </fieldset>
        }
    };
    let days_id = format!("{}-days", base.get_value());
    let days_hint = format!("{days_id}-hint");
    let days_error = field_error(form.problems, &days_id);
    view! {
        <details class="ot-details" open>
            <summary>"要求补正（一次性告知）"</summary>
            <form on:submit=submit novalidate>
                {form.summary()}
                <p class="ot-field__hint">"需要补正的材料请一次列全，申请人会一次收到全部要求。"</p>
                {move || rows.get().into_iter().enumerate().map(|(i, (_, m, r))| row_view(i, m, r)).collect_view()}
                <p><button type="button" class="ot-button ot-button--secondary ot-button--small" on:click=add>"再加一项"</button></p>
                <div class="ot-field" class:ot-field--error=move || days_error.get().is_some()>
                    <label class="ot-field__label" for=days_id.clone()>"补正期限（工作日）"</label>
                    <p class="ot-field__hint" id=days_hint.clone()>{format!("1 到 {MAX_CORRECTION_DAYS} 个工作日")}</p>
                    {move || days_error.get().map(|e| view! { <p class="ot-field__error"><span class="ot-visually-hidden">"错误："</span>{e}</p> })}
                    <input class="ot-input ot-input--short" id=days_id inputmode="numeric"
                        aria-describedby=days_hint
                        aria-invalid=move || days_error.get().map(|_| "true")
                        prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev)) />
                </div>
                {button("发出补正告知", form, false)}
            </form>
        </details>
    }
}

/// 寄出 by EMS: the number is checked here with the domain's own rule before it is sent.
fn dispatch(ctx: Ctx) -> impl IntoView {
    let form = FormState::new("f-tracking");
    let value = RwSignal::new(String::new());
    let error = field_error(form.problems, "f-tracking");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match tracking_number(&value.get_untracked()) {
            Err(code) => form.show(vec![(
                "f-tracking".into(),
                form_error_text(Locale::Zh, code).to_owned(),
            )]),
            Ok(tracking) => {
                let done = format!("已登记寄出，快递单号 {tracking}。");
                send(ctx, form, StaffAction::Dispatch { tracking }, done, |_| {
                    "f-tracking".into()
                })
            }
        }
    };
    view! {
        <form class="ot-staff-action" aria-labelledby="h-dispatch" on:submit=submit novalidate>
            <h3 class="ot-heading-m" id="h-dispatch">"寄出（EMS）"</h3>
            {form.summary()}
            <div class="ot-field" class:ot-field--error=move || error.get().is_some()>
                <label class="ot-field__label" for="f-tracking">"EMS 快递单号"</label>
                <p class="ot-field__hint" id="f-tracking-hint">"13 位数字，或 2 个字母、9 位数字、2 个字母，例如 EE473124829CN。"</p>
                {move || error.get().map(|e| view! {
                    <p class="ot-field__error" id="f-tracking-error"><span class="ot-visually-hidden">"错误："</span>{e}</p>
                })}
                <input class="ot-input" id="f-tracking" autocomplete="off" spellcheck="false" autocapitalize="characters"
                    aria-describedby=move || if error.get().is_some() { "f-tracking-hint f-tracking-error" } else { "f-tracking-hint" }
                    aria-invalid=move || error.get().map(|_| "true")
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
            {button("寄出", form, false)}
        </form>
    }
}

/// 确认面签时间: a date and a time at the chosen branch. The server checks them against the
/// branch's hours and the working calendar (domain `bank::signing_problems`); the browser only
/// says when one is missing.
fn signing(ctx: Ctx, bank: Option<BankAppointmentView>) -> impl IntoView {
    let form = FormState::new("f-signing");
    let (date0, time0) = bank
        .as_ref()
        .and_then(|b| b.signing_at.as_deref())
        .and_then(|at| at.split_once(' '))
        .map(|(d, t)| (d.to_owned(), t.to_owned()))
        .unwrap_or_default();
    let date = RwSignal::new(date0);
    let time = RwSignal::new(time0);
    let date_error = field_error(form.problems, "f-signing-date");
    let time_error = field_error(form.problems, "f-signing-time");
    let place = bank.map(|b| {
        format!(
            "{}{}，{}（{}）。",
            b.bank_name, b.branch_name, b.address, b.hours
        )
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (d, t) = (date.get_untracked(), time.get_untracked());
        let mut problems = Vec::new();
        if d.trim().is_empty() {
            problems.push(("f-signing-date".to_owned(), "请选择面签日期。".to_owned()));
        }
        if t.trim().is_empty() {
            problems.push(("f-signing-time".to_owned(), "请填写面签时间。".to_owned()));
        }
        if !problems.is_empty() {
            form.show(problems);
            return;
        }
        let done = format!("已确认面签时间：{} {}。", d.trim(), t.trim());
        send(
            ctx,
            form,
            StaffAction::ConfirmSigning { date: d, time: t },
            done,
            |f| match f {
                "time" => "f-signing-time".into(),
                _ => "f-signing-date".into(),
            },
        );
    };
    view! {
        <form class="ot-staff-action" aria-labelledby="h-signing" on:submit=submit novalidate>
            <h3 class="ot-heading-m" id="h-signing">"确认面签时间"</h3>
            {form.summary()}
            {place.map(|p| view! { <p>"面签网点："{p}</p> })}
            <div class="ot-field" class:ot-field--error=move || date_error.get().is_some()>
                <label class="ot-field__label" for="f-signing-date">"面签日期"</label>
                <p class="ot-field__hint" id="f-signing-date-hint">"工作日，60 天以内。"</p>
                {move || date_error.get().map(|e| view! {
                    <p class="ot-field__error" id="f-signing-date-error"><span class="ot-visually-hidden">"错误："</span>{e}</p>
                })}
                <input class="ot-input" type="date" id="f-signing-date"
                    aria-describedby=move || if date_error.get().is_some() { "f-signing-date-hint f-signing-date-error" } else { "f-signing-date-hint" }
                    aria-invalid=move || date_error.get().map(|_| "true")
                    prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev)) />
            </div>
            <div class="ot-field" class:ot-field--error=move || time_error.get().is_some()>
                <label class="ot-field__label" for="f-signing-time">"面签时间"</label>
                <p class="ot-field__hint" id="f-signing-time-hint">"网点营业时间内，例如 10:00。"</p>
                {move || time_error.get().map(|e| view! {
                    <p class="ot-field__error" id="f-signing-time-error"><span class="ot-visually-hidden">"错误："</span>{e}</p>
                })}
                <input class="ot-input" type="time" id="f-signing-time" step="60"
                    aria-describedby=move || if time_error.get().is_some() { "f-signing-time-hint f-signing-time-error" } else { "f-signing-time-hint" }
                    aria-invalid=move || time_error.get().map(|_| "true")
                    prop:value=move || time.get() on:input=move |ev| time.set(event_target_value(&ev)) />
            </div>
            {button("确认面签时间", form, false)}
        </form>
    }
}

/// A decision without anything to fill in (待领取, 已送达).
fn simple(
    ctx: Ctx,
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    action: StaffAction,
    done: &'static str,
) -> impl IntoView {
    let form = FormState::new(id);
    let heading = format!("{id}-h");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(ctx, form, action.clone(), done.into(), move |_| {
            id.to_owned()
        });
    };
    view! {
        <form class="ot-staff-action" aria-labelledby=heading.clone() on:submit=submit novalidate id=id tabindex="-1">
            <h3 class="ot-heading-m" id=heading.clone()>{label}</h3>
            {form.summary()}
            <p>{hint}</p>
            {button(label, form, false)}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_one_per_line() {
        assert_eq!(lines(" 材料不全 \n\n 地址不符\n"), ["材料不全", "地址不符"]);
        assert!(reason_problems("x", &[]).len() == 1);
        assert!(reason_problems("x", &["好".into()]).is_empty());
    }
}
