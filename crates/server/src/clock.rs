//! Time comes from here, never from `SystemTime::now()` elsewhere, so tests can move it.
//! Dates for people are China time: Asia/Shanghai has been UTC+8 without daylight saving since
//! 1991, so a fixed offset is exact for every date this service handles.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use onetrip_domain::CivilDate;

const CHINA_OFFSET_MS: i64 = 8 * 3600 * 1000;
const DAY_MS: i64 = 86_400_000;

/// Milliseconds since the Unix epoch (UTC). Stored as a plain integer in every database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The calendar date in China at this instant.
    pub fn china_date(self) -> CivilDate {
        CivilDate::from_days((self.0 + CHINA_OFFSET_MS).div_euclid(DAY_MS))
    }

    /// The calendar date in China and the minute of that day (0..1440).
    pub fn china_date_and_minute(self) -> (CivilDate, u16) {
        let minute = (self.0 + CHINA_OFFSET_MS).rem_euclid(DAY_MS) / 60_000;
        (self.china_date(), minute as u16)
    }

    /// Minutes since midnight in China at this instant.
    pub fn china_minutes(self) -> u32 {
        u32::try_from((self.0 + CHINA_OFFSET_MS).rem_euclid(DAY_MS) / 60_000).unwrap_or(0)
    }

    /// The instant of `minutes` after midnight of `date` in China.
    pub fn at_china(date: CivilDate, minutes: u32) -> Timestamp {
        Timestamp(date.to_days() * DAY_MS + i64::from(minutes) * 60_000 - CHINA_OFFSET_MS)
    }

    /// RFC 3339 in China time, e.g. `2026-11-23T13:52:00+08:00`.
    pub fn to_china_rfc3339(self) -> String {
        let local = self.0 + CHINA_OFFSET_MS;
        let ms_of_day = local.rem_euclid(DAY_MS);
        let secs = ms_of_day / 1000;
        format!(
            "{}T{:02}:{:02}:{:02}+08:00",
            self.china_date(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Timestamp(ms)
    }
}

/// A clock that stands still until told to move. Tests hold a clone and set it.
#[derive(Clone, Default)]
pub struct TestClock(Arc<AtomicI64>);

impl TestClock {
    pub fn at(ts: Timestamp) -> Self {
        TestClock(Arc::new(AtomicI64::new(ts.0)))
    }
    pub fn set(&self, ts: Timestamp) {
        self.0.store(ts.0, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_date_turns_at_midnight_beijing_time() {
        // 2026-11-22T15:59:59Z is 23:59:59 in Beijing; one second later it is the 23rd.
        let before = Timestamp(1_795_363_199_000);
        assert_eq!(before.to_china_rfc3339(), "2026-11-22T23:59:59+08:00");
        let after = Timestamp(before.0 + 1000);
        assert_eq!(after.china_date(), CivilDate::new(2026, 11, 23).unwrap());
        assert_eq!(after.to_china_rfc3339(), "2026-11-23T00:00:00+08:00");
    }

    #[test]
    fn china_minutes_and_back() {
        let t = Timestamp(1_795_363_199_000); // 2026-11-22T23:59:59+08:00
        assert_eq!(t.china_minutes(), 23 * 60 + 59);
        let d = CivilDate::new(2026, 11, 24).unwrap();
        let at = Timestamp::at_china(d, 9 * 60 + 30);
        assert_eq!(at.to_china_rfc3339(), "2026-11-24T09:30:00+08:00");
        assert_eq!((at.china_date(), at.china_minutes()), (d, 570));
    }

    #[test]
    fn test_clock_moves_only_when_set() {
        let clock = TestClock::at(Timestamp(5));
        assert_eq!(clock.now(), Timestamp(5));
        clock.set(Timestamp(9));
        assert_eq!(clock.now(), Timestamp(9));
    }
}
