//! The journal's background work: finding abandoned journeys, and deleting raw touchpoints past
//! their retention.
//!
//! **Abandonment.** A visit abandons a tracked journey (see `catalogue::TRACKED_JOURNEYS`) when its
//! last step of that journey lies `STYK_TOUCHPOINT_ABANDON_MINUTES` in the past and is not one
//! that settles the journey (a successful sign-in, a reset link requested, …). The sweep then
//! records an `abandoned` signal on that last step, so the CX team sees where customers gave up.
//! It walks forward through time in windows; the window's end is kept in `job_leases`, and the
//! sweep holds a lease there, so with several instances each window is swept once.
//!
//! **Retention.** Raw touchpoints older than `STYK_TOUCHPOINT_RETENTION_DAYS` are deleted in small
//! batches. The daily rollups hold no personal data and stay.
use super::catalogue::{Journey, TRACKED_JOURNEYS};
use super::model::{Channel, Outcome, RowKind, Signals};
use super::pseudonym::Pseudonyms;
use super::recorder::{write_in, Touchpoint};
use crate::db::{now_ms, Db};
use crate::i18n::locale_named;
use leptos_i18n::Locale as _;
use std::time::Duration;
use tokio::sync::watch;

const SWEEP: &str = "abandonment_sweep";
/// How often the sweep runs, and how long its lease lasts.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
const LEASE_MS: i64 = 5 * 60 * 1000;
/// How far back a sweep looks on its first run.
const FIRST_LOOK_BACK_MS: i64 = 24 * 3600 * 1000;
/// How long before its last step a journey's beginning is looked for (for the time spent in it).
const JOURNEY_LOOK_BACK_MS: i64 = 3600 * 1000;
const RETENTION_EVERY: Duration = Duration::from_secs(3600);
const DELETE_BATCH: i64 = 5_000;

/// Takes the job's lease if it is free or already ours; returns how far the job had got.
async fn claim(db: &Db, job: &str, holder: &str, now: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query(
        "INSERT INTO job_leases (name, holder, lease_until, done_until) VALUES ($1, $2, $3, 0)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
         WHERE job_leases.lease_until < $4 OR job_leases.holder = excluded.holder",
    )
    .bind(job)
    .bind(holder)
    .bind(now + LEASE_MS)
    .bind(now)
    .execute(&db.pool)
    .await?;
    let (owner, done_until): (String, i64) =
        sqlx::query_as("SELECT holder, done_until FROM job_leases WHERE name = $1")
            .bind(job)
            .fetch_one(&db.pool)
            .await?;
    Ok((owner == holder).then_some(done_until))
}

/// A tracked journey's step as the sweep reads it.
type StepRow = (
    String,
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

/// Records an `abandoned` signal for every journey a visit left unfinished whose last step falls
/// in the next window before `now - abandon_after`. Returns how many it found (0 when another
/// instance holds the lease).
pub async fn sweep_abandoned(
    db: &Db,
    now: i64,
    abandon_after: Duration,
    holder: &str,
    pseudonyms: Option<&Pseudonyms>,
) -> Result<usize, sqlx::Error> {
    let Some(done_until) = claim(db, SWEEP, holder, now).await? else { return Ok(0) };
    let abandon_after_ms = abandon_after.as_millis() as i64;
    let cutoff = now - abandon_after_ms;
    let from = done_until.max(cutoff - FIRST_LOOK_BACK_MS);
    if from >= cutoff {
        return Ok(0);
    }
    let journeys: Vec<String> = TRACKED_JOURNEYS.iter().map(|rule| format!("'{}'", rule.journey.as_str())).collect();
    // Every step of the tracked journeys from a while before the window (where the journeys
    // began) until now (whether they went on), oldest first: a range of the journey index.
    let sql = format!(
        "SELECT visit_ref, journey, step, outcome, occurred_at, account_id, member_id, staff_id,
                session_ref, locale, channel, route
         FROM touchpoints
         WHERE journey IN ({}) AND occurred_at >= $1 AND kind = 'step' AND visit_ref IS NOT NULL
         ORDER BY occurred_at",
        journeys.join(", ")
    );
    let rows: Vec<StepRow> = sqlx::query_as(&sql).bind(from - JOURNEY_LOOK_BACK_MS).fetch_all(&db.pool).await?;
    // Each visit's journey: when it began and its last step so far.
    let mut journeys_of_visits: std::collections::HashMap<(String, String), (i64, StepRow)> =
        std::collections::HashMap::new();
    for row in rows {
        let key = (row.0.clone(), row.1.clone());
        let began = journeys_of_visits.get(&key).map_or(row.4, |(began, _)| *began);
        journeys_of_visits.insert(key, (began, row));
    }
    let mut last_steps: Vec<(i64, StepRow)> =
        journeys_of_visits.into_values().filter(|(_, last)| last.4 >= from && last.4 < cutoff).collect();
    last_steps.sort_by_key(|(_, last)| last.4);
    let mut abandoned = Vec::new();
    for (
        began,
        (visit, journey, step, outcome, at, account_id, member_id, staff_id, session_ref, locale, channel, route),
    ) in last_steps
    {
        let Some(journey) = Journey::parse(&journey) else { continue };
        let outcome = Outcome::parse(&outcome).unwrap_or(Outcome::Ok);
        let settled = journey
            .settled_by()
            .is_some_and(|steps| outcome == Outcome::Ok && steps.iter().any(|s| s.as_str() == step));
        // A form the browser already reported abandoned is not counted twice.
        if settled || outcome == Outcome::Abandoned {
            continue;
        }
        let Some(step) = super::catalogue::StepName::parse(&step) else { continue };
        abandoned.push(Touchpoint {
            occurred_at: at + abandon_after_ms,
            account_id,
            member_id,
            staff_id,
            session_ref,
            locale: locale_named(&locale).map_or("en", |l| l.as_str()),
            channel: Channel::parse(&channel).unwrap_or(Channel::Web),
            journey: journey.as_str(),
            step: step.as_str(),
            route: route.into(),
            outcome: Outcome::Abandoned,
            duration_ms: (at - began).clamp(0, i64::from(u32::MAX)) as u32,
            signals: Signals::ABANDONED,
            visit_ref: Some(visit),
            kind: RowKind::Signal,
            ..Touchpoint::default()
        });
    }
    let mut tx = db.begin_write().await?;
    write_in(&mut tx, db, &abandoned, pseudonyms).await?;
    sqlx::query("UPDATE job_leases SET done_until = $1 WHERE name = $2 AND holder = $3")
        .bind(cutoff)
        .bind(SWEEP)
        .bind(holder)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(abandoned.len())
}

/// Deletes raw touchpoints older than the retention, a batch at a time. Returns how many.
pub async fn enforce_retention(db: &Db, now: i64, retention: Duration) -> Result<u64, sqlx::Error> {
    let before = now - retention.as_millis() as i64;
    let mut deleted = 0;
    loop {
        let result = sqlx::query(&format!(
            "DELETE FROM touchpoints WHERE touchpoint_id IN
               (SELECT touchpoint_id FROM touchpoints WHERE occurred_at < $1 LIMIT {DELETE_BATCH})"
        ))
        .bind(before)
        .execute(&db.pool)
        .await?;
        deleted += result.rows_affected();
        if result.rows_affected() < DELETE_BATCH as u64 {
            // Visits idle for a day have nothing left to compare a step with. This reads the
            // whole (small) table once an hour rather than keep an index that every batch updates.
            sqlx::query("DELETE FROM touchpoint_visits WHERE updated_at < $1")
                .bind(now - 24 * 3600 * 1000)
                .execute(&db.pool)
                .await?;
            return Ok(deleted);
        }
        // Give other writers the database between batches.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs the sweep every minute and the retention every hour until `stop`.
pub async fn run(
    db: Db,
    pseudonyms: Pseudonyms,
    abandon_after: Duration,
    retention: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let holder = crate::db::ids::new_id();
    let mut sweeps = tokio::time::interval(SWEEP_EVERY);
    let mut retentions = tokio::time::interval(RETENTION_EVERY);
    loop {
        tokio::select! {
            _ = sweeps.tick() => {
                match sweep_abandoned(&db, now_ms(), abandon_after, &holder, Some(&pseudonyms)).await {
                    Ok(0) => {}
                    Ok(found) => tracing::info!(found, "abandoned journeys recorded"),
                    Err(error) => tracing::warn!(%error, "abandonment sweep failed; next try in a minute"),
                }
            }
            _ = retentions.tick() => {
                match enforce_retention(&db, now_ms(), retention).await {
                    Ok(0) => {}
                    Ok(deleted) => tracing::info!(deleted, "touchpoints past retention deleted"),
                    Err(error) => tracing::warn!(%error, "touchpoint retention failed; next try in an hour"),
                }
            }
            _ = stop.changed() => return,
        }
    }
}
