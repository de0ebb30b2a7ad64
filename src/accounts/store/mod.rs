//! The account's SQL: profile, address book, statement, overview and the people with access.
//! Every statement names the member or the account.
use super::api::{EntryKind, ProfileView, SavedAddress, StatementEntry, StatementParams, StatementView};
use super::domain::{optional_text, required_text, Country, PhoneNumber, PostalCode};
use crate::db::db_error;
use crate::db::{ids::new_id, now_ms, Db};
use crate::error::AppError;
use crate::web::forms::Rejection;

mod addresses;
mod members;
mod overview;
mod profile;
mod statement;

pub use addresses::*;
pub use members::*;
pub use overview::*;
pub use profile::*;
pub use statement::*;
