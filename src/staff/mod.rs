//! The staff console's home and staff administration: admins create staff users (invited by
//! e-mail), disable and enable them.
pub mod api;
pub mod journeys;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

#[cfg(feature = "ssr")]
pub use handlers::routes;
