//! The customer account: the overview a member lands on after signing in (where they stand, what
//! needs their action).
pub mod api;
pub mod journeys;
pub mod pages;
