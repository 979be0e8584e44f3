//! 窗口预约: the fifth app (`src/bin/book.rs`, `book.html`, served under `/book/`), for the one
//! trip of a matter on the negative list. `/book/{matter}`: a hall's window, a day, a time
//! with the seats left, the green channel, name, identity and mobile numbers (checked here by
//! the same rules as the server's), then 确认预约. `/book/b/{token}`: the confirmation (time,
//! place, what to bring, the check-in QR code) and 取消预约. The numbers typed are sent once in
//! the booking's body and never kept in the browser.

use leptos::prelude::*;
use onetrip_api::booking::{BookingRequest, BookingView, Slots, WindowSlots};
use onetrip_domain::booking::person_problems;
use onetrip_ui::form_words::form_error_text;

use crate::api::{self, ApiError, decode};
use crate::components::layout::FormLayout;
use crate::components::loaded::{failure, loading};
use crate::components::title::use_title;
use crate::prefs::{self, use_prefs};
use crate::router::{self, navigate, use_router};

/// The pages of this app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BookPage {
    /// `/book/{matter}`.
    Choose(String),
    /// `/book/b/{token}`.
    Booked(String),
    Unknown,
}

impl BookPage {
    pub fn parse(path: &str) -> BookPage {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(2).collect();
        let code = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        match segments.as_slice() {
            ["b", token]
                if token.len() == 22 && token.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                BookPage::Booked((*token).to_owned())
            }
            [matter] if code(matter) => BookPage::Choose((*matter).to_owned()),
            _ => BookPage::Unknown,
        }
    }
}

fn book_path(path: &str) -> bool {
    path == "/book" || path.starts_with("/book/")
}

fn zh(l: onetrip_ui::messages::Locale, zh: &'static str, en: &'static str) -> &'static str {
    l.pick(zh, en)
}

/// "2026-11-24" as "11月24日 周二".
fn day_label(date: &str) -> String {
    let weekday = date
        .parse::<onetrip_domain::CivilDate>()
        .map(|d| match d.weekday() {
            onetrip_domain::date::Weekday::Monday => "周一",
            onetrip_domain::date::Weekday::Tuesday => "周二",
            onetrip_domain::date::Weekday::Wednesday => "周三",
            onetrip_domain::date::Weekday::Thursday => "周四",
            onetrip_domain::date::Weekday::Friday => "周五",
            onetrip_domain::date::Weekday::Saturday => "周六",
            onetrip_domain::date::Weekday::Sunday => "周日",
        })
        .unwrap_or_default();
    let (m, d) = (date.get(5..7).unwrap_or(""), date.get(8..10).unwrap_or(""));
    format!(
        "{}月{}日 {weekday}",
        m.trim_start_matches('0'),
        d.trim_start_matches('0')
    )
}

/// Today's date in China, from the browser's clock (the server decides in the end).
fn today() -> onetrip_domain::CivilDate {
    let ms = js_sys::Date::now() as i64 + 8 * 3600 * 1000;
    onetrip_domain::CivilDate::from_days(ms.div_euclid(86_400_000))
}

#[component]
fn ChoosePage(matter: String) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |a, b| zh(prefs.get().locale, a, b);
    let router = use_router();
    let slots = RwSignal::new(None::<Result<Slots, ApiError>>);
    let tick = RwSignal::new(0u32);
    let path = format!("/api/v1/matters/{matter}/slots");
    Effect::new(move |_| {
        tick.track();
        let path = path.clone();
        leptos::task::spawn_local(async move {
            let r = api::get(path).await.and_then(|t| decode::<Slots>(&t));
            slots.try_set(Some(r));
        });
    });
    use_title(move || {
        slots.with(|s| match s {
            Some(Ok(s)) => format!("预约到窗口办理：{}", s.matter_name),
            _ => t("预约到窗口办理", "Book the visit").to_owned(),
        })
    });
    let window = RwSignal::new(0usize);
    let day = RwSignal::new(0usize);
    let time = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let id_number = RwSignal::new(String::new());
    let mobile = RwSignal::new(String::new());
    let green = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<(&'static str, String)>::new());
    let busy = RwSignal::new(false);
    let key = StoredValue::new(api::new_idempotency_key());
    let chosen = move || -> Option<WindowSlots> {
        slots.with(|s| match s {
            Some(Ok(s)) => s.windows.get(window.get()).cloned(),
            _ => None,
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let l = prefs.get_untracked().locale;
        let mut found = Vec::new();
        let Some(w) = chosen() else { return };
        let date = w.days.get(day.get_untracked()).map(|d| d.date.clone());
        let start = time.get_untracked();
        if date.is_none() || start.is_none() {
            found.push((
                "f-time",
                l.pick("请选择预约时段。", "Choose a time.").to_owned(),
            ));
        }
        let n = name.get_untracked().trim().to_owned();
        let (id, phone) = (id_number.get_untracked(), mobile.get_untracked());
        for (field, code) in person_problems(&n, &id, &phone, today()) {
            let input = match field {
                "name" => "f-name",
                "id_number" => "f-id",
                _ => "f-mobile",
            };
            found.push((input, form_error_text(l, code).to_owned()));
        }
        let has_problems = !found.is_empty();
        problems.set(found);
        if has_problems {
            crate::apply::focus_later("ot-error-summary");
            return;
        }
        let (Some(date), Some(start)) = (date, start) else {
            return;
        };
        let body = BookingRequest {
            matter: slots.with_untracked(|s| match s {
                Some(Ok(s)) => s.matter.clone(),
                _ => String::new(),
            }),
            hall: w.hall.clone(),
            window: w.window.clone(),
            date,
            start,
            name: n,
            id_number: id_number.get_untracked(),
            mobile: mobile.get_untracked(),
            green_channel: Some(green.get_untracked()).filter(|g| !g.is_empty()),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::post("/api/v1/bookings", &key.get_value(), &body)
                .await
                .and_then(|t| decode::<BookingView>(&t));
            busy.set(false);
            match result {
                Ok(b) => navigate(router, &format!("/book/b/{}", b.token)),
                Err(e) => {
                    // A new attempt is a new booking: a taken seat must not come back as 200.
                    key.set_value(api::new_idempotency_key());
                    let words = match &e {
                        ApiError::Server {
                            envelope: Some(env),
                            ..
                        } if !env.error.message.is_empty() => env.error.message.clone(),
                        _ => onetrip_ui::messages::error_text(l, e.code()).to_owned(),
                    };
                    problems.set(vec![("f-time", words)]);
                    time.set(None);
                    tick.update(|t| *t += 1);
                    crate::apply::focus_later("ot-error-summary");
                }
            }
        });
    };
    let error_of = move |id: &'static str| {
        Memo::new(move |_| {
            problems.with(|p| p.iter().find(|(f, _)| *f == id).map(|(_, w)| w.clone()))
        })
    };
    let (e_time, e_name, e_id, e_mobile) = (
        error_of("f-time"),
        error_of("f-name"),
        error_of("f-id"),
        error_of("f-mobile"),
    );
    move || {
        match slots.get() {
        None => loading(),
        Some(Err(e)) => failure(e, move || tick.update(|t| *t += 1)),
        Some(Ok(s)) => view! {
            <span class="ot-caption">{t("窗口预约", "Book the visit")}</span>
            <h1 class="ot-heading-xl">{format!("预约到窗口办理：{}", s.matter_name)}</h1>
            <p>{s.trip_reason.clone()}</p>
            {move || (!problems.get().is_empty()).then(|| view! {
                <div class="ot-error-summary" id="ot-error-summary" tabindex="-1" role="alert">
                    <h2 class="ot-error-summary__title">{t("请检查", "Check this")}</h2>
                    <ul class="ot-list">
                        {problems.get().into_iter().map(|(f, w)| view! { <li><a href=format!("#{f}")>{w}</a></li> }).collect_view()}
                    </ul>
                </div>
            })}
            <form on:submit=submit novalidate>
                <fieldset class="ot-fieldset">
                    <legend class="ot-fieldset__legend">{t("办理地点", "Where")}</legend>
                    <div class="ot-radios">
                        {s.windows.iter().enumerate().map(|(i, w)| {
                            let id = format!("f-window-{i}");
                            view! {
                                <div class="ot-radios__item">
                                    <input class="ot-radios__input" type="radio" name="window" id=id.clone()
                                        prop:checked=move || window.get() == i
                                        on:change=move |_| { window.set(i); day.set(0); time.set(None); } />
                                    <label class="ot-radios__label" for=id>
                                        <strong>{w.hall_name.clone()}</strong>" · "{w.window_name.clone()}
                                        <span class="ot-hint-block">{w.address.clone()}</span>
                                    </label>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <fieldset class="ot-fieldset">
                    <legend class="ot-fieldset__legend">{t("日期", "Day")}</legend>
                    <div class="ot-book-days">
                        {move || chosen().map(|w| w.days.iter().enumerate().map(|(i, d)| {
                            let id = format!("f-day-{i}");
                            let free: u32 = d.slots.iter().map(|s| s.left).sum();
                            view! {
                                <div class="ot-radios__item">
                                    <input class="ot-radios__input" type="radio" name="day" id=id.clone()
                                        prop:checked=move || day.get() == i
                                        on:change=move |_| { day.set(i); time.set(None); } />
                                    <label class="ot-radios__label" for=id>
                                        {day_label(&d.date)}
                                        <span class="ot-hint-block">{if free == 0 { "已约满".to_owned() } else { format!("余 {free}") }}</span>
                                    </label>
                                </div>
                            }
                        }).collect_view())}
                    </div>
                </fieldset>
                <fieldset class="ot-fieldset" id="f-time" class:ot-field--error=move || e_time.get().is_some()>
                    <legend class="ot-fieldset__legend">{t("时段", "Time")}</legend>
                    {move || e_time.get().map(|e| view! { <p class="ot-field__error">{e}</p> })}
                    <div class="ot-book-times">
                        {move || chosen().and_then(|w| w.days.get(day.get()).cloned()).map(|d| d.slots.into_iter().enumerate().map(|(i, s)| {
                            let id = format!("f-time-{i}");
                            let full = s.left == 0;
                            let start = s.start.clone();
                            let mine = start.clone();
                            view! {
                                <div class="ot-radios__item">
                                    <input class="ot-radios__input" type="radio" name="time" id=id.clone() disabled=full
                                        prop:checked=move || time.get().as_deref() == Some(mine.as_str())
                                        on:change=move |_| time.set(Some(start.clone())) />
                                    <label class="ot-radios__label" for=id>
                                        {format!("{}–{}", s.start, s.end)}
                                        <span class="ot-hint-block">{if full { "已约满".to_owned() } else { format!("余 {} 个", s.left) }}</span>
                                    </label>
                                </div>
                            }
                        }).collect_view())}
                    </div>
                </fieldset>
                <div class="ot-field" class:ot-field--error=move || e_name.get().is_some()>
                    <label class="ot-field__label" for="f-name">{t("姓名", "Name")}</label>
                    {move || e_name.get().map(|e| view! { <p class="ot-field__error">{e}</p> })}
                    <input class="ot-input ot-input--medium" id="f-name" autocomplete="name"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <div class="ot-field" class:ot-field--error=move || e_id.get().is_some()>
                    <label class="ot-field__label" for="f-id">{t("居民身份证号码", "Resident ID number")}</label>
                    <p class="ot-field__hint" id="f-id-hint">{t("到窗口时请带本人身份证原件；70 周岁以上自动进入绿色通道。", "Bring the card itself; 70 and over are in the green channel automatically.")}</p>
                    {move || e_id.get().map(|e| view! { <p class="ot-field__error">{e}</p> })}
                    <input class="ot-input ot-input--medium" id="f-id" autocomplete="off" spellcheck="false" maxlength="18"
                        aria-describedby="f-id-hint"
                        prop:value=move || id_number.get() on:input=move |ev| id_number.set(event_target_value(&ev)) />
                </div>
                <div class="ot-field" class:ot-field--error=move || e_mobile.get().is_some()>
                    <label class="ot-field__label" for="f-mobile">{t("手机号码", "Mobile number")}</label>
                    {move || e_mobile.get().map(|e| view! { <p class="ot-field__error">{e}</p> })}
                    <input class="ot-input ot-input--medium" id="f-mobile" type="tel" inputmode="numeric" autocomplete="tel"
                        prop:value=move || mobile.get() on:input=move |ev| mobile.set(event_target_value(&ev)) />
                </div>
                <div class="ot-field">
                    <label class="ot-field__label" for="f-green">{t("绿色通道（选填）", "Green channel (optional)")}</label>
                    <select class="ot-select" id="f-green" on:change=move |ev| green.set(event_target_value(&ev))>
                        <option value="">{t("不需要", "No")}</option>
                        <option value="disabled">{t("残疾人", "Disabled")}</option>
                        <option value="pregnant">{t("孕妇", "Pregnant")}</option>
                    </select>
                </div>
                <button type="submit" class="ot-button" disabled=move || busy.get()>{t("确认预约", "Book")}</button>
            </form>
        }
        .into_any(),
    }
    }
}

#[component]
fn BookedPage(token: String) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |a, b| zh(prefs.get().locale, a, b);
    let booking = RwSignal::new(None::<Result<BookingView, ApiError>>);
    let path = format!("/api/v1/bookings/{token}");
    let load = {
        let path = path.clone();
        move || {
            let path = path.clone();
            leptos::task::spawn_local(async move {
                let r = api::get(path).await.and_then(|t| decode::<BookingView>(&t));
                booking.try_set(Some(r));
            });
        }
    };
    load();
    use_title(move || {
        booking.with(|b| match b {
            Some(Ok(b)) if b.status == "cancelled" => "预约已取消".to_owned(),
            Some(Ok(_)) => "预约成功".to_owned(),
            _ => t("预约", "Booking").to_owned(),
        })
    });
    let asking = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let cancel = move |_| {
        let path = path.clone();
        leptos::task::spawn_local(async move {
            match api::delete(&path, &[])
                .await
                .and_then(|t| decode::<BookingView>(&t))
            {
                Ok(b) => {
                    asking.set(false);
                    booking.set(Some(Ok(b)));
                    crate::apply::focus_later("booking-heading");
                }
                Err(_) => failed.set(true),
            }
        });
    };
    move || match booking.get() {
        None => loading(),
        Some(Err(e)) => failure(e, load.clone()),
        Some(Ok(b)) => {
            let active = b.status == "active";
            let heading = match b.status.as_str() {
                "cancelled" => t("预约已取消", "Booking cancelled"),
                "active" => t("预约成功", "Booked"),
                _ => t("预约", "Booking"),
            };
            let code = b.checkin.code.clone();
            let cancel = cancel.clone();
            view! {
                <span class="ot-caption">{t("窗口预约", "Book the visit")}</span>
                <h1 class="ot-heading-xl" id="booking-heading" tabindex="-1">{heading}</h1>
                <dl class="ot-summary-list">
                    <div class="ot-summary-list__row"><dt>{t("事项", "Matter")}</dt><dd>{b.matter_name.clone()}</dd></div>
                    <div class="ot-summary-list__row"><dt>{t("时间", "Time")}</dt><dd>{format!("{} {}–{}", day_label(&b.date), b.start, b.end)}</dd></div>
                    <div class="ot-summary-list__row"><dt>{t("地点", "Place")}</dt><dd>{format!("{} {}", b.hall_name, b.window_name)}<br />{b.address.clone()}</dd></div>
                    <div class="ot-summary-list__row"><dt>{t("预约人", "Name")}</dt><dd>{b.name.clone()}</dd></div>
                    <div class="ot-summary-list__row"><dt>{t("状态", "Status")}</dt><dd>{b.status_label.clone()}</dd></div>
                    {b.green_channel.then(|| view! { <div class="ot-summary-list__row"><dt>{t("绿色通道", "Green channel")}</dt><dd>{t("是，到大厅后可优先办理", "Yes: you are served first")}</dd></div> })}
                </dl>
                {active.then(|| view! {
                    <section aria-labelledby="checkin-heading">
                        <h2 class="ot-heading-l" id="checkin-heading">{t("签到码", "Check-in code")}</h2>
                        <p>{t("到大厅后把这个二维码出示给窗口工作人员签到。", "At the hall, show this code at the window to check in.")}</p>
                        <figure class="ot-qr">
                            <img class="ot-qr__image" src=b.checkin.qr_url.clone() width="240" height="240"
                                alt=t("签到二维码，长按可识别或保存", "Check-in QR code, press and hold to scan or save") />
                            <figcaption class="ot-qr__caption">
                                <span>{t("长按识别或保存", "Press and hold to scan or save")}</span>
                                <span>{t("签到码", "Code")}</span>
                                <strong class="ot-qr__code">{onetrip_ui::pages::spaced(&code)}</strong>
                            </figcaption>
                        </figure>
                    </section>
                })}
                <h2 class="ot-heading-l">{t("请带齐", "Bring")}</h2>
                <ul class="ot-list">{b.bring.iter().map(|x| view! { <li>{x.clone()}</li> }).collect_view()}</ul>
                {b.cancel_until.clone().map(|until| view! {
                    <section class="ot-no-print" aria-labelledby="cancel-heading">
                        <h2 class="ot-heading-m" id="cancel-heading">{t("取消预约", "Cancel")}</h2>
                        <p>{format!("{}{}", t("可以取消到 ", "You can cancel until "), onetrip_ui::progress_page::when(&until))}</p>
                        {move || if asking.get() {
                            view! {
                                <div class="ot-notice" role="alertdialog" aria-labelledby="cancel-confirm">
                                    <p id="cancel-confirm">{t("确定取消这个预约吗？", "Cancel this booking?")}</p>
                                    <button type="button" class="ot-button ot-button--warning" on:click=cancel.clone()>{t("确认取消", "Yes, cancel")}</button>
                                    " "
                                    <button type="button" class="ot-button ot-button--secondary" on:click=move |_| asking.set(false)>{t("不取消", "No, keep it")}</button>
                                </div>
                            }.into_any()
                        } else {
                            view! { <button type="button" class="ot-button ot-button--secondary" on:click=move |_| asking.set(true)>{t("取消预约", "Cancel the booking")}</button> }.into_any()
                        }}
                        {move || failed.get().then(|| view! { <p class="ot-field__error" role="alert">{t("没有取消成功，请刷新后再试。", "Not cancelled: reload and try again.")}</p> })}
                    </section>
                })}
                {(!active).then(|| view! {
                    <p><a class="ot-button" href=format!("/book/{}", b.matter)>{t("重新预约", "Book again")}</a></p>
                })}
            }
            .into_any()
        }
    }
}

#[component]
fn BookApp() -> impl IntoView {
    prefs::provide();
    let router = router::provide_with(book_path);
    let page = Memo::new(move |_| BookPage::parse(&router.path.get()));
    view! {
        <FormLayout>
            {move || match page.get() {
                BookPage::Choose(matter) => view! { <ChoosePage matter /> }.into_any(),
                BookPage::Booked(token) => view! { <BookedPage token /> }.into_any(),
                BookPage::Unknown => view! { <crate::routes::not_found::NotFound /> }.into_any(),
            }}
        </FormLayout>
    }
}

/// Mount the booking app into `#app`.
pub fn start() {
    crate::mount(BookApp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_to_pages() {
        for (path, page) in [
            (
                "/book/exit-entry-permit",
                BookPage::Choose("exit-entry-permit".into()),
            ),
            (
                "/book/exit-entry-permit/",
                BookPage::Choose("exit-entry-permit".into()),
            ),
            (
                "/book/b/0123456789ABCDEFGHJKMN",
                BookPage::Booked("0123456789ABCDEFGHJKMN".into()),
            ),
            ("/book/b/short", BookPage::Unknown),
            ("/book/", BookPage::Unknown),
            ("/book/<script>", BookPage::Unknown),
        ] {
            assert_eq!(BookPage::parse(path), page, "{path}");
        }
        assert_eq!(day_label("2026-11-24"), "11月24日 周二");
    }
}
