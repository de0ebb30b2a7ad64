//! Which journey step each page, form and server function of the staff console's home and staff
//! administration is (see `crate::touchpoints::catalogue`).
use crate::touchpoints::catalogue::{Journey as J, RouteStep as R, StepName as S};

pub const STEPS: &[R] = &[
    R::page("/staff", J::StaffWork).by_staff(),
    R::page("/staff/users", J::StaffAdmin).by_staff(),
    R::server_fn("/api/staff_users", J::StaffAdmin, S::List).by_staff(),
    R::form("/staff/users", "create_staff", J::StaffAdmin, S::CreateUser).by_staff(),
    R::form("/staff/users", "staff_status", J::StaffAdmin, S::ChangeStatus).by_staff(),
];
