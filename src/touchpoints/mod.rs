//! The touchpoint journal's machinery: every step of every customer journey, with its outcome,
//! duration and friction signals. The model and the catalogue's types are shared with the
//! browser; recording, the beacon endpoint and the background jobs are server-only. What the
//! journal shows (the CX pages, a customer's activity) is the `cx` feature.
pub mod catalogue;
pub mod model;

#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod layer;
#[cfg(feature = "ssr")]
pub mod pseudonym;
#[cfg(feature = "ssr")]
pub mod recorder;
#[cfg(feature = "ssr")]
pub mod signals;
#[cfg(feature = "ssr")]
pub mod sqlite_writer;
