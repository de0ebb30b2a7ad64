//! Which journey step each of the journal's own pages and endpoints is.
use crate::touchpoints::catalogue::{Journey as J, RouteStep as R, StepName as S};

pub const STEPS: &[R] = &[
    R::page("/account/activity", J::Activity),
    R::page("/cx", J::Cx).by_staff(),
    R::server_fn("/api/my_activity", J::Activity, S::List),
    R::get("/account/activity/export", J::Activity, S::Export),
    R::server_fn("/api/cx_recent_customers", J::Cx, S::List).by_staff(),
    R::server_fn("/api/cx_customer_timeline", J::Cx, S::View).by_staff(),
];
