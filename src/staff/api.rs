//! The staff list an admin manages.
use crate::error::AppError;
use crate::kernel::viewer::StaffRole;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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

#[cfg(feature = "ssr")]
mod server {
    use super::StaffView;
    use crate::error::AppError;
    use crate::kernel::viewer::StaffRole;
    use crate::web::access::current_admin;
    use crate::web::app_state;

    pub async fn staff_users() -> Result<Vec<StaffView>, AppError> {
        let me = current_admin()?;
        let rows = crate::staff::store::list(&app_state()?.db).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(staff_id, full_name, email, role, hash, disabled)| {
                Some(StaffView {
                    is_me: staff_id == me,
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

/// Every staff user (admins only).
#[server(prefix = "/api", endpoint = "staff_users")]
pub async fn staff_users() -> Result<Vec<StaffView>, AppError> {
    server::staff_users().await
}
