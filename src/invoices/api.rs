//! Server functions the invoice pages read through: owners and billing members of the account only.
use super::domain::{InvoiceParams, InvoiceState};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRow {
    pub invoice_id: String,
    pub invoice_number: String,
    pub issue_date: String,
    pub due_date: String,
    pub state: InvoiceState,
    pub currency: String,
    pub gross_minor: i64,
    /// What is left to pay.
    pub due_minor: i64,
}

/// One page of the invoice list, or why the filters were refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicePage {
    pub rows: Vec<InvoiceRow>,
    pub next: Option<String>,
    pub problems: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::auth::sessions::current_principal;
    use crate::server::app_state;

    pub async fn invoice_list(params: InvoiceParams) -> Result<InvoicePage, AppError> {
        let principal = current_principal().ok_or(AppError::Unauthorized)?;
        let member = principal.viewer.member().ok_or(AppError::Forbidden)?;
        if !member.role.sees_invoices() {
            return Err(AppError::Forbidden);
        }
        let account_id = principal.account_id.as_deref().ok_or(AppError::Forbidden)?;
        crate::invoices::store::list(&app_state()?.db, account_id, &params).await
    }
}

/// One page of the caller's invoices (owners and billing members).
#[server(prefix = "/api", endpoint = "invoice_list")]
pub async fn invoice_list(#[server(default)] params: InvoiceParams) -> Result<InvoicePage, AppError> {
    server::invoice_list(params).await
}
