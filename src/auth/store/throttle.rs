//! Attempt counting for sign-in, registration and password reset (ASVS 5.0 6.1.1, 6.3.1).
//!
//! Two kinds of counters live in the database, so that every app instance behind a load balancer
//! sees the same counts:
//! - per client address and action, over a fixed window: a flood from one address gets 429;
//! - per e-mail address (known or not, so that a 429 reveals nothing), failed sign-ins only: after
//!   `account_limit` failures each further failure blocks the address for a growing delay, at
//!   most an hour. A success clears it. After 100 consecutive failures (NIST's ceiling) password
//!   sign-in stays refused until a password reset, which the owner can always do: a lockout never
//!   locks the victim out for good.
use crate::config::ThrottleConfig;
use crate::db::now_ms;
use sqlx::AnyPool;

/// NIST SP 800-63B: no more than 100 consecutive failed attempts on one account.
pub const MAX_CONSECUTIVE_FAILURES: i64 = 100;
const MAX_BLOCK_MS: i64 = 3_600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignIn,
    Register,
    PasswordReset,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::Register => "register",
            Action::PasswordReset => "password_reset",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Too many attempts; try again after this many seconds.
    Blocked {
        retry_after_secs: u64,
    },
    /// 100 consecutive failures: only a password reset unlocks password sign-in.
    NeedsReset,
}

fn ip_key(ip: &str, action: Action) -> String {
    format!("ip:{ip}:{}", action.as_str())
}

/// The failure counter of one e-mail address (known or not).
pub fn email_key(normalized_email: &str) -> String {
    format!("email:{normalized_email}")
}

/// The failure counter of registrations naming one customer number: invoice numbers follow a
/// pattern, so guessing them must be slow.
pub fn customer_key(customer_number: &str) -> String {
    format!("customer:{}", customer_number.to_lowercase())
}

/// Counts one attempt from `ip` and says whether it may proceed.
pub async fn hit_ip(pool: &AnyPool, config: &ThrottleConfig, ip: &str, action: Action) -> Result<Verdict, sqlx::Error> {
    let now = now_ms();
    let window = config.window.as_millis() as i64;
    let (attempts, started): (i64, i64) = sqlx::query_as(
        "INSERT INTO auth_throttle (throttle_key, attempts, window_started_at) VALUES ($1, 1, $2)
         ON CONFLICT (throttle_key) DO UPDATE SET
            attempts = CASE WHEN auth_throttle.window_started_at <= $3 THEN 1 ELSE auth_throttle.attempts + 1 END,
            window_started_at = CASE WHEN auth_throttle.window_started_at <= $3 THEN $2 ELSE auth_throttle.window_started_at END
         RETURNING attempts, window_started_at",
    )
    .bind(ip_key(ip, action))
    .bind(now)
    .bind(now - window)
    .fetch_one(pool)
    .await?;
    if attempts > config.ip_limit as i64 {
        let retry_after = (started + window - now).max(1000) as u64 / 1000;
        return Ok(Verdict::Blocked { retry_after_secs: retry_after });
    }
    Ok(Verdict::Allowed)
}

/// Whether attempts under `key` (an [`email_key`] or [`customer_key`]) are currently held back.
pub async fn check(pool: &AnyPool, key: &str) -> Result<Verdict, sqlx::Error> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT attempts, blocked_until FROM auth_throttle WHERE throttle_key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?;
    let now = now_ms();
    Ok(match row {
        Some((attempts, _)) if attempts >= MAX_CONSECUTIVE_FAILURES => Verdict::NeedsReset,
        Some((_, blocked_until)) if blocked_until > now => {
            Verdict::Blocked { retry_after_secs: ((blocked_until - now) as u64).div_ceil(1000) }
        }
        _ => Verdict::Allowed,
    })
}

/// Whether registrations naming a customer number ([`customer_key`]) are held back. Unlike an
/// e-mail's counter it has no reset to unlock it, so it only ever blocks for a while.
pub async fn check_decaying(pool: &AnyPool, key: &str) -> Result<Verdict, sqlx::Error> {
    Ok(match check(pool, key).await? {
        Verdict::NeedsReset => Verdict::Allowed,
        verdict => verdict,
    })
}

/// Records a failure under `key` and blocks it for a growing delay past the limit.
pub async fn record_failure(pool: &AnyPool, config: &ThrottleConfig, key: &str) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let (attempts,): (i64,) = sqlx::query_as(
        "INSERT INTO auth_throttle (throttle_key, attempts, window_started_at) VALUES ($1, 1, $2)
         ON CONFLICT (throttle_key) DO UPDATE SET attempts = auth_throttle.attempts + 1
         RETURNING attempts",
    )
    .bind(key)
    .bind(now)
    .fetch_one(pool)
    .await?;
    block_past_limit(pool, config, key, attempts, now).await
}

/// How long a decaying counter ([`record_decaying_failure`]) remembers a run of failures.
pub const DECAY_MS: i64 = 86_400_000;

/// Records a failure under a counter that starts again a day after its run of failures began, as
/// the per-address counters do after their window: a customer number that someone guessed at
/// is held back for a while, never refused for good.
pub async fn record_decaying_failure(pool: &AnyPool, config: &ThrottleConfig, key: &str) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let (attempts,): (i64,) = sqlx::query_as(
        "INSERT INTO auth_throttle (throttle_key, attempts, window_started_at) VALUES ($1, 1, $2)
         ON CONFLICT (throttle_key) DO UPDATE SET
            attempts = CASE WHEN auth_throttle.window_started_at <= $3 THEN 1 ELSE auth_throttle.attempts + 1 END,
            window_started_at = CASE WHEN auth_throttle.window_started_at <= $3 THEN $2 ELSE auth_throttle.window_started_at END
         RETURNING attempts",
    )
    .bind(key)
    .bind(now)
    .bind(now - DECAY_MS)
    .fetch_one(pool)
    .await?;
    block_past_limit(pool, config, key, attempts, now).await
}

async fn block_past_limit(
    pool: &AnyPool,
    config: &ThrottleConfig,
    key: &str,
    attempts: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    let limit = config.account_limit as i64;
    if attempts >= limit {
        let window = config.window.as_millis() as i64;
        let doublings = (attempts - limit).min(16) as u32;
        let block = window.saturating_mul(1i64 << doublings).min(MAX_BLOCK_MS.max(window));
        sqlx::query("UPDATE auth_throttle SET blocked_until = $1 WHERE throttle_key = $2")
            .bind(now + block)
            .bind(key)
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// A success (sign-in, password reset) clears the failures under `key`.
pub async fn clear<'e, E>(executor: E, key: &str) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("DELETE FROM auth_throttle WHERE throttle_key = $1").bind(key).execute(executor).await?;
    Ok(())
}
