//! 办件码 on the applicant's page: while a matter still needs its one trip and the window has
//! not yet accepted, the applicant shows this QR code (or reads out its 8 characters) at the
//! window, and staff open the application prepared online. The code holds no personal data,
//! expires (24 hours by default) and can be revoked here at once.

use leptos::prelude::*;
use onetrip_api::counter::CounterCode;

use super::zh;
use crate::api::{self, decode};
use crate::prefs::use_prefs;
use onetrip_ui::progress_page::when;

#[component]
pub fn Counter(number: String, key: String) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |a, b| zh(prefs.get().locale, a, b);
    // None: not read yet; Some(None): no live code.
    let code = RwSignal::new(None::<Option<CounterCode>>);
    let failed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let path = StoredValue::new(format!("/api/v1/applications/{number}/counter"));
    let key = StoredValue::new(key);
    let call = move |method: &'static str| {
        busy.set(true);
        failed.set(false);
        leptos::task::spawn_local(async move {
            let k = key.get_value();
            let (path, headers) = (path.get_value(), [("X-Application-Key", k.as_str())]);
            let result = if method == "DELETE" {
                api::delete(&path, &headers).await
            } else {
                api::send::<()>(method, &path, &headers, None).await
            };
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
            <h2 class="ot-heading-l" id="counter-heading">{move || t("窗口办件码", "Counter code")}</h2>
            <p>{move || t(
                "到窗口时出示办件码，工作人员扫码即可调出您网上填好的申请和材料，不用重新填写。办件码不含个人信息，24 小时内有效。",
                "Show this code at the service window: staff scan it to open the application and documents you prepared online. It holds no personal data and is valid for 24 hours.",
            )}</p>
            {move || match code.get() {
                None => None,
                Some(None) => Some(view! {
                    <button type="button" class="ot-button" disabled=move || busy.get() on:click=show>
                        {t("出示办件码", "Show the counter code")}
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
