//! One module per page.

pub mod checklist;
pub mod home;
pub mod not_found;
pub mod questions;
pub mod search;

use leptos::prelude::*;

use crate::messages::{Key, Locale, text, working_days};
use crate::prefs::use_prefs;

/// A catalogue text, given in both languages, shown in the current one (a reactive closure
/// that can be placed in a view as it is).
pub fn localized(zh: &str, en: &str) -> impl Fn() -> String + Clone + Send + Sync + use<> {
    let prefs = use_prefs();
    let (zh, en) = (zh.to_owned(), en.to_owned());
    move || prefs.get().locale.pick(&zh, &en).to_owned()
}

/// "一次不用跑" or "最多跑一次", for a number of trips.
pub fn trips_key(trips: u8) -> Key {
    if trips == 0 {
        Key::NoTrip
    } else {
        Key::OneTrip
    }
}

/// "3 个工作日", reactive.
pub fn days(n: u32) -> impl Fn() -> String + Copy + Send + Sync + use<> {
    let prefs = use_prefs();
    move || working_days(prefs.get().locale, n)
}

/// "承诺时限：3 个工作日", reactive.
pub fn promise(days: u32) -> impl Fn() -> String + Copy + Send + Sync + use<> {
    let prefs = use_prefs();
    move || promise_text(prefs.get().locale, days)
}

fn promise_text(locale: Locale, days: u32) -> String {
    let sep = locale.pick("：", ": ");
    format!(
        "{}{sep}{}",
        text(locale, Key::PromisedDays),
        working_days(locale, days)
    )
}
