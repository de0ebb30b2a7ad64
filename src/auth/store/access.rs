//! Access requests' SQL: opening one, the lists owners and staff decide from, the decision.
use crate::auth::api::AccessRequestView;
use crate::db::{db_error, Db};
use crate::error::AppError;

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A request as the registration completed it.
pub struct NewRequest<'a> {
    pub request_id: &'a str,
    pub account_id: &'a str,
    pub email: &'a str,
    pub full_name: &'a str,
    pub language: &'a str,
    pub password_hash: &'a str,
    pub now: i64,
}

/// Stores a pending request. Fails with a unique violation when the address has one pending.
pub async fn insert(tx: &mut Tx, request: NewRequest<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO access_requests (request_id, account_id, email, full_name, preferred_language, password_hash,
                                      status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
    )
    .bind(request.request_id)
    .bind(request.account_id)
    .bind(request.email)
    .bind(request.full_name)
    .bind(request.language)
    .bind(request.password_hash)
    .bind(request.now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The account's owners who can sign in: (e-mail, language).
pub async fn owners(tx: &mut Tx, account_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT email, preferred_language FROM members
         WHERE account_id = $1 AND role = 'owner' AND disabled_at IS NULL AND password_hash IS NOT NULL",
    )
    .bind(account_id)
    .fetch_all(&mut **tx)
    .await
}

type RequestRow = (String, String, String, String, i64);

fn view_of((request_id, full_name, email, account_name, created_at): RequestRow) -> AccessRequestView {
    AccessRequestView { request_id, full_name, email, account_name, created_at }
}

/// The pending requests of one account, oldest first (its owners' view).
pub async fn pending_for_account(db: &Db, account_id: &str) -> Result<Vec<AccessRequestView>, AppError> {
    let rows: Vec<RequestRow> = sqlx::query_as(
        "SELECT r.request_id, r.full_name, r.email, a.name, r.created_at FROM access_requests r
         JOIN customer_accounts a ON a.account_id = r.account_id
         WHERE r.account_id = $1 AND r.status = 'pending' ORDER BY r.created_at, r.request_id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(rows.into_iter().map(view_of).collect())
}

/// Pending requests for accounts that have no owner to decide them (staff's view).
pub async fn pending_without_owner(db: &Db) -> Result<Vec<AccessRequestView>, AppError> {
    let rows: Vec<RequestRow> = sqlx::query_as(
        "SELECT r.request_id, r.full_name, r.email, a.name, r.created_at FROM access_requests r
         JOIN customer_accounts a ON a.account_id = r.account_id
         WHERE r.status = 'pending' AND NOT EXISTS (
             SELECT 1 FROM members m WHERE m.account_id = r.account_id AND m.role = 'owner'
                 AND m.disabled_at IS NULL AND m.password_hash IS NOT NULL)
         ORDER BY r.created_at, r.request_id LIMIT 200",
    )
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(rows.into_iter().map(view_of).collect())
}

/// A pending request as a decision reads it.
#[derive(sqlx::FromRow)]
pub struct Pending {
    pub account_id: String,
    pub email: String,
    pub full_name: String,
    pub preferred_language: String,
    pub password_hash: Option<String>,
}

pub async fn pending(tx: &mut Tx, request_id: &str) -> Result<Option<Pending>, sqlx::Error> {
    sqlx::query_as(
        "SELECT account_id, email, full_name, preferred_language, password_hash FROM access_requests
         WHERE request_id = $1 AND status = 'pending'",
    )
    .bind(request_id)
    .fetch_optional(&mut **tx)
    .await
}

/// How many owners of the account can sign in (an invited owner who never set a password cannot
/// decide a request).
pub async fn owners_who_sign_in(tx: &mut Tx, account_id: &str) -> Result<i64, sqlx::Error> {
    let (owners,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM members WHERE account_id = $1 AND role = 'owner' AND disabled_at IS NULL
             AND password_hash IS NOT NULL",
    )
    .bind(account_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(owners)
}

/// The approved requester as a plain member, e-mail proven and password set.
pub async fn insert_member(tx: &mut Tx, member_id: &str, pending: &Pending, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO members (member_id, account_id, email, full_name, role, preferred_language, password_hash,
                              email_verified_at, password_changed_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'member', $5, $6, $7, $7, $7, $7)",
    )
    .bind(member_id)
    .bind(&pending.account_id)
    .bind(&pending.email)
    .bind(&pending.full_name)
    .bind(&pending.preferred_language)
    .bind(&pending.password_hash)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records the decision. The chosen password's hash leaves the request either way: it lives on
/// in the member only.
pub async fn decided(
    tx: &mut Tx,
    request_id: &str,
    approved: bool,
    decided_by: (&str, &str),
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE access_requests SET status = $1, decided_at = $2, decided_by_kind = $3, decided_by = $4,
                password_hash = NULL
         WHERE request_id = $5",
    )
    .bind(if approved { "approved" } else { "declined" })
    .bind(now)
    .bind(decided_by.0)
    .bind(decided_by.1)
    .bind(request_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
