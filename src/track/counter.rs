//! 办件码 on the applicant's page: while a matter still needs its one trip and the window has
//! not yet accepted, the applicant shows this QR code (or reads out its 8 characters) at the
//! window, and staff open the application prepared online. The code holds no personal data,
//! expires (24 hours by default) and can be revoked here at once.

use leptos::prelude::*;
use onetrip_api::counter::CounterCode;

use super::zh;
use crate::api::{self, decode};
use crate::prefs::use_prefs;
use onetrip_ui::progress_controls as words;
use onetrip_ui::progress_page::when;

#[component]
pub fn Counter(number: String, key: String) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |a, b| zh(prefs.get().locale, a, b);
    let say = move |w| words::pick(prefs.get().locale, w);
    // None: not read yet; Some(None): no live code.
    let code = RwSignal::new(None::<Option<CounterCode>>);
    let failed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // The last call made: an answer to an earlier one (the first look, overtaken by a press)
    // is not shown.
    let last = StoredValue::new(0u32);
    let path = StoredValue::new(format!("/api/v1/applications/{number}/counter"));
    let key = StoredValue::new(key);
    let call = move |method: &'static str| {
        // The first look does not hold the button: a press meanwhile (one made before the app
        // ran, pressed again for it) shows the live code or a new one.
        busy.set(method != "GET");
        failed.set(false);
        last.update_value(|n| *n += 1);
        let this = last.get_value();
        leptos::task::spawn_local(async move {
            let k = key.get_value();
            let (path, headers) = (path.get_value(), [("X-Application-Key", k.as_str())]);
            let result = if method == "DELETE" {
                api::delete(&path, &headers).await
            } else {
                api::send::<()>(method, &path, &headers, None).await
            };
            if last.get_value() != this {
                return;
            }
            busy.set(false);
            match result {
                Ok(text) if text.is_empty() => code.set(Some(None)),
                Ok(text) => match decode::<CounterCode>(&text) {
                    Ok(c) => code.set(Some(Some(c))),
                    Err(_) => failed.set(true),
                },
                Err(_) => failed.set(true),
            }
        });
    };
    call("GET");
    let show = move |_| call("POST");
    let revoke = move |_| {
        call("DELETE");
    };
    view! {
        <section class="ot-counter ot-no-print" id="counter" aria-labelledby="counter-heading" tabindex="-1">
            <h2 class="ot-heading-l" id="counter-heading">{move || say(words::COUNTER_HEADING)}</h2>
            <p>{move || say(words::COUNTER_HELP)}</p>
            // Until the live code is known, as when there is none: a press shows the live
            // code or a new one (and the page drawn before the app, progress-early.js, has
            // this button).
            {move || match code.get() {
                None | Some(None) => Some(view! {
                    <button type="button" class="ot-button" disabled=move || busy.get() on:click=show>
                        {say(words::COUNTER_SHOW)}
                    </button>
                }.into_any()),
                Some(Some(c)) => Some(view! {
                    <figure class="ot-qr">
                        <img class="ot-qr__image" src=c.qr_url.clone() width="240" height="240"
                            alt=t("办件码二维码，长按可识别或保存", "Counter code QR, press and hold to scan or save") />
                        <figcaption class="ot-qr__caption">
                            <span>{t("长按识别或保存", "Press and hold to scan or save")}</span>
                            <span>{t("办件码", "Code")}</span>
                            <strong class="ot-qr__code">{onetrip_ui::pages::spaced(&c.code)}</strong>
                            <span>{t("有效至 ", "Valid until ")}{when(&c.expires_at)}</span>
                        </figcaption>
                    </figure>
                    <button type="button" class="ot-button ot-button--secondary" disabled=move || busy.get() on:click=revoke>
                        {t("作废办件码", "Revoke the code")}
                    </button>
                }.into_any()),
            }}
            {move || failed.get().then(|| view! {
                <p class="ot-field__error" role="alert">{t("办件码没有取到，请稍后再试。", "The code could not be fetched: try again shortly.")}</p>
            })}
        </section>
    }
}
