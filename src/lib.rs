//! Styk: a customer self-service portal with built-in customer-experience analytics.
//!
//! The crate builds twice: as the server (`ssr`: axum, database, background work) and as the
//! browser bundle (`hydrate`: the same components, hydrated over the server's HTML). Server-only
//! modules are declared behind `#[cfg(feature = "ssr")]` here and nowhere else.
#![recursion_limit = "256"]

pub mod accounts;
pub mod app;
pub mod auth;
pub mod corrections;
pub mod cx;
pub mod demo;
pub mod error;
pub mod i18n;
pub mod invoices;
pub mod kernel;
pub mod orders;
pub mod staff;
pub mod touchpoints;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod documents;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod web;

/// The server's allocator, for every binary that links the server (the portal, its tests and
/// benchmarks). Rendering a page allocates thousands of small strings and nodes, and the
/// journal's touchpoints are allocated on one worker and freed on another, which glibc's malloc
/// handles poorly; mimalloc's per-thread heaps are built for that pattern. Its `override` feature
/// (Cargo.toml) gives the C code in the process, SQLite on every connection's thread, the same
/// allocator: with glibc's, the journal's cost on a page more than doubled.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Entry point of the browser bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Browser tests wait for this flag before they treat the page as enhanced.
    if let Some(window) = leptos::web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &"__stykHydrated".into(), &true.into());
    }
}
