//! Which step of the `correction_request` journey each page, form and file is. Staff steps are
//! part of the same journey (channel staff), so the journal shows a request from the customer's
//! first look to the decision.
use crate::touchpoints::catalogue::{Journey as J, RouteStep as R, StepName as S};

pub const STEPS: &[R] = &[
    R::page("/invoices/{id}/correct", J::CorrectionRequest),
    R::server_fn("/api/correction_form", J::CorrectionRequest, S::View),
    R::form("/invoices/{id}/correct", "preview", J::CorrectionRequest, S::Preview),
    // A post that names no form (a submit, or a body that is not the form at all) is a submit.
    R::post("/invoices/{id}/correct", J::CorrectionRequest, S::Submit),
    R { step: S::List, ..R::page("/corrections", J::CorrectionRequest) },
    R::server_fn("/api/my_corrections", J::CorrectionRequest, S::List),
    R { step: S::Detail, ..R::page("/corrections/{id}", J::CorrectionRequest) },
    R::server_fn("/api/my_correction", J::CorrectionRequest, S::Detail),
    R::get("/corrections/{id}/attachments/{attachment}", J::CorrectionRequest, S::Attachment),
    R { step: S::List, ..R::page("/staff/corrections", J::CorrectionRequest) }.by_staff(),
    R::server_fn("/api/correction_queue", J::CorrectionRequest, S::List).by_staff(),
    R { step: S::Review, ..R::page("/staff/corrections/{id}", J::CorrectionRequest) }.by_staff(),
    R::server_fn("/api/staff_correction", J::CorrectionRequest, S::Review).by_staff(),
    R::form("/staff/corrections/{id}", "start_review", J::CorrectionRequest, S::Review).by_staff(),
    R::post("/staff/corrections/{id}", J::CorrectionRequest, S::Decide).by_staff(),
    R::get("/staff/corrections/{id}/attachments/{attachment}", J::CorrectionRequest, S::Attachment).by_staff(),
];
