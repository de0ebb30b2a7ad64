//! Identity's SQL: members and staff as principals, customer accounts as identity finds them,
//! access requests, sessions, one-time tokens and the sign-in throttle.
use crate::db::{db_error, Db};
use crate::error::AppError;

pub mod access;
pub mod accounts;
pub mod people;
pub mod sessions;
pub mod throttle;
pub mod tokens;

/// The customer account a member belongs to; `None` for an unknown member.
pub async fn account_of_member(db: &Db, member_id: &str) -> Result<Option<String>, AppError> {
    let account: Option<(String,)> = sqlx::query_as("SELECT account_id FROM members WHERE member_id = $1")
        .bind(member_id)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_error)?;
    Ok(account.map(|(account_id,)| account_id))
}
