//! Server functions the order pages read through. Every query is scoped to the caller's account:
//! an order of another account is answered exactly as an order that does not exist.
use super::domain::{HistoryParams, OrderStatus};
use crate::error::AppError;
use crate::kernel::money::VatRow;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of the order history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRow {
    pub order_id: String,
    pub order_number: String,
    pub status: OrderStatus,
    pub placed_at: i64,
    /// The first line's description, so a row says what was ordered.
    pub first_item: String,
    pub line_count: i64,
    pub gross_minor: i64,
    pub currency: String,
}

/// One page of the history, or why the filters were refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub rows: Vec<OrderRow>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
    /// (field, reason code) for each filter that was refused; the page then shows no rows.
    pub problems: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub line_no: i64,
    pub description: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub vat_rate_bp: i64,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressView {
    pub recipient: String,
    pub line1: String,
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusEvent {
    pub status: OrderStatus,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedInvoice {
    pub invoice_id: String,
    pub invoice_number: String,
    pub status: String,
    pub due_date: String,
    pub gross_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetailView {
    pub order_id: String,
    pub order_number: String,
    pub status: OrderStatus,
    pub placed_at: i64,
    pub currency: String,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
    pub lines: Vec<OrderLineView>,
    pub vat: Vec<VatRow>,
    pub delivery: Option<AddressView>,
    pub timeline: Vec<StatusEvent>,
    /// Empty for members whose role does not show invoices.
    pub invoices: Vec<RelatedInvoice>,
    pub sees_invoices: bool,
}

/// One line of a reorder: the past quantity, the product's price today, and what was typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReorderLine {
    pub line_no: i64,
    pub description: String,
    pub unit: String,
    pub past_quantity: i64,
    /// Today's price (the past order's price when the product is no longer sold).
    pub unit_price_minor: i64,
    pub vat_rate_bp: i64,
    /// Whether the product is still sold; lines that are not cannot be reordered.
    pub available: bool,
    /// The quantity as typed (or the past quantity before anything was typed).
    pub quantity: String,
    /// Why the typed quantity was refused (a field error code).
    pub error: Option<String>,
    /// Totals of the chosen quantity at today's price (0 when refused or left out).
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
}

impl ReorderLine {
    /// The form field of this line's quantity.
    pub fn field(&self) -> String {
        format!("q_{}", self.line_no)
    }
}

/// A reorder being edited or reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReorderDraft {
    pub order_id: String,
    pub order_number: String,
    pub currency: String,
    pub lines: Vec<ReorderLine>,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
    /// A form-level problem: `nothing_to_order` when every quantity is 0.
    pub alert: Option<String>,
    /// Sent back with the confirmation: the same key twice makes one order.
    pub request_key: String,
}

impl ReorderDraft {
    pub fn is_valid(&self) -> bool {
        self.alert.is_none() && self.lines.iter().all(|line| line.error.is_none())
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use super::*;
    use crate::orders::store;
    use crate::web::access::current_member;
    use crate::web::app_state;

    /// Tells the journal which order a step was about.
    pub fn note_subject(order_id: &str) {
        if let Some(note) = crate::touchpoints::layer::StepNote::current() {
            note.subject("order", order_id);
        }
    }

    pub async fn order_history(params: HistoryParams) -> Result<HistoryPage, AppError> {
        let account_id = current_member()?.account_id;
        let state = app_state()?;
        store::history(&state.db, &account_id, &params).await
    }

    pub async fn order_detail(order_id: String) -> Result<OrderDetailView, AppError> {
        let member = current_member()?;
        let (account_id, sees_invoices) = (member.account_id.clone(), member.sees_invoices());
        let state = app_state()?;
        let detail = store::detail(&state.db, &account_id, &order_id, sees_invoices).await?;
        note_subject(&detail.order_id);
        Ok(detail)
    }

    pub async fn reorder_plan(order_id: String, typed: Option<Vec<(i64, String)>>) -> Result<ReorderDraft, AppError> {
        let account_id = current_member()?.account_id;
        let state = app_state()?;
        let plan = store::reorder_plan(&state.db, &account_id, &order_id, typed.as_deref()).await?;
        note_subject(&plan.order_id);
        if !plan.is_valid() {
            if let Some(note) = crate::touchpoints::layer::StepNote::current() {
                note.error("invalid_quantity");
            }
        }
        Ok(plan)
    }
}

/// One page of the caller's order history.
#[server(prefix = "/api", endpoint = "order_history")]
pub async fn order_history(#[server(default)] params: HistoryParams) -> Result<HistoryPage, AppError> {
    server::order_history(params).await
}

/// One of the caller's orders.
#[server(prefix = "/api", endpoint = "order_detail")]
pub async fn order_detail(order_id: String) -> Result<OrderDetailView, AppError> {
    server::order_detail(order_id).await
}

/// A reorder of one of the caller's orders: the past lines at today's prices, with the typed
/// quantities checked (`typed` is (line number, quantity as typed) per line, absent before anything
/// was typed).
#[server(prefix = "/api", endpoint = "reorder_plan")]
pub async fn reorder_plan(order_id: String, typed: Option<Vec<(i64, String)>>) -> Result<ReorderDraft, AppError> {
    server::reorder_plan(order_id, typed).await
}
