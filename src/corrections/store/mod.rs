//! The corrections' SQL. Customer reads name the account they read for; staff reads do not.
use super::api::{AttachmentView, CorrectionFormView, CorrectionLineView, CorrectionRow, CorrectionView};
use super::domain::{
    total_difference, Amounts, BuyerChange, BuyerData, CorrectionReason, CorrectionStatus, Decision, InvoiceLine,
    LineChange, LineValues,
};
use crate::db::audit::{self, AuditEntry};
use crate::db::db_error;
use crate::db::{ids::new_id, now_ms, Db};
use crate::error::AppError;
use crate::invoices::store::issue_corrective;
use crate::kernel::cursor::looks_like_id;
use crate::ui::format::utc_date;
use crate::web::forms::Rejection;

/// Whose requests a read may return.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Account(&'a str),
    Staff,
}

impl Scope<'_> {
    fn account(&self) -> Option<&str> {
        match self {
            Scope::Account(id) => Some(id),
            Scope::Staff => None,
        }
    }
}

mod decide;
mod drafts;
mod read;
mod submit;

pub use decide::*;
pub use drafts::*;
pub use read::*;
pub use submit::*;
