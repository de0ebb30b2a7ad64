//! The visitor's language: remembered in the same cookie leptos_i18n reads on the server and in
//! the browser.
use crate::error::AppError;
use crate::i18n::Locale;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use leptos_i18n::Locale as _;

pub const LOCALE_COOKIE: &str = "i18n_pref_locale";
const ONE_YEAR_SECS: u32 = 365 * 24 * 3600;

/// The UI language with this tag (`en`, `pl`, `ru`), if we have it.
pub fn locale_named(tag: &str) -> Option<Locale> {
    Locale::get_all().iter().find(|l| l.as_str() == tag).copied()
}

pub fn switch_language(locale: &str, next: &str) -> Result<(), AppError> {
    let response = use_context::<ResponseOptions>().ok_or(AppError::Internal)?;
    if locale_named(locale).is_none() {
        response.set_status(StatusCode::UNPROCESSABLE_ENTITY);
        return Err(AppError::validation("locale", "unsupported"));
    }
    let cookie = format!("{LOCALE_COOKIE}={locale}; Path=/; Max-Age={ONE_YEAR_SECS}; SameSite=Lax");
    response.append_header(SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|_| AppError::Internal)?);
    leptos_axum::redirect(safe_next(next));
    Ok(())
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
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next("/orders?page=2"), "/orders?page=2");
        for hostile in ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "", "/a\nb"]
        {
            assert_eq!(safe_next(hostile), "/", "{hostile:?}");
        }
    }
}
