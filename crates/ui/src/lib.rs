//! Words and read-only pages of 一次办, shared by the app (words) and the server (pages).
//!
//! Architecture invariant: pure, like the domain crate. No IO, no framework: the server turns
//! pages into HTML, the app shows it.

pub mod blocks;
pub mod doc;
pub mod form_fields;
pub mod form_top;
pub mod form_words;
pub mod messages;
pub mod pages;
pub mod prefs;
pub mod progress_controls;
pub mod progress_page;
pub mod review;
pub mod words;
