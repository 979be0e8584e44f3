//! The app's words come from `onetrip-ui` (shared with the server, which renders the read-only
//! pages); this adds the reactive form the views use.

use leptos::prelude::Get;

pub use onetrip_ui::messages::*;

/// A fixed text in the current language, as a reactive closure for a view. Every call returns
/// the same closure type, so the framework's rendering code for it exists once in the wasm.
pub fn tr(key: Key) -> impl Fn() -> &'static str + Copy + Send + Sync + use<> {
    let prefs = crate::prefs::use_prefs();
    move || text(prefs.get().locale, key)
}
