//! Members and staff as identity reads and writes them: credentials, passwords, e-mail
//! addresses, names and languages. `kind` says which table a principal is in.
use crate::web::sessions::PrincipalKind;
use sqlx::{Any, Executor};

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// What a sign-in checks, found by the (normalized) e-mail.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub principal_id: String,
    pub password_hash: Option<String>,
    pub email_verified_at: Option<i64>,
    pub disabled_at: Option<i64>,
    pub account_id: Option<String>,
}

pub async fn credentials<'e>(
    executor: impl Executor<'e, Database = Any>,
    kind: PrincipalKind,
    email: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    let sql = match kind {
        PrincipalKind::Member => {
            "SELECT member_id AS principal_id, password_hash, email_verified_at, disabled_at, account_id
             FROM members WHERE lower(email) = $1"
        }
        // Staff e-mail is proven by the invitation; there is no separate verification.
        PrincipalKind::Staff => {
            "SELECT staff_id AS principal_id, password_hash, created_at AS email_verified_at, disabled_at,
                    CAST(NULL AS TEXT) AS account_id
             FROM staff_users WHERE lower(email) = $1"
        }
    };
    sqlx::query_as(sql).bind(email).fetch_optional(executor).await
}

/// A signed-in person's password hash, e-mail and language, to check their password again.
pub async fn own_credentials<'e>(
    executor: impl Executor<'e, Database = Any>,
    kind: PrincipalKind,
    principal_id: &str,
) -> Result<(Option<String>, String, String), sqlx::Error> {
    let sql = match kind {
        PrincipalKind::Member => "SELECT password_hash, email, preferred_language FROM members WHERE member_id = $1",
        PrincipalKind::Staff => "SELECT password_hash, email, preferred_language FROM staff_users WHERE staff_id = $1",
    };
    sqlx::query_as(sql).bind(principal_id).fetch_one(executor).await
}

/// A stored hash replaced by one with today's parameters (the password itself is unchanged).
pub async fn upgrade_hash<'e>(
    executor: impl Executor<'e, Database = Any>,
    kind: PrincipalKind,
    principal_id: &str,
    hash: &str,
) -> Result<(), sqlx::Error> {
    let sql = match kind {
        PrincipalKind::Member => "UPDATE members SET password_hash = $1 WHERE member_id = $2",
        PrincipalKind::Staff => "UPDATE staff_users SET password_hash = $1 WHERE staff_id = $2",
    };
    sqlx::query(sql).bind(hash).bind(principal_id).execute(executor).await?;
    Ok(())
}

/// A new password. A member who sets one through an e-mailed link has proven the address too.
pub async fn set_password(
    tx: &mut Tx,
    kind: PrincipalKind,
    principal_id: &str,
    hash: &str,
    now: i64,
    proves_email: bool,
) -> Result<(), sqlx::Error> {
    let sql = match (kind, proves_email) {
        (PrincipalKind::Member, true) => {
            "UPDATE members SET password_hash = $1, password_changed_at = $2, updated_at = $2,
                    email_verified_at = COALESCE(email_verified_at, $2) WHERE member_id = $3"
        }
        (PrincipalKind::Member, false) => {
            "UPDATE members SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE member_id = $3"
        }
        (PrincipalKind::Staff, _) => {
            "UPDATE staff_users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE staff_id = $3"
        }
    };
    sqlx::query(sql).bind(hash).bind(now).bind(principal_id).execute(&mut **tx).await?;
    Ok(())
}

/// An invitation accepted: the invitee's name and first password (a member's e-mail is proven by
/// the link). False when the invitee was removed meanwhile.
pub async fn accept_invitation(
    tx: &mut Tx,
    kind: PrincipalKind,
    principal_id: &str,
    name: &str,
    hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let sql = match kind {
        PrincipalKind::Member => {
            "UPDATE members SET full_name = $1, password_hash = $2, email_verified_at = $3, password_changed_at = $3,
                    updated_at = $3 WHERE member_id = $4 AND disabled_at IS NULL"
        }
        PrincipalKind::Staff => {
            "UPDATE staff_users SET full_name = $1, password_hash = $2, password_changed_at = $3, updated_at = $3
             WHERE staff_id = $4 AND disabled_at IS NULL"
        }
    };
    let updated = sqlx::query(sql).bind(name).bind(hash).bind(now).bind(principal_id).execute(&mut **tx).await?;
    Ok(updated.rows_affected() == 1)
}

/// A principal's language, for the mail that tells them of a change.
pub async fn language_of(tx: &mut Tx, kind: PrincipalKind, principal_id: &str) -> Result<String, sqlx::Error> {
    let sql = match kind {
        PrincipalKind::Member => "SELECT preferred_language FROM members WHERE member_id = $1",
        PrincipalKind::Staff => "SELECT preferred_language FROM staff_users WHERE staff_id = $1",
    };
    let (language,): (String,) = sqlx::query_as(sql).bind(principal_id).fetch_one(&mut **tx).await?;
    Ok(language)
}

/// A principal's full name (the name an invitation was sent to).
pub async fn full_name<'e>(
    executor: impl Executor<'e, Database = Any>,
    kind: PrincipalKind,
    principal_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let sql = match kind {
        PrincipalKind::Member => "SELECT full_name FROM members WHERE member_id = $1",
        PrincipalKind::Staff => "SELECT full_name FROM staff_users WHERE staff_id = $1",
    };
    let name: Option<(String,)> = sqlx::query_as(sql).bind(principal_id).fetch_optional(executor).await?;
    Ok(name.map(|(name,)| name))
}

/// The member who has this e-mail address (any letter case), removed ones included: an address
/// belongs to one member only.
pub async fn member_with_email<'e>(
    executor: impl Executor<'e, Database = Any>,
    email: &str,
) -> Result<Option<String>, sqlx::Error> {
    let taken: Option<(String,)> = sqlx::query_as("SELECT member_id FROM members WHERE lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(executor)
        .await?;
    Ok(taken.map(|(member_id,)| member_id))
}

/// The member with this (normalized) e-mail: (id, account, language, disabled at).
pub async fn member_by_email<'e>(
    executor: impl Executor<'e, Database = Any>,
    email: &str,
) -> Result<Option<(String, String, String, Option<i64>)>, sqlx::Error> {
    sqlx::query_as("SELECT member_id, account_id, preferred_language, disabled_at FROM members WHERE lower(email) = $1")
        .bind(email)
        .fetch_optional(executor)
        .await
}

/// The active staff user with this (normalized) e-mail: (id, language).
pub async fn active_staff_by_email<'e>(
    executor: impl Executor<'e, Database = Any>,
    email: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT staff_id, preferred_language FROM staff_users WHERE lower(email) = $1 AND disabled_at IS NULL",
    )
    .bind(email)
    .fetch_optional(executor)
    .await
}

/// An active member's e-mail and language.
pub async fn member_contact(tx: &mut Tx, member_id: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT email, preferred_language FROM members WHERE member_id = $1 AND disabled_at IS NULL")
        .bind(member_id)
        .fetch_optional(&mut **tx)
        .await
}

/// A member's new, confirmed e-mail address.
pub async fn set_member_email(tx: &mut Tx, member_id: &str, email: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE members SET email = $1, email_verified_at = $2, updated_at = $2 WHERE member_id = $3")
        .bind(email)
        .bind(now)
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A member invited to an account: a new row, or a member removed from this account earlier
/// invited back (no password and an unproven address until they accept).
pub async fn invite_member(
    tx: &mut Tx,
    existing: Option<&str>,
    new: NewMember<'_>,
    now: i64,
) -> Result<String, sqlx::Error> {
    match existing {
        Some(member_id) => {
            sqlx::query(
                "UPDATE members SET disabled_at = NULL, password_hash = NULL, email_verified_at = NULL, role = $1,
                        full_name = $2, updated_at = $3 WHERE member_id = $4",
            )
            .bind(new.role)
            .bind(new.full_name)
            .bind(now)
            .bind(member_id)
            .execute(&mut **tx)
            .await?;
            Ok(member_id.to_string())
        }
        None => {
            let member_id = crate::db::ids::new_id();
            sqlx::query(
                "INSERT INTO members (member_id, account_id, email, full_name, role, preferred_language, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(&member_id)
            .bind(new.account_id)
            .bind(new.email)
            .bind(new.full_name)
            .bind(new.role)
            .bind(new.language)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(member_id)
        }
    }
}

/// A member as an invitation makes them.
pub struct NewMember<'a> {
    pub account_id: &'a str,
    pub email: &'a str,
    pub full_name: &'a str,
    pub role: &'a str,
    pub language: &'a str,
}
