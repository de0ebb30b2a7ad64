//! The staff users' SQL.
use crate::db::{db_error, Db};
use crate::error::AppError;
use crate::kernel::viewer::StaffRole;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A staff user as the admin list reads it: id, name, e-mail, role, password hash, disabled at.
pub type StaffRow = (String, String, String, String, Option<String>, Option<i64>);

pub async fn list(db: &Db) -> Result<Vec<StaffRow>, AppError> {
    sqlx::query_as(
        "SELECT staff_id, full_name, email, role, password_hash, disabled_at FROM staff_users ORDER BY full_name, staff_id",
    )
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)
}

/// Whether a staff user has this (normalized) e-mail already.
pub async fn email_taken(tx: &mut Tx, normalized_email: &str) -> Result<bool, sqlx::Error> {
    let taken: Option<(String,)> = sqlx::query_as("SELECT staff_id FROM staff_users WHERE lower(email) = $1")
        .bind(normalized_email)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(taken.is_some())
}

/// A new staff user, without a password until they accept their invitation.
pub async fn insert(
    tx: &mut Tx,
    staff_id: &str,
    email: &str,
    full_name: &str,
    role: StaffRole,
    language: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO staff_users (staff_id, email, full_name, role, preferred_language, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(staff_id)
    .bind(email)
    .bind(full_name)
    .bind(role.as_str())
    .bind(language)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Disables a staff user (`disabled_at` set) or enables them again; false for an unknown id.
pub async fn set_disabled(
    tx: &mut Tx,
    staff_id: &str,
    disabled_at: Option<i64>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query("UPDATE staff_users SET disabled_at = $1, updated_at = $2 WHERE staff_id = $3")
        .bind(disabled_at)
        .bind(now)
        .bind(staff_id)
        .execute(&mut **tx)
        .await?;
    Ok(changed.rows_affected() == 1)
}
