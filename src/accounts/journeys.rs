//! Which journey step each account page and server function is (see
//! `crate::touchpoints::catalogue`).
use crate::touchpoints::catalogue::{Journey as J, RouteStep as R, StepName as S};

pub const STEPS: &[R] = &[
    R::page("/account", J::Account),
    R::server_fn("/api/account_overview", J::Account, S::List),
    R::page("/account/profile", J::Profile),
    R::server_fn("/api/my_profile", J::Profile, S::List),
    R::post("/account/profile", J::Profile, S::Submit),
    R::page("/account/addresses", J::Addresses),
    R::server_fn("/api/account_addresses", J::Addresses, S::List),
    R::form("/account/addresses", "address_save", J::Addresses, S::Submit),
    R::form("/account/addresses", "address_remove", J::Addresses, S::Remove),
    R::form("/account/addresses", "address_default", J::Addresses, S::SetDefault),
    R::page("/account/statement", J::Statement),
    R::server_fn("/api/account_statement", J::Statement, S::List),
    R::get("/account/statement.csv", J::Statement, S::Export),
    R::get("/account/statement.pdf", J::Statement, S::Export),
    // The people with access.
    R::page("/account/members", J::Members),
    R::server_fn("/api/account_members", J::Members, S::List),
    R::form("/account/members", "invite_member", J::Members, S::Invite),
    R::form("/account/members", "member_role", J::Members, S::ChangeRole),
    R::form("/account/members", "member_remove", J::Members, S::Remove),
    R::form("/account/members", "access_decision", J::Members, S::Decide),
];
