//! Orders: the history with search, filters and keyset pages; one order with its lines, taxes,
//! status timeline and invoices; and reorder (edit quantities, review, confirm once).
pub mod api;
pub mod domain;
pub mod journeys;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod store;

#[cfg(feature = "ssr")]
pub use handlers::routes;
