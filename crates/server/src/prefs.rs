//! 长辈模式 and the language chosen on this phone, put on the pages the server sends. The apps
//! keep them in localStorage and, beside it, in the `ot_prefs` cookie (src/prefs.rs), which
//! every page request carries: a page drawn here is then in elder mode from its first paint
//! without its script having to read localStorage first (a synchronous call that held the
//! page's parse for up to 12 ms in the Lighthouse traces). `data-prefs` on `<html>` tells
//! `public/prefs-early.js` that they are already applied.
//!
//! The cookie holds nothing personal: `zh-CN` or `en`, and `.elder` when elder mode is on.
//! Anything else in it is ignored (the page is sent as built, and the script decides).

use std::borrow::Cow;

use axum::http::{HeaderMap, header};

pub const COOKIE: &str = "ot_prefs";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prefs {
    pub english: bool,
    pub elder: bool,
}

impl Prefs {
    /// The request's `ot_prefs` cookie; `None` when there is none or it is not one we wrote.
    pub fn of(headers: &HeaderMap) -> Option<Prefs> {
        let value = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))?;
        Prefs::parse(value)
    }

    pub fn parse(value: &str) -> Option<Prefs> {
        let (lang, elder) = match value.split_once('.') {
            None => (value, false),
            Some((lang, "elder")) => (lang, true),
            Some(_) => return None,
        };
        let english = match lang {
            "zh-CN" => false,
            "en" => true,
            _ => return None,
        };
        Some(Prefs { english, elder })
    }

    /// A part of the page's ETag: the same address is another page with other preferences.
    pub fn tag(prefs: Option<Prefs>) -> &'static str {
        match prefs {
            None => "",
            Some(Prefs { english, elder }) => match (english, elder) {
                (false, false) => "-z",
                (false, true) => "-ze",
                (true, false) => "-n",
                (true, true) => "-ne",
            },
        }
    }

    /// `page` with its `<html>` carrying the preferences. A page whose `<html>` is not the
    /// one we build (`<html lang=zh-CN>`) is left as it is.
    pub fn apply(prefs: Option<Prefs>, page: &str) -> Cow<'_, str> {
        let Some(Prefs { english, elder }) = prefs else {
            return Cow::Borrowed(page);
        };
        let Some((at, tag)) = ["<html lang=zh-CN>", "<html lang=\"zh-CN\">"]
            .iter()
            .find_map(|t| Some((page.find(t)?, t.len())))
        else {
            return Cow::Borrowed(page);
        };
        let html = format!(
            "<html lang=\"{}\"{} data-prefs>",
            if english { "en" } else { "zh-CN" },
            if elder { " class=\"ot-elder\"" } else { "" }
        );
        Cow::Owned(format!("{}{html}{}", &page[..at], &page[at + tag..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_values_the_apps_write_are_read() {
        let elder = Prefs {
            english: false,
            elder: true,
        };
        assert_eq!(Prefs::parse("zh-CN.elder"), Some(elder));
        assert_eq!(
            Prefs::parse("en"),
            Some(Prefs {
                english: true,
                elder: false
            })
        );
        for junk in [
            "",
            "fr",
            "zh-CN.",
            "en.elder.x",
            "zh-CN;elder",
            "<script>",
            "en.ELDER",
        ] {
            assert_eq!(Prefs::parse(junk), None, "{junk}");
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "a=1; ot_prefs=zh-CN.elder; b=2".parse().unwrap(),
        );
        assert_eq!(Prefs::of(&headers), Some(elder));
        headers.insert(header::COOKIE, "not_ot_prefs=en".parse().unwrap());
        assert_eq!(Prefs::of(&headers), None);
    }

    #[test]
    fn the_page_carries_them_on_its_html() {
        let page = "<!doctype html><html lang=zh-CN><meta charset=utf-8><p>一次办</p>";
        assert_eq!(Prefs::apply(None, page), page);
        let elder = Prefs::apply(Prefs::parse("zh-CN.elder"), page);
        assert_eq!(
            elder,
            "<!doctype html><html lang=\"zh-CN\" class=\"ot-elder\" data-prefs><meta charset=utf-8><p>一次办</p>"
        );
        let english = Prefs::apply(Prefs::parse("en"), page);
        assert!(english.starts_with("<!doctype html><html lang=\"en\" data-prefs><meta"));
        // Another page's html, as it is.
        let other = "<html lang=fr><p>x</p>";
        assert_eq!(Prefs::apply(Prefs::parse("en"), other), other);
        assert_ne!(
            Prefs::tag(Prefs::parse("en")),
            Prefs::tag(Prefs::parse("en.elder"))
        );
        assert_eq!(Prefs::tag(None), "");
    }
}
