//! The touchpoint journal: every step of every customer journey, with its outcome, duration and
//! friction signals. The model is shared with the browser; recording is server-only.
pub mod model;

#[cfg(feature = "ssr")]
pub mod recorder;
