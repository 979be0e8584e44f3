//! The reader's display preferences, language and 长辈模式, and the two forms they are kept
//! in: localStorage's (`encode`, read leniently by `decode`) and the `ot_prefs` cookie's
//! (`cookie_value`, read strictly by `from_cookie`), which the app writes and the server reads
//! to send its pages already in them.

use crate::messages::Locale;

/// The cookie's name.
pub const COOKIE: &str = "ot_prefs";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Prefs {
    pub locale: Locale,
    pub elder: bool,
}

impl Prefs {
    /// `zh-CN;elder` style, readable and tiny.
    pub fn encode(self) -> String {
        format!(
            "{}{}",
            self.locale.tag(),
            if self.elder { ";elder" } else { "" }
        )
    }

    /// What localStorage holds; anything unreadable is the defaults.
    pub fn decode(s: &str) -> Prefs {
        let mut parts = s.split(';');
        let locale = parts.next().and_then(Locale::from_tag).unwrap_or_default();
        let elder = parts.any(|p| p == "elder");
        Prefs { locale, elder }
    }

    /// The cookie's value: as `encode`, with `.` for `;`, which a cookie cannot hold.
    pub fn cookie_value(self) -> String {
        self.encode().replace(';', ".")
    }

    /// A cookie's value as `cookie_value` writes it; anything else is `None`.
    pub fn from_cookie(value: &str) -> Option<Prefs> {
        let (tag, elder) = match value.split_once('.') {
            None => (value, false),
            Some((tag, "elder")) => (tag, true),
            Some(_) => return None,
        };
        let locale = Locale::from_tag(tag)?;
        Some(Prefs { locale, elder })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for p in [
            Prefs {
                locale: Locale::Zh,
                elder: false,
            },
            Prefs {
                locale: Locale::Zh,
                elder: true,
            },
            Prefs {
                locale: Locale::En,
                elder: true,
            },
        ] {
            assert_eq!(Prefs::decode(&p.encode()), p);
            assert_eq!(Prefs::from_cookie(&p.cookie_value()), Some(p));
        }
        assert_eq!(Prefs::decode("garbage"), Prefs::default());
        // What the server reads (crates/server/src/prefs.rs).
        let elder = Prefs {
            locale: Locale::En,
            elder: true,
        };
        assert_eq!(elder.cookie_value(), "en.elder");
        assert_eq!(Prefs::default().cookie_value(), "zh-CN");
    }
}
