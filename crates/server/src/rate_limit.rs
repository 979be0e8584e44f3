//! Token buckets per client address and class of request. 429 with Retry-After past the limit.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::RateSpec;

/// Above this many tracked clients, full buckets are forgotten (they carry no information).
const MAX_TRACKED: usize = 100_000;

pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl RateLimiter {
    pub fn new(spec: RateSpec) -> Self {
        RateLimiter {
            capacity: f64::from(spec.count),
            per_second: f64::from(spec.count) / f64::from(spec.seconds),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take one token for `client` at `now`; if there is none, how long until there is.
    pub fn check(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        self.take(client, now, 1.0)
    }

    /// Whether `client` has a token left at `now`, without taking it; if not, how long until
    /// it has one.
    pub fn peek(&self, client: IpAddr, now: Instant) -> Result<(), Duration> {
        self.take(client, now, 0.0)
    }

    fn take(&self, client: IpAddr, now: Instant, cost: f64) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_TRACKED {
            let (capacity, rate) = (self.capacity, self.per_second);
            buckets.retain(|_, b| b.refilled(now, capacity, rate) < capacity);
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: self.capacity,
            updated: now,
        });
        bucket.tokens = bucket.refilled(now, self.capacity, self.per_second);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= cost;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.per_second,
            ))
        }
    }
}

impl Bucket {
    fn refilled(&self, now: Instant, capacity: f64, per_second: f64) -> f64 {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        (self.tokens + elapsed * per_second).min(capacity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn allows_the_burst_then_refuses_with_the_wait() {
        let limiter = RateLimiter::new(RateSpec {
            count: 3,
            seconds: 60,
        });
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check(A, t0), Ok(()));
        }
        let wait = limiter.check(A, t0).unwrap_err();
        assert!((19.0..=20.0).contains(&wait.as_secs_f64()), "{wait:?}");
        // Another client is not affected.
        assert_eq!(limiter.check(B, t0), Ok(()));
    }

    #[test]
    fn peeking_takes_nothing() {
        let limiter = RateLimiter::new(RateSpec {
            count: 1,
            seconds: 60,
        });
        let t0 = Instant::now();
        for _ in 0..5 {
            assert_eq!(limiter.peek(A, t0), Ok(()));
        }
        assert_eq!(limiter.check(A, t0), Ok(()));
        assert!(limiter.peek(A, t0).is_err());
        assert!(limiter.check(A, t0).is_err());
    }

    #[test]
    fn refills_over_time_up_to_capacity() {
        let limiter = RateLimiter::new(RateSpec {
            count: 2,
            seconds: 10,
        });
        let t0 = Instant::now();
        assert!(limiter.check(A, t0).is_ok());
        assert!(limiter.check(A, t0).is_ok());
        assert!(limiter.check(A, t0).is_err());
        assert!(limiter.check(A, t0 + Duration::from_secs(5)).is_ok());
        assert!(limiter.check(A, t0 + Duration::from_secs(5)).is_err());
        // A long pause refills to capacity, not beyond.
        let later = t0 + Duration::from_secs(3600);
        assert!(limiter.check(A, later).is_ok());
        assert!(limiter.check(A, later).is_ok());
        assert!(limiter.check(A, later).is_err());
    }
}
