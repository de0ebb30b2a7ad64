//! Which journey step each identity page, form and server function is (see
//! `crate::touchpoints::catalogue`).
use crate::touchpoints::catalogue::{Journey as J, RouteStep as R, StepName as S};

pub const STEPS: &[R] = &[
    // Customers.
    R::page("/sign-in", J::SignIn),
    R::post("/sign-in", J::SignIn, S::Submit),
    R::post("/sign-out", J::SignOut, S::Submit),
    R::page("/forgot-password", J::PasswordReset),
    R::post("/forgot-password", J::PasswordReset, S::Request),
    R::from_email("/reset-password", J::PasswordReset),
    R::post("/reset-password", J::PasswordReset, S::SetPassword),
    R::from_email("/invitation", J::Invitation),
    R::post("/invitation", J::Invitation, S::Accept),
    R::page("/register", J::Registration),
    R::post("/register", J::Registration, S::Request),
    R::from_email("/register/complete", J::Registration),
    R::post("/register/complete", J::Registration, S::Complete),
    R::from_email("/email-change", J::EmailChange),
    R::post("/email-change", J::EmailChange, S::Confirm),
    R::page("/account/security", J::Sessions),
    R::server_fn("/api/my_sessions", J::Sessions, S::List),
    R::form("/account/security", "change_password", J::PasswordChange, S::Submit),
    R::form("/account/security", "change_email", J::EmailChange, S::Request),
    R::form("/account/security", "sessions", J::Sessions, S::EndSessions),
    R::server_fn("/api/access_requests", J::Members, S::List),
    // Staff.
    R::page("/staff/sign-in", J::StaffSignIn).by_staff(),
    R::post("/staff/sign-in", J::StaffSignIn, S::Submit).by_staff(),
    R::page("/staff/security", J::Sessions).by_staff(),
    R::form("/staff/security", "change_password", J::PasswordChange, S::Submit).by_staff(),
    R::form("/staff/security", "change_email", J::EmailChange, S::Request).by_staff(),
    R::form("/staff/security", "sessions", J::Sessions, S::EndSessions).by_staff(),
    R::page("/staff/invite-member", J::StaffAdmin).by_staff(),
    R::post("/staff/invite-member", J::StaffAdmin, S::Invite).by_staff(),
    R::page("/staff/access-requests", J::StaffAdmin).by_staff(),
    R::server_fn("/api/staff_access_requests", J::StaffAdmin, S::List).by_staff(),
    R::post("/staff/access-requests", J::StaffAdmin, S::Decide).by_staff(),
];
