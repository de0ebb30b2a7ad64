//! Which journey step each invoice page and download is (see `crate::touchpoints::catalogue`).
use crate::touchpoints::catalogue::{Journey as J, RouteStep as R, StepName as S};

pub const STEPS: &[R] = &[
    R::page("/invoices", J::Invoices),
    R::server_fn("/api/invoice_list", J::Invoices, S::List),
    R { step: S::Detail, ..R::page("/invoices/{id}", J::Invoices) },
    R::server_fn("/api/invoice_detail", J::Invoices, S::Detail),
    R::get("/invoices/{id}/pdf", J::InvoiceDownload, S::Pdf),
    R::get("/invoices/{id}/ksef.json", J::InvoiceDownload, S::Export),
    R::page("/invoices/archive", J::InvoiceDownload),
    R::server_fn("/api/archive_list", J::InvoiceDownload, S::List),
    R::post("/invoices/archive", J::InvoiceDownload, S::Request),
    R { step: S::Detail, ..R::page("/invoices/archive/{id}", J::InvoiceDownload) },
    R::server_fn("/api/archive_status", J::InvoiceDownload, S::Detail),
    R::get("/invoices/archive/{id}/zip", J::InvoiceDownload, S::Export),
];
