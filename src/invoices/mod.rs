//! Invoices: the printable invoice (PDF) now; the list, detail and corrections build on it.
pub mod journeys;

#[cfg(feature = "ssr")]
pub mod pdf;
