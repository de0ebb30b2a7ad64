//! Corrections: a customer disputes lines or buyer data of an invoice, staff decide, and an
//! accepted request becomes a corrective invoice ("faktura korygująca", art. 106j of the Polish
//! VAT act) with its own number series, PDF and KSeF-ready structured data.
pub mod api;
pub mod domain;
pub mod journeys;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod ksef;
#[cfg(feature = "ssr")]
pub mod store;

/// The correction forms, their attachments and the KSeF document.
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::web::AppState> {
    handlers::routes().merge(ksef::routes())
}
