//! Server functions the correction pages read through. Customers reach their own account's
//! requests only (owners and billing members); staff who handle customers reach all of them.
use super::domain::{BuyerData, CorrectionReason, CorrectionStatus, InvoiceLine, LineChange, LineValues};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A file attached to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub attachment_id: String,
    pub file_name: String,
    pub size_bytes: i64,
}

/// What the request form needs: the invoice's lines and buyer, the form's key, files attached so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionFormView {
    pub invoice_id: String,
    pub invoice_number: String,
    pub issue_date: String,
    pub currency: String,
    pub buyer: BuyerData,
    pub lines: Vec<InvoiceLine>,
    pub key: String,
    pub attachments: Vec<AttachmentView>,
    /// Days within which a decision is promised.
    pub decision_days: i64,
    /// Requests already open for this invoice: (id, submitted date).
    pub open: Vec<(String, String)>,
}

/// A line of a request: the invoice's values, what the customer asked for, what staff decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionLineView {
    pub line_no: i64,
    pub unit: String,
    pub before: LineValues,
    pub asked: LineValues,
    pub after: Option<LineValues>,
}

impl CorrectionLineView {
    pub fn asked_change(&self) -> LineChange {
        LineChange {
            line_no: self.line_no,
            unit: self.unit.clone(),
            before: self.before.clone(),
            after: self.asked.clone(),
        }
    }

    pub fn decided_change(&self) -> Option<LineChange> {
        let after = self.after.clone()?;
        Some(LineChange { line_no: self.line_no, unit: self.unit.clone(), before: self.before.clone(), after })
    }
}

/// A request with everything the customer (or staff) may ask about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionView {
    pub correction_id: String,
    pub invoice_id: String,
    pub invoice_number: String,
    pub currency: String,
    pub status: CorrectionStatus,
    pub reason: CorrectionReason,
    pub explanation: String,
    pub submitted_at: i64,
    pub decide_by: String,
    pub submitted_by: Option<String>,
    pub reviewer: Option<String>,
    pub review_started_at: Option<i64>,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
    /// The corrective invoice: (id, number).
    pub corrective: Option<(String, String)>,
    pub lines: Vec<CorrectionLineView>,
    pub buyer_before: BuyerData,
    /// Buyer data asked for: (field, value).
    pub buyer_asked: Vec<(String, String)>,
    pub attachments: Vec<AttachmentView>,
    /// The customer account's name (staff pages).
    pub account_name: String,
}

/// A request in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRow {
    pub correction_id: String,
    pub invoice_id: String,
    pub invoice_number: String,
    pub status: CorrectionStatus,
    pub reason: CorrectionReason,
    pub submitted_at: i64,
    pub decide_by: String,
    pub currency: String,
    /// The gross difference asked for.
    pub difference_minor: i64,
    pub account_name: String,
    pub reviewer: Option<String>,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::corrections::store::{self, Scope};
    use crate::web::app_state;
    use crate::web::sessions::current_principal;

    /// The caller's account and member id, when they are an owner or billing member.
    pub fn billing_account() -> Result<(String, String), AppError> {
        let member = crate::web::access::current_billing_member()?;
        Ok((member.account_id, member.member_id))
    }

    pub fn handling_staff() -> Result<String, AppError> {
        crate::web::access::handling_staff_of(current_principal().as_ref())
    }

    fn note_subject(kind: &'static str, id: &str) {
        if let Some(note) = crate::touchpoints::layer::StepNote::current() {
            note.subject(kind, id);
        }
    }

    pub async fn correction_form(invoice_id: String, key: Option<String>) -> Result<CorrectionFormView, AppError> {
        let (account_id, _) = billing_account()?;
        let state = app_state()?;
        let form = store::form(&state.db, &account_id, &invoice_id, key, state.config.correction_decision_days).await?;
        note_subject("invoice", &invoice_id);
        Ok(form)
    }

    pub async fn my_correction(correction_id: String) -> Result<CorrectionView, AppError> {
        let (account_id, _) = billing_account()?;
        let view = store::detail(&app_state()?.db, Scope::Account(&account_id), &correction_id).await?;
        note_subject("correction", &view.correction_id);
        Ok(view)
    }

    pub async fn my_corrections() -> Result<Vec<CorrectionRow>, AppError> {
        let (account_id, _) = billing_account()?;
        store::list(&app_state()?.db, Scope::Account(&account_id)).await
    }

    pub async fn correction_queue() -> Result<Vec<CorrectionRow>, AppError> {
        handling_staff()?;
        store::list(&app_state()?.db, Scope::Staff).await
    }

    pub async fn staff_correction(correction_id: String) -> Result<(CorrectionView, Vec<InvoiceLine>), AppError> {
        handling_staff()?;
        let db = &app_state()?.db;
        let view = store::detail(db, Scope::Staff, &correction_id).await?;
        let lines = store::invoice_lines(db, &view.invoice_id).await?;
        note_subject("correction", &view.correction_id);
        Ok((view, lines))
    }
}

/// The request form for one of the caller's invoices.
#[server(prefix = "/api", endpoint = "correction_form")]
pub async fn correction_form(invoice_id: String, key: Option<String>) -> Result<CorrectionFormView, AppError> {
    server::correction_form(invoice_id, key).await
}

/// One of the caller's correction requests.
#[server(prefix = "/api", endpoint = "my_correction")]
pub async fn my_correction(correction_id: String) -> Result<CorrectionView, AppError> {
    server::my_correction(correction_id).await
}

/// The caller's correction requests, newest first.
#[server(prefix = "/api", endpoint = "my_corrections")]
pub async fn my_corrections() -> Result<Vec<CorrectionRow>, AppError> {
    server::my_corrections().await
}

/// Open requests for staff, oldest first, then the latest decided ones.
#[server(prefix = "/api", endpoint = "correction_queue")]
pub async fn correction_queue() -> Result<Vec<CorrectionRow>, AppError> {
    server::correction_queue().await
}

/// One request for staff with the invoice's lines beside it. Reading it changes nothing: the
/// review starts with the page's "Start review" form.
#[server(prefix = "/api", endpoint = "staff_correction")]
pub async fn staff_correction(correction_id: String) -> Result<(CorrectionView, Vec<InvoiceLine>), AppError> {
    server::staff_correction(correction_id).await
}
