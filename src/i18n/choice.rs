//! The visitor's choice of language (server only): remembered in the cookie leptos_i18n reads on
//! the server and in the browser.
use super::{locale_named, LOCALE_COOKIE};

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

#[cfg(test)]
mod tests {
    use super::{language_cookie, safe_next};

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
}
