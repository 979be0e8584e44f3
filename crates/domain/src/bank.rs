//! 预约开户: banks and their branches as data (`catalog/banks.toml`), the applicant's choice of
//! bank and branch checked, branches ordered by distance from where the applicant is, and the
//! face-to-face signing (面签) time a bank confirms, checked against the branch's hours and the
//! working calendar. The same rules in the browser and on the server.

use serde::{Deserialize, Serialize};

use crate::CivilDate;
use crate::calendar::WorkCalendar;
use crate::validation::FieldProblem;

/// The chosen bank is not one of the catalogue's.
pub const BANK_UNKNOWN: &str = "bank.unknown";
/// The chosen branch is not a branch of the chosen bank.
pub const BRANCH_UNKNOWN: &str = "branch.unknown";
/// A signing time not written `HH:MM`.
pub const SIGNING_TIME_FORMAT: &str = "signing.time_format";
/// A signing time before now.
pub const SIGNING_PAST: &str = "signing.past";
/// A signing day that is not a working day.
pub const SIGNING_NOT_WORKING_DAY: &str = "signing.not_working_day";
/// A signing time outside the branch's hours (the signing takes half an hour).
pub const SIGNING_OUTSIDE_HOURS: &str = "signing.outside_hours";
/// A signing more than [`MAX_SIGNING_DAYS`] days ahead.
pub const SIGNING_TOO_LATE: &str = "signing.too_late";

pub const CODES: &[&str] = &[
    BANK_UNKNOWN,
    BRANCH_UNKNOWN,
    SIGNING_TIME_FORMAT,
    SIGNING_PAST,
    SIGNING_NOT_WORKING_DAY,
    SIGNING_OUTSIDE_HOURS,
    SIGNING_TOO_LATE,
];

/// Minutes a signing takes: the last one starts this long before closing.
pub const SIGNING_MINUTES: u16 = 30;
/// A signing is set at most this many days ahead.
pub const MAX_SIGNING_DAYS: i64 = 60;

/// A bank taking part in 网上预约银行开户, with its branches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Bank {
    pub code: String,
    pub name: String,
    pub name_en: String,
    /// Where the entry comes from (a seed briefing).
    pub source: String,
    /// Addresses, hours and places are examples (示例), not the banks' own.
    #[serde(default)]
    pub illustrative: bool,
    #[serde(rename = "branch")]
    pub branches: Vec<Branch>,
}

/// A place in degrees (WGS-84 as a phone reports it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Geo {
    pub lat: f64,
    pub lon: f64,
}

/// A branch (网点) where the account is signed for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// Unique across all banks.
    pub code: String,
    pub name: String,
    /// 区 of Hangzhou (上城区, 滨江区…).
    pub district: String,
    pub address: String,
    /// Opening and closing time on working days, `HH:MM`.
    pub opens: String,
    pub closes: String,
    pub lat: f64,
    pub lon: f64,
}

// Coordinates in the catalogue are finite numbers (checked at load), so equality is total.
impl Eq for Branch {}

impl Branch {
    pub fn geo(&self) -> Geo {
        Geo {
            lat: self.lat,
            lon: self.lon,
        }
    }
}

impl Bank {
    pub fn branch(&self, code: &str) -> Option<&Branch> {
        self.branches.iter().find(|b| b.code == code)
    }

    /// Its districts, in the order its branches list them.
    pub fn districts(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for b in &self.branches {
            if !out.contains(&b.district.as_str()) {
                out.push(&b.district);
            }
        }
        out
    }
}

/// A bank by code.
pub fn bank<'a>(banks: &'a [Bank], code: &str) -> Option<&'a Bank> {
    banks.iter().find(|b| b.code == code)
}

/// `HH:MM` as minutes after midnight.
pub fn minutes(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Distance in tenths of a kilometre between two places: an equirectangular approximation,
/// well under 1% off at the scale of a city, with no trigonometry beyond one cosine.
pub fn distance_tenths_km(a: Geo, b: Geo) -> u32 {
    const EARTH_KM: f64 = 6371.0;
    let mean_lat = ((a.lat + b.lat) / 2.0).to_radians();
    let x = (b.lon - a.lon).to_radians() * mean_lat.cos();
    let y = (b.lat - a.lat).to_radians();
    let km = EARTH_KM * (x * x + y * y).sqrt();
    (km * 10.0 + 0.5) as u32
}

/// The branches of a bank with their distance from `here`, nearest first (ties in catalogue
/// order).
pub fn nearest(bank: &Bank, here: Geo) -> Vec<(&Branch, u32)> {
    let mut out: Vec<(&Branch, u32)> = bank
        .branches
        .iter()
        .map(|b| (b, distance_tenths_km(here, b.geo())))
        .collect();
    out.sort_by_key(|(_, d)| *d);
    out
}

/// The problems of an applicant's choice, by the keys of the bank field and the branch field:
/// an unknown bank, or a branch that is not one of the chosen bank's.
pub fn choice_problems(
    banks: &[Bank],
    (bank_key, bank_code): (&str, Option<&str>),
    (branch_key, branch_code): (&str, Option<&str>),
) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let chosen = bank_code.map(|c| bank(banks, c.trim()));
    if let Some(None) = chosen {
        out.push(FieldProblem::new(bank_key, BANK_UNKNOWN));
    }
    if let Some(code) = branch_code {
        let ok = match chosen {
            Some(Some(b)) => b.branch(code.trim()).is_some(),
            // No bank chosen, or an unknown one: the branch cannot belong to it.
            _ => false,
        };
        if !ok {
            out.push(FieldProblem::new(branch_key, BRANCH_UNKNOWN));
        }
    }
    out
}

/// The problems of a signing time at `branch` (`date` `YYYY-MM-DD`, `time` `HH:MM`), set
/// `today` at `now` (minutes after midnight, China time): a working day, not in the past, at
/// most [`MAX_SIGNING_DAYS`] ahead, within the branch's hours with time to sign before it
/// closes. Every problem at once, on `date` or `time`.
pub fn signing_problems(
    branch: &Branch,
    calendar: &WorkCalendar,
    date: &str,
    time: &str,
    today: CivilDate,
    now: u16,
) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let day = date.trim().parse::<CivilDate>().ok();
    let at = minutes(time);
    if day.is_none() {
        out.push(FieldProblem::new("date", crate::application::DATE_FORMAT));
    }
    if at.is_none() {
        out.push(FieldProblem::new("time", SIGNING_TIME_FORMAT));
    }
    if let Some(day) = day {
        if day < today {
            out.push(FieldProblem::new("date", SIGNING_PAST));
        } else if day.to_days() - today.to_days() > MAX_SIGNING_DAYS {
            out.push(FieldProblem::new("date", SIGNING_TOO_LATE));
        } else if !calendar.is_working_day(day) {
            out.push(FieldProblem::new("date", SIGNING_NOT_WORKING_DAY));
        } else if let Some(at) = at
            && day == today
            && at <= now
        {
            out.push(FieldProblem::new("time", SIGNING_PAST));
        }
    }
    if let Some(at) = at {
        let opens = minutes(&branch.opens).unwrap_or(0);
        let closes = minutes(&branch.closes).unwrap_or(0);
        if at < opens || at + SIGNING_MINUTES > closes {
            out.push(FieldProblem::new("time", SIGNING_OUTSIDE_HOURS));
        }
    }
    out
}

/// What is wrong with the banks of a catalogue, as (subject, problem) pairs: codes, names,
/// hours, places, branch codes unique across banks.
pub fn catalogue_problems(banks: &[Bank]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for b in banks {
        let mut say = |subject: &str, p: &str| out.push((subject.to_owned(), p.to_owned()));
        if !crate::catalog::is_code(&b.code) {
            say(
                &b.code,
                "bank codes are lowercase letters, digits and dashes",
            );
        }
        if seen.contains(&b.code.as_str()) {
            say(&b.code, "the code is used twice");
        }
        seen.push(&b.code);
        if b.source.trim().is_empty() {
            say(&b.code, "`source` must say where the entry comes from");
        }
        if b.name.trim().is_empty() || b.name_en.trim().is_empty() {
            say(&b.code, "a bank needs its name in both languages");
        }
        if b.branches.is_empty() {
            say(&b.code, "a bank needs at least one branch");
        }
        for br in &b.branches {
            if !crate::catalog::is_code(&br.code) {
                say(
                    &br.code,
                    "branch codes are lowercase letters, digits and dashes",
                );
            }
            if seen.contains(&br.code.as_str()) {
                say(&br.code, "the code is used twice");
            }
            seen.push(&br.code);
            if [&br.name, &br.district, &br.address]
                .iter()
                .any(|s| s.trim().is_empty())
            {
                say(&br.code, "a branch needs its name, district and address");
            }
            match (minutes(&br.opens), minutes(&br.closes)) {
                (Some(o), Some(c)) if o + SIGNING_MINUTES <= c => {}
                _ => say(
                    &br.code,
                    "opening hours are `HH:MM` with room for a signing before closing",
                ),
            }
            let geo_ok = (-90.0..=90.0).contains(&br.lat) && (-180.0..=180.0).contains(&br.lon);
            if !geo_ok {
                say(&br.code, "latitude and longitude out of range");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
