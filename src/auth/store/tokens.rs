//! One-time links: 256-bit random tokens of which only a SHA-256 is stored.
//!
//! A token is used once, expires, and is replaced by a newer token of the same purpose for the
//! same address. A password change revokes outstanding reset links.
use crate::db::now_ms;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    Registration,
    PasswordReset,
    EmailChange,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::Registration => "registration",
            Purpose::PasswordReset => "password_reset",
            Purpose::EmailChange => "email_change",
        }
    }
}

/// What a token is about. Which fields are set depends on the purpose.
#[derive(Debug, Clone, Default)]
pub struct TokenSubject {
    pub principal_kind: Option<&'static str>,
    pub principal_id: Option<String>,
    pub account_id: Option<String>,
    pub email: String,
}

/// A valid token's row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub token_hash: String,
    pub principal_kind: Option<String>,
    pub principal_id: Option<String>,
    pub account_id: Option<String>,
    pub email: String,
}

/// Why a link no longer works. Both get the same page: it offers a new link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Unknown, used, replaced or expired.
    NotValid,
}

pub fn hash(raw: &str) -> String {
    let digest = Sha256::digest(raw.as_bytes());
    URL_SAFE_NO_PAD.encode(digest)
}

fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Issues a token in the caller's transaction, revoking older unused ones of the same purpose for
/// the same address. Returns the raw token for the link; it is never stored.
pub async fn issue(
    tx: &mut Transaction<'static, Any>,
    purpose: Purpose,
    subject: &TokenSubject,
    ttl: std::time::Duration,
) -> Result<String, sqlx::Error> {
    let now = now_ms();
    sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE purpose = $2 AND email = $3 AND used_at IS NULL")
        .bind(now)
        .bind(purpose.as_str())
        .bind(subject.email.to_lowercase())
        .execute(&mut **tx)
        .await?;
    let raw = generate();
    sqlx::query(
        "INSERT INTO auth_tokens (token_hash, purpose, principal_kind, principal_id, account_id, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(hash(&raw))
    .bind(purpose.as_str())
    .bind(subject.principal_kind)
    .bind(subject.principal_id.clone())
    .bind(subject.account_id.clone())
    .bind(subject.email.to_lowercase())
    .bind(now)
    .bind(now + ttl.as_millis() as i64)
    .execute(&mut **tx)
    .await?;
    Ok(raw)
}

const SELECT_VALID: &str = "SELECT token_hash, principal_kind, principal_id, account_id, email FROM auth_tokens
     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3";

/// Looks a token up without using it (to show the form the link leads to).
pub async fn peek(
    pool: &sqlx::AnyPool,
    purpose: Purpose,
    raw: &str,
) -> Result<Result<TokenRow, TokenProblem>, sqlx::Error> {
    if raw.len() > 100 {
        return Ok(Err(TokenProblem::NotValid));
    }
    let row: Option<TokenRow> =
        sqlx::query_as(SELECT_VALID).bind(hash(raw)).bind(purpose.as_str()).bind(now_ms()).fetch_optional(pool).await?;
    Ok(row.ok_or(TokenProblem::NotValid))
}

/// Uses a token inside the caller's transaction. Of two concurrent uses exactly one succeeds.
pub async fn consume(
    tx: &mut Transaction<'static, Any>,
    purpose: Purpose,
    raw: &str,
) -> Result<Result<TokenRow, TokenProblem>, sqlx::Error> {
    if raw.len() > 100 {
        return Ok(Err(TokenProblem::NotValid));
    }
    let now = now_ms();
    let row: Option<TokenRow> =
        sqlx::query_as(SELECT_VALID).bind(hash(raw)).bind(purpose.as_str()).bind(now).fetch_optional(&mut **tx).await?;
    let Some(row) = row else { return Ok(Err(TokenProblem::NotValid)) };
    let used = sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
        .bind(now)
        .bind(&row.token_hash)
        .execute(&mut **tx)
        .await?;
    if used.rows_affected() != 1 {
        return Ok(Err(TokenProblem::NotValid));
    }
    Ok(Ok(row))
}

/// Revokes every outstanding token of `purpose` for a person (after a password change).
pub async fn revoke_for_principal(
    tx: &mut Transaction<'static, Any>,
    purpose: Purpose,
    principal_id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE purpose = $2 AND principal_id = $3 AND used_at IS NULL")
        .bind(now_ms())
        .bind(purpose.as_str())
        .bind(principal_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_carry_256_bits_and_hash_stably() {
        let a = super::generate();
        assert_eq!(a.len(), 43);
        assert_ne!(a, super::generate());
        assert_eq!(super::hash(&a), super::hash(&a));
        assert_ne!(super::hash(&a), a);
    }
}
