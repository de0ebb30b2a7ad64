//! Server functions that read the journal for the people it is about.
use crate::error::AppError;
use crate::touchpoints::model::{Channel, Outcome, RowKind, Signals};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of a timeline: a step (or a signal the browser reported about a step), as the customer,
/// staff and the CX team see it. Holds nothing the customer typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: i64,
    pub channel: Channel,
    pub journey: String,
    pub step: String,
    pub outcome: Outcome,
    pub duration_ms: u32,
    pub signals: Signals,
    pub kind: RowKind,
    pub error_code: Option<String>,
}

/// One customer as the CX team sees them: a pseudonym, never the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerActivity {
    pub pseudonym: String,
    pub steps: i64,
    /// The sum of the friction scores of the customer's recent touchpoints.
    pub friction: i64,
    pub last_at: i64,
}

/// How many of their latest touchpoints the activity page shows.
pub const ACTIVITY_LIMIT: i64 = 100;

#[cfg(feature = "ssr")]
mod server {
    use super::{CustomerActivity, TimelineEntry, ACTIVITY_LIMIT};
    use crate::cx::store;
    use crate::db::db_error;
    use crate::error::AppError;
    use crate::web::access::{current_cx_reader, current_member};
    use crate::web::app_state;

    pub async fn cx_recent_customers() -> Result<Vec<CustomerActivity>, AppError> {
        current_cx_reader()?;
        store::recent_customers(&app_state()?.db).await
    }

    pub async fn cx_customer_timeline(pseudonym: String) -> Result<Vec<TimelineEntry>, AppError> {
        current_cx_reader()?;
        if pseudonym.len() != 16 || !pseudonym.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Err(AppError::NotFound);
        }
        store::customer_timeline(&app_state()?.db, &pseudonym).await
    }

    pub async fn my_activity() -> Result<Vec<TimelineEntry>, AppError> {
        let member = current_member()?;
        let state = app_state()?;
        store::member_timeline(&state.db, &state.pseudonyms, &member.account_id, &member.member_id, ACTIVITY_LIMIT)
            .await
            .map_err(db_error)
    }
}

/// The customers with the latest touchpoints, under pseudonyms (CX team, supervisors, admins).
#[server(prefix = "/api", endpoint = "cx_recent_customers")]
pub async fn cx_recent_customers() -> Result<Vec<CustomerActivity>, AppError> {
    server::cx_recent_customers().await
}

/// One pseudonymous customer's latest touchpoints.
#[server(prefix = "/api", endpoint = "cx_customer_timeline")]
pub async fn cx_customer_timeline(pseudonym: String) -> Result<Vec<TimelineEntry>, AppError> {
    server::cx_customer_timeline(pseudonym).await
}

/// The signed-in member's latest touchpoints.
#[server(prefix = "/api", endpoint = "my_activity")]
pub async fn my_activity() -> Result<Vec<TimelineEntry>, AppError> {
    server::my_activity().await
}
