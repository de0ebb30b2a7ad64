//! The customer account: the overview a member lands on after signing in (where they stand, what
//! needs their action), the member's profile, and the account's addresses.
pub mod api;
pub mod domain;
pub mod journeys;
pub mod members;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod members_forms;
#[cfg(feature = "ssr")]
pub mod statement;
#[cfg(feature = "ssr")]
pub mod store;

/// The account's form posts and downloads.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    handlers::routes().merge(members_forms::routes()).merge(statement::routes())
}
