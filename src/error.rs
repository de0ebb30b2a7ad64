//! The one error type that crosses the wire between server and browser.
//!
//! It carries a stable code (and, for validation, the field and a reason code) but never the text
//! of a library error: server-side causes are logged where they happen, with the request id, and
//! the browser only learns which translated message to show.
use crate::i18n::Locale;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    /// A field failed validation; `reason` is a stable code the form translates beside the field.
    #[error("validation failed on {field}: {reason}")]
    Validation { field: String, reason: String },
    #[error("bad request")]
    BadRequest,
    #[error("not found")]
    NotFound,
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("conflict")]
    Conflict,
    #[error("rate limited")]
    RateLimited,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("internal error")]
    Internal,
    #[error("service unavailable")]
    Unavailable,
}

impl AppError {
    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        AppError::Validation { field: field.into(), reason: reason.into() }
    }

    /// The HTTP status this error is answered with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Validation { .. } => 422,
            AppError::BadRequest => 400,
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::Conflict => 409,
            AppError::RateLimited => 429,
            AppError::PayloadTooLarge => 413,
            AppError::Internal => 500,
            AppError::Unavailable => 503,
        }
    }

    /// The translated, user-facing message for this error.
    pub fn message(&self, locale: Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            AppError::Validation { .. } => td_string!(locale, err_validation),
            AppError::BadRequest => td_string!(locale, err_bad_request),
            AppError::NotFound => td_string!(locale, err_not_found),
            AppError::Unauthorized => td_string!(locale, err_unauthorized),
            AppError::Forbidden => td_string!(locale, err_forbidden),
            AppError::Conflict => td_string!(locale, err_conflict),
            AppError::RateLimited => td_string!(locale, err_rate_limited),
            AppError::PayloadTooLarge => td_string!(locale, err_payload_too_large),
            AppError::Internal => td_string!(locale, err_internal),
            AppError::Unavailable => td_string!(locale, err_unavailable),
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Framework errors keep only their category: their text can name internal types or echo
    /// what the client sent, so it is logged on the server and dropped here.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::BadRequest
            }
            ServerFnErrorErr::Request(_) => AppError::Unavailable,
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos_i18n::Locale as _;

    fn all_errors() -> Vec<AppError> {
        vec![
            AppError::validation("email", "invalid"),
            AppError::BadRequest,
            AppError::NotFound,
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::Conflict,
            AppError::RateLimited,
            AppError::PayloadTooLarge,
            AppError::Internal,
            AppError::Unavailable,
        ]
    }

    #[test]
    fn every_error_has_a_message_in_every_language() {
        for locale in Locale::get_all() {
            for error in all_errors() {
                assert!(!error.message(*locale).trim().is_empty(), "{error:?} in {locale:?}");
            }
        }
        assert_ne!(AppError::NotFound.message(Locale::en), AppError::NotFound.message(Locale::pl));
    }

    #[test]
    fn wire_form_is_a_code_without_detail() {
        let json = serde_json::to_string(&AppError::Internal).unwrap();
        assert_eq!(json, r#"{"code":"internal"}"#);
        let json = serde_json::to_string(&AppError::validation("email", "invalid")).unwrap();
        assert_eq!(json, r#"{"code":"validation","field":"email","reason":"invalid"}"#);
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), AppError::validation("email", "invalid"));
    }

    #[test]
    fn framework_errors_drop_their_text() {
        let secret = "relation \"accounts\" does not exist at character 15";
        for err in [
            ServerFnErrorErr::ServerError(secret.into()),
            ServerFnErrorErr::Args(secret.into()),
            ServerFnErrorErr::Response(secret.into()),
        ] {
            let wire = serde_json::to_string(&AppError::from_server_fn_error(err)).unwrap();
            assert!(!wire.contains("relation"), "{wire}");
        }
    }
}
