//! The CX views' SQL: timelines by pseudonym or member, and the latest customers with friction.
use super::api::{CustomerActivity, TimelineEntry};
use crate::db::{db_error, Db};
use crate::error::AppError;
use crate::touchpoints::model::{Channel, Outcome, RowKind, Signals};
use crate::touchpoints::pseudonym::Pseudonyms;

pub type EntryRow = (i64, String, String, String, String, i64, i64, String, Option<String>);

pub const ENTRY_COLUMNS: &str = "occurred_at, channel, journey, step, outcome, duration_ms, signals, kind, error_code";

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

/// `SUM` of each row's friction score, from the signal bits and their weights.
fn friction_sql() -> String {
    let terms: Vec<String> = crate::touchpoints::model::SIGNALS
        .iter()
        .map(|(bit, _, weight)| format!("CASE WHEN (signals & {bit}) <> 0 THEN {weight} ELSE 0 END"))
        .collect();
    format!("SUM({})", terms.join(" + "))
}

/// The customers with the latest touchpoints, under pseudonyms, with their friction.
pub async fn recent_customers(db: &Db) -> Result<Vec<CustomerActivity>, AppError> {
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT customer_pseudonym, CAST(COUNT(*) AS BIGINT), CAST({} AS BIGINT), MAX(occurred_at)
         FROM (SELECT customer_pseudonym, signals, occurred_at FROM touchpoints
               ORDER BY occurred_at DESC LIMIT {CX_RECENT_ROWS}) recent
         WHERE customer_pseudonym IS NOT NULL
         GROUP BY customer_pseudonym ORDER BY MAX(occurred_at) DESC LIMIT 50",
        friction_sql()
    ))
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|(pseudonym, steps, friction, last_at)| CustomerActivity { pseudonym, steps, friction, last_at })
        .collect())
}

/// One pseudonymous customer's latest touchpoints.
pub async fn customer_timeline(db: &Db, pseudonym: &str) -> Result<Vec<TimelineEntry>, AppError> {
    let rows: Vec<EntryRow> = sqlx::query_as(&format!(
        "SELECT {ENTRY_COLUMNS} FROM touchpoints WHERE customer_pseudonym = $1 ORDER BY occurred_at DESC LIMIT 200"
    ))
    .bind(pseudonym)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(rows.into_iter().map(entry).collect())
}

/// What a member's data export says about them: name, e-mail, phone, role, language, joined at,
/// and their account's name and number.
pub type ProfileRow = (String, String, Option<String>, String, String, i64, String, String);

pub async fn member_profile(db: &Db, member_id: &str) -> Result<ProfileRow, sqlx::Error> {
    sqlx::query_as(
        "SELECT m.full_name, m.email, m.phone, m.role, m.preferred_language, m.created_at, a.name, a.customer_number
         FROM members m JOIN customer_accounts a ON a.account_id = m.account_id
         WHERE m.member_id = $1",
    )
    .bind(member_id)
    .fetch_one(&db.pool)
    .await
}

/// A member's sign-ins, newest first: (user agent, ip, started, last active, ended, why).
pub async fn member_sign_ins(
    db: &Db,
    member_id: &str,
) -> Result<Vec<(String, String, i64, i64, Option<i64>, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT user_agent, ip, created_at, last_seen_at, ended_at, end_reason FROM auth_sessions
         WHERE principal_kind = 'member' AND principal_id = $1 ORDER BY created_at DESC",
    )
    .bind(member_id)
    .fetch_all(&db.pool)
    .await
}
