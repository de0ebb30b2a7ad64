//! Identity: password hashing now; sign-in, sessions and members build on it.
#[cfg(feature = "ssr")]
pub mod password;
