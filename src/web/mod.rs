//! What every feature's HTTP side shares (server only): reading forms with files. More of the
//! plumbing (state, scope checks, refusals, responses) moves here from the features and the
//! server module, so that features need not import one another or the wiring.
pub mod uploads;
