//! Calendar dates without a clock: proleptic Gregorian, days counted from 1970-01-01.
//!
//! "Today" is always an argument, so the same rules give the same answer in the browser, on the
//! server and in a test.

use std::fmt;
use std::str::FromStr;

/// A real calendar date. The text form (and the serde form) is `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    // Field order makes the derived ordering chronological.
    year: i32,
    month: u8,
    day: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }
}

/// Gregorian: every fourth year, but not centuries unless divisible by 400.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in `month` (1-12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to 0000-03-01, the start of the first counted era.
const EPOCH_SHIFT: i64 = 719_468;
/// Days in 400 Gregorian years: the calendar repeats exactly after that.
const DAYS_PER_ERA: i64 = 146_097;

/// Days since 1970-01-01. Years are counted from 1 March, so the leap day is the last day of its
/// counted year and the month lengths before it never depend on the year.
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    // March is 0, February is 11.
    let month_from_march = (month + 9) % 12;
    // 153 days per five months (31 30 31 30 31) spreads the month lengths from March on.
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * DAYS_PER_ERA + day_of_era - EPOCH_SHIFT
}

/// The first and last day a `CivilDate` can hold: `from_days` clamps to them instead of
/// overflowing.
const MIN_DAYS: i64 = days_from_civil(i32::MIN as i64, 1, 1);
const MAX_DAYS: i64 = days_from_civil(i32::MAX as i64, 12, 31);

impl CivilDate {
    /// A real calendar date, or `None`.
    pub fn new(year: i32, month: u32, day: u32) -> Option<CivilDate> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        // The casts are lossless: month <= 12 and day <= 31 here.
        valid.then_some(CivilDate {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// The same as the free function `is_leap_year`, for callers who think of it as the type's.
    pub fn is_leap_year(year: i32) -> bool {
        is_leap_year(year)
    }

    /// The same as the free function `days_in_month`.
    pub fn days_in_month(year: i32, month: u32) -> u32 {
        days_in_month(year, month)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn to_days(self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        )
    }

    /// The inverse of `to_days`. Day counts beyond the years an `i32` holds are clamped, so
    /// that no input panics.
    pub fn from_days(days: i64) -> CivilDate {
        let shifted = days.clamp(MIN_DAYS, MAX_DAYS) + EPOCH_SHIFT;
        let era = shifted.div_euclid(DAYS_PER_ERA);
        let day_of_era = shifted - era * DAYS_PER_ERA; // 0..=146_096
        // Remove the leap days seen so far (one per 4 years, none per 100, one per 400) to get
        // whole 365-day years; the last day of the era is a leap day of its own.
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        // The inverse of the 153-per-five-months spread in `days_from_civil`.
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        let year = era * 400 + year_of_era + i64::from(month <= 2);
        // The clamp above keeps the year within i32; month and day are small.
        CivilDate {
            year: year as i32,
            month: month as u8,
            day: day as u8,
        }
    }

    /// `n` days later (earlier when negative); saturates at the ends of the range.
    pub fn add_days(self, n: i64) -> CivilDate {
        CivilDate::from_days(self.to_days().saturating_add(n))
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        const FROM_THURSDAY: [Weekday; 7] = [
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday,
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
        ];
        FROM_THURSDAY[self.to_days().rem_euclid(7) as usize]
    }

    /// Completed years of someone born on `self`, on `today` (0 before the birth). A 29 February
    /// birthday counts as reached on 1 March in common years, as the month-and-day comparison
    /// below does by itself.
    pub fn age_on(self, today: CivilDate) -> u32 {
        if today <= self {
            return 0;
        }
        let years = i64::from(today.year) - i64::from(self.year);
        let birthday_reached = (today.month, today.day) >= (self.month, self.day);
        let age = years - i64::from(!birthday_reached);
        u32::try_from(age).unwrap_or(u32::MAX)
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The text was not a real date written as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateParseError;

impl fmt::Display for DateParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected a real date as YYYY-MM-DD")
    }
}

impl std::error::Error for DateParseError {}

impl FromStr for CivilDate {
    type Err = DateParseError;

    /// Exactly `YYYY-MM-DD` in ASCII digits: no signs, no spaces, no other widths.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| {
                if i == 4 || i == 7 {
                    *c == b'-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !shaped {
            return Err(DateParseError);
        }
        // Digits only, so the sums cannot overflow.
        let number = |range: std::ops::Range<usize>| {
            b[range]
                .iter()
                .fold(0u32, |n, c| n * 10 + u32::from(c - b'0'))
        };
        CivilDate::new(number(0..4) as i32, number(5..7), number(8..10)).ok_or(DateParseError)
    }
}

impl serde::Serialize for CivilDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CivilDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor borrows the text instead of allocating a String for ten bytes.
        struct DateText;

        impl serde::de::Visitor<'_> for DateText {
            type Value = CivilDate;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date as YYYY-MM-DD")
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<CivilDate, E> {
                s.parse()
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(s), &self))
            }
        }

        d.deserialize_str(DateText)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> CivilDate {
        s.parse().unwrap()
    }

    #[test]
    fn leap_years() {
        fn check(year: i32, leap: bool) {
            assert_eq!(is_leap_year(year), leap, "{year}");
            assert_eq!(CivilDate::is_leap_year(year), leap, "{year}");
            assert_eq!(days_in_month(year, 2), if leap { 29 } else { 28 }, "{year}");
            assert_eq!(CivilDate::new(year, 2, 29).is_some(), leap, "{year}");
        }
        check(1900, false);
        check(2000, true);
        check(2024, true);
        check(2026, false);
        check(2100, false);
        check(1600, true);
        check(0, true);
        check(-4, true);
    }

    #[test]
    fn real_dates_only() {
        fn check(y: i32, m: u32, d: u32, real: bool) {
            assert_eq!(CivilDate::new(y, m, d).is_some(), real, "{y}-{m}-{d}");
        }
        check(2026, 1, 31, true);
        check(2026, 4, 30, true);
        check(2026, 4, 31, false);
        check(2026, 12, 31, true);
        check(2026, 13, 1, false);
        check(2026, 0, 1, false);
        check(2026, 1, 0, false);
        check(2026, 1, 32, false);
        assert_eq!(days_in_month(2026, 0), 0);
        assert_eq!(CivilDate::days_in_month(2026, 11), 30);
    }

    #[test]
    fn days_round_trip_over_centuries() {
        fn check(text: &str, days: i64) {
            assert_eq!(date(text).to_days(), days, "{text}");
            assert_eq!(CivilDate::from_days(days), date(text), "{days}");
        }
        check("1970-01-01", 0);
        check("1969-12-31", -1);
        check("2000-03-01", 11_017);
        check("2026-11-23", 20_780);
        check("0000-03-01", -719_468);

        // Every day of roughly 2,200 years either side of 1970: consecutive, real, reversible.
        let mut previous = CivilDate::from_days(-800_000);
        for days in -799_999..800_000 {
            let d = CivilDate::from_days(days);
            assert_eq!(d.to_days(), days);
            assert!(d > previous, "{d} after {previous}");
            assert_eq!(CivilDate::new(d.year(), d.month(), d.day()), Some(d));
            assert_eq!(previous.add_days(1), d);
            previous = d;
        }
    }

    #[test]
    fn extreme_day_counts_clamp() {
        let last = CivilDate::new(i32::MAX, 12, 31).unwrap();
        let first = CivilDate::new(i32::MIN, 1, 1).unwrap();
        assert_eq!(CivilDate::from_days(i64::MAX), last);
        assert_eq!(CivilDate::from_days(i64::MIN), first);
        assert_eq!(last.add_days(i64::MAX), last);
        assert_eq!(first.add_days(i64::MIN), first);
        assert_eq!(CivilDate::from_days(last.to_days()), last);
        assert_eq!(CivilDate::from_days(first.to_days()), first);
    }

    #[test]
    fn weekdays() {
        fn check(text: &str, weekday: Weekday) {
            assert_eq!(date(text).weekday(), weekday, "{text}");
        }
        check("1970-01-01", Weekday::Thursday);
        check("2026-11-23", Weekday::Monday);
        check("2026-11-28", Weekday::Saturday);
        check("2026-11-29", Weekday::Sunday);
        check("1949-10-01", Weekday::Saturday);
        check("2000-02-29", Weekday::Tuesday);
        check("1900-01-01", Weekday::Monday);
        assert!(date("2026-11-28").weekday().is_weekend());
        assert!(date("2026-11-29").weekday().is_weekend());
        assert!(!date("2026-11-27").weekday().is_weekend());
    }

    #[test]
    fn ages() {
        fn check(born: &str, today: &str, age: u32) {
            assert_eq!(date(born).age_on(date(today)), age, "{born} on {today}");
        }
        check("2008-11-23", "2026-11-22", 17);
        check("2008-11-23", "2026-11-23", 18);
        check("2008-11-23", "2026-11-24", 18);
        check("2008-11-23", "2008-11-23", 0);
        check("2008-11-23", "2009-11-22", 0);
        check("2008-11-23", "2009-11-23", 1);
        // Born on a leap day: older on 1 March in common years, on 29 February in leap years.
        check("2008-02-29", "2026-02-28", 17);
        check("2008-02-29", "2026-03-01", 18);
        check("2008-02-29", "2028-02-28", 19);
        check("2008-02-29", "2028-02-29", 20);
        // Not born yet.
        check("2030-01-01", "2026-01-01", 0);
        // New Year's Eve birthdays.
        check("1949-12-31", "2026-11-23", 76);
        check("1949-12-31", "2026-12-31", 77);
    }

    #[test]
    fn text_form() {
        fn check(text: &str, parsed: Option<(i32, u32, u32)>) {
            let want = parsed.map(|(y, m, d)| CivilDate::new(y, m, d).unwrap());
            assert_eq!(text.parse::<CivilDate>().ok(), want, "{text:?}");
            if let Some(d) = want {
                assert_eq!(d.to_string(), text);
            }
        }
        check("2026-01-05", Some((2026, 1, 5)));
        check("2024-02-29", Some((2024, 2, 29)));
        check("0001-01-01", Some((1, 1, 1)));
        check("2026-1-05", None);
        check("2026-02-30", None);
        check("20260105", None);
        check("2026-01-05 ", None);
        check(" 2026-01-05", None);
        check("2026/01/05", None);
        check("+026-01-05", None);
        check("２０２６-01-05", None);
        check("2026-00-10", None);
        check("", None);
    }

    #[test]
    fn serde_form() {
        use serde::Deserialize;
        use serde::de::value::{Error, StrDeserializer};

        fn check(text: &str, ok: bool) {
            let got = CivilDate::deserialize(StrDeserializer::<Error>::new(text));
            assert_eq!(got.ok(), text.parse().ok(), "{text:?}");
            assert_eq!(text.parse::<CivilDate>().is_ok(), ok, "{text:?}");
        }
        check("2026-11-23", true);
        check("2026-02-29", false);
        check("23/11/2026", false);
    }
}
