//! The user's display preferences: language and elder mode (长辈模式). Remembered in
//! localStorage, which holds nothing else: no identity or phone number is ever stored there;
//! and in the `ot_prefs` cookie (`zh-CN` or `en`, `.elder`), with which the server sends its
//! pages already in elder mode and language (crates/server/src/prefs.rs).

use leptos::prelude::*;

use crate::messages::Locale;

const KEY: &str = "onetrip.prefs";

pub use onetrip_ui::prefs::Prefs;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load() -> Prefs {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .map(|v| Prefs::decode(&v))
        .unwrap_or_default()
}

fn save(prefs: Prefs) {
    if let Some(s) = storage() {
        // Private browsing may refuse; the preference then lasts for this visit only.
        let _ = s.set_item(KEY, &prefs.encode());
    }
    write_cookie(&format!(
        "{}={}; path=/; max-age=31536000; samesite=lax",
        onetrip_ui::prefs::COOKIE,
        prefs.cookie_value()
    ));
}

/// Set one cookie (`name=value; path=…`), marked `secure` on https.
pub fn write_cookie(line: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let secure = window.location().protocol().is_ok_and(|p| p == "https:");
    let cookie = format!("{line}{}", if secure { "; secure" } else { "" });
    if let Some(document) = window.document() {
        let _ = js_sys::Reflect::set(&document, &"cookie".into(), &cookie.into());
    }
}

/// Reflect the preferences on `<html>`: its `lang`, and the `ot-elder` class the CSS keys on.
fn apply(prefs: Prefs) {
    let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = html.set_attribute("lang", prefs.locale.tag());
    let _ = html.class_list().toggle_with_force("ot-elder", prefs.elder);
}

/// The preferences as a signal in context; changes are applied to the page and remembered.
pub fn provide() -> RwSignal<Prefs> {
    let prefs = RwSignal::new(load());
    Effect::new(move |_| {
        let p = prefs.get();
        apply(p);
        save(p);
    });
    provide_context(prefs);
    prefs
}

/// The staff app's preferences: shown in Chinese whatever language the citizens' apps keep
/// in this browser (left as it is); elder mode as chosen.
pub fn provide_chinese() -> RwSignal<Prefs> {
    let saved = load();
    let prefs = RwSignal::new(Prefs {
        locale: Locale::Zh,
        ..saved
    });
    Effect::new(move |_| {
        let p = prefs.get();
        apply(p);
        save(Prefs {
            locale: saved.locale,
            ..p
        });
    });
    provide_context(prefs);
    prefs
}

pub fn use_prefs() -> RwSignal<Prefs> {
    expect_context::<RwSignal<Prefs>>()
}
