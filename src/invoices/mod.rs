//! Invoices: the list with filters and keyset pages, and the printable invoice (PDF). The detail
//! page and corrections build on them.
pub mod api;
pub mod corrective;
pub mod domain;
pub mod journeys;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod archive;
#[cfg(feature = "ssr")]
pub mod pdf;
#[cfg(feature = "ssr")]
pub mod store;

/// The invoices' downloads: a PDF each, and archives of a period.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    pdf::routes().merge(archive::routes())
}
