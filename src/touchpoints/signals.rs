//! Friction signals that depend on what the same visit did before: a retry of a step, and
//! back-and-forth between two steps. The writer derives them per batch from the visit's recent
//! history (read from the database, so steps served by another instance count too) and the batch
//! itself, before the batch and its rollups are written.
//!
//! - **Retry**: the visit took the same step (same journey, step and subject) within the last
//!   [`RETRY_WINDOW_MS`], and either the step does something (a form sent again) or the earlier
//!   attempt did not end well (a page opened again after it failed). Opening a page again after it
//!   worked is browsing, not a retry.
//! - **Back-and-forth**: the visit's last four distinct steps within the window go A, B, A, B.
//!
//! Signals the server can tell from one request (validation error, denied, failed, slow) are set
//! when the step is recorded; abandonment is found later by the sweep in `jobs`.
use super::catalogue::StepName;
use super::model::{Outcome, RowKind, Signals};
use super::recorder::Touchpoint;
use crate::db::Db;
use std::collections::HashMap;

/// How far back a retry or a back-and-forth looks.
pub const RETRY_WINDOW_MS: i64 = 10 * 60 * 1000;

/// One earlier step of a visit, as far as the signals need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastStep {
    pub at: i64,
    pub journey: String,
    pub step: String,
    pub subject: Option<String>,
    pub outcome: Outcome,
}

impl PastStep {
    fn same_step(&self, other: &PastStep) -> bool {
        self.journey == other.journey && self.step == other.step && self.subject == other.subject
    }

    fn of(t: &Touchpoint) -> PastStep {
        PastStep {
            at: t.occurred_at,
            journey: t.journey.to_string(),
            step: t.step.to_string(),
            subject: t.subject_id.clone(),
            outcome: t.outcome,
        }
    }
}

/// Whether a row takes part in sequences: steps the visit took, not browser signals about them
/// and not abandonment found afterwards.
fn in_sequence(t: &Touchpoint) -> bool {
    t.kind == RowKind::Step && t.outcome != Outcome::Abandoned && t.visit_ref.is_some()
}

/// The steps each visit of the batch took within the window before the batch's first touchpoint,
/// oldest first.
pub async fn load_recent_history(db: &Db, batch: &[Touchpoint]) -> Result<HashMap<String, Vec<PastStep>>, sqlx::Error> {
    let mut visits: Vec<&str> = batch.iter().filter(|t| in_sequence(t)).filter_map(|t| t.visit_ref.as_deref()).collect();
    visits.sort_unstable();
    visits.dedup();
    let mut history: HashMap<String, Vec<PastStep>> = HashMap::new();
    let Some(since) = batch.iter().map(|t| t.occurred_at).min().map(|first| first - RETRY_WINDOW_MS) else {
        return Ok(history);
    };
    // Both backends cap bound parameters; a batch is at most a few thousand visits.
    for chunk in visits.chunks(1_000) {
        let placeholders: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT visit_ref, occurred_at, journey, step, subject_id, outcome FROM touchpoints
             WHERE occurred_at >= $1 AND kind = 'step' AND outcome <> 'abandoned' AND visit_ref IN ({})
             ORDER BY occurred_at",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, (String, i64, String, String, Option<String>, String)>(&sql).bind(since);
        for visit in chunk {
            query = query.bind(*visit);
        }
        for (visit, at, journey, step, subject, outcome) in query.fetch_all(&db.pool).await? {
            history.entry(visit).or_default().push(PastStep {
                at,
                journey,
                step,
                subject,
                outcome: Outcome::parse(&outcome).unwrap_or(Outcome::Ok),
            });
        }
    }
    Ok(history)
}

/// Adds retry and back-and-forth signals to the batch, in time order, each touchpoint seeing its
/// visit's history and the batch's earlier touchpoints.
pub fn derive_sequence_signals(batch: &mut [Touchpoint], mut history: HashMap<String, Vec<PastStep>>) {
    let mut order: Vec<usize> = (0..batch.len()).collect();
    order.sort_by_key(|&i| batch[i].occurred_at);
    for i in order {
        let touchpoint = &batch[i];
        if !in_sequence(touchpoint) {
            continue;
        }
        let Some(visit) = touchpoint.visit_ref.clone() else { continue };
        let current = PastStep::of(touchpoint);
        let past = history.entry(visit).or_default();
        let recent: Vec<&PastStep> = past.iter().filter(|p| current.at - p.at <= RETRY_WINDOW_MS).collect();
        let mut signals = Signals::default();
        let is_view = StepName::parse(touchpoint.step).is_some_and(StepName::is_view);
        if recent.iter().any(|p| p.same_step(&current) && (!is_view || p.outcome != Outcome::Ok)) {
            signals = signals.with(Signals::RETRY);
        }
        if goes_back_and_forth(&recent, &current) {
            signals = signals.with(Signals::BACK_AND_FORTH);
        }
        batch[i].signals = batch[i].signals.with(signals);
        past.push(current);
    }
}

/// A, B, A and now B again, repeats of one step collapsed.
fn goes_back_and_forth(recent: &[&PastStep], current: &PastStep) -> bool {
    let mut distinct: Vec<&PastStep> = Vec::with_capacity(4);
    for step in recent.iter().rev() {
        if distinct.last().is_none_or(|last| !last.same_step(step)) {
            distinct.push(step);
            if distinct.len() == 3 {
                break;
            }
        }
    }
    // Newest first: [A, B, A] before the current B.
    match distinct.as_slice() {
        [a1, b, a2] => {
            !a1.same_step(current) && a1.same_step(a2) && b.same_step(current) && !current.same_step(a2)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(visit: &str, at: i64, journey: &'static str, step: &'static str, outcome: Outcome) -> Touchpoint {
        Touchpoint {
            occurred_at: at,
            visit_ref: Some(visit.to_string()),
            journey,
            step,
            outcome,
            ..Touchpoint::default()
        }
    }

    const MINUTE: i64 = 60_000;

    #[test]
    fn a_form_sent_again_within_ten_minutes_is_a_retry() {
        let mut batch = vec![
            step("v", 0, "sign_in", "submit", Outcome::Invalid),
            step("v", MINUTE, "sign_in", "submit", Outcome::Ok),
            step("w", 2 * MINUTE, "sign_in", "submit", Outcome::Ok),
            step("v", 12 * MINUTE, "sign_in", "submit", Outcome::Ok),
        ];
        derive_sequence_signals(&mut batch, HashMap::new());
        let retried: Vec<bool> = batch.iter().map(|t| t.signals.has(Signals::RETRY)).collect();
        assert_eq!(retried, vec![false, true, false, false], "another visit and an attempt 11 minutes later are not retries");
    }

    #[test]
    fn opening_a_page_again_is_a_retry_only_after_it_failed() {
        let mut batch = vec![
            step("v", 0, "account", "view", Outcome::Ok),
            step("v", MINUTE, "account", "view", Outcome::Ok),
            step("v", 2 * MINUTE, "orders", "view", Outcome::Failed),
            step("v", 3 * MINUTE, "orders", "view", Outcome::Ok),
        ];
        derive_sequence_signals(&mut batch, HashMap::new());
        let retried: Vec<bool> = batch.iter().map(|t| t.signals.has(Signals::RETRY)).collect();
        assert_eq!(retried, vec![false, false, false, true]);
    }

    #[test]
    fn history_from_the_database_counts() {
        let past = PastStep {
            at: 0,
            journey: "password_change".into(),
            step: "submit".into(),
            subject: None,
            outcome: Outcome::Invalid,
        };
        let mut batch = vec![step("v", 5 * MINUTE, "password_change", "submit", Outcome::Ok)];
        derive_sequence_signals(&mut batch, HashMap::from([("v".to_string(), vec![past])]));
        assert!(batch[0].signals.has(Signals::RETRY));
    }

    #[test]
    fn back_and_forth_is_a_b_a_b() {
        let mut batch = vec![
            step("v", 0, "orders", "view", Outcome::Ok),
            step("v", MINUTE, "invoices", "view", Outcome::Ok),
            step("v", 2 * MINUTE, "orders", "view", Outcome::Ok),
            step("v", 3 * MINUTE, "invoices", "view", Outcome::Ok),
            step("v", 4 * MINUTE, "account", "view", Outcome::Ok),
        ];
        derive_sequence_signals(&mut batch, HashMap::new());
        let flagged: Vec<bool> = batch.iter().map(|t| t.signals.has(Signals::BACK_AND_FORTH)).collect();
        assert_eq!(flagged, vec![false, false, false, true, false]);
    }

    #[test]
    fn rows_without_a_visit_or_that_are_browser_signals_take_no_part() {
        let mut signal = step("v", MINUTE, "sign_in", "submit", Outcome::Ok);
        signal.kind = RowKind::Signal;
        let mut anonymous = step("v", 2 * MINUTE, "sign_in", "submit", Outcome::Ok);
        anonymous.visit_ref = None;
        let mut batch = vec![step("v", 0, "sign_in", "submit", Outcome::Invalid), signal, anonymous];
        derive_sequence_signals(&mut batch, HashMap::new());
        assert!(batch.iter().all(|t| !t.signals.has(Signals::RETRY)));
    }
}
