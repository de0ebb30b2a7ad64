//! Invoices: the list with filters and keyset pages, and the printable invoice (PDF). The detail
//! page and corrections build on them.
pub mod api;
pub mod domain;
pub mod journeys;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod archive;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod store;
