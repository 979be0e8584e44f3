//! The working-day calendar (工作日历) and promised dates (承诺时限).
//!
//! Public holidays and the weekend days that are worked instead (调休上班) are data
//! (`catalog/calendar.toml`), one entry per year. Days are China's civil dates: the caller turns
//! its clock into "today" in China time; nothing here reads a clock.
//!
//! A year marked `provisional` (the State Council's notice is not in the data yet), and any year
//! not in the data at all, still gives an answer, but the answer says it is provisional.

use serde::{Deserialize, Serialize};

use crate::date::CivilDate;

/// One calendar year's days off and adjusted working days.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CalendarYear {
    pub year: i32,
    /// The year's official notice is not in the data yet: only the statutory days are listed.
    pub provisional: bool,
    /// Where the days come from (the notice's title and number).
    pub source: String,
    /// Every day off of every holiday period, weekend days inside a period included.
    pub holidays: Vec<CivilDate>,
    /// Saturdays and Sundays that are working days (调休上班).
    #[serde(default)]
    pub workdays: Vec<CivilDate>,
}

/// The working-day calendar: consecutive years, oldest first.
#[derive(Deserialize, Serialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WorkCalendar {
    #[serde(rename = "year", default)]
    pub years: Vec<CalendarYear>,
}

/// A promised date: the last working day of a time limit.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Promise {
    /// `YYYY-MM-DD`, China time.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: CivilDate,
    /// Some day counted lies in a year whose holidays are not yet officially known, so the date
    /// may still move.
    pub provisional: bool,
}

impl WorkCalendar {
    /// Every problem with the data, all at once; empty when the calendar can be used.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.years.is_empty() {
            problems.push("the calendar lists no year".to_owned());
        }
        for pair in self.years.windows(2) {
            let (previous, year) = (pair[0].year, pair[1].year);
            if year == previous {
                problems.push(format!("year {year} is listed twice"));
            } else if Some(year) != previous.checked_add(1) {
                problems.push(format!(
                    "years must follow one another without gaps: {year} comes after {previous}"
                ));
            }
        }
        for y in &self.years {
            let year = y.year;
            if y.source.trim().is_empty() {
                problems.push(format!("year {year} names no source"));
            }
            for (kind, days) in [("holiday", &y.holidays), ("workday", &y.workdays)] {
                for (i, d) in days.iter().enumerate() {
                    if d.year() != year {
                        problems.push(format!("{kind} {d} is listed under year {year}"));
                    }
                    if days[..i].contains(d) {
                        problems.push(format!("{kind} {d} is listed twice in year {year}"));
                    }
                }
            }
            for d in &y.workdays {
                if y.holidays.contains(d) {
                    problems.push(format!(
                        "{d} is both a holiday and a workday in year {year}"
                    ));
                }
                if !d.weekday().is_weekend() {
                    problems.push(format!(
                        "workday {d} is a {:?}: only a Saturday or Sunday can be an adjusted workday",
                        d.weekday()
                    ));
                }
            }
        }
        problems
    }

    fn year_of(&self, d: CivilDate) -> Option<&CalendarYear> {
        self.years.iter().find(|y| y.year == d.year())
    }

    /// A day the offices work: a weekday that is not a holiday, or an adjusted workday. Years not
    /// in the data count weekends only.
    pub fn is_working_day(&self, d: CivilDate) -> bool {
        match self.year_of(d) {
            Some(y) if y.workdays.contains(&d) => true,
            Some(y) if y.holidays.contains(&d) => false,
            _ => !d.weekday().is_weekend(),
        }
    }

    /// Whether working days counted on `d` are only provisional: its year is provisional or not
    /// in the data.
    fn is_provisional(&self, d: CivilDate) -> bool {
        self.year_of(d).is_none_or(|y| y.provisional)
    }

    /// The first day of the first listed year after `d`'s year, if any.
    fn next_listed_start(&self, d: CivilDate) -> Option<CivilDate> {
        self.years
            .iter()
            .map(|y| y.year)
            .filter(|&year| year > d.year())
            .min()
            .and_then(|year| CivilDate::new(year, 1, 1))
    }

    /// The `n`-th working day after `start` (the day of acceptance does not count); `n = 0`
    /// gives `start`. Provisional when any day after `start` up to the result lies in a
    /// provisional year or a year not in the data.
    pub fn add_working_days(&self, start: CivilDate, n: u32) -> Promise {
        let mut date = start;
        let mut remaining = n;
        let mut provisional = false;
        while remaining > 0 {
            let next = date.add_days(1);
            if next == date {
                // The end of the dates a CivilDate can hold: nothing later to count.
                provisional = true;
                break;
            }
            if self.year_of(next).is_none() {
                // Weekends only until the next listed year: every 7 days hold 5 working days,
                // so whole weeks are skipped at once (always leaving 1 to 5 days to walk).
                let whole_weeks = (remaining - 1) / 5;
                let weeks_before_listed = self
                    .next_listed_start(date)
                    .map_or(i64::MAX, |limit| (limit.to_days() - date.to_days() - 1) / 7);
                let weeks = i64::from(whole_weeks).min(weeks_before_listed);
                if weeks > 0 {
                    provisional = true;
                    date = date.add_days(weeks * 7);
                    // weeks <= whole_weeks, a u32, so this fits and does not underflow.
                    remaining -= (weeks as u32) * 5;
                    continue;
                }
            }
            provisional |= self.is_provisional(next);
            if self.is_working_day(next) {
                remaining -= 1;
            }
            date = next;
        }
        Promise { date, provisional }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> CivilDate {
        s.parse().unwrap()
    }

    fn repo_calendar() -> WorkCalendar {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalog/calendar.toml");
        let text = std::fs::read_to_string(path).expect("catalog/calendar.toml");
        toml::from_str(&text).expect("catalog/calendar.toml must parse")
    }

    fn check(cal: &WorkCalendar, start: &str, n: u32, want: &str, provisional: bool) {
        assert_eq!(
            cal.add_working_days(date(start), n),
            Promise {
                date: date(want),
                provisional
            },
            "{n} working days after {start}"
        );
    }

    #[test]
    fn the_repository_calendar_is_sound() {
        let cal = repo_calendar();
        assert_eq!(cal.problems(), Vec::<String>::new());
        let years: Vec<i32> = cal.years.iter().map(|y| y.year).collect();
        for year in [2025, 2026, 2027] {
            assert!(years.contains(&year), "{year} in {years:?}");
        }
        let provisional = |year: i32| {
            cal.years
                .iter()
                .find(|y| y.year == year)
                .unwrap()
                .provisional
        };
        assert!(!provisional(2025));
        assert!(!provisional(2026));
        assert!(provisional(2027));
    }

    #[test]
    fn spring_festival_2026() {
        let cal = repo_calendar();
        // Fri 13 Feb; Sat 14 Feb is worked (day 1); 15–23 Feb off; Tue 24 (2), Wed 25 (3).
        check(&cal, "2026-02-13", 3, "2026-02-25", false);
        check(&cal, "2026-02-13", 1, "2026-02-14", false);
        check(&cal, "2026-02-13", 2, "2026-02-24", false);
        assert!(cal.is_working_day(date("2026-02-14")));
        assert!(!cal.is_working_day(date("2026-02-23")));
        // Sat 28 Feb is worked too.
        check(&cal, "2026-02-26", 2, "2026-02-28", false);
    }

    #[test]
    fn national_day_2025() {
        let cal = repo_calendar();
        // Tue 30 Sep; 1–8 Oct off; Thu 9 Oct.
        check(&cal, "2025-09-30", 1, "2025-10-09", false);
        // Sun 28 Sep is worked; Sat 11 Oct too.
        check(&cal, "2025-09-27", 1, "2025-09-28", false);
        check(&cal, "2025-10-09", 2, "2025-10-11", false);
        assert!(!cal.is_working_day(date("2025-10-08")));
    }

    #[test]
    fn a_plain_week() {
        let cal = repo_calendar();
        // Mon 16 Mar 2026: the working week, then the weekend is skipped.
        check(&cal, "2026-03-16", 4, "2026-03-20", false);
        check(&cal, "2026-03-16", 5, "2026-03-23", false);
        check(&cal, "2026-03-16", 10, "2026-03-30", false);
        // Accepted on a Saturday: Monday is the first day.
        check(&cal, "2026-03-14", 1, "2026-03-16", false);
        assert!(!cal.is_working_day(date("2026-03-14")));
        assert!(cal.is_working_day(date("2026-03-16")));
    }

    #[test]
    fn zero_days_is_the_start() {
        let cal = repo_calendar();
        check(&cal, "2026-02-13", 0, "2026-02-13", false);
        // Even on a holiday, and even outside the data: nothing was counted.
        check(&cal, "2026-02-16", 0, "2026-02-16", false);
        check(&cal, "2030-01-01", 0, "2030-01-01", false);
    }

    #[test]
    fn provisional_years() {
        let cal = repo_calendar();
        // 2027: statutory days only. Thu 4 Feb 2027; 5–8 Feb off; Tue 9 Feb.
        check(&cal, "2027-02-04", 1, "2027-02-09", true);
        // Reaching into 2027 from 2026 is provisional too.
        check(&cal, "2026-12-30", 2, "2027-01-04", true);
        // But 2026 alone is not.
        check(&cal, "2026-12-29", 2, "2026-12-31", false);
        // 2028 is not in the data: weekends only. Mon 3 Jan 2028 + 5 = Mon 10 Jan.
        check(&cal, "2028-01-03", 5, "2028-01-10", true);
        assert!(cal.is_working_day(date("2028-01-03")));
        assert!(!cal.is_working_day(date("2028-01-01")));
        // Before the data, into it: provisional, and the 2025 holiday still counts. The start
        // itself is not counted, so starting on the last day before the data is not provisional.
        check(&cal, "2024-12-30", 2, "2025-01-02", true);
        check(&cal, "2024-12-31", 1, "2025-01-02", false);
    }

    #[test]
    fn long_stretches_outside_the_data_match_walking_day_by_day() {
        let cal = repo_calendar();
        let walk = |start: CivilDate, n: u32| {
            let mut d = start;
            let mut left = n;
            while left > 0 {
                d = d.add_days(1);
                if cal.is_working_day(d) {
                    left -= 1;
                }
            }
            d
        };
        for start in [
            "2020-01-01",
            "2024-06-08",
            "2024-06-09",
            "2027-12-25",
            "2031-03-07",
        ] {
            for n in [1, 4, 5, 6, 9, 10, 11, 250, 600, 1500] {
                let got = cal.add_working_days(date(start), n);
                assert_eq!(got.date, walk(date(start), n), "{n} after {start}");
            }
        }
        // A huge count returns rather than walking billions of days.
        let far = cal.add_working_days(date("2026-01-05"), u32::MAX);
        assert!(far.provisional);
        assert!(far.date.year() > 10_000_000);
    }

    #[test]
    fn no_data_counts_weekends_only() {
        let cal = WorkCalendar::default();
        check(&cal, "2026-02-13", 3, "2026-02-18", true);
        assert!(!cal.problems().is_empty());
    }

    #[test]
    fn problems_are_found() {
        let year = |year: i32, holidays: &[&str], workdays: &[&str]| CalendarYear {
            year,
            provisional: false,
            source: "test".to_owned(),
            holidays: holidays.iter().map(|s| date(s)).collect(),
            workdays: workdays.iter().map(|s| date(s)).collect(),
        };
        let cal = WorkCalendar {
            years: vec![
                // 2025-09-28 is a Sunday, 2025-09-29 a Monday.
                year(
                    2025,
                    &["2025-10-01", "2026-01-01", "2025-09-28", "2025-10-01"],
                    &["2025-09-28", "2025-09-29"],
                ),
                year(2025, &[], &[]),
                year(2027, &[], &[]),
            ],
        };
        let problems = cal.problems();
        let has = |text: &str| problems.iter().any(|p| p.contains(text));
        assert!(has("year 2025 is listed twice"), "{problems:?}");
        assert!(has("2027 comes after 2025"), "{problems:?}");
        assert!(
            has("holiday 2026-01-01 is listed under year 2025"),
            "{problems:?}"
        );
        assert!(has("holiday 2025-10-01 is listed twice"), "{problems:?}");
        assert!(
            has("2025-09-28 is both a holiday and a workday"),
            "{problems:?}"
        );
        assert!(has("workday 2025-09-29 is a Monday"), "{problems:?}");
        assert_eq!(problems.len(), 6, "{problems:?}");

        let mut no_source = repo_calendar();
        no_source.years[0].source = " ".to_owned();
        assert_eq!(no_source.problems(), vec!["year 2025 names no source"]);
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = "[[year]]\nyear = 2025\nprovisional = false\nsource = \"x\"\nholidays = []\nholiday = []\n";
        assert!(toml::from_str::<WorkCalendar>(text).is_err());
        let text = "[[year]]\nyear = 2025\nprovisional = false\nsource = \"x\"\nholidays = [\"2025-02-30\"]\n";
        assert!(toml::from_str::<WorkCalendar>(text).is_err());
    }

    #[test]
    fn promise_serde_form() {
        let p = Promise {
            date: date("2026-02-25"),
            provisional: false,
        };
        let text = toml::to_string(&p).unwrap();
        assert_eq!(text, "date = \"2026-02-25\"\nprovisional = false\n");
        assert_eq!(toml::from_str::<Promise>(&text).unwrap(), p);
    }
}
