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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLineView {
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub unit_price_minor: i64,
    pub vat_rate_bp: i64,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    pub paid_on: String,
    pub reference: String,
    pub amount_minor: i64,
}

/// One invoice with everything the customer may ask about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDetailView {
    pub invoice_id: String,
    pub invoice_number: String,
    pub issue_date: String,
    pub sale_date: String,
    pub due_date: String,
    pub state: InvoiceState,
    pub currency: String,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
    pub paid_minor: i64,
    pub ksef_number: Option<String>,
    pub buyer_name: String,
    pub buyer_tax_id: Option<String>,
    pub buyer_address: String,
    pub lines: Vec<InvoiceLineView>,
    pub vat: Vec<crate::kernel::money::VatRow>,
    pub payments: Vec<PaymentView>,
    /// The order it bills: (id, number).
    pub order: Option<(String, String)>,
    /// What a corrective invoice corrects; `None` for a regular invoice.
    pub corrects: Option<CorrectsView>,
    /// Correction requests for this invoice: (id, status, submitted at).
    pub corrections: Vec<(String, super::corrective::CorrectionStatus, i64)>,
    /// Corrective invoices issued for it: (id, number).
    pub correctives: Vec<(String, String)>,
    /// A correction may be requested (a regular invoice, not cancelled).
    pub correctable: bool,
}

/// The original a corrective invoice corrects, why, and each corrected line before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectsView {
    pub original_id: String,
    pub original_number: String,
    pub original_issue_date: String,
    pub original_ksef: Option<String>,
    pub reason: super::corrective::CorrectionReason,
    pub explanation: String,
    pub changes: Vec<super::corrective::LineChange>,
}

/// An invoice archive (ZIP of a period's PDFs) and how far it has got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveView {
    pub archive_id: String,
    pub from: String,
    pub to: String,
    /// queued, building, ready, failed.
    pub status: String,
    pub total: i64,
    pub done: i64,
    pub size_bytes: i64,
    /// Built in the background with an e-mail when ready.
    pub large: bool,
    pub created_at: i64,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;

    use crate::web::app_state;

    pub async fn invoice_list(params: InvoiceParams) -> Result<InvoicePage, AppError> {
        crate::invoices::store::list(&app_state()?.db, &billing_account()?, &params).await
    }

    pub async fn invoice_detail(invoice_id: String) -> Result<InvoiceDetailView, AppError> {
        let detail = crate::invoices::store::detail(&app_state()?.db, &billing_account()?, &invoice_id).await?;
        if let Some(note) = crate::touchpoints::layer::StepNote::current() {
            note.subject("invoice", &detail.invoice_id);
        }
        Ok(detail)
    }

    fn billing_account() -> Result<String, AppError> {
        Ok(crate::web::access::current_billing_member()?.account_id)
    }

    pub async fn archive_list() -> Result<Vec<ArchiveView>, AppError> {
        crate::invoices::archive::recent(&app_state()?.db, &billing_account()?).await
    }

    pub async fn archive_status(archive_id: String) -> Result<ArchiveView, AppError> {
        let view = crate::invoices::archive::status(&app_state()?.db, &billing_account()?, &archive_id).await?;
        if let Some(note) = crate::touchpoints::layer::StepNote::current() {
            note.subject("archive", &view.archive_id);
        }
        Ok(view)
    }
}

/// One page of the caller's invoices (owners and billing members).
#[server(prefix = "/api", endpoint = "invoice_list")]
pub async fn invoice_list(#[server(default)] params: InvoiceParams) -> Result<InvoicePage, AppError> {
    server::invoice_list(params).await
}

/// One of the caller's invoices (owners and billing members).
#[server(prefix = "/api", endpoint = "invoice_detail")]
pub async fn invoice_detail(invoice_id: String) -> Result<InvoiceDetailView, AppError> {
    server::invoice_detail(invoice_id).await
}

/// The caller's invoice archives of the last week (owners and billing members).
#[server(prefix = "/api", endpoint = "archive_list")]
pub async fn archive_list() -> Result<Vec<ArchiveView>, AppError> {
    server::archive_list().await
}

/// One of the caller's invoice archives.
#[server(prefix = "/api", endpoint = "archive_status")]
pub async fn archive_status(archive_id: String) -> Result<ArchiveView, AppError> {
    server::archive_status(archive_id).await
}
