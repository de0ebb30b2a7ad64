//! The visitor's choice of language (server only): remembered in the cookie leptos_i18n reads on
//! the server and in the browser.
use super::{locale_named, Locale, LOCALE_COOKIE};
use axum::http::header::{self, HeaderMap};
use leptos_i18n::Locale as _;

const ONE_YEAR_SECS: u32 = 365 * 24 * 3600;

/// The `Set-Cookie` value that remembers `tag` for a year; `None` for a language we do not have.
pub fn language_cookie(tag: &str) -> Option<String> {
    locale_named(tag).map(|_| format!("{LOCALE_COOKIE}={tag}; Path=/; Max-Age={ONE_YEAR_SECS}; SameSite=Lax"))
}

/// Only a path on this site: an absolute or protocol-relative URL would make this an open
/// redirect.
pub fn safe_next(next: &str) -> &str {
    let is_local_path = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if is_local_path {
        next
    } else {
        "/"
    }
}

/// The visitor's language outside the reactive system: the cookie, then `Accept-Language`.
pub fn locale_from_headers(headers: &HeaderMap) -> Locale {
    if let Some(locale) = cookie_value(headers, LOCALE_COOKIE).and_then(locale_named) {
        return locale;
    }
    let accepted: Vec<String> = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(',')
                .filter_map(|part| part.split(';').next())
                .map(|tag| tag.trim().to_string())
                .filter(|tag| !tag.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Locale::find_locale(&accepted)
}

/// The value of the cookie `name`, read from the request's `Cookie` headers. Byte splits rather than
/// `str` patterns: two layers read a cookie on every request.
pub fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get_all(header::COOKIE).iter().find_map(|value| {
        value.as_bytes().split(|b| *b == b';').find_map(|pair| {
            let pair = pair.trim_ascii();
            let value = pair.strip_prefix(name.as_bytes())?.strip_prefix(b"=")?;
            std::str::from_utf8(value).ok()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(header::HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn only_our_languages_are_remembered() {
        assert_eq!(
            language_cookie("pl").as_deref(),
            Some("i18n_pref_locale=pl; Path=/; Max-Age=31536000; SameSite=Lax")
        );
        assert_eq!(language_cookie("de"), None);
        assert_eq!(language_cookie("pl; Domain=evil.example"), None);
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/orders?page=2"), "/orders?page=2");
        for hostile in ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", "/a\nb"]
        {
            assert_eq!(safe_next(hostile), "/", "{hostile:?}");
        }
    }

    #[test]
    fn the_cookie_wins_over_the_browser_language() {
        assert_eq!(locale_from_headers(&headers(&[("cookie", "a=b; i18n_pref_locale=ru")])), Locale::ru);
        assert_eq!(
            locale_from_headers(&headers(&[("cookie", "i18n_pref_locale=xx"), ("accept-language", "pl-PL,pl;q=0.9")])),
            Locale::pl
        );
        assert_eq!(locale_from_headers(&headers(&[])), Locale::en);
    }
}
