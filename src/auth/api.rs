//! Server functions the identity pages read their lists through. Each asks who is calling first
//! and scopes every query to them.
use crate::error::AppError;
use crate::kernel::viewer::{MemberRole, StaffRole};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: String,
    pub device: String,
    pub ip: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub member_id: String,
    pub full_name: String,
    pub email: String,
    pub role: MemberRole,
    /// Invited, not yet accepted.
    pub pending: bool,
    pub is_me: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffView {
    pub staff_id: String,
    pub full_name: String,
    pub email: String,
    pub role: StaffRole,
    pub pending: bool,
    pub disabled: bool,
    pub is_me: bool,
}

/// Someone waiting for an owner's (or staff's) decision on their access to an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequestView {
    pub request_id: String,
    pub full_name: String,
    pub email: String,
    pub account_name: String,
    pub created_at: i64,
}

#[cfg(feature = "ssr")]
mod server {
    use super::{AccessRequestView, MemberView, SessionView, StaffView};
    use crate::db::db_error;
    use crate::ui::format::describe_device;
    use crate::web::sessions::{current_principal, Principal};
    use crate::error::AppError;
    use crate::kernel::viewer::{MemberRole, StaffRole};
    use crate::web::app_state;

    /// A staff user as the admin list reads it: id, name, e-mail, role, password hash, disabled at.
    type StaffRow = (String, String, String, String, Option<String>, Option<i64>);

    fn signed_in() -> Result<Principal, AppError> {
        current_principal().ok_or(AppError::Unauthorized)
    }

    pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
        let principal = signed_in()?;
        let state = app_state()?;
        let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT auth_session_id, user_agent, ip, created_at, last_seen_at FROM auth_sessions
             WHERE principal_kind = $1 AND principal_id = $2 AND ended_at IS NULL
             ORDER BY last_seen_at DESC LIMIT 50",
        )
        .bind(principal.kind().as_str())
        .bind(principal.id())
        .fetch_all(&state.db.pool)
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, agent, ip, created_at, last_seen_at)| SessionView {
                current: id == principal.auth_session_id,
                device: describe_device(&agent),
                id,
                ip,
                created_at,
                last_seen_at,
            })
            .collect())
    }

    pub async fn account_members() -> Result<Vec<MemberView>, AppError> {
        let principal = signed_in()?;
        let member = principal.viewer.member().ok_or(AppError::Forbidden)?;
        if !member.role.manages_members() {
            return Err(AppError::Forbidden);
        }
        let state = app_state()?;
        let rows: Vec<(String, String, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT member_id, full_name, email, role, email_verified_at FROM members
             WHERE account_id = $1 AND disabled_at IS NULL ORDER BY full_name, member_id",
        )
        .bind(principal.account_id.as_deref().unwrap_or(""))
        .fetch_all(&state.db.pool)
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(member_id, full_name, email, role, verified)| MemberView {
                is_me: member_id == member.member_id,
                member_id,
                full_name,
                email,
                role: MemberRole::parse(&role).unwrap_or(MemberRole::Member),
                pending: verified.is_none(),
            })
            .collect())
    }

    pub async fn access_requests() -> Result<Vec<AccessRequestView>, AppError> {
        let principal = signed_in()?;
        let member = principal.viewer.member().ok_or(AppError::Forbidden)?;
        if !member.role.manages_members() {
            return Err(AppError::Forbidden);
        }
        crate::auth::access::pending_for_account(&app_state()?.db, principal.account_id.as_deref().unwrap_or("")).await
    }

    pub async fn staff_access_requests() -> Result<Vec<AccessRequestView>, AppError> {
        let principal = signed_in()?;
        if !principal.viewer.staff().is_some_and(|staff| staff.role.handles_customers()) {
            return Err(AppError::Forbidden);
        }
        crate::auth::access::pending_without_owner(&app_state()?.db).await
    }

    pub async fn staff_users() -> Result<Vec<StaffView>, AppError> {
        let principal = signed_in()?;
        let me = principal.viewer.staff().ok_or(AppError::Forbidden)?;
        if me.role != StaffRole::Admin {
            return Err(AppError::Forbidden);
        }
        let state = app_state()?;
        let rows: Vec<StaffRow> = sqlx::query_as(
            "SELECT staff_id, full_name, email, role, password_hash, disabled_at FROM staff_users ORDER BY full_name, staff_id",
        )
        .fetch_all(&state.db.pool)
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .filter_map(|(staff_id, full_name, email, role, hash, disabled)| {
                Some(StaffView {
                    is_me: staff_id == me.staff_id,
                    staff_id,
                    full_name,
                    email,
                    role: StaffRole::parse(&role)?,
                    pending: hash.is_none(),
                    disabled: disabled.is_some(),
                })
            })
            .collect())
    }
}

/// The caller's own sessions that still stand, newest first.
#[server(prefix = "/api", endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
    server::my_sessions().await
}

/// The members of the caller's account (owners only).
#[server(prefix = "/api", endpoint = "account_members")]
pub async fn account_members() -> Result<Vec<MemberView>, AppError> {
    server::account_members().await
}

/// Pending requests for access to the caller's account (owners only).
#[server(prefix = "/api", endpoint = "access_requests")]
pub async fn access_requests() -> Result<Vec<AccessRequestView>, AppError> {
    server::access_requests().await
}

/// Pending requests for access to accounts that have no owner to decide them (staff who handle
/// customers).
#[server(prefix = "/api", endpoint = "staff_access_requests")]
pub async fn staff_access_requests() -> Result<Vec<AccessRequestView>, AppError> {
    server::staff_access_requests().await
}

/// Every staff user (admins only).
#[server(prefix = "/api", endpoint = "staff_users")]
pub async fn staff_users() -> Result<Vec<StaffView>, AppError> {
    server::staff_users().await
}

