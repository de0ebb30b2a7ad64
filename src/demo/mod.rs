//! Demo mode: the demo data a fresh database is filled with, and the mailbox that shows the mail
//! the portal sends. Both exist only when `STYK_DEMO` is on, on a loopback address.
pub mod mailbox;

#[cfg(feature = "ssr")]
pub mod data;
#[cfg(feature = "ssr")]
mod names;

#[cfg(feature = "ssr")]
pub use data::*;
