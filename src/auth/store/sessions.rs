//! The sessions page's reads and writes.
use crate::web::sessions::PrincipalKind;
use sqlx::{Any, Executor};

/// A person's sessions that still stand, latest used first: (id, user agent, ip, started, last
/// used).
pub async fn standing<'e>(
    executor: impl Executor<'e, Database = Any>,
    kind: PrincipalKind,
    principal_id: &str,
) -> Result<Vec<(String, String, String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT auth_session_id, user_agent, ip, created_at, last_seen_at FROM auth_sessions
         WHERE principal_kind = $1 AND principal_id = $2 AND ended_at IS NULL
         ORDER BY last_seen_at DESC LIMIT 50",
    )
    .bind(kind.as_str())
    .bind(principal_id)
    .fetch_all(executor)
    .await
}

/// Ends one of a person's own sessions; 0 when it is not theirs or ended already.
pub async fn end_one<'e>(
    executor: impl Executor<'e, Database = Any>,
    kind: PrincipalKind,
    principal_id: &str,
    auth_session_id: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let ended = sqlx::query(
        "UPDATE auth_sessions SET ended_at = $1, end_reason = 'ended_by_user'
         WHERE auth_session_id = $2 AND principal_kind = $3 AND principal_id = $4 AND ended_at IS NULL",
    )
    .bind(now)
    .bind(auth_session_id)
    .bind(kind.as_str())
    .bind(principal_id)
    .execute(executor)
    .await?;
    Ok(ended.rows_affected())
}
