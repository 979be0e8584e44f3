//! The only place the app speaks HTTP, except document uploads, which need XHR's progress
//! events (`apply/upload.rs`). Requests made while a view is alive are aborted when it goes
//! away; state-changing requests carry an Idempotency-Key and are retried after a dropped
//! connection with the same key, so a retry can never write twice.

use gloo_net::http::{Request, Response};
use leptos::prelude::on_cleanup;
use onetrip_api::{ErrorEnvelope, FeedbackReceipt};
use onetrip_domain::feedback::Feedback;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;

/// What went wrong with a request, as the user needs to know it.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiError {
    /// No answer: offline, dropped connection, or aborted.
    Network,
    /// The server answered with an error envelope (or something unreadable).
    Server {
        status: u16,
        envelope: Option<ErrorEnvelope>,
    },
}

impl ApiError {
    /// The code to look up words for (`messages::error_text`).
    pub fn code(&self) -> &str {
        match self {
            ApiError::Network => "network",
            ApiError::Server {
                envelope: Some(e), ..
            } => &e.error.code,
            ApiError::Server { .. } => "internal",
        }
    }
}

impl ApiError {
    /// The envelope's field problems (a 422 of the form's rules), when there are any.
    pub fn field_problems(&self) -> Option<Vec<onetrip_domain::validation::FieldProblem>> {
        match self {
            ApiError::Server {
                envelope: Some(e), ..
            } if !e.error.fields.is_empty() => Some(
                e.error
                    .fields
                    .iter()
                    .map(|f| onetrip_domain::validation::FieldProblem::new(&*f.field, &f.code))
                    .collect(),
            ),
            _ => None,
        }
    }
}

/// An AbortSignal that fires when the current reactive owner is cleaned up (the page is left).
pub fn abort_on_cleanup() -> Option<web_sys::AbortSignal> {
    let controller = web_sys::AbortController::new().ok()?;
    let signal = controller.signal();
    let controller = SendWrapper::new(controller);
    on_cleanup(move || controller.abort());
    Some(signal)
}

/// The body of a successful answer, or the error (with the envelope when there is one).
async fn body(response: Response) -> Result<String, ApiError> {
    let status = response.status();
    let text = response.text().await.map_err(|_| ApiError::Network)?;
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(ApiError::Server {
            status,
            envelope: serde_json::from_str::<ErrorEnvelope>(&text).ok(),
        })
    }
}

/// Read a JSON answer into its type. Every page fetches text through one function and
/// decodes it here, so the fetching machinery exists once in the wasm, not once per type.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|_| ApiError::Server {
        status: 200,
        envelope: None,
    })
}

/// GET a path of the API, aborted if the page is left first.
pub async fn get(path: String) -> Result<String, ApiError> {
    let signal = abort_on_cleanup();
    let response = Request::get(&path)
        .header("Accept", "application/json")
        .abort_signal(signal.as_ref())
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    body(response).await
}

/// One look of a long poll: a GET whose `If-None-Match` is the caller's (the ETag of what its
/// page shows), past the browser's cache (`no-store`). The browser's own revalidation would
/// send the ETag of whatever the cache last stored for the address, which another page, or
/// this page before it was left, may have stored: told "unchanged", a page would wait 25 s
/// showing an older state. `Ok(None)` when unchanged (304); otherwise the body and its ETag.
/// Aborted with `signal` (the page was left).
pub async fn poll(
    path: &str,
    headers: &[(&str, &str)],
    etag: Option<&str>,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<Option<(String, Option<String>)>, ApiError> {
    let mut builder = Request::get(path)
        .header("Accept", "application/json")
        .cache(web_sys::RequestCache::NoStore)
        .abort_signal(signal);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    if let Some(tag) = etag {
        builder = builder.header("If-None-Match", tag);
    }
    let response = builder.send().await.map_err(|_| ApiError::Network)?;
    if response.status() == 304 {
        return Ok(None);
    }
    let tag = response.headers().get("etag");
    body(response).await.map(|text| Some((text, tag)))
}

/// A random version-4 UUID from `crypto.getRandomValues` (which, unlike `randomUUID`, also
/// works on plain-HTTP intranet deployments).
pub fn new_idempotency_key() -> String {
    let mut bytes = [0u8; 16];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// POST JSON with an Idempotency-Key; retry up to three times after a network failure.
pub async fn post<B: serde::Serialize>(
    path: &str,
    key: &str,
    json: &B,
) -> Result<String, ApiError> {
    send("POST", path, &[("Idempotency-Key", key)], Some(json)).await
}

/// A request with extra headers and an optional JSON body; a request that never got an
/// answer is sent again up to three times (callers send only what is safe to repeat: a PUT,
/// a GET, or a POST with its Idempotency-Key).
pub async fn send<B: serde::Serialize>(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    json: Option<&B>,
) -> Result<String, ApiError> {
    let mut attempt = 0;
    loop {
        let mut builder = gloo_net::http::RequestBuilder::new(path)
            .method(match method {
                "PUT" => gloo_net::http::Method::PUT,
                "POST" => gloo_net::http::Method::POST,
                _ => gloo_net::http::Method::GET,
            })
            .header("Accept", "application/json");
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let request = match json {
            Some(body) => builder.json(body),
            None => builder.build(),
        }
        .map_err(|_| ApiError::Server {
            status: 400,
            envelope: None,
        })?;
        match request.send().await {
            Ok(response) => return body(response).await,
            Err(_) if attempt < 3 => {
                attempt += 1;
                sleep_ms(500 * attempt).await;
            }
            Err(_) => return Err(ApiError::Network),
        }
    }
}

/// A DELETE with extra headers (signing out of the staff side, revoking a counter code). Apart
/// from `send`, so that the apps that never delete do not carry it.
pub async fn delete(path: &str, headers: &[(&str, &str)]) -> Result<String, ApiError> {
    let mut builder = Request::delete(path).header("Accept", "application/json");
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let response = builder.send().await.map_err(|_| ApiError::Network)?;
    body(response).await
}

/// The bytes of a GET with extra headers (a document's own copy, for its thumbnail).
pub async fn get_bytes(path: &str, headers: &[(&str, &str)]) -> Result<Vec<u8>, ApiError> {
    let mut builder = gloo_net::http::RequestBuilder::new(path);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let response = builder.send().await.map_err(|_| ApiError::Network)?;
    if !response.ok() {
        return Err(ApiError::Server {
            status: response.status(),
            envelope: None,
        });
    }
    response.binary().await.map_err(|_| ApiError::Network)
}

/// Wait without blocking, on the browser's timer.
pub async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

pub async fn send_feedback(key: &str, feedback: &Feedback) -> Result<FeedbackReceipt, ApiError> {
    decode(&post("/api/v1/feedback", key, feedback).await?)
}

/// An answer the page's own script asked for while the app downloaded (`public/draft-early.js`,
/// `public/progress-early.js`: a promise of the body, or of `null` when it failed), under
/// `window[name]`: taken once, so that later reads ask the server themselves.
pub async fn early(name: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window()?;
    let name = wasm_bindgen::JsValue::from_str(name);
    let promise = js_sys::Reflect::get(&window, &name).ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &name);
    let promise = promise.dyn_into::<js_sys::Promise>().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()?
        .as_string()
}
