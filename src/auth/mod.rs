//! Identity: customers (members of customer accounts) and staff sign in safely.
//!
//! Shared with the browser: the model, the pages and the server functions they read through.
//! Server only: domain types, hashing, tokens, throttling, the flows and their
//! HTTP endpoints.
pub mod access_pages;
pub mod api;
pub mod journeys;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod handlers;
#[cfg(feature = "ssr")]
pub mod password;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

#[cfg(feature = "ssr")]
pub use handlers::{routes, LINK_PAGES};
