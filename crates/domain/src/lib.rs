//! The rules of 一次办, written once and compiled both to WebAssembly (the app) and natively
//! (the server).
//!
//! Architecture invariant: pure. No IO, no clock, no randomness, no async; "today" and every
//! other fact from the outside world is an argument.

pub mod application;
pub mod bank;
pub mod booking;
pub mod calendar;
pub mod catalog;
pub mod date;
pub mod feedback;
pub mod files;
pub mod ident;
pub mod lifecycle;
pub mod mask;
pub mod token;
pub mod validation;
pub mod workflow;

pub use date::CivilDate;

/// Every error code this crate can return, for the app's proof that each has words.
pub fn all_codes() -> Vec<&'static str> {
    let mut codes = ident::all_codes();
    codes.extend(feedback::CODES);
    codes.extend(catalog::questions::CODES);
    codes.push(catalog::checklist::UNKNOWN_SUBJECT);
    codes.push(catalog::merge::FIELD_CONFLICT);
    codes.extend(catalog::search::QUERY_CODES);
    codes.extend(application::CODES);
    codes.extend(application::MATERIAL_CODES);
    codes.extend(files::CODES);
    codes.extend(files::SERVER_CODES);
    codes.extend(workflow::CODES);
    codes.extend(bank::CODES);
    codes
}
