//! The "People with access" forms of an account's owners: invite a member, change a member's
//! role, remove a member, decide a request for access. The rules are here; invitations and access
//! requests are identity's (`crate::auth`).
use super::store;
use crate::auth::domain::FieldProblem;
use crate::db::audit::{self, AuditEntry};
use crate::db::now_ms;
use crate::error::AppError;
use crate::kernel::viewer::{MemberRole, Viewer};
use crate::web::access::signed_in_as;
use crate::web::forms::{or_answer, read_form, reject, which_form, Rejection};
use crate::web::respond::{bare, see_other};
use crate::web::sessions::{self, Client, Principal, PrincipalKind};
use crate::web::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new().route("/account/members", post(members_forms))
}

async fn members_forms(State(state): State<AppState>, request: Request) -> Response {
    let (which, request) = or_answer!(which_form(&state, request).await);
    match which.as_str() {
        "invite_member" => invite_member(State(state), request).await,
        "member_role" => member_role_form(State(state), request).await,
        "member_remove" => member_remove_form(State(state), request).await,
        "access_decision" => access_decision(State(state), request).await,
        _ => bare(StatusCode::BAD_REQUEST),
    }
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
}

async fn invite_member(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<InviteForm>(&state, request).await);
    let who = or_answer!(signed_in_as(&parts, PrincipalKind::Member));
    let client = Client::from_parts(&parts, &state.config);
    let account_id = who.account_id.clone().unwrap_or_default();
    match crate::auth::service::invite_member(
        &state,
        &who,
        &account_id,
        &form.email,
        &form.full_name,
        &form.role,
        &client,
    )
    .await
    {
        Ok(()) => see_other("/account/members?notice=member_invited"),
        Err(rejection) => {
            let values = vec![("email", form.email), ("full_name", form.full_name), ("role", form.role)];
            reject(&state, parts, "invite_member", rejection, values, None).await
        }
    }
}

#[derive(Deserialize)]
struct MemberForm {
    #[serde(default)]
    member: String,
    #[serde(default)]
    role: String,
}

async fn member_role_form(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<MemberForm>(&state, request).await);
    let who = or_answer!(signed_in_as(&parts, PrincipalKind::Member));
    let client = Client::from_parts(&parts, &state.config);
    match set_member_role(&state, &who, &form.member, &form.role, &client).await {
        Ok(()) if form.member == who.id() => see_other("/account?notice=member_updated"),
        Ok(()) => see_other("/account/members?notice=member_updated"),
        Err(rejection) => reject(&state, parts, "members", rejection, vec![], None).await,
    }
}

async fn member_remove_form(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<MemberForm>(&state, request).await);
    let who = or_answer!(signed_in_as(&parts, PrincipalKind::Member));
    let client = Client::from_parts(&parts, &state.config);
    match remove_member(&state, &who, &form.member, &client).await {
        Ok(()) => see_other("/account/members?notice=member_removed"),
        Err(rejection) => reject(&state, parts, "members", rejection, vec![], None).await,
    }
}

async fn access_decision(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<crate::auth::handlers::AccessDecisionForm>(&state, request).await);
    let who = or_answer!(signed_in_as(&parts, PrincipalKind::Member));
    crate::auth::handlers::decide_access(state, parts, who, form, "/account/members", "members").await
}

// --- The rules ------------------------------------------------------------------------------------

fn owner_of(principal: &Principal) -> Result<(&str, &str), Rejection> {
    match (&principal.viewer, principal.account_id.as_deref()) {
        (Viewer::Member(member), Some(account_id)) if member.role.manages_members() => {
            Ok((account_id, &member.member_id))
        }
        _ => Err(Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN }),
    }
}

/// Sets a member's role. The member's sessions end, so the new role starts with a new session.
/// An account always keeps at least one owner.
pub async fn set_member_role(
    state: &AppState,
    owner: &Principal,
    member_id: &str,
    role_raw: &str,
    client: &Client,
) -> Result<(), Rejection> {
    let (account_id, _) = owner_of(owner)?;
    let role = MemberRole::parse(role_raw).ok_or_else(|| Rejection::field("role", FieldProblem::RoleInvalid))?;
    let mut tx = state.db.begin_write().await?;
    // Scoped to the owner's account: another account's member is simply not found.
    let Some(before) = store::role_of(&mut tx, account_id, member_id).await? else {
        return Err(Rejection::Failed(AppError::NotFound));
    };
    if before == "owner" && role != MemberRole::Owner && store::owner_count(&mut tx, account_id).await? <= 1 {
        return Err(Rejection::Alert { code: "last_owner", status: StatusCode::CONFLICT });
    }
    store::set_role(&mut tx, member_id, role).await?;
    if before != role.as_str() {
        let keep = (member_id == owner.id()).then_some(owner.auth_session_id.as_str());
        sessions::end_all(&mut *tx, PrincipalKind::Member, member_id, keep, "role_changed").await?;
    }
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "member",
            actor_id: Some(owner.id()),
            action: "member.role_changed",
            subject_kind: Some("member"),
            subject_id: Some(member_id),
            account_id: Some(account_id),
            ip: Some(&client.ip),
            detail: json!({ "before": before, "after": role.as_str() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a member from the account: they can no longer sign in, and their sessions end. The row
/// stays for the records that name them.
pub async fn remove_member(
    state: &AppState,
    owner: &Principal,
    member_id: &str,
    client: &Client,
) -> Result<(), Rejection> {
    let (account_id, _) = owner_of(owner)?;
    let mut tx = state.db.begin_write().await?;
    let Some(role) = store::role_of(&mut tx, account_id, member_id).await? else {
        return Err(Rejection::Failed(AppError::NotFound));
    };
    if role == "owner" && store::owner_count(&mut tx, account_id).await? <= 1 {
        return Err(Rejection::Alert { code: "last_owner", status: StatusCode::CONFLICT });
    }
    store::disable(&mut tx, member_id, now_ms()).await?;
    sessions::end_all(&mut *tx, PrincipalKind::Member, member_id, None, "removed").await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "member",
            actor_id: Some(owner.id()),
            action: "member.removed",
            subject_kind: Some("member"),
            subject_id: Some(member_id),
            account_id: Some(account_id),
            ip: Some(&client.ip),
            detail: json!({ "role": role }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
