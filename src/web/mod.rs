//! What every feature's HTTP side shares (server only), so that features need not import one
//! another or the server's wiring: the application state, sessions and the principal, the one set
//! of scope checks, form reading and refusal, responses, uploads and the cross-site check.
pub mod access;
pub mod beacon;
pub mod cross_site;
pub mod forms;
pub mod respond;
pub mod session_store;
pub mod sessions;
pub mod state;
pub mod uploads;

pub use state::{app_state, AppState};
