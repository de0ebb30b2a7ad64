//! The CX team's view of the journal (`/cx`: recent customers under pseudonyms and their
//! timelines) and a customer's own activity page and data export.
pub mod api;
pub mod journeys;
pub mod pages;
pub mod timeline;

#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod store;

/// A customer's export of their own data.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    axum::Router::new().route("/account/activity/export", axum::routing::get(export::my_data))
}
