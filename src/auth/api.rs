//! Server functions the identity pages read their lists through. Each asks who is calling first
//! and scopes every query to them.
use crate::error::AppError;
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
    use super::{AccessRequestView, SessionView};
    use crate::db::db_error;
    use crate::error::AppError;
    use crate::ui::format::describe_device;
    use crate::web::sessions::{current_principal, Principal};

    use crate::web::app_state;

    fn signed_in() -> Result<Principal, AppError> {
        current_principal().ok_or(AppError::Unauthorized)
    }

    pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
        let principal = signed_in()?;
        let state = app_state()?;
        let rows = crate::auth::store::sessions::standing(&state.db.pool, principal.kind(), principal.id())
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

    pub async fn access_requests() -> Result<Vec<AccessRequestView>, AppError> {
        let principal = signed_in()?;
        let member = principal.viewer.member().ok_or(AppError::Forbidden)?;
        if !member.role.manages_members() {
            return Err(AppError::Forbidden);
        }
        crate::auth::store::access::pending_for_account(&app_state()?.db, principal.account_id.as_deref().unwrap_or(""))
            .await
    }

    pub async fn staff_access_requests() -> Result<Vec<AccessRequestView>, AppError> {
        let principal = signed_in()?;
        if !principal.viewer.staff().is_some_and(|staff| staff.role.handles_customers()) {
            return Err(AppError::Forbidden);
        }
        crate::auth::store::access::pending_without_owner(&app_state()?.db).await
    }
}

/// The caller's own sessions that still stand, newest first.
#[server(prefix = "/api", endpoint = "my_sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, AppError> {
    server::my_sessions().await
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
