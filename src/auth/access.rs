//! Access requests: a person who proved they deal with an account (its customer number, one of
//! its invoices, and a link sent to their own address) asks to become a member. Printed
//! documents carry both numbers, so that proof alone never lets anyone in: the account's owners
//! are e-mailed and approve or decline on the members page; an account without an owner is
//! decided by staff. Until then the person has no member row, so nothing of the account can
//! reach them. Every step is audited and the person is told the outcome either way.
use super::service::enqueue;
use super::store::access as store;
use super::store::{accounts, people};
use crate::db::audit::{self, AuditEntry};
use crate::db::{ids::new_id, now_ms};
use crate::error::AppError;
use crate::kernel::viewer::{MemberRole, Viewer};
use crate::mail::Template;
use crate::web::forms::Rejection;
use crate::web::sessions::{Client, Principal};
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
    let Some((account_name, language)) = accounts::name_and_language(&mut **tx, requester.account_id).await? else {
        return Err(Rejection::Failed(AppError::NotFound));
    };
    let request_id = new_id();
    let new = store::NewRequest {
        request_id: &request_id,
        account_id: requester.account_id,
        email: requester.email,
        full_name: requester.full_name,
        language: &language,
        password_hash: requester.password_hash,
        now: now_ms(),
    };
    let inserted = store::insert(tx, new).await;
    match inserted {
        Ok(_) => {}
        // One pending request per address: a second link from the same address is spent.
        Err(error) if error.as_database_error().is_some_and(|e| e.is_unique_violation()) => {
            return Err(Rejection::LinkInvalid)
        }
        Err(error) => return Err(error.into()),
    }
    let owners = store::owners(tx, requester.account_id).await?;
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
    let Some(pending) = store::pending(&mut tx, request_id).await? else { return Err(not_found()) };
    let owners = store::owners_who_sign_in(&mut tx, &pending.account_id).await?;
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
        if people::member_with_email(&mut *tx, &pending.email).await?.is_some() {
            // The address became a member elsewhere meanwhile: nothing to approve.
            return Err(Rejection::Alert { code: "access_request_taken", status: StatusCode::CONFLICT });
        }
        let member_id = new_id();
        store::insert_member(&mut tx, &member_id, &pending, now).await?;
        Some(member_id)
    } else {
        None
    };
    store::decided(&mut tx, request_id, approve, (decider.kind().as_str(), decider.id()), now).await?;
    let account_name =
        accounts::name_and_language(&mut *tx, &pending.account_id).await?.map(|(name, _)| name).unwrap_or_default();
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
