//! Server functions that read the journal for the people it is about.
use crate::touchpoints::model::{Channel, Outcome, RowKind, Signals};
use crate::error::AppError;
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
pub mod server {
    use super::{TimelineEntry, ACTIVITY_LIMIT};
    use crate::db::db_error;
    use crate::web::sessions::current_principal;
    use crate::db::Db;
    use crate::error::AppError;
    use crate::web::app_state;
    use crate::touchpoints::model::{Channel, Outcome, RowKind, Signals};
    use crate::touchpoints::pseudonym::Pseudonyms;

    pub type EntryRow = (i64, String, String, String, String, i64, i64, String, Option<String>);

    pub const ENTRY_COLUMNS: &str =
        "occurred_at, channel, journey, step, outcome, duration_ms, signals, kind, error_code";

    pub fn entry(row: EntryRow) -> TimelineEntry {
        let (at, channel, journey, step, outcome, duration_ms, signals, kind, error_code) = row;
        TimelineEntry {
            at,
            channel: Channel::parse(&channel).unwrap_or(Channel::Web),
            journey,
            step,
            outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Ok),
            duration_ms: duration_ms.clamp(0, i64::from(u32::MAX)) as u32,
            signals: Signals(signals.clamp(0, i64::from(u32::MAX)) as u32),
            kind: RowKind::parse(&kind).unwrap_or(RowKind::Step),
            error_code,
        }
    }

    /// A member's own touchpoints, newest first. They are found through the account's pseudonym
    /// (its index serves the CX team too; one index fewer for every insert) and then the member.
    pub async fn member_timeline(
        db: &Db,
        pseudonyms: &Pseudonyms,
        account_id: &str,
        member_id: &str,
        limit: i64,
    ) -> Result<Vec<TimelineEntry>, sqlx::Error> {
        let rows: Vec<EntryRow> = sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} FROM touchpoints WHERE customer_pseudonym = $1 AND member_id = $2
             ORDER BY occurred_at DESC LIMIT {limit}"
        ))
        .bind(pseudonyms.of(account_id))
        .bind(member_id)
        .fetch_all(&db.pool)
        .await?;
        Ok(rows.into_iter().map(entry).collect())
    }

    /// The touchpoints the CX overview reads: the latest ones, whatever the journal's size.
    const CX_RECENT_ROWS: i64 = 5_000;

    fn cx_reader() -> Result<(), AppError> {
        let principal = current_principal().ok_or(AppError::Unauthorized)?;
        match principal.viewer {
            crate::kernel::viewer::Viewer::Staff(staff) if staff.role.reads_cx() => Ok(()),
            _ => Err(AppError::Forbidden),
        }
    }

    /// `SUM` of each row's friction score, from the signal bits and their weights.
    fn friction_sql() -> String {
        let terms: Vec<String> = crate::touchpoints::model::SIGNALS
            .iter()
            .map(|(bit, _, weight)| format!("CASE WHEN (signals & {bit}) <> 0 THEN {weight} ELSE 0 END"))
            .collect();
        format!("SUM({})", terms.join(" + "))
    }

    pub async fn cx_recent_customers() -> Result<Vec<super::CustomerActivity>, AppError> {
        cx_reader()?;
        let state = app_state()?;
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(&format!(
            "SELECT customer_pseudonym, CAST(COUNT(*) AS BIGINT), CAST({} AS BIGINT), MAX(occurred_at)
             FROM (SELECT customer_pseudonym, signals, occurred_at FROM touchpoints
                   ORDER BY occurred_at DESC LIMIT {CX_RECENT_ROWS}) recent
             WHERE customer_pseudonym IS NOT NULL
             GROUP BY customer_pseudonym ORDER BY MAX(occurred_at) DESC LIMIT 50",
            friction_sql()
        ))
        .fetch_all(&state.db.pool)
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(pseudonym, steps, friction, last_at)| super::CustomerActivity {
                pseudonym,
                steps,
                friction,
                last_at,
            })
            .collect())
    }

    pub async fn cx_customer_timeline(pseudonym: String) -> Result<Vec<TimelineEntry>, AppError> {
        cx_reader()?;
        if pseudonym.len() != 16 || !pseudonym.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return Err(AppError::NotFound);
        }
        let state = app_state()?;
        let rows: Vec<EntryRow> = sqlx::query_as(&format!(
            "SELECT {ENTRY_COLUMNS} FROM touchpoints WHERE customer_pseudonym = $1 ORDER BY occurred_at DESC LIMIT 200"
        ))
        .bind(&pseudonym)
        .fetch_all(&state.db.pool)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().map(entry).collect())
    }

    pub async fn my_activity() -> Result<Vec<TimelineEntry>, AppError> {
        let principal = current_principal().ok_or(AppError::Unauthorized)?;
        let member = principal.viewer.member().ok_or(AppError::Forbidden)?;
        let account = principal.account_id.as_deref().ok_or(AppError::Forbidden)?;
        let state = app_state()?;
        member_timeline(&state.db, &state.pseudonyms, account, &member.member_id, ACTIVITY_LIMIT)
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
