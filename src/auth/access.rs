//! Access requests: a person who proved they deal with an account (its customer number, one of
//! its invoices, and a link sent to their own address) asks to become a member. Printed
//! documents carry both numbers, so that proof alone never lets anyone in: the account's owners
//! are e-mailed and approve or decline on the members page; an account without an owner is
//! decided by staff. Until then the person has no member row, so nothing of the account can
//! reach them. Every step is audited and the person is told the outcome either way.
use crate::db::audit::{self, AuditEntry};
use super::service::enqueue;
use crate::web::forms::Rejection;
use crate::db::db_error;
use crate::web::sessions::{Client, Principal};
use crate::db::{ids::new_id, now_ms, Db};
use crate::error::AppError;
use crate::kernel::viewer::{MemberRole, Viewer};
use crate::mail::Template;
use crate::web::AppState;
use axum::http::StatusCode;
use serde_json::json;

pub use super::api::AccessRequestView;

/// A person whose e-mail link checked out, as the registration form completed it.
pub struct Requester<'a> {
    pub account_id: &'a str,
    pub email: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
}

/// Stores a pending request and e-mails every owner of the account, in one transaction.
pub async fn open(
    state: &AppState,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    requester: Requester<'_>,
    client: &Client,
) -> Result<String, Rejection> {
    let (account_name, language): (String, String) =
        sqlx::query_as("SELECT name, preferred_language FROM customer_accounts WHERE account_id = $1")
            .bind(requester.account_id)
            .fetch_one(&mut **tx)
            .await?;
    let request_id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO access_requests (request_id, account_id, email, full_name, preferred_language, password_hash,
                                      status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
    )
    .bind(&request_id)
    .bind(requester.account_id)
    .bind(requester.email)
    .bind(requester.full_name)
    .bind(&language)
    .bind(requester.password_hash)
    .bind(now_ms())
    .execute(&mut **tx)
    .await;
    match inserted {
        Ok(_) => {}
        // One pending request per address: a second link from the same address is spent.
        Err(error) if error.as_database_error().is_some_and(|e| e.is_unique_violation()) => {
            return Err(Rejection::LinkInvalid)
        }
        Err(error) => return Err(error.into()),
    }
    let owners: Vec<(String, String)> = sqlx::query_as(
        "SELECT email, preferred_language FROM members
         WHERE account_id = $1 AND role = 'owner' AND disabled_at IS NULL AND password_hash IS NOT NULL",
    )
    .bind(requester.account_id)
    .fetch_all(&mut **tx)
    .await?;
    for (owner_email, owner_language) in &owners {
        let template = Template::AccessRequested {
            account_name: account_name.clone(),
            requester_name: requester.full_name.to_string(),
            requester_email: requester.email.to_string(),
            link: format!("{}/account/members", state.config.public_url),
        };
        enqueue(&state.config, tx, template, owner_language, owner_email).await?;
    }
    audit::record(
        &mut **tx,
        AuditEntry {
            actor_kind: "anonymous",
            action: "access.requested",
            subject_kind: Some("access_request"),
            subject_id: Some(&request_id),
            account_id: Some(requester.account_id),
            ip: Some(&client.ip),
            detail: json!({ "owners_told": owners.len() }),
            ..Default::default()
        },
    )
    .await?;
    Ok(request_id)
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
struct Pending {
    account_id: String,
    email: String,
    full_name: String,
    preferred_language: String,
    password_hash: Option<String>,
}

/// An owner of the request's account, or staff who handle customers when the account has no
/// owner, approves (the person becomes a plain member and may sign in) or declines. Anyone else,
/// and a request that is not pending, gets the same "not found".
pub async fn decide(
    state: &AppState,
    decider: &Principal,
    request_id: &str,
    approve: bool,
    client: &Client,
) -> Result<(), Rejection> {
    let not_found = || Rejection::Alert { code: "not_found", status: StatusCode::NOT_FOUND };
    let mut tx = state.db.begin_write().await?;
    let pending: Option<Pending> = sqlx::query_as(
        "SELECT account_id, email, full_name, preferred_language, password_hash FROM access_requests
         WHERE request_id = $1 AND status = 'pending'",
    )
    .bind(request_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(pending) = pending else { return Err(not_found()) };
    let (owners,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM members WHERE account_id = $1 AND role = 'owner' AND disabled_at IS NULL
             AND password_hash IS NOT NULL",
    )
    .bind(&pending.account_id)
    .fetch_one(&mut *tx)
    .await?;
    let allowed = match &decider.viewer {
        Viewer::Member(member) => {
            member.role == MemberRole::Owner && decider.account_id.as_deref() == Some(pending.account_id.as_str())
        }
        Viewer::Staff(staff) => staff.role.handles_customers() && owners == 0,
        Viewer::Anonymous => false,
    };
    if !allowed {
        return Err(not_found());
    }
    let now = now_ms();
    let member_id = if approve {
        let taken: Option<(String,)> = sqlx::query_as("SELECT member_id FROM members WHERE lower(email) = lower($1)")
            .bind(&pending.email)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            // The address became a member elsewhere meanwhile: nothing to approve.
            return Err(Rejection::Alert { code: "access_request_taken", status: StatusCode::CONFLICT });
        }
        let member_id = new_id();
        sqlx::query(
            "INSERT INTO members (member_id, account_id, email, full_name, role, preferred_language, password_hash,
                                  email_verified_at, password_changed_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'member', $5, $6, $7, $7, $7, $7)",
        )
        .bind(&member_id)
        .bind(&pending.account_id)
        .bind(&pending.email)
        .bind(&pending.full_name)
        .bind(&pending.preferred_language)
        .bind(&pending.password_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        Some(member_id)
    } else {
        None
    };
    // The chosen password's hash leaves the request either way: it lives on in the member only.
    sqlx::query(
        "UPDATE access_requests SET status = $1, decided_at = $2, decided_by_kind = $3, decided_by = $4,
                password_hash = NULL
         WHERE request_id = $5",
    )
    .bind(if approve { "approved" } else { "declined" })
    .bind(now)
    .bind(decider.kind().as_str())
    .bind(decider.id())
    .bind(request_id)
    .execute(&mut *tx)
    .await?;
    let (account_name,): (String,) = sqlx::query_as("SELECT name FROM customer_accounts WHERE account_id = $1")
        .bind(&pending.account_id)
        .fetch_one(&mut *tx)
        .await?;
    let template = Template::AccessDecided {
        account_name,
        approved: approve,
        link: format!("{}/sign-in", state.config.public_url),
    };
    enqueue(&state.config, &mut tx, template, &pending.preferred_language, &pending.email).await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: decider.kind().as_str(),
            actor_id: Some(decider.id()),
            action: if approve { "access.approved" } else { "access.declined" },
            subject_kind: Some(if approve { "member" } else { "access_request" }),
            subject_id: Some(member_id.as_deref().unwrap_or(request_id)),
            account_id: Some(&pending.account_id),
            ip: Some(&client.ip),
            detail: json!({ "request_id": request_id, "role": approve.then_some("member") }),
        },
    )
    .await?;
    tx.commit().await?;
    state.wake_mail_relay();
    Ok(())
}
