//! Which journey step each account page and server function is (see
//! `crate::touchpoints::catalogue`).
use crate::touchpoints::catalogue::{Journey as J, RouteStep as R, StepName as S};

pub const STEPS: &[R] = &[R::page("/account", J::Account), R::server_fn("/api/account_overview", J::Account, S::List)];
