//! Rendered answers of the applicant's progress, kept by application and ETag.
//!
//! The ETag of a progress answer (`routes::progress::etag_of`) is a digest of everything the
//! answer depends on: the application's stamp, today, the catalogue and what is asked. A 304
//! already relies on that; this relies on it the same way. A poll without the client's copy
//! (a new phone, a reload, the load test's readers) then costs two small reads, the key check
//! and the stamp, instead of the nine that build the answer. Another instance computes the same
//! ETag from the shared database, so each instance's cache stays right on its own.
//!
//! Bounded by two generations: when the young one is full it becomes the old one and the old
//! one is dropped, so what is asked for again survives and the memory stays under twice the
//! capacity. Bodies hold masked data only, as the answers do.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::Bytes;

type Key = (String, String);

pub struct BodyCache {
    capacity: usize,
    generations: Mutex<Generations>,
}

#[derive(Default)]
struct Generations {
    young: HashMap<Key, Bytes>,
    old: HashMap<Key, Bytes>,
}

impl BodyCache {
    pub fn new(capacity: usize) -> Self {
        BodyCache {
            capacity: capacity.max(1),
            generations: Mutex::new(Generations::default()),
        }
    }

    /// The answer rendered for `application` under `etag`, if it was kept.
    pub fn get(&self, application: &str, etag: &str) -> Option<Bytes> {
        let key = (application.to_owned(), etag.to_owned());
        let mut g = self.lock();
        if let Some(body) = g.young.get(&key) {
            return Some(body.clone());
        }
        let body = g.old.remove(&key)?;
        self.keep(&mut g, key, body.clone());
        Some(body)
    }

    pub fn put(&self, application: &str, etag: &str, body: Bytes) {
        let mut g = self.lock();
        self.keep(&mut g, (application.to_owned(), etag.to_owned()), body);
    }

    fn keep(&self, g: &mut Generations, key: Key, body: Bytes) {
        if g.young.len() >= self.capacity {
            g.old = std::mem::take(&mut g.young);
        }
        g.young.insert(key, body);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Generations> {
        // A panic while holding the lock leaves whole maps: the cache stays usable.
        self.generations
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_by_application_and_tag() {
        let c = BodyCache::new(4);
        c.put("A", "\"1\"", Bytes::from_static(b"a1"));
        assert_eq!(c.get("A", "\"1\"").as_deref(), Some(&b"a1"[..]));
        // Another application with the same tag is another answer.
        assert_eq!(c.get("B", "\"1\""), None);
        assert_eq!(c.get("A", "\"2\""), None);
    }

    #[test]
    fn stays_bounded_and_keeps_what_is_asked_again() {
        let c = BodyCache::new(2);
        c.put("A", "t", Bytes::from_static(b"a"));
        c.put("B", "t", Bytes::from_static(b"b"));
        // Full: A and B move to the old generation.
        c.put("C", "t", Bytes::from_static(b"c"));
        // A is asked again: back in the young one.
        assert_eq!(c.get("A", "t").as_deref(), Some(&b"a"[..]));
        c.put("D", "t", Bytes::from_static(b"d"));
        c.put("E", "t", Bytes::from_static(b"e"));
        // B was never asked again and is gone; at most twice the capacity is held.
        assert_eq!(c.get("B", "t"), None);
        let g = c.lock();
        assert!(g.young.len() + g.old.len() <= 4);
    }
}
