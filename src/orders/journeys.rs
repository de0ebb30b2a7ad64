//! Which journey step each order page, form and server function is (see
//! `crate::touchpoints::catalogue`).
use crate::touchpoints::catalogue::{Journey as J, RouteStep as R, StepName as S};

pub const STEPS: &[R] = &[
    R::page("/orders", J::Orders),
    R::server_fn("/api/order_history", J::Orders, S::List),
    R { step: S::Detail, ..R::page("/orders/{id}", J::Orders) },
    R::server_fn("/api/order_detail", J::Orders, S::Detail),
    // Reorder: start from a past order, review, confirm (then the e-mail, see the mail relay).
    R::page("/orders/{id}/reorder", J::Reorder),
    R { step: S::Review, ..R::page("/orders/{id}/reorder/review", J::Reorder) },
    R::server_fn("/api/reorder_plan", J::Reorder, S::List),
    R::post("/orders/{id}/reorder/review", J::Reorder, S::Confirm),
];
