//! 窗口预约: booking the one trip a matter still needs (负面清单), as service halls run it.
//!
//! The halls, their windows and their rules are data (`catalog/halls.toml`). Everything here is
//! pure: the caller says what "now" is (China's civil date and minutes since midnight), reads
//! the counts from its database inside the transaction that writes the booking, and asks
//! [`admit`] whether the booking may be made. The same function decides on SQLite and on
//! PostgreSQL, and the app shows the same slots the server will accept.
//!
//! The rules: at most one active booking per person per matter; at most `per_id` active
//! bookings per identity number and `per_phone` per mobile number; a person whose identity
//! was verified at a hall (staff marked an arrival) and who then missed `max_no_shows`
//! bookings in `no_show_days` days cannot book for a while; an unverified identity is never
//! blocked, so that nobody can get another person blocked by typing their number. Some seats
//! of each slot are kept for the green channel (70 and over, disabled, pregnant) until
//! `priority_release_minutes` before the slot, when they open to everyone. A booking can be
//! cancelled until `cancel_minutes` before it starts.

use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::date::CivilDate;

/// The halls (办事大厅), as `catalog/halls.toml` lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Halls {
    #[serde(rename = "hall", default)]
    pub halls: Vec<Hall>,
}

/// A service hall and its booking rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Hall {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub address: String,
    /// Opening sessions of a working day, `HH:MM-HH:MM` (e.g. `09:00-12:00`, `13:30-17:00`).
    pub sessions: Vec<String>,
    pub slot_minutes: u32,
    /// Working days ahead that can be booked (today not included).
    pub horizon_days: u32,
    /// A booking can be cancelled until this long before it starts.
    pub cancel_minutes: u32,
    /// Seats of each slot kept for the green channel…
    pub priority_seats: u32,
    /// …until this long before the slot starts.
    pub priority_release_minutes: u32,
    /// Active bookings per identity number, and per mobile number.
    pub per_id: u32,
    pub per_phone: u32,
    /// Missed bookings (of verified identities) within `no_show_days` that block booking.
    pub max_no_shows: u32,
    pub no_show_days: u32,
    #[serde(rename = "window")]
    pub windows: Vec<Window>,
    /// The addresses and times are examples (示例).
    #[serde(default)]
    pub illustrative: bool,
}

/// A window (窗口) of a hall: the matters it handles and the people per slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub code: String,
    pub name: String,
    pub matters: Vec<String>,
    /// Seats per slot.
    pub capacity: u32,
}

/// `HH:MM` as minutes since midnight.
pub fn minutes_of(hhmm: &str) -> Option<u32> {
    let (h, m) = hhmm.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Minutes since midnight as `HH:MM`.
pub fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn session(text: &str) -> Option<(u32, u32)> {
    let (a, b) = text.split_once('-')?;
    let (a, b) = (minutes_of(a)?, minutes_of(b)?);
    (a < b).then_some((a, b))
}

impl Hall {
    /// The slots' start times of a working day, in minutes since midnight.
    pub fn starts(&self) -> Vec<u32> {
        let step = self.slot_minutes.max(1);
        let mut out = Vec::new();
        for (from, to) in self.sessions.iter().filter_map(|s| session(s)) {
            let mut t = from;
            while t + step <= to {
                out.push(t);
                t += step;
            }
        }
        out
    }

    pub fn window(&self, code: &str) -> Option<&Window> {
        self.windows.iter().find(|w| w.code == code)
    }

    /// The days that can be booked from `today`: the next `horizon_days` working days.
    pub fn days(&self, calendar: &WorkCalendar, today: CivilDate) -> Vec<CivilDate> {
        let mut out = Vec::new();
        let mut d = today;
        // A year of calendar at most: a horizon cannot be longer.
        for _ in 0..370 {
            if out.len() as u32 >= self.horizon_days {
                break;
            }
            d = d.add_days(1);
            if calendar.is_working_day(d) {
                out.push(d);
            }
        }
        out
    }

    /// Every problem with the hall's data, all at once.
    pub fn problems(&self, matter_exists: impl Fn(&str) -> bool) -> Vec<String> {
        let mut p = Vec::new();
        let at = |what: String| format!("hall {}: {what}", self.code);
        if self.sessions.is_empty() {
            p.push(at("no sessions".into()));
        }
        for s in &self.sessions {
            if session(s).is_none() {
                p.push(at(format!("session {s:?} is not HH:MM-HH:MM")));
            }
        }
        if self.slot_minutes == 0 || self.starts().is_empty() {
            p.push(at("no slot fits in its sessions".into()));
        }
        if self.horizon_days == 0 || self.per_id == 0 || self.per_phone == 0 {
            p.push(at(
                "horizon_days, per_id and per_phone must be at least 1".into()
            ));
        }
        if self.windows.is_empty() {
            p.push(at("no windows".into()));
        }
        for w in &self.windows {
            if w.capacity == 0 || w.capacity <= self.priority_seats {
                p.push(at(format!(
                    "window {}: capacity must be more than priority_seats (and at least 1)",
                    w.code
                )));
            }
            for m in &w.matters {
                if !matter_exists(m) {
                    p.push(at(format!("window {}: no matter {m}", w.code)));
                }
            }
        }
        p
    }
}

impl Halls {
    /// The halls and windows that handle `matter`.
    pub fn for_matter<'a>(
        &'a self,
        matter: &'a str,
    ) -> impl Iterator<Item = (&'a Hall, &'a Window)> {
        self.halls.iter().flat_map(move |h| {
            h.windows
                .iter()
                .filter(move |w| w.matters.iter().any(|m| m == matter))
                .map(move |w| (h, w))
        })
    }

    pub fn hall(&self, code: &str) -> Option<&Hall> {
        self.halls.iter().find(|h| h.code == code)
    }
}

/// A moment in China time: the civil date and minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    pub date: CivilDate,
    pub minutes: u32,
}

impl Moment {
    /// Minutes from `self` to `later` (negative when `later` is earlier).
    pub fn minutes_until(self, later: Moment) -> i64 {
        (later.date.to_days() - self.date.to_days()) * 24 * 60 + i64::from(later.minutes)
            - i64::from(self.minutes)
    }
}

/// Why a slot cannot be booked, each a code the UI turns into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not a slot of this hall and window on a bookable day (past, too far, a day off).
    SlotInvalid,
    /// 已约满.
    Full,
    /// This person already has an active booking for this matter.
    Duplicate,
    /// Too many active bookings for this identity number or this mobile number.
    Quota,
    /// Blocked after repeated no-shows.
    Blocked,
    /// Too late to cancel.
    TooLate,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::SlotInvalid => "booking.slot_invalid",
            Refusal::Full => "booking.full",
            Refusal::Duplicate => "booking.duplicate",
            Refusal::Quota => "booking.quota",
            Refusal::Blocked => "booking.blocked",
            Refusal::TooLate => "booking.too_late",
        }
    }
}

/// Is `start` on `date` a slot that can be booked at `now`?
pub fn bookable(
    hall: &Hall,
    calendar: &WorkCalendar,
    now: Moment,
    date: CivilDate,
    start: u32,
) -> bool {
    hall.days(calendar, now.date).contains(&date) && hall.starts().contains(&start)
}

/// What the database says, read in the transaction that would write the booking.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Active bookings of the slot at this window: all of them, and those of the green channel.
    pub taken: u32,
    pub taken_priority: u32,
    /// This person's active bookings for the same matter.
    pub same_matter: u32,
    /// Active bookings (not yet started) of this identity number, and of this mobile number.
    pub by_id: u32,
    pub by_phone: u32,
    /// Missed bookings within `no_show_days`, counted only if the identity was verified at a
    /// hall (0 otherwise).
    pub verified_no_shows: u32,
}

/// May this booking be made? `priority`: the person is in the green channel.
pub fn admit(
    hall: &Hall,
    window: &Window,
    now: Moment,
    slot: Moment,
    priority: bool,
    c: Counts,
) -> Result<(), Refusal> {
    if c.same_matter > 0 {
        return Err(Refusal::Duplicate);
    }
    if c.by_id >= hall.per_id || c.by_phone >= hall.per_phone {
        return Err(Refusal::Quota);
    }
    if hall.max_no_shows > 0 && c.verified_no_shows >= hall.max_no_shows {
        return Err(Refusal::Blocked);
    }
    if c.taken >= window.capacity {
        return Err(Refusal::Full);
    }
    // Seats kept for the green channel, until they are released.
    let released = now.minutes_until(slot) <= i64::from(hall.priority_release_minutes);
    let kept = if released || priority {
        0
    } else {
        hall.priority_seats
            .saturating_sub(c.taken_priority)
            .min(window.capacity)
    };
    if c.taken + kept >= window.capacity {
        return Err(Refusal::Full);
    }
    Ok(())
}

/// The seats of a slot with `taken` bookings (`taken_priority` of them the green channel's):
/// (seats anyone may book now, seats left only for the green channel).
pub fn seats(
    hall: &Hall,
    window: &Window,
    now: Moment,
    slot: Moment,
    taken: u32,
    taken_priority: u32,
) -> (u32, u32) {
    let counts = |taken| Counts {
        taken,
        taken_priority,
        ..Counts::default()
    };
    let anyone = (0..window.capacity)
        .take_while(|n| admit(hall, window, now, slot, false, counts(taken + n)).is_ok())
        .count() as u32;
    let all = window.capacity.saturating_sub(taken);
    (anyone, all.saturating_sub(anyone))
}

/// Every problem with who books, at once, as (field, code): `name`, `id_number`, `mobile`.
/// The app checks with this before sending; the server checks again.
pub fn person_problems(
    name: &str,
    id_number: &str,
    mobile: &str,
    today: CivilDate,
) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if let Some(code) = crate::application::person_name_problem(name.trim()) {
        out.push(("name", code));
    }
    if let Err(e) = crate::ident::ResidentId::parse(id_number, today) {
        out.push(("id_number", e.code()));
    }
    if let Err(e) = crate::ident::MobileNumber::parse(mobile) {
        out.push(("mobile", e.code()));
    }
    out
}

/// May a booking starting at `slot` be cancelled at `now`?
pub fn cancellable(hall: &Hall, now: Moment, slot: Moment) -> Result<(), Refusal> {
    if now.minutes_until(slot) >= i64::from(hall.cancel_minutes) {
        Ok(())
    } else {
        Err(Refusal::TooLate)
    }
}

/// The green channel by age: 70 or over on the day of the booking.
pub fn elderly(birth: CivilDate, on: CivilDate) -> bool {
    birth.age_on(on) >= 70
}

#[cfg(test)]
mod tests;
