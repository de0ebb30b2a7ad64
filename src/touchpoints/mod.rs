//! The touchpoint journal: every step of every customer journey, with its outcome, duration and
//! friction signals. The model, the catalogue, the timeline and the pages are shared with the
//! browser; recording, the beacon endpoint and the background jobs are server-only.
pub mod api;
pub mod catalogue;
pub mod journeys;
pub mod model;
pub mod pages;
pub mod timeline;

#[cfg(feature = "ssr")]
pub mod beacon;
#[cfg(feature = "ssr")]
pub mod export;
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
