//! The people with access to an account: who they are, their roles, removal.
use super::*;
use crate::kernel::viewer::MemberRole;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// The account's members who can still sign in (or are invited): id, name, e-mail, role,
/// e-mail confirmed at.
pub async fn members(
    db: &Db,
    account_id: &str,
) -> Result<Vec<(String, String, String, MemberRole, Option<i64>)>, AppError> {
    let rows: Vec<(String, String, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT member_id, full_name, email, role, email_verified_at FROM members
         WHERE account_id = $1 AND disabled_at IS NULL ORDER BY full_name, member_id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email, role, verified)| {
            (id, name, email, MemberRole::parse(&role).unwrap_or(MemberRole::Member), verified)
        })
        .collect())
}

/// A member's role, scoped to the account: another account's member is simply not found.
pub async fn role_of(tx: &mut Tx, account_id: &str, member_id: &str) -> Result<Option<String>, sqlx::Error> {
    let role: Option<(String,)> =
        sqlx::query_as("SELECT role FROM members WHERE member_id = $1 AND account_id = $2 AND disabled_at IS NULL")
            .bind(member_id)
            .bind(account_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(role.map(|(role,)| role))
}

pub async fn owner_count(tx: &mut Tx, account_id: &str) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM members WHERE account_id = $1 AND role = 'owner' AND disabled_at IS NULL")
            .bind(account_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(count)
}

pub async fn set_role(tx: &mut Tx, member_id: &str, role: MemberRole) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE members SET role = $1, updated_at = $2 WHERE member_id = $3")
        .bind(role.as_str())
        .bind(now_ms())
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Disables a member and voids their unused links (invitation, reset).
pub async fn disable(tx: &mut Tx, member_id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE members SET disabled_at = $1, updated_at = $1 WHERE member_id = $2")
        .bind(now)
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE principal_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
