//! 一套材料: one card per material the situation asks for, each file checked on the phone
//! before it is sent (材料预审), the 容缺 commitment for deferrable ones, the materials the
//! government already holds shown as 无需提交; and 补正, the same cards after submission for
//! what is still outstanding.

use leptos::prelude::*;
use onetrip_api::application::{
    ApplicationMaterials, FileRecord, MaterialRequest, SupplementRequest,
};
use onetrip_domain::application::{
    asked_materials, material_field, material_problems, missing_problems, sides_given,
};
use onetrip_domain::catalog::FileType;
use onetrip_domain::catalog::checklist::{ChecklistMaterial, Need};
use onetrip_domain::files::{self, FileProblem, FileRules, Severity};
use onetrip_domain::validation::FieldProblem;
use onetrip_ui::form_words::{F, form_error_text, ftext};
use onetrip_ui::messages::Locale;
use wasm_bindgen::JsCast;

use super::fields::field_id;
use super::upload::{self, Interrupted};
use super::{focus_later, use_apply};
use crate::api::{self, ApiError, decode};
use crate::prefs::use_prefs;

/// Where a file is in its life on this page.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Checking,
    /// Usable, with warnings the applicant must answer (重新拍摄 or 仍然使用).
    Warned,
    /// Not usable: its problems say why.
    Refused,
    Uploading(u8),
    /// The connection dropped; trying again (attempt n).
    Retrying(u32),
    /// Gave up after several attempts; the applicant may try again.
    Failed,
    Done,
}

/// One file of one material on this page.
#[derive(Clone, Debug)]
pub struct Item {
    pub id: u32,
    pub material: String,
    pub slot: String,
    pub thumb: Option<String>,
    pub pdf: bool,
    pub pages: Option<u32>,
    pub bytes: u64,
    pub original: u64,
    pub compressed: bool,
    pub problems: Vec<FileProblem>,
    pub status: Status,
    pub record: Option<FileRecord>,
    /// The Idempotency-Key of this file's upload: the same for every retry.
    pub key: String,
    pub digest: String,
}

/// Where files go: a draft before submission, an application after (补正).
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// `/api/v1/drafts/{token}` or `/api/v1/applications/{number}`.
    pub base: String,
    pub header: &'static str,
    pub key: String,
}

impl Target {
    pub fn draft(token: &str, key: &str) -> Self {
        Target {
            base: format!("/api/v1/drafts/{token}"),
            header: "X-Draft-Key",
            key: key.to_owned(),
        }
    }

    pub fn application(number: &str, key: &str) -> Self {
        Target {
            base: format!("/api/v1/applications/{number}"),
            header: "X-Application-Key",
            key: key.to_owned(),
        }
    }
}

/// The files of a page, and the next local id.
#[derive(Clone, Copy)]
pub struct Uploads {
    pub items: RwSignal<Vec<Item>>,
    pub loaded: RwSignal<bool>,
    next: StoredValue<u32>,
}

impl Default for Uploads {
    fn default() -> Self {
        Self::new()
    }
}

impl Uploads {
    pub fn new() -> Self {
        Uploads {
            items: RwSignal::new(Vec::new()),
            loaded: RwSignal::new(false),
            next: StoredValue::new(1),
        }
    }

    /// Forget every file (another draft is being filled in).
    pub fn clear(&self) {
        for (id, thumb) in self.items.with_untracked(|l| {
            l.iter()
                .map(|i| (i.id, i.thumb.clone()))
                .collect::<Vec<_>>()
        }) {
            upload::discard(id, thumb.as_deref());
        }
        self.items.set(Vec::new());
        self.loaded.set(false);
    }

    fn next_id(&self) -> u32 {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        id
    }

    fn update(&self, id: u32, f: impl FnOnce(&mut Item)) {
        self.items.update(|list| {
            if let Some(item) = list.iter_mut().find(|i| i.id == id) {
                f(item);
            }
        });
    }

    /// (material, side) of every file uploaded: what the materials rules count as given.
    pub fn given(&self) -> Vec<(String, String)> {
        self.items.with(|list| {
            list.iter()
                .filter(|i| i.status == Status::Done)
                .map(|i| (i.material.clone(), i.slot.clone()))
                .collect()
        })
    }

    /// What stops the applicant from going on: files still on their way, or warnings not
    /// answered.
    /// Files still being checked or sent: leaving the page would cut them off.
    pub fn moving(&self) -> bool {
        self.items.with_untracked(|list| {
            list.iter().any(|i| {
                matches!(
                    i.status,
                    Status::Checking | Status::Uploading(_) | Status::Retrying(_)
                )
            })
        })
    }

    pub fn pending(&self) -> Option<F> {
        self.items.with(|list| {
            if list.iter().any(|i| {
                matches!(
                    i.status,
                    Status::Checking | Status::Uploading(_) | Status::Retrying(_) | Status::Failed
                )
            }) {
                Some(F::StillUploading)
            } else if list.iter().any(|i| i.status == Status::Warned) {
                Some(F::WarnedWaiting)
            } else {
                None
            }
        })
    }

    /// Take the files the server already has (after a reload, or on another device); with
    /// `thumbs`, then fetch the images' thumbnails (the stored image itself, a few hundred KB
    /// each: only where they are shown).
    pub fn take(&self, records: Vec<FileRecord>, target: &Target, thumbs: bool) {
        let items: Vec<Item> = records
            .into_iter()
            .map(|r| Item {
                id: self.next_id(),
                material: r.material.clone(),
                slot: r.slot.clone(),
                thumb: None,
                pdf: r.content_type == "application/pdf",
                pages: r.pages,
                bytes: r.bytes,
                original: r.bytes,
                compressed: false,
                problems: Vec::new(),
                status: Status::Done,
                key: String::new(),
                digest: r.sha256.clone(),
                record: Some(r),
            })
            .collect();
        let thumbs: Vec<(u32, String)> = items
            .iter()
            .filter(|i| thumbs && !i.pdf)
            .filter_map(|i| Some((i.id, i.record.as_ref()?.url.clone())))
            .collect();
        // Files chosen meanwhile (on a slow network) stay; the server's come first.
        let items: Vec<Item> = self.items.with_untracked(|local| {
            let known: Vec<&str> = local
                .iter()
                .filter_map(|i| Some(i.record.as_ref()?.id.as_str()))
                .collect();
            items
                .into_iter()
                .filter(|i| {
                    i.record
                        .as_ref()
                        .is_some_and(|r| !known.contains(&r.id.as_str()))
                })
                .chain(local.iter().cloned())
                .collect()
        });
        self.items.set(items);
        self.loaded.set(true);
        let this = *self;
        let target = target.clone();
        leptos::task::spawn_local(async move {
            for (id, url) in thumbs {
                if let Some(t) = upload::fetch_thumb(&url, &[(target.header, &target.key)]).await {
                    this.update(id, |i| i.thumb = Some(t));
                }
            }
        });
    }
}

/// Load the files of a draft once per visit (`thumbs`: and the images' thumbnails).
pub fn load_draft_files(uploads: Uploads, target: Target, thumbs: bool) {
    if uploads.loaded.get_untracked() {
        return;
    }
    leptos::task::spawn_local(async move {
        let path = format!("{}/files", target.base);
        if let Ok(list) = api::send::<()>("GET", &path, &[(target.header, &target.key)], None)
            .await
            .and_then(|t| decode::<Vec<FileRecord>>(&t))
        {
            uploads.take(list, &target, thumbs);
        }
    });
}

fn size_text(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        // Integer tenths: float formatting would add its machinery to the wasm.
        let tenths = bytes * 10 / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn side_word(slot: &str) -> Option<F> {
    match slot {
        "front" => Some(F::SideFront),
        "back" => Some(F::SideBack),
        _ => None,
    }
}

/// Send one prepared file, retrying after a dropped connection with the same key.
fn start_upload(uploads: Uploads, target: Target, id: u32) {
    let Some((material, slot, key)) = uploads.items.with_untracked(|l| {
        l.iter()
            .find(|i| i.id == id)
            .map(|i| (i.material.clone(), i.slot.clone(), i.key.clone()))
    }) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let url = format!("{}/files", target.base);
        let mut attempt = 0u32;
        loop {
            uploads.update(id, |i| i.status = Status::Uploading(0));
            let result = upload::send(
                id,
                &url,
                &[(target.header, &target.key), ("Idempotency-Key", &key)],
                &material,
                &slot,
                move |p| uploads.update(id, |i| i.status = Status::Uploading(p)),
            )
            .await;
            match result {
                Ok(Ok(text)) => {
                    let record = decode::<FileRecord>(&text).ok();
                    uploads.update(id, |i| {
                        i.status = Status::Done;
                        i.pages = record.as_ref().and_then(|r| r.pages).or(i.pages);
                        i.record = record;
                    });
                    upload::discard(id, None);
                    return;
                }
                Ok(Err(e)) => {
                    let problems = refusal(&e);
                    uploads.update(id, |i| {
                        i.status = Status::Refused;
                        i.problems = problems;
                    });
                    upload::discard(id, None);
                    return;
                }
                Err(Interrupted::Aborted) => return,
                Err(Interrupted::Network) if attempt < 5 => {
                    attempt += 1;
                    uploads.update(id, |i| i.status = Status::Retrying(attempt));
                    api::sleep_ms(1000 << attempt).await;
                }
                Err(Interrupted::Network) => {
                    uploads.update(id, |i| i.status = Status::Failed);
                    return;
                }
            }
        }
    });
}

/// The server's reasons for refusing a file, as problems (codes with words).
fn refusal(e: &ApiError) -> Vec<FileProblem> {
    let codes: Vec<String> = match e {
        ApiError::Server {
            envelope: Some(env),
            ..
        } if !env.error.fields.is_empty() => {
            env.error.fields.iter().map(|f| f.code.clone()).collect()
        }
        ApiError::Server { status: 413, .. } => vec![files::TOO_LARGE.to_owned()],
        other => vec![other.code().to_owned()],
    };
    codes
        .into_iter()
        .map(|code| FileProblem {
            code,
            severity: Severity::Error,
        })
        .collect()
}

/// Files chosen in an input: each checked, then sent when nothing stops it.
fn chosen(
    uploads: Uploads,
    target: Target,
    material: ChecklistMaterial,
    slot: String,
    input: web_sys::HtmlInputElement,
) {
    let Some(list) = input.files() else {
        return;
    };
    let chosen: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    // The same file may be chosen again later (after removing it).
    input.set_value("");
    let rules = FileRules::from(&material);
    for file in chosen {
        let id = uploads.next_id();
        uploads.items.update(|l| {
            l.push(Item {
                id,
                material: material.key.clone(),
                slot: slot.clone(),
                thumb: None,
                pdf: false,
                pages: None,
                bytes: file.size() as u64,
                original: file.size() as u64,
                compressed: false,
                problems: Vec::new(),
                status: Status::Checking,
                record: None,
                key: api::new_idempotency_key(),
                digest: String::new(),
            })
        });
        let target = target.clone();
        let rules = rules.clone();
        leptos::task::spawn_local(async move {
            let others: Vec<String> = uploads.items.with_untracked(|l| {
                l.iter()
                    .filter(|i| i.id != id && !i.digest.is_empty())
                    .filter(|i| !matches!(i.status, Status::Refused))
                    .map(|i| i.digest.clone())
                    .collect()
            });
            let p = upload::prepare(id, &file, &rules, &others).await;
            let error = p.problems.iter().any(|x| x.severity == Severity::Error);
            let warned = !p.problems.is_empty();
            uploads.update(id, |i| {
                i.thumb = p.thumb;
                i.pdf = p.facts.detected == Some(FileType::Pdf);
                i.pages = p.facts.pages.map(u32::from);
                i.bytes = p.facts.bytes;
                i.original = p.original_bytes;
                i.compressed = p.compressed;
                i.digest = p.facts.digest;
                i.problems = p.problems;
                i.status = if error {
                    Status::Refused
                } else if warned {
                    Status::Warned
                } else {
                    Status::Checking
                };
            });
            if p.compressed {
                // For the bench: what compression took, without personal data.
                web_sys::console::debug_1(
                    &format!(
                        "onetrip:compress {} {} {}",
                        p.original_bytes, p.facts.bytes, p.compress_ms as u64
                    )
                    .into(),
                );
            }
            if !error && !warned {
                start_upload(uploads, target, id);
            }
        });
    }
}

/// Remove a file: from the server when it is there, then from the page.
fn remove(uploads: Uploads, target: Target, id: u32) {
    let (record, thumb) = uploads.items.with_untracked(|l| {
        l.iter()
            .find(|i| i.id == id)
            .map(|i| (i.record.clone(), i.thumb.clone()))
            .unwrap_or_default()
    });
    leptos::task::spawn_local(async move {
        if let Some(r) = record {
            let path = format!("{}/files/{}", target.base, r.id);
            if api::send::<()>("DELETE", &path, &[(target.header, &target.key)], None)
                .await
                .is_err()
            {
                return;
            }
        }
        upload::discard(id, thumb.as_deref());
        uploads.items.update(|l| l.retain(|i| i.id != id));
    });
}

/// Move a file up or down among the files of its side.
fn reorder(uploads: Uploads, target: Target, id: u32, up: bool) {
    let mut ids: Vec<String> = Vec::new();
    let mut key = (String::new(), String::new());
    uploads.items.update(|l| {
        let Some(at) = l.iter().position(|i| i.id == id) else {
            return;
        };
        let (m, s) = (l[at].material.clone(), l[at].slot.clone());
        let same: Vec<usize> = (0..l.len())
            .filter(|&j| l[j].material == m && l[j].slot == s)
            .collect();
        let Some(k) = same.iter().position(|&j| j == at) else {
            return;
        };
        let other = if up {
            k.checked_sub(1).map(|k| same[k])
        } else {
            same.get(k + 1).copied()
        };
        if let Some(o) = other {
            l.swap(at, o);
        }
        ids = l
            .iter()
            .filter(|i| i.material == m && i.slot == s)
            .filter_map(|i| Some(i.record.as_ref()?.id.clone()))
            .collect();
        key = (m, s);
    });
    if ids.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        let body = onetrip_api::application::FileOrder {
            material: key.0,
            slot: key.1,
            files: ids,
        };
        let path = format!("{}/files/order", target.base);
        let _ = api::send("PUT", &path, &[(target.header, &target.key)], Some(&body)).await;
    });
}

fn click(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        el.click();
    }
}

fn need_text(m: &ChecklistMaterial, l: Locale) -> String {
    match m.need {
        Need::Critical => ftext(l, F::NeedCritical).to_owned(),
        Need::Deferrable => ftext(l, F::NeedDeferrable)
            .replace("{days}", &m.deferrable_days.unwrap_or(0).to_string()),
        Need::Optional => ftext(l, F::NeedOptional).to_owned(),
        Need::Shared => ftext(l, F::NotNeededTitle).to_owned(),
    }
}

/// One file as a list item: thumbnail, size, what is happening, its problems and its buttons.
fn file_row(
    uploads: Uploads,
    target: Target,
    item: Item,
    n: usize,
    photo_input: String,
) -> impl IntoView {
    let prefs = use_prefs();
    let id = item.id;
    let l = prefs.get_untracked().locale;
    let label = ftext(l, F::FileN).replace("{n}", &n.to_string());
    let size = if item.compressed && item.original > item.bytes {
        ftext(l, F::Compressed)
            .replace("{from}", &size_text(item.original))
            .replace("{to}", &size_text(item.bytes))
    } else {
        size_text(item.bytes)
    };
    let kind = if item.pdf {
        match item.pages {
            Some(p) => ftext(l, F::PdfPages).replace("{n}", &p.to_string()),
            None => ftext(l, F::Pdf).to_owned(),
        }
    } else {
        String::new()
    };
    let status = match &item.status {
        Status::Checking => ftext(l, F::Checking).to_owned(),
        Status::Uploading(p) => ftext(l, F::UploadingPct).replace("{p}", &p.to_string()),
        Status::Retrying(a) => ftext(l, F::RetryIn).replace("{n}", &a.to_string()),
        Status::Failed => ftext(l, F::UploadFailed).to_owned(),
        Status::Done => ftext(l, F::Uploaded).to_owned(),
        Status::Warned | Status::Refused => String::new(),
    };
    let hidden = format!(" {label}");
    let button = |text: F, class: &'static str, on: Box<dyn Fn() + Send + Sync>| {
        let hidden = hidden.clone();
        view! {
            <button type="button" class=class on:click=move |_| on()>
                {ftext(l, text)}<span class="ot-visually-hidden">{hidden}</span>
            </button>
        }
    };
    let t = target.clone();
    let buttons = match item.status {
        Status::Uploading(_) | Status::Retrying(_) => vec![button(
            F::CancelUpload,
            "ot-button ot-button--secondary ot-button--small",
            Box::new(move || {
                upload::cancel(id);
                remove(uploads, t.clone(), id);
            }),
        )],
        Status::Warned => {
            let t2 = t.clone();
            let input = photo_input.clone();
            vec![
                button(
                    F::Retake,
                    "ot-button ot-button--small",
                    Box::new(move || {
                        remove(uploads, t.clone(), id);
                        click(&input);
                    }),
                ),
                button(
                    F::UseAnyway,
                    "ot-button ot-button--secondary ot-button--small",
                    Box::new(move || start_upload(uploads, t2.clone(), id)),
                ),
            ]
        }
        Status::Failed => {
            let t2 = t.clone();
            vec![
                button(
                    F::RetryNow,
                    "ot-button ot-button--small",
                    Box::new(move || start_upload(uploads, t.clone(), id)),
                ),
                button(
                    F::RemoveFile,
                    "ot-button ot-button--secondary ot-button--small",
                    Box::new(move || remove(uploads, t2.clone(), id)),
                ),
            ]
        }
        Status::Done => {
            let (t2, t3) = (t.clone(), t.clone());
            vec![
                button(
                    F::MoveUp,
                    "ot-button ot-button--secondary ot-button--small",
                    Box::new(move || reorder(uploads, t.clone(), id, true)),
                ),
                button(
                    F::MoveDown,
                    "ot-button ot-button--secondary ot-button--small",
                    Box::new(move || reorder(uploads, t2.clone(), id, false)),
                ),
                button(
                    F::RemoveFile,
                    "ot-button ot-button--secondary ot-button--small",
                    Box::new(move || remove(uploads, t3.clone(), id)),
                ),
            ]
        }
        Status::Refused | Status::Checking => vec![button(
            F::RemoveFile,
            "ot-button ot-button--secondary ot-button--small",
            Box::new(move || remove(uploads, t.clone(), id)),
        )],
    };
    let problems = item
        .problems
        .iter()
        .map(|p| {
            let class = if p.severity == Severity::Error {
                "ot-field__error"
            } else {
                "ot-file__warning"
            };
            view! { <p class=class>{form_error_text(l, &p.code)}</p> }
        })
        .collect_view();
    let refused = item.status == Status::Refused;
    view! {
        <li class="ot-file" class:ot-file--refused=refused>
            {match item.thumb {
                Some(src) => view! { <img class="ot-file__thumb" src=src alt="" width="64" height="64" /> }.into_any(),
                None => view! { <span class="ot-file__thumb ot-file__thumb--doc" aria-hidden="true">{if item.pdf { "PDF" } else { "…" }}</span> }.into_any(),
            }}
            <div class="ot-file__body">
                <p class="ot-file__name">{label}" · "{size}{(!kind.is_empty()).then(|| format!(" · {kind}"))}</p>
                {(!status.is_empty()).then(|| view! { <p class="ot-file__status">{status}</p> })}
                {problems}
                <div class="ot-file__actions">{buttons}</div>
            </div>
        </li>
    }
}

/// One material: what it is, how to give it, its files side by side, and for a deferrable one
/// the 容缺 commitment. `deferred` is `Some` before submission (the commitment is offered).
#[component]
pub fn MaterialCard(
    material: ChecklistMaterial,
    uploads: Uploads,
    target: Target,
    problems: RwSignal<Vec<FieldProblem>>,
    #[prop(optional)] commitment: Option<(RwSignal<bool>, String)>,
    #[prop(optional)] request: Option<MaterialRequest>,
) -> impl IntoView {
    // Static in the locale: the page renders the cards again when the language changes.
    let l = use_prefs().get_untracked().locale;
    let m = StoredValue::new(material.clone());
    let field = material_field(&material.key, None);
    let heading = format!("{}-h", field_id(&field));
    let name = (material.name.clone(), material.name_en.clone());
    let images = material.types.iter().any(|t| *t != FileType::Pdf);
    let pdf = material.types.contains(&FileType::Pdf);
    let error_for = {
        let field = field.clone();
        move |side: Option<&str>| {
            let key = match side {
                Some(s) => material_field(&field["materials.".len()..], Some(s)),
                None => field.clone(),
            };
            Memo::new(move |_| {
                problems.with(|p| p.iter().find(|p| p.field == key).map(|p| p.code.clone()))
            })
        }
    };
    let own_error = error_for(None);
    let types = material
        .types
        .iter()
        .map(|t| match t {
            FileType::Jpeg => "JPG",
            FileType::Png => "PNG",
            FileType::Pdf => "PDF",
        })
        .collect::<Vec<_>>()
        .join("、");
    let limits = {
        ftext(l, F::Limits).replace("{types}", &types).replace(
            "{mb}",
            &size_text(u64::from(m.with_value(|m| m.max_kb)) * 1024),
        )
    };
    let slots = files::sides(material.both_sides)
        .iter()
        .map(|&slot| {
            let slot_id = field_id(&material_field(&material.key, Some(slot)));
            let photo_id = format!("{slot_id}-photo");
            let pdf_id = format!("{slot_id}-pdf");
            let side = side_word(slot);
            let err = error_for(Some(slot));
            let slot_s = slot.to_owned();
            let (t1, t2, t3) = (target.clone(), target.clone(), target.clone());
            let suffix = {
                let name = name.clone();
                {
                    let n = l.pick(&name.0, &name.1).to_owned();
                    match side {
                        Some(s) => format!("（{n} {}）", ftext(l, s)),
                        None => format!("（{n}）"),
                    }
                }
            };
            let suffix2 = suffix.clone();
            let photo_for_rows = photo_id.clone();
            let list = move || {
                let slot = slot_s.clone();
                uploads.items.with(|l| {
                    l.iter()
                        .filter(|i| m.with_value(|m| i.material == m.key) && i.slot == slot)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .into_iter()
                .enumerate()
                .map(|(n, item)| file_row(uploads, t1.clone(), item, n + 1, photo_for_rows.clone()))
                .collect_view()
            };
            let slot_o = slot.to_owned();
            let slot_p = slot.to_owned();
            view! {
                <div class="ot-slot" id=slot_id class:ot-field--error=move || err.get().is_some()>
                    {side.map(|s| view! { <h3 class="ot-heading-s">{ftext(l, s)}</h3> })}
                    {move || err.get().map(|c| view! { <p class="ot-field__error">{form_error_text(l, &c)}</p> })}
                    <ul class="ot-files" aria-live="polite">{list}</ul>
                    <div class="ot-file-inputs">
                        {images.then(|| {
                            let t = t2.clone();
                            let slot = slot_o.clone();
                            view! {
                                <input type="file" class="ot-file-input" id=photo_id.clone() accept="image/*" multiple
                                    on:change=move |ev| {
                                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                            chosen(uploads, t.clone(), m.get_value(), slot.clone(), input);
                                        }
                                    } />
                                <label for=photo_id.clone() class="ot-button ot-button--secondary">
                                    {ftext(l, F::TakePhoto)}<span class="ot-visually-hidden">{suffix.clone()}</span>
                                </label>
                            }
                        })}
                        {pdf.then(|| {
                            let t = t3.clone();
                            let slot = slot_p.clone();
                            view! {
                                <input type="file" class="ot-file-input" id=pdf_id.clone() accept="application/pdf,.pdf" multiple
                                    on:change=move |ev| {
                                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                            chosen(uploads, t.clone(), m.get_value(), slot.clone(), input);
                                        }
                                    } />
                                <label for=pdf_id.clone() class="ot-button ot-button--secondary">
                                    {ftext(l, F::ChoosePdf)}<span class="ot-visually-hidden">{suffix2.clone()}</span>
                                </label>
                            }
                        })}
                    </div>
                </div>
            }
        })
        .collect_view();
    let days = material.deferrable_days.unwrap_or(0).to_string();
    let commit = commitment.map(|(on, departments)| {
        let id = format!("{}-commit", field_id(&field));
        let (days, days2) = (days.clone(), days.clone());
        let name = name.clone();
        view! {
            <div class="ot-commitment">
                <p class="ot-commitment__text">{{
                    ftext(l, F::CommitText)
                        .replace("{days}", &days)
                        .replace("{depts}", &departments)
                        .replace("{name}", l.pick(&name.0, &name.1))
                }}</p>
                <div class="ot-checkbox">
                    <input type="checkbox" class="ot-checkbox__input" id=id.clone()
                        prop:checked=move || on.get()
                        on:change=move |ev| on.set(event_target_checked(&ev)) />
                    <label class="ot-checkbox__label" for=id>{ftext(l, F::CommitLabel).replace("{days}", &days2)}</label>
                </div>
            </div>
        }
    });
    let request_lines = request.map(|r| {
        view! {
            {r.reason.clone().map(|reason| view! { <p><strong>{ftext(l, F::ReasonLabel)}</strong>{reason}</p> })}
            <p class="ot-tag ot-tag--warning">{ftext(l, F::DueBy).replace("{date}", &r.due.to_string())}</p>
        }
    });
    let desc = (material.description.clone(), material.notes.join(" "));
    let heading_ref = heading.clone();
    let sample = material.sample.clone();
    view! {
        <section class="ot-material ot-field" id=field_id(&field) aria-labelledby=heading_ref
            class:ot-field--error=move || own_error.get().is_some()>
            <h2 class="ot-heading-m" id=heading>{l.pick(&name.0, &name.1).to_owned()}</h2>
            {match request_lines {
                Some(v) => v.into_any(),
                None => view! { <p class="ot-tag">{m.with_value(|m| need_text(m, l))}</p> }.into_any(),
            }}
            <p class="ot-field__hint">{desc.0}" "{desc.1}</p>
            <details class="ot-details">
                <summary>{ftext(l, F::SampleTitle)}</summary>
                <p>{sample}</p>
                <p>{limits}</p>
            </details>
            {move || own_error.get().map(|c| view! { <p class="ot-field__error">{form_error_text(l, &c)}</p> })}
            {slots}
            {commit}
        </section>
    }
}

/// The departments that need a material, by name, for its commitment text.
pub fn departments_of(
    form: &onetrip_domain::application::ApplicationForm,
    m: &ChecklistMaterial,
) -> String {
    m.departments
        .iter()
        .map(|code| {
            form.departments
                .iter()
                .find(|d| &d.code == code)
                .map_or_else(|| code.clone(), |d| d.name.clone())
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The materials step of the form.
pub fn materials_step(
    draft: &onetrip_api::application::Draft,
    problems: RwSignal<Vec<FieldProblem>>,
) -> impl IntoView + use<> {
    let apply = use_apply();
    let prefs = use_prefs();
    let target = Target::draft(&draft.token, &apply.key.get_untracked());
    load_draft_files(apply.uploads, target.clone(), true);
    let form = draft.form.clone();
    let shared: Vec<ChecklistMaterial> = form
        .materials
        .iter()
        .filter(|m| m.need == Need::Shared)
        .cloned()
        .collect();
    let form_v = StoredValue::new(form.clone());
    // Rendered again when the language changes (the cards themselves are static in it).
    let cards = move || {
        prefs.track();
        let asked: Vec<ChecklistMaterial> =
            form_v.with_value(|f| asked_materials(f).cloned().collect());
        asked
            .into_iter()
            .map(|m| {
                let commitment = (m.need == Need::Deferrable).then(|| {
                    let key = m.key.clone();
                    let on = RwSignal::new(apply.data.with_untracked(|d| d.deferred.contains(&key)));
                    Effect::new(move |_| {
                        let v = on.get();
                        apply.data.update(|d| {
                            if v {
                                d.deferred.insert(key.clone());
                            } else {
                                d.deferred.remove(&key);
                            }
                        });
                    });
                    (on, form_v.with_value(|f| departments_of(f, &m)))
                });
                let target = target.clone();
                match commitment {
                    Some(c) => view! { <MaterialCard material=m uploads=apply.uploads target problems commitment=c /> }.into_any(),
                    None => view! { <MaterialCard material=m uploads=apply.uploads target problems /> }.into_any(),
                }
            })
            .collect_view()
    };
    view! {
        {cards}
        {(!shared.is_empty()).then(|| view! {
            <section class="ot-material ot-material--shared" aria-labelledby="ot-shared-h">
                <h2 class="ot-heading-m" id="ot-shared-h">{move || ftext(prefs.get().locale, F::NotNeededTitle)}</h2>
                <p>{move || ftext(prefs.get().locale, F::NotNeededHelp)}</p>
                <ul class="ot-list">
                    {shared.into_iter().map(|m| {
                        let source = if m.notes.is_empty() { m.description.clone() } else { m.notes.join(" ") };
                        view! { <li><strong>{m.name.clone()}</strong>"：无需提交。"{source}</li> }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// The problems of the materials step, all at once: files still moving or warned first, then
/// the domain's rules on what was given.
pub fn check_materials(
    form: &onetrip_domain::application::ApplicationForm,
) -> Result<(), (Option<F>, Vec<FieldProblem>)> {
    let apply = use_apply();
    if !apply.uploads.loaded.get_untracked() {
        // Not read back yet (a reload on the review page): the server checks on submission.
        return Ok(());
    }
    if let Some(wait) = apply.uploads.pending() {
        return Err((Some(wait), Vec::new()));
    }
    let given = apply.uploads.given();
    let given: Vec<(&str, &str)> = given
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let found = apply
        .data
        .with_untracked(|d| material_problems(form, d, &given));
    if found.is_empty() {
        Ok(())
    } else {
        Err((None, found))
    }
}

/// 补正: the materials still outstanding on a submitted application, uploaded with the same
/// pre-review and handed in together.
#[component]
pub fn Supplement(number: String, key: String, forbidden: RwSignal<bool>) -> impl IntoView {
    let prefs = use_prefs();
    let target = Target::application(&number, &key);
    let uploads = Uploads::new();
    let data = RwSignal::new(None::<ApplicationMaterials>);
    let failed = RwSignal::new(None::<ApiError>);
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let waiting = RwSignal::new(None::<F>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    {
        let target = target.clone();
        leptos::task::spawn_local(async move {
            let path = format!("{}/materials", target.base);
            match api::send::<()>("GET", &path, &[(target.header, &target.key)], None)
                .await
                .and_then(|t| decode::<ApplicationMaterials>(&t))
            {
                Ok(m) => {
                    uploads.take(m.files.clone(), &target, true);
                    data.set(Some(m));
                }
                Err(ApiError::Server { status: 403, .. }) => forbidden.set(true),
                Err(e) => failed.set(Some(e)),
            }
        });
    }
    let t_submit = target.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        waiting.set(uploads.pending());
        if waiting.get_untracked().is_some() {
            focus_later("ot-supplement-wait");
            return;
        }
        let Some(m) = data.get_untracked() else {
            return;
        };
        let open: Vec<&MaterialRequest> = m.requests.iter().filter(|r| !r.resolved).collect();
        let given = uploads.given();
        let given: Vec<(&str, &str)> = given
            .iter()
            .map(|(k, s)| (k.as_str(), s.as_str()))
            .collect();
        let found: Vec<FieldProblem> = open
            .iter()
            .filter_map(|r| m.materials.iter().find(|x| x.key == r.material))
            .flat_map(|mat| {
                missing_problems(&mat.key, mat.both_sides, &sides_given(&mat.key, &given))
            })
            .collect();
        problems.set(found.clone());
        if !found.is_empty() {
            focus_later("ot-error-summary");
            return;
        }
        let body = SupplementRequest {
            requests: open.iter().map(|r| r.id.clone()).collect(),
        };
        busy.set(true);
        let target = t_submit.clone();
        leptos::task::spawn_local(async move {
            let path = format!("{}/supplements", target.base);
            let result = api::send("POST", &path, &[(target.header, &target.key)], Some(&body))
                .await
                .and_then(|t| decode::<ApplicationMaterials>(&t));
            busy.set(false);
            match result {
                Ok(m) => {
                    data.set(Some(m));
                    done.set(true);
                    focus_later("ot-supplement-done");
                }
                Err(e) => match e.field_problems() {
                    Some(found) => {
                        problems.set(found);
                        focus_later("ot-error-summary");
                    }
                    None => failed.set(Some(e)),
                },
            }
        });
    };
    let receipt = format!("/r/{number}");
    view! {
        <h1 class="ot-heading-xl">{move || ftext(prefs.get().locale, F::SupplementTitle)}</h1>
        {move || failed.get().map(|e| crate::components::loaded::failure(e, || {}))}
        {move || done.get().then(|| view! {
            <div class="ot-notice ot-notice--success" role="status" tabindex="-1" id="ot-supplement-done">
                <p>{ftext(prefs.get().locale, F::SupplementDone)}</p>
            </div>
        })}
        {move || waiting.get().map(|w| view! {
            <div class="ot-error-summary" role="alert" tabindex="-1" id="ot-supplement-wait"><p>{ftext(prefs.get().locale, w)}</p></div>
        })}
        {move || {
            let list = problems.get();
            (!list.is_empty()).then(|| {
                let l = prefs.get().locale;
                let names = data.with(|d| {
                    list.iter()
                        .map(|p| {
                            let key = p.field.trim_start_matches("materials.").split('.').next().unwrap_or_default().to_owned();
                            let name = d.as_ref().and_then(|d| d.materials.iter().find(|m| m.key == key)).map(|m| l.pick(&m.name, &m.name_en).to_owned()).unwrap_or_default();
                            (format!("#{}", field_id(&p.field)), format!("{name}：{}", form_error_text(l, &p.code)))
                        })
                        .collect::<Vec<_>>()
                });
                super::pages::summary_box(l, names)
            })
        }}
        {move || data.get().map(|m| {
            let open: Vec<MaterialRequest> = m.requests.iter().filter(|r| !r.resolved).cloned().collect();
            if open.is_empty() {
                return view! { <p>{ftext(prefs.get().locale, F::NothingOutstanding)}</p> }.into_any();
            }
            let target = target.clone();
            view! {
                <p>{ftext(prefs.get().locale, F::SupplementHelp)}</p>
                {open.into_iter().filter_map(|r| {
                    let material = m.materials.iter().find(|x| x.key == r.material)?.clone();
                    Some(view! { <MaterialCard material uploads target=target.clone() problems request=r /> })
                }).collect_view()}
                <form on:submit=submit.clone() novalidate>
                    <button type="submit" class="ot-button" aria-disabled=move || busy.get().then_some("true")>{ftext(prefs.get_untracked().locale, F::SupplementSubmit)}</button>
                </form>
            }.into_any()
        })}
        <p><a href=receipt>{move || ftext(prefs.get().locale, F::BackToReceipt)}</a></p>
    }
}
