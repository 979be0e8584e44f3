//! A document on its way from the phone to the server: read, checked with the domain's own
//! pre-review rules (材料预审), photos re-encoded smaller, then sent with XHR so that progress
//! can be shown and the upload cancelled. A dropped connection is retried with the same
//! Idempotency-Key, so nothing is stored twice.
//!
//! Photos: decoded with the EXIF orientation applied (`createImageBitmap`, `imageOrientation:
//! from-image`), drawn on a canvas at most [`LONG_SIDE`] px on the long side and encoded as
//! JPEG, lowering the quality until it fits [`TARGET_BYTES`]. Re-encoding also drops EXIF
//! (GPS position included) before anything leaves the phone. Sharpness and brightness are
//! measured on a grey copy of at most [`GREY_SIDE`] px.

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Promise, Uint8Array};
use onetrip_api::ErrorEnvelope;
use onetrip_domain::catalog::FileType;
use onetrip_domain::files::{self, FileFacts, FileProblem, FileRules, Severity};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, ImageBitmap, XmlHttpRequest};

use crate::api::ApiError;

/// Longest side of a photo as sent, in pixels: legible for an ID card or a page of text.
pub const LONG_SIDE: f64 = 2000.0;
/// What a photo should weigh once compressed.
pub const TARGET_BYTES: f64 = 600.0 * 1024.0;
/// Long side of the grey copy that sharpness and brightness are measured on.
const GREY_SIDE: f64 = 512.0;
/// JPEG qualities tried in turn until the photo fits [`TARGET_BYTES`].
const QUALITIES: [f64; 5] = [0.85, 0.75, 0.65, 0.55, 0.45];

thread_local! {
    /// The bytes to send and the request in flight, by local file id (not `Send`, so kept
    /// out of the reactive state).
    static BLOBS: RefCell<HashMap<u32, Blob>> = RefCell::new(HashMap::new());
    static REQUESTS: RefCell<HashMap<u32, XmlHttpRequest>> = RefCell::new(HashMap::new());
}

/// A file read and checked, ready to send (or refused).
pub struct Prepared {
    pub facts: FileFacts,
    pub problems: Vec<FileProblem>,
    /// Size as chosen, before compression.
    pub original_bytes: u64,
    /// An object URL of the image as it will be sent.
    pub thumb: Option<String>,
    /// Re-encoded in the browser.
    pub compressed: bool,
    /// The milliseconds compression took (for the bench).
    pub compress_ms: f64,
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

async fn bytes_of(blob: &Blob) -> Option<Vec<u8>> {
    let buffer = JsFuture::from(blob.array_buffer()).await.ok()?;
    Some(Uint8Array::new(&buffer).to_vec())
}

/// SHA-256 in hex (the server computes the same over what it receives); empty where the
/// browser offers no `crypto.subtle` (plain-HTTP deployments), which only skips the
/// duplicate check here: the server still makes it.
async fn sha256(bytes: &[u8]) -> String {
    let Some(subtle) = window().and_then(|w| w.crypto().ok()).map(|c| c.subtle()) else {
        return String::new();
    };
    let Ok(promise) = subtle.digest_with_str_and_u8_array("SHA-256", bytes) else {
        return String::new();
    };
    match JsFuture::from(promise).await {
        Ok(buffer) => Uint8Array::new(&buffer)
            .to_vec()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        Err(_) => String::new(),
    }
}

fn canvas(width: u32, height: u32) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let canvas: HtmlCanvasElement = window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    Some((canvas, context))
}

async fn decode_image(blob: &Blob) -> Option<ImageBitmap> {
    let w = window()?;
    let options = web_sys::ImageBitmapOptions::new();
    options.set_image_orientation(web_sys::ImageOrientation::FromImage);
    let decoded = match w.create_image_bitmap_with_blob_and_image_bitmap_options(blob, &options) {
        Ok(p) => JsFuture::from(p).await.ok(),
        Err(_) => None,
    };
    let decoded = match decoded {
        Some(d) => d,
        // Older WebViews know no options; they apply the orientation on their own or not at all.
        None => JsFuture::from(w.create_image_bitmap_with_blob(blob).ok()?)
            .await
            .ok()?,
    };
    decoded.dyn_into().ok()
}

async fn to_jpeg(canvas: &HtmlCanvasElement, quality: f64) -> Option<Blob> {
    let promise = Promise::new(&mut |resolve, _reject| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        let _ = canvas.to_blob_with_type_and_encoder_options(
            done.unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(quality),
        );
    });
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

fn scaled(width: u32, height: u32, long_side: f64) -> (u32, u32) {
    let scale = (long_side / f64::from(width.max(height))).min(1.0);
    (
        ((f64::from(width) * scale).round() as u32).max(1),
        ((f64::from(height) * scale).round() as u32).max(1),
    )
}

/// The photo as it will be sent (JPEG, EXIF applied and gone), its size, and the sharpness
/// and brightness of its grey copy.
struct Compressed {
    blob: Blob,
    width: u32,
    height: u32,
    sharpness: u32,
    brightness: u8,
}

async fn compress(original: &Blob) -> Option<Compressed> {
    let bitmap = decode_image(original).await?;
    let (width, height) = scaled(bitmap.width(), bitmap.height(), LONG_SIDE);
    let (big, context) = canvas(width, height)?;
    // A transparent PNG becomes white, not black, as JPEG.
    context.set_fill_style_str("#fff");
    context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(
            &bitmap,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )
        .ok()?;
    let mut blob = None;
    for quality in QUALITIES {
        let b = to_jpeg(&big, quality).await?;
        let fits = b.size() <= TARGET_BYTES;
        blob = Some(b);
        if fits {
            break;
        }
    }
    let (gw, gh) = scaled(bitmap.width(), bitmap.height(), GREY_SIDE);
    let (_, small) = canvas(gw, gh)?;
    small
        .draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(gw), f64::from(gh))
        .ok()?;
    bitmap.close();
    let rgba = small
        .get_image_data(0.0, 0.0, f64::from(gw), f64::from(gh))
        .ok()?
        .data();
    let grey: Vec<u8> = rgba
        .chunks_exact(4)
        .map(|p| {
            let y = (u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000;
            y as u8
        })
        .collect();
    Some(Compressed {
        blob: blob?,
        width,
        height,
        sharpness: files::sharpness(&grey, gw as usize, gh as usize),
        brightness: files::brightness(&grey),
    })
}

/// Read and check a chosen file against a material's rules; photos are compressed first and
/// the compressed copy is what is checked and sent. `others` are the digests of the files
/// already given. The file is kept under `id` for [`send`].
pub async fn prepare(
    id: u32,
    file: &web_sys::File,
    rules: &FileRules,
    others: &[String],
) -> Prepared {
    let original_bytes = file.size() as u64;
    let declared = files::declared_type(&file.type_(), &file.name());
    let bytes = bytes_of(file).await.unwrap_or_default();
    let detected = files::sniff(&bytes);
    let others: Vec<&str> = others.iter().map(String::as_str).collect();
    let mut facts = FileFacts {
        declared,
        detected,
        bytes: bytes.len() as u64,
        pages: None,
        width: None,
        height: None,
        sharpness: None,
        brightness: None,
        digest: String::new(),
    };
    // What is wrong with the file as chosen (empty, unknown, renamed, not accepted) is said
    // before any work is done on it.
    let first: Vec<FileProblem> = files::review(
        &FileRules {
            max_kb: u32::MAX,
            min_px: None,
            ..rules.clone()
        },
        &facts,
        &[],
    );
    if !first.is_empty() {
        return Prepared {
            facts,
            problems: first,
            original_bytes,
            thumb: None,
            compressed: false,
            compress_ms: 0.0,
        };
    }
    let mut compressed = false;
    let mut thumb = None;
    let mut compress_ms = 0.0;
    let mut sent: Blob = file.clone().into();
    if detected == Some(FileType::Pdf) {
        facts.pages = files::pdf_page_count_hint(&bytes);
        facts.digest = sha256(&bytes).await;
    } else {
        let started = js_sys::Date::now();
        match compress(file).await {
            Some(c) => {
                compress_ms = js_sys::Date::now() - started;
                let jpeg = bytes_of(&c.blob).await.unwrap_or_default();
                facts.declared = Some(FileType::Jpeg);
                facts.detected = files::sniff(&jpeg);
                facts.bytes = jpeg.len() as u64;
                facts.width = Some(c.width);
                facts.height = Some(c.height);
                facts.sharpness = Some(c.sharpness);
                facts.brightness = Some(c.brightness);
                facts.digest = sha256(&jpeg).await;
                compressed = true;
                sent = c.blob;
            }
            // Not decodable here (an unusual JPEG): sent as chosen; the server decides.
            None => facts.digest = sha256(&bytes).await,
        }
        thumb = web_sys::Url::create_object_url_with_blob(&sent).ok();
    }
    let problems = files::review(rules, &facts, &others);
    if !problems.iter().any(|p| p.severity == Severity::Error) {
        BLOBS.with(|b| b.borrow_mut().insert(id, sent));
    }
    Prepared {
        facts,
        problems,
        original_bytes,
        thumb,
        compressed,
        compress_ms,
    }
}

/// Forget a file: its bytes, its request (aborted) and its thumbnail.
pub fn discard(id: u32, thumb: Option<&str>) {
    BLOBS.with(|b| b.borrow_mut().remove(&id));
    if let Some(xhr) = REQUESTS.with(|r| r.borrow_mut().remove(&id)) {
        let _ = xhr.abort();
    }
    if let Some(url) = thumb {
        let _ = web_sys::Url::revoke_object_url(url);
    }
}

/// Stop an upload in flight (the file stays ready to send again).
pub fn cancel(id: u32) {
    if let Some(xhr) = REQUESTS.with(|r| r.borrow_mut().remove(&id)) {
        let _ = xhr.abort();
    }
}

/// How an upload ended without an answer.
#[derive(Debug, PartialEq)]
pub enum Interrupted {
    /// Cancelled by the applicant.
    Aborted,
    /// No answer (offline, dropped connection).
    Network,
}

/// One attempt: POST the kept file as multipart (`material`, `slot`, `file`) with `headers`,
/// reporting progress (0–100). `Ok` carries the server's answer, success or error envelope.
pub async fn send(
    id: u32,
    url: &str,
    headers: &[(&str, &str)],
    material: &str,
    slot: &str,
    on_progress: impl Fn(u8) + 'static,
) -> Result<Result<String, ApiError>, Interrupted> {
    let Some(blob) = BLOBS.with(|b| b.borrow().get(&id).cloned()) else {
        return Err(Interrupted::Aborted);
    };
    let form = web_sys::FormData::new().map_err(|_| Interrupted::Network)?;
    let _ = form.append_with_str("material", material);
    let _ = form.append_with_str("slot", slot);
    // A neutral name: the applicant's own file name may say whose document it is.
    let name = if blob.type_() == "application/pdf" {
        "document.pdf"
    } else if blob.type_() == "image/png" {
        "photo.png"
    } else {
        "photo.jpg"
    };
    let _ = form.append_with_blob_and_filename("file", &blob, name);
    let xhr = XmlHttpRequest::new().map_err(|_| Interrupted::Network)?;
    xhr.open("POST", url).map_err(|_| Interrupted::Network)?;
    xhr.set_request_header("Accept", "application/json")
        .map_err(|_| Interrupted::Network)?;
    for (k, v) in headers {
        xhr.set_request_header(k, v)
            .map_err(|_| Interrupted::Network)?;
    }
    let progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                on_progress(((e.loaded() / e.total()) * 100.0).min(100.0) as u8);
            }
        });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let ended = Promise::new(&mut |resolve, reject| {
        let load = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let reject2 = reject.clone();
        let error = Closure::once_into_js(move || {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str("network"));
        });
        let abort = Closure::once_into_js(move || {
            let _ = reject2.call1(&JsValue::NULL, &JsValue::from_str("abort"));
        });
        xhr.set_onload(Some(load.unchecked_ref()));
        xhr.set_onerror(Some(error.unchecked_ref()));
        xhr.set_ontimeout(Some(error.unchecked_ref()));
        xhr.set_onabort(Some(abort.unchecked_ref()));
    });
    REQUESTS.with(|r| r.borrow_mut().insert(id, xhr.clone()));
    xhr.send_with_opt_form_data(Some(&form))
        .map_err(|_| Interrupted::Network)?;
    let outcome = JsFuture::from(ended).await;
    REQUESTS.with(|r| r.borrow_mut().remove(&id));
    drop(progress);
    match outcome {
        Err(e) if e.as_string().as_deref() == Some("abort") => Err(Interrupted::Aborted),
        Err(_) => Err(Interrupted::Network),
        Ok(_) => {
            let status = xhr.status().unwrap_or(0);
            let text = xhr.response_text().ok().flatten().unwrap_or_default();
            if status == 0 {
                Err(Interrupted::Network)
            } else if (200..300).contains(&status) {
                Ok(Ok(text))
            } else {
                Ok(Err(ApiError::Server {
                    status,
                    envelope: serde_json::from_str::<ErrorEnvelope>(&text).ok(),
                }))
            }
        }
    }
}

/// An image of the server's copy as an object URL (a thumbnail after a reload).
pub async fn fetch_thumb(url: &str, headers: &[(&str, &str)]) -> Option<String> {
    let bytes = crate::api::get_bytes(url, headers).await.ok()?;
    let array = Uint8Array::from(bytes.as_slice());
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(if bytes.starts_with(&[0x89, b'P']) {
        "image/png"
    } else {
        "image/jpeg"
    });
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

#[cfg(test)]
mod tests {
    use super::scaled;

    #[test]
    fn a_12_megapixel_photo_is_scaled_to_2000_on_the_long_side() {
        assert_eq!(scaled(4000, 3000, 2000.0), (2000, 1500));
        assert_eq!(scaled(3000, 4000, 2000.0), (1500, 2000));
        // Never enlarged.
        assert_eq!(scaled(800, 600, 2000.0), (800, 600));
        assert_eq!(scaled(1, 10_000, 512.0), (1, 512));
    }
}
