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

use axum::http::HeaderMap;
pub use onetrip_ui::prefs::{COOKIE, Prefs};

/// The request's `ot_prefs` cookie; `None` when there is none or it is not one we wrote.
pub fn of(headers: &HeaderMap) -> Option<Prefs> {
    Prefs::from_cookie(crate::middleware::cookie(headers, COOKIE)?)
}

/// A part of the page's ETag: the same address is another page with other preferences.
pub fn tag(prefs: Option<Prefs>) -> String {
    prefs.map_or(String::new(), |p| format!("-{}", p.cookie_value()))
}

/// `page` with its `<html>` carrying the preferences. A page whose `<html>` is not the one we
/// build (`<html lang=zh-CN>`) is left as it is.
pub fn apply(prefs: Option<Prefs>, page: &str) -> Cow<'_, str> {
    let Some(Prefs { locale, elder }) = prefs else {
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
        locale.tag(),
        if elder { " class=\"ot-elder\"" } else { "" }
    );
    Cow::Owned(format!("{}{html}{}", &page[..at], &page[at + tag..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use onetrip_ui::messages::Locale;

    #[test]
    fn only_the_values_the_apps_write_are_read() {
        let elder = Prefs {
            locale: Locale::Zh,
            elder: true,
        };
        assert_eq!(Prefs::from_cookie("zh-CN.elder"), Some(elder));
        assert_eq!(
            Prefs::from_cookie("en"),
            Some(Prefs {
                locale: Locale::En,
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
            assert_eq!(Prefs::from_cookie(junk), None, "{junk}");
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::header::COOKIE,
            "a=1; ot_prefs=zh-CN.elder; b=2".parse().unwrap(),
        );
        assert_eq!(of(&headers), Some(elder));
        headers.insert(
            axum::http::header::COOKIE,
            "not_ot_prefs=en".parse().unwrap(),
        );
        assert_eq!(of(&headers), None);
    }

    #[test]
    fn the_page_carries_them_on_its_html() {
        let page = "<!doctype html><html lang=zh-CN><meta charset=utf-8><p>一次办</p>";
        assert_eq!(apply(None, page), page);
        let elder = apply(Prefs::from_cookie("zh-CN.elder"), page);
        assert_eq!(
            elder,
            "<!doctype html><html lang=\"zh-CN\" class=\"ot-elder\" data-prefs><meta charset=utf-8><p>一次办</p>"
        );
        let english = apply(Prefs::from_cookie("en"), page);
        assert!(english.starts_with("<!doctype html><html lang=\"en\" data-prefs><meta"));
        // Another page's html, as it is.
        let other = "<html lang=fr><p>x</p>";
        assert_eq!(apply(Prefs::from_cookie("en"), other), other);
        assert_ne!(
            tag(Prefs::from_cookie("en")),
            tag(Prefs::from_cookie("en.elder"))
        );
        assert_eq!(tag(None), "");
    }
}
