//! The account overview's data, scoped to the caller's account.
use crate::error::AppError;
use crate::orders::api::OrderRow;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where the account stands today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub currency: String,
    /// Unpaid amounts of open invoices (shown to roles that see invoices; zero otherwise).
    pub balance_due_minor: i64,
    pub overdue_minor: i64,
    /// The oldest due date among open invoices, `YYYY-MM-DD`.
    pub oldest_due_date: Option<String>,
    pub open_invoices: i64,
    pub overdue_invoices: i64,
    pub sees_invoices: bool,
    pub recent_orders: Vec<OrderRow>,
    /// Reorders waiting for staff.
    pub requested_orders: i64,
    /// Correction requests and complaints still open (complaints count once their feature exists).
    pub open_corrections: i64,
    pub open_complaints: i64,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::accounts::store;
    use crate::web::access::current_member;
    use crate::web::app_state;

    pub async fn account_overview() -> Result<AccountSummary, AppError> {
        let member = current_member()?;
        let (account_id, sees_invoices) = (member.account_id.clone(), member.sees_invoices());
        let state = app_state()?;
        let db = &state.db;
        let today = crate::ui::format::utc_date(crate::db::now_ms());
        let store::Overview { currency, due, overdue, oldest, open, overdue_count, requested, open_corrections } =
            store::overview(db, &account_id, &today).await?;
        let recent_orders = crate::orders::store::recent(db, &account_id, 5).await?;
        let shown = |amount: i64| if sees_invoices { amount } else { 0 };
        Ok(AccountSummary {
            currency,
            balance_due_minor: shown(due),
            overdue_minor: shown(overdue),
            oldest_due_date: oldest.filter(|_| sees_invoices),
            open_invoices: shown(open),
            overdue_invoices: shown(overdue_count),
            sees_invoices,
            recent_orders,
            requested_orders: requested,
            open_corrections: shown(open_corrections),
            open_complaints: 0,
        })
    }
}

/// The caller's account at a glance.
#[server(prefix = "/api", endpoint = "account_overview")]
pub async fn account_overview() -> Result<AccountSummary, AppError> {
    server::account_overview().await
}

/// The signed-in member's own details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub full_name: String,
    pub email: String,
    /// E.164, as stored.
    pub phone: Option<String>,
    pub language: String,
    pub notify_orders: bool,
    pub notify_invoices: bool,
    pub notify_complaints: bool,
}

/// One of the account's addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAddress {
    pub address_id: String,
    /// `billing` or `delivery`.
    pub kind: String,
    pub recipient: String,
    pub line1: String,
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressBook {
    pub addresses: Vec<SavedAddress>,
    /// Owners and billing members change addresses; others read them.
    pub can_manage: bool,
}

#[cfg(feature = "ssr")]
mod profile_server {
    use super::*;
    use crate::accounts::store;
    use crate::web::access::current_member;
    use crate::web::app_state;

    pub async fn my_profile() -> Result<ProfileView, AppError> {
        store::profile(&app_state()?.db, &current_member()?.member_id).await
    }

    pub async fn account_addresses() -> Result<AddressBook, AppError> {
        let member = current_member()?;
        let addresses = store::addresses(&app_state()?.db, &member.account_id).await?;
        Ok(AddressBook { addresses, can_manage: member.sees_invoices() })
    }
}

/// The caller's own profile.
#[server(prefix = "/api", endpoint = "my_profile")]
pub async fn my_profile() -> Result<ProfileView, AppError> {
    profile_server::my_profile().await
}

/// The addresses of the caller's account.
#[server(prefix = "/api", endpoint = "account_addresses")]
pub async fn account_addresses() -> Result<AddressBook, AppError> {
    profile_server::account_addresses().await
}

/// What a statement line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Invoice,
    /// A corrective invoice: a debit when it asks for more, a credit when it gives back.
    Corrective,
    Payment,
}

/// What a statement line says: "Invoice", "Corrective invoice", or "Payment for FV/2026/03/000123".
pub fn describe_entry(locale: crate::i18n::Locale, kind: EntryKind, for_invoice: Option<&str>) -> String {
    use crate::i18n::td_string;
    match (kind, for_invoice) {
        (EntryKind::Payment, Some(invoice)) => format!("{} {invoice}", td_string!(locale, statement_payment_for)),
        (EntryKind::Payment, None) => td_string!(locale, statement_kind_payment).to_string(),
        (EntryKind::Corrective, _) => td_string!(locale, correction_corrective).to_string(),
        (EntryKind::Invoice, _) => td_string!(locale, statement_kind_invoice).to_string(),
    }
}

/// One line of a statement: a document that changed the balance, and the balance after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementEntry {
    pub date: String,
    pub kind: EntryKind,
    /// The invoice number, or the payment's reference.
    pub document: String,
    /// For a payment, the invoice it paid.
    pub for_invoice: Option<String>,
    /// What the customer owes more (an invoice).
    pub debit_minor: i64,
    /// What the customer owes less (a payment).
    pub credit_minor: i64,
    pub balance_minor: i64,
}

/// The period a statement covers, as typed (`YYYY-MM-DD`; empty for the default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatementParams {
    pub from: String,
    pub to: String,
}

/// The account's statement over a period: balance brought forward, every invoice and payment in
/// the period with the running balance, and the balance at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementView {
    pub from: String,
    pub to: String,
    pub currency: String,
    pub opening_minor: i64,
    pub closing_minor: i64,
    pub entries: Vec<StatementEntry>,
    /// (field, reason code) for each refused date; the statement is then empty.
    pub problems: Vec<(String, String)>,
}

#[cfg(feature = "ssr")]
mod statement_server {
    use super::*;
    use crate::web::access::current_billing_member;
    use crate::web::app_state;

    pub async fn account_statement(params: StatementParams) -> Result<StatementView, AppError> {
        let member = current_billing_member()?;
        crate::accounts::store::statement(&app_state()?.db, &member.account_id, &params).await
    }
}

/// The caller's statement of account (owners and billing members).
#[server(prefix = "/api", endpoint = "account_statement")]
pub async fn account_statement(#[server(default)] params: StatementParams) -> Result<StatementView, AppError> {
    statement_server::account_statement(params).await
}
