//! 窗口核验: the window opens an application the applicant prepared on the phone, from its
//! counter code (办件码). Three ways in: the device camera where the browser has
//! `BarcodeDetector`; a USB barcode scanner, which types the whole link into the focused field
//! and presses Enter; or the 8 characters typed by hand. The server audits every lookup and
//! refuses expired and revoked codes; a found code shows what to check in person and each
//! material's pre-review result above the application and its decisions (受理 among them).

use leptos::prelude::*;
use onetrip_api::counter::{CounterMaterial, CounterView};
use onetrip_domain::token::counter_code;
use wasm_bindgen::JsCast;

use super::case::CasePage;
use super::{error_words, focus_later, set_title};
use crate::api::{self, ApiError, decode};
use crate::router::{navigate, use_router};

const FIELD: &str = "counter-code";

/// `/staff/counter` (nothing yet) or `/staff/counter/{code}` (scanned, typed, or opened from
/// the QR code's link after signing in).
#[component]
pub fn CounterPage(code: Option<String>) -> impl IntoView {
    set_title("窗口核验");
    let found = RwSignal::new(None::<Result<CounterView, ApiError>>);
    if let Some(c) = code.clone() {
        leptos::task::spawn_local(async move {
            let path = format!("/api/v1/staff/counter/{c}");
            let result = api::send::<()>("GET", &path, &[], None)
                .await
                .and_then(|t| decode::<CounterView>(&t));
            found.try_set(Some(result));
        });
    } else {
        focus_later(FIELD.into());
    }
    move || match (code.is_some(), found.get()) {
        (false, _) => view! {
            <h1 class="ot-heading-xl">"窗口核验"</h1>
            <Lookup />
        }
        .into_any(),
        (true, None) => {
            view! { <p class="ot-loading" role="status">"正在查找办件码…"</p> }.into_any()
        }
        (true, Some(Err(e))) => {
            set_title("办件码无法使用");
            focus_later("counter-error".into());
            view! {
                <h1 class="ot-heading-xl">"窗口核验"</h1>
                <div class="ot-notice ot-notice--error" role="alert" id="counter-error" tabindex="-1">
                    <p>{error_words(&e)}</p>
                </div>
                <Lookup />
            }
            .into_any()
        }
        (true, Some(Ok(v))) => match (v.application.clone(), v.booking.clone()) {
            (Some(a), _) => view! {
                <p class="ot-staff-back"><a href="/staff/counter">"扫下一个办件码"</a></p>
                <CasePage number=a.number counter=v />
            }
            .into_any(),
            (None, Some(b)) => view! {
                <p class="ot-staff-back"><a href="/staff/counter">"扫下一个办件码"</a></p>
                <Arrival code=v.code.clone() booking=b />
            }
            .into_any(),
            (None, None) => {
                view! { <h1 class="ot-heading-xl">"窗口核验"</h1><Lookup /> }.into_any()
            }
        },
    }
}

/// The field a scanner types into, the camera, and the button.
#[component]
fn Lookup() -> impl IntoView {
    let router = use_router();
    let text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let go = move |raw: String| match counter_code(&raw) {
        Some(code) => {
            problem.set(None);
            text.set(String::new());
            navigate(router, &format!("/staff/counter/{code}"));
        }
        None => {
            problem.set(Some(
                "办件码是 8 位数字和字母，请核对后重新输入，或重新扫码。",
            ));
            focus_later(FIELD.into());
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go(text.get_untracked());
    };
    view! {
        <form class="ot-staff-counter" on:submit=submit novalidate>
            <div class="ot-field" class:ot-field--error=move || problem.get().is_some()>
                <label class="ot-field__label" for=FIELD>"办件码"</label>
                <p class="ot-field__hint" id="counter-code-hint">
                    "用扫码枪扫申请人手机上的二维码（会自动填入并查找），或输入二维码旁的 8 位办件码。"
                </p>
                {move || problem.get().map(|p| view! {
                    <p class="ot-field__error" id="counter-code-error"><span class="ot-visually-hidden">"错误："</span>{p}</p>
                })}
                <input
                    class="ot-input"
                    id=FIELD
                    name="code"
                    type="text"
                    autocomplete="off"
                    autocapitalize="characters"
                    spellcheck="false"
                    aria-describedby=move || if problem.get().is_some() {
                        "counter-code-hint counter-code-error"
                    } else {
                        "counter-code-hint"
                    }
                    aria-invalid=move || problem.get().is_some().to_string()
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                />
            </div>
            <button type="submit" class="ot-button">"查找"</button>
        </form>
        <Camera found=go />
    }
}

/// 摄像头扫码, only where the browser can read QR codes itself (`BarcodeDetector`): the
/// camera's picture is read a few times a second until a code is found or staff stop it.
#[component]
fn Camera(found: impl Fn(String) + Clone + Send + Sync + 'static) -> impl IntoView {
    let supported = barcode_detector().is_some();
    let running = RwSignal::new(false);
    let problem = RwSignal::new(None::<&'static str>);
    let video = NodeRef::<leptos::html::Video>::new();
    let stream = StoredValue::new_local(None::<web_sys::MediaStream>);
    let stop = move || {
        if let Some(s) = stream.try_get_value().flatten() {
            for track in s.get_tracks().iter() {
                if let Ok(t) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                    t.stop();
                }
            }
        }
        stream.try_set_value(None);
        running.try_set(false);
    };
    on_cleanup(stop);
    let start = move |_| {
        problem.set(None);
        running.set(true);
        let found = found.clone();
        leptos::task::spawn_local(async move {
            let Some(el) = video.get_untracked() else {
                return;
            };
            let media = match open_camera().await {
                Some(m) => m,
                None => {
                    problem.set(Some(
                        "无法打开摄像头（未授权或没有摄像头），请用扫码枪或手动输入办件码。",
                    ));
                    running.set(false);
                    return;
                }
            };
            el.set_src_object(Some(&media));
            let _ = el.play();
            stream.set_value(Some(media));
            while running.try_get_untracked() == Some(true) {
                if let Some(text) = detect(&el).await {
                    stop();
                    found(text);
                    return;
                }
                api::sleep_ms(300).await;
            }
        });
    };
    supported.then(|| {
        view! {
            <section class="ot-staff-section" aria-labelledby="h-camera">
                <h2 class="ot-heading-m" id="h-camera">"摄像头扫码"</h2>
                {move || if running.get() {
                    view! {
                        <button type="button" class="ot-button ot-button--secondary" on:click=move |_| stop()>
                            "停止扫码"
                        </button>
                    }
                    .into_any()
                } else {
                    view! {
                        <button type="button" class="ot-button ot-button--secondary" on:click=start.clone()>
                            "用摄像头扫码"
                        </button>
                    }
                    .into_any()
                }}
                {move || problem.get().map(|p| view! { <p class="ot-field__error" role="alert">{p}</p> })}
                <video
                    class="ot-staff-camera"
                    node_ref=video
                    muted=true
                    playsinline=true
                    aria-label="摄像头画面：请把申请人手机上的二维码对准摄像头"
                    hidden=move || !running.get()
                ></video>
            </section>
        }
    })
}

/// `new BarcodeDetector({formats: ['qr_code']})`, where the browser has one.
fn barcode_detector() -> Option<js_sys::Object> {
    let window = web_sys::window()?;
    let ctor = js_sys::Reflect::get(&window, &"BarcodeDetector".into()).ok()?;
    let ctor = ctor.dyn_into::<js_sys::Function>().ok()?;
    let options = js_sys::Object::new();
    let formats = js_sys::Array::of1(&"qr_code".into());
    js_sys::Reflect::set(&options, &"formats".into(), &formats).ok()?;
    js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(&options))
        .ok()?
        .dyn_into()
        .ok()
}

/// The back camera, if the browser and the person allow it.
async fn open_camera() -> Option<web_sys::MediaStream> {
    let devices = web_sys::window()?.navigator().media_devices().ok()?;
    let constraints = web_sys::MediaStreamConstraints::new();
    let video = js_sys::Object::new();
    js_sys::Reflect::set(&video, &"facingMode".into(), &"environment".into()).ok()?;
    constraints.set_video(&video);
    let promise = devices.get_user_media_with_constraints(&constraints).ok()?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .dyn_into()
        .ok()
}

/// The text of the first QR code in the video's current picture.
async fn detect(video: &web_sys::HtmlVideoElement) -> Option<String> {
    let detector = barcode_detector()?;
    let detect = js_sys::Reflect::get(&detector, &"detect".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let promise: js_sys::Promise = detect.call1(&detector, video).ok()?.dyn_into().ok()?;
    let codes = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?;
    let first = js_sys::Array::from(&codes).get(0);
    js_sys::Reflect::get(&first, &"rawValue".into())
        .ok()?
        .as_string()
}

/// 现场核验 and 材料预审结果, above the application when it was opened by its counter code.
pub fn checks(v: &CounterView) -> impl IntoView + use<> {
    let checks = v
        .in_person
        .iter()
        .map(|c| view! { <li>{c.clone()}</li> })
        .collect_view();
    let materials = v.materials.iter().map(material).collect_view();
    view! {
        <p class="ot-notice">
            "由办件码 " <strong>{v.code.clone()}</strong> " 调出，办件码有效至 "
            {super::when(&v.expires_at)} "。"
        </p>
        <section class="ot-staff-section" aria-labelledby="h-in-person">
            <h2 class="ot-heading-l" id="h-in-person">"需现场核验"</h2>
            <ul class="ot-staff-list">{checks}</ul>
        </section>
        <section class="ot-staff-section" aria-labelledby="h-prereview">
            <h2 class="ot-heading-l" id="h-prereview">"材料预审结果"</h2>
            <table class="ot-table ot-staff-table">
                <thead><tr><th scope="col">"材料"</th><th scope="col">"结果"</th></tr></thead>
                <tbody>{materials}</tbody>
            </table>
        </section>
    }
}

fn material(m: &CounterMaterial) -> impl IntoView + use<> {
    let tag = match m.state.as_str() {
        "passed" => "预审通过",
        "deferred" => "容缺",
        "requested" => "需补正",
        _ => "未上传",
    };
    view! {
        <tr>
            <th scope="row">{m.name.clone()}</th>
            <td><strong class="ot-tag">{tag}</strong> " " {m.label.clone()}</td>
        </tr>
    }
}

/// 预约签到: a booking's check-in code scanned; the window sees the identity card and marks the
/// arrival (which also makes the identity count as verified).
#[component]
fn Arrival(code: String, booking: onetrip_api::booking::StaffBooking) -> impl IntoView {
    set_title("预约签到");
    let done = RwSignal::new(booking.status != "active");
    let problem = RwSignal::new(None::<String>);
    let can = booking.status == "active";
    let label = booking.status_label.clone();
    let arrive = move |_| {
        let path = format!("/api/v1/staff/bookings/{code}/arrival");
        leptos::task::spawn_local(async move {
            match api::send::<()>("POST", &path, &[], None).await {
                Ok(_) => {
                    done.set(true);
                    focus_later("arrival-status".into());
                }
                Err(e) => problem.set(Some(error_words(&e))),
            }
        });
    };
    let bring = booking
        .bring
        .iter()
        .map(|b| view! { <li>{b.clone()}</li> })
        .collect_view();
    view! {
        <h1 class="ot-heading-xl">"预约签到"</h1>
        <dl class="ot-summary-list">
            <div class="ot-summary-list__row"><dt>"事项"</dt><dd>{booking.matter_name.clone()}</dd></div>
            <div class="ot-summary-list__row"><dt>"时间"</dt><dd>{format!("{} {}–{}", booking.date, booking.start, booking.end)}</dd></div>
            <div class="ot-summary-list__row"><dt>"地点"</dt><dd>{format!("{} {}", booking.hall_name, booking.window_name)}</dd></div>
            <div class="ot-summary-list__row"><dt>"预约人"</dt><dd>{booking.name.clone()}</dd></div>
            <div class="ot-summary-list__row"><dt>"状态"</dt><dd>{move || if done.get() && can { "已到场".to_owned() } else { label.clone() }}</dd></div>
            {booking.green_channel.then(|| view! {
                <div class="ot-summary-list__row"><dt>"绿色通道"</dt><dd>"是（70 周岁以上、残疾人或孕妇，请优先办理）"</dd></div>
            })}
        </dl>
        <section class="ot-staff-section" aria-labelledby="h-bring">
            <h2 class="ot-heading-l" id="h-bring">"需现场核验"</h2>
            <ul class="ot-staff-list">{bring}</ul>
        </section>
        <div class="ot-staff-status" role="status" tabindex="-1" id="arrival-status">
            {move || (done.get() && can).then(|| view! { <p class="ot-notice ot-notice--success">"已确认到场。"</p> })}
        </div>
        {move || problem.get().map(|p| view! { <p class="ot-field__error" role="alert">{p}</p> })}
        {move || (can && !done.get()).then(|| view! {
            <button type="button" class="ot-button" on:click=arrive.clone()>"确认到场（已核验身份证原件）"</button>
        })}
    }
}
