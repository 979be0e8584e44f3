//! One module per page.

pub mod bundle;
pub mod home;
pub mod matter;
pub mod not_found;

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
pub fn trips_text(locale: Locale, trips: u8) -> &'static str {
    text(
        locale,
        if trips == 0 {
            Key::NoTrip
        } else {
            Key::OneTrip
        },
    )
}

/// "承诺时限：3 个工作日".
pub fn promise_text(locale: Locale, days: u32) -> String {
    let sep = locale.pick("：", ": ");
    format!(
        "{}{sep}{}",
        text(locale, Key::PromisedDays),
        working_days(locale, days)
    )
}
