//! The document title: "页面 - 一次办", kept in step with the page and the language.

use leptos::prelude::*;

use crate::messages::document_title;
use crate::prefs::use_prefs;

/// Set `document.title` from a reactive page name (an `Effect`: syncing with the outside world).
pub fn use_title(page: impl Fn() -> String + 'static) {
    let prefs = use_prefs();
    Effect::new(move |_| {
        let title = document_title(prefs.get().locale, &page());
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&title);
        }
    });
}

/// The page is about a catalogue entry named in both languages.
pub fn titled(zh: &str, en: &str) {
    let prefs = use_prefs();
    let (zh, en) = (zh.to_owned(), en.to_owned());
    use_title(move || prefs.get().locale.pick(&zh, &en).to_owned());
}
