//! The identity flows: sign-in, invitations, registration, password reset and change, e-mail
//! change. Handlers parse forms and render answers; the rules live here.
//!
//! Uniform answers: sign-in, reset and registration do the same work, write the same kind of
//! rows and give the same answer whether or not the e-mail belongs to someone.
use super::domain::{EmailAddress, FieldProblem, NewPassword, PersonName};
use super::password::{hash_password, needs_rehash, verify_or_dummy};
use super::store::throttle::{self, Action, Verdict};
use super::store::tokens::{self, Purpose, TokenSubject};
use super::store::{self, accounts, people};
use crate::config::Config;
use crate::db::audit::{self, AuditEntry};
use crate::db::db_error;
use crate::db::now_ms;
use crate::error::AppError;
use crate::i18n::locale_from_code;
use crate::kernel::viewer::{MemberRole, Viewer};
use crate::mail::{self, Template};
use crate::web::forms::Rejection;
use crate::web::sessions::{self, Client, Principal, PrincipalKind};
use crate::web::AppState;
use axum::http::StatusCode;
use secrecy::SecretString;
use serde_json::json;
use std::time::Duration;

/// Reset, registration and e-mail-change links expire after this long (OWASP: 30 minutes or less).
pub const SHORT_LINK_TTL: Duration = Duration::from_secs(30 * 60);

impl From<super::password::PasswordError> for Rejection {
    fn from(error: super::password::PasswordError) -> Self {
        tracing::error!(%error, "password hashing failed");
        Rejection::Failed(AppError::Internal)
    }
}

fn field(name: &'static str, problem: FieldProblem) -> Rejection {
    Rejection::field(name, problem)
}

fn rate_limited() -> Rejection {
    Rejection::Alert { code: "rate_limited", status: StatusCode::TOO_MANY_REQUESTS }
}

/// A password field left empty (its rules are checked where it is used, not here).
fn typed_password(password: &str) -> Result<(), FieldProblem> {
    if password.is_empty() {
        Err(FieldProblem::Required)
    } else {
        Ok(())
    }
}

fn required(raw: &str, max_chars: usize) -> Result<String, FieldProblem> {
    let value = raw.trim();
    if value.is_empty() {
        Err(FieldProblem::Required)
    } else if value.chars().count() > max_chars {
        Err(FieldProblem::TooLong)
    } else {
        Ok(value.to_string())
    }
}

/// A link for an e-mail, always from the configured public URL (never the request's Host header).
pub(crate) fn email_link(config: &Config, path: &str, token: &str) -> String {
    format!("{}{path}?token={token}", config.public_url)
}

pub(crate) async fn enqueue(
    config: &Config,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    template: Template,
    locale: &str,
    to: &str,
) -> Result<(), sqlx::Error> {
    let mail = template.render(locale_from_code(locale), to);
    mail::enqueue(tx, &mail, &config.mail_domain()).await.map(|_| ())
}

mod changes;
mod invitations;
mod registration;
mod reset;
mod sign_in;

pub use changes::*;
pub use invitations::*;
pub use registration::*;
pub use reset::*;
pub use sign_in::*;
