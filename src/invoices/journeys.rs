//! Which journey step each invoice page and download is (see `crate::touchpoints::catalogue`).
use crate::touchpoints::catalogue::{Journey as J, RouteStep as R, StepName as S};

pub const STEPS: &[R] = &[R::get("/invoices/{id}/pdf", J::InvoiceDownload, S::Pdf)];
