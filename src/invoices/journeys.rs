//! Which journey step each invoice page and download is (see `crate::touchpoints::catalogue`).
use crate::touchpoints::catalogue::{Journey as J, RouteStep as R, StepName as S};

pub const STEPS: &[R] = &[
    R::page("/invoices", J::Invoices),
    R::server_fn("/api/invoice_list", J::Invoices, S::List),
    R { step: S::Detail, ..R::page("/invoices/{id}", J::Invoices) },
    R::server_fn("/api/invoice_detail", J::Invoices, S::Detail),
    R::get("/invoices/{id}/pdf", J::InvoiceDownload, S::Pdf),
];
