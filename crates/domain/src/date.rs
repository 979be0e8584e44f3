//! Calendar dates without a clock: proleptic Gregorian, days counted from 1970-01-01.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    // Field order makes the derived ordering chronological.
    year: i32,
    month: u8,
    day: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl CivilDate {
    /// A real calendar date, or `None`.
    pub fn new(year: i32, month: u32, day: u32) -> Option<CivilDate> {
        let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
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

    /// Days since 1970-01-01. Counts whole 400-year eras from 0000-03-01, so that the leap day
    /// falls at the end of each counted year.
    pub fn to_days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let shifted_month = (m + 9) % 12; // March = 0
        let day_of_year = (153 * shifted_month + 2) / 5 + d - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The inverse of `to_days`.
    pub fn from_days(days: i64) -> CivilDate {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        CivilDate {
            year: year as i32,
            month: month as u8,
            day: day as u8,
        }
    }

    pub fn add_days(self, n: i64) -> CivilDate {
        CivilDate::from_days(self.to_days() + n)
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        const ORDER: [Weekday; 7] = [
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
            Weekday::Sunday,
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
        ];
        ORDER[self.to_days().rem_euclid(7) as usize]
    }

    /// Completed years of someone born on `self`, on `today`. A 29 February birthday counts as
    /// reached on 1 March in common years.
    pub fn age_on(self, today: CivilDate) -> u32 {
        if today < self {
            return 0;
        }
        let years = today.year - self.year;
        let birthday_reached = (today.month, today.day) >= (self.month, self.day);
        (years - i32::from(!birthday_reached)).max(0) as u32
    }
}

impl fmt::Display for CivilDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateParseError;

impl fmt::Display for DateParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected a real date as YYYY-MM-DD")
    }
}

impl FromStr for CivilDate {
    type Err = DateParseError;

    /// Exactly `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return Err(DateParseError);
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().map_err(|_| DateParseError);
        CivilDate::new(num(0..4)? as i32, num(5..7)?, num(8..10)?).ok_or(DateParseError)
    }
}

impl serde::Serialize for CivilDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for CivilDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
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
        for (year, leap) in [
            (1900, false),
            (2000, true),
            (2024, true),
            (2026, false),
            (2100, false),
        ] {
            assert_eq!(is_leap_year(year), leap, "{year}");
        }
        assert!(CivilDate::new(2024, 2, 29).is_some());
        assert!(CivilDate::new(2026, 2, 29).is_none());
        assert!(CivilDate::new(2026, 4, 31).is_none());
        assert!(CivilDate::new(2026, 13, 1).is_none());
        assert!(CivilDate::new(2026, 1, 0).is_none());
    }

    #[test]
    fn days_round_trip_over_centuries() {
        assert_eq!(date("1970-01-01").to_days(), 0);
        assert_eq!(date("2000-03-01").to_days(), 11_017);
        let mut previous = CivilDate::from_days(-400_000);
        for days in -399_999..400_000 {
            let d = CivilDate::from_days(days);
            assert_eq!(d.to_days(), days);
            assert!(d > previous, "{d} after {previous}");
            assert!(CivilDate::new(d.year(), d.month(), d.day()).is_some());
            previous = d;
        }
    }

    #[test]
    fn weekdays() {
        assert_eq!(date("1970-01-01").weekday(), Weekday::Thursday);
        assert_eq!(date("2026-11-23").weekday(), Weekday::Monday);
        assert!(date("2026-11-28").weekday().is_weekend());
        assert_eq!(date("1949-10-01").weekday(), Weekday::Saturday);
    }

    #[test]
    fn ages() {
        let born = date("2008-11-23");
        assert_eq!(born.age_on(date("2026-11-22")), 17);
        assert_eq!(born.age_on(date("2026-11-23")), 18);
        let leap = date("2008-02-29");
        assert_eq!(leap.age_on(date("2026-02-28")), 17);
        assert_eq!(leap.age_on(date("2026-03-01")), 18);
        assert_eq!(leap.age_on(date("2028-02-29")), 20);
        assert_eq!(date("2030-01-01").age_on(date("2026-01-01")), 0);
    }

    #[test]
    fn text_form() {
        assert_eq!(date("2026-01-05").to_string(), "2026-01-05");
        for bad in [
            "2026-1-05",
            "2026-02-30",
            "20260105",
            "2026-01-05 ",
            "２０２６-01-05",
            "",
        ] {
            assert!(bad.parse::<CivilDate>().is_err(), "{bad:?}");
        }
    }
}
