//! Friction signals that depend on what the same visit did before: a retry of a step, and
//! back-and-forth between two steps. The writer derives them per batch, inside the batch's
//! transaction, from each visit's recent steps kept in `touchpoint_visits` (one small row per
//! visit, so the cost does not grow with the journal, and steps served by another instance count
//! too), and writes the updated rows back in the same transaction.
//!
//! - **Retry**: the visit took the same step (same journey, step and subject) within the last
//!   [`RETRY_WINDOW_MS`], and either the step does something (a form sent again) or the earlier
//!   attempt did not end well (a page opened again after it failed). Opening a page again after it
//!   worked is browsing, not a retry.
//! - **Back-and-forth**: the visit's last four distinct steps within the window go A, B, A, B.
//!
//! Signals the server can tell from one request (validation error, denied, failed, slow) are set
//! when the step is recorded; abandonment is found later by the sweep in `jobs`.
use super::catalogue::{Journey, StepName};
use super::model::{Outcome, RowKind, Signals};
use super::recorder::Touchpoint;
use crate::db::batch::{insert_rows_then, OnFailure, Val};
use crate::db::Db;
use rustc_hash::FxHashMap as HashMap;

/// How far back a retry or a back-and-forth looks.
pub const RETRY_WINDOW_MS: i64 = 10 * 60 * 1000;

/// The most recent steps kept per visit.
const KEPT_PER_VISIT: usize = 8;

/// `at|journey|step|outcome|subject` per step, `;` between steps: our own names and ids only, so
/// neither separator can occur in them. Read and written for every visit of every batch, so
/// it is kept cheaper than JSON.
fn encode(steps: &[PastStep]) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(steps.len() * 48);
    for (i, s) in steps.iter().enumerate() {
        if i > 0 {
            text.push(';');
        }
        let _ = write!(text, "{}", s.at);
        for part in [s.journey, s.step, s.outcome.as_str(), s.subject.as_deref().unwrap_or("")] {
            text.push('|');
            text.push_str(part);
        }
    }
    text
}

/// A visit's saved steps, as `encode` wrote them.
pub fn decode(text: &str) -> Vec<PastStep> {
    text.split(';')
        .filter_map(|entry| {
            let mut parts = entry.split('|');
            let at = parts.next()?.parse().ok()?;
            // Names the catalogue no longer knows are dropped with their step.
            let journey = Journey::parse(parts.next()?)?.as_str();
            let step = StepName::parse(parts.next()?)?.as_str();
            let outcome = Outcome::parse(parts.next()?)?;
            let subject = parts.next().filter(|s| !s.is_empty()).map(str::to_string);
            Some(PastStep { at, journey, step, subject, outcome })
        })
        .collect()
}

/// One earlier step of a visit, as far as the signals need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastStep {
    pub at: i64,
    pub journey: &'static str,
    pub step: &'static str,
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
            journey: t.journey,
            step: t.step,
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

/// The recent steps of the visits one writer wrote last, kept between batches: a batch then reads
/// from `touchpoint_visits` only the visits this writer does not know, or that another instance
/// wrote since. On one instance that is nothing but the visits new to it, and their rows need not
/// be decoded again.
///
/// How a writer learns what another instance wrote depends on the backend. SQLite runs one write
/// transaction at a time, so the name of the writer that committed last (`journal_last_writer`)
/// says whether anything changed since this writer's previous batch; if so, the whole cache is
/// forgotten. On PostgreSQL instances write side by side, so each visit row names the writer that
/// wrote it last and the batch reads back those of its known visits that another one wrote.
pub struct VisitCache {
    writer: String,
    known: HashMap<String, Vec<PastStep>>,
    /// SQLite: this writer committed the last batch, so `known` is current.
    wrote_last: bool,
}

/// Visits kept before the idle ones are forgotten (a few hundred bytes each).
const CACHED_VISITS: usize = 100_000;

impl Default for VisitCache {
    fn default() -> Self {
        VisitCache { writer: crate::db::ids::new_id(), known: HashMap::default(), wrote_last: false }
    }
}

impl VisitCache {
    /// Keeps what a committed batch wrote. Visits with nothing inside the window are forgotten
    /// when there are too many; all of them if that is not enough (they are read again).
    pub fn keep(&mut self, history: HashMap<String, Vec<PastStep>>, now: i64) {
        self.known.extend(history);
        if self.known.len() > CACHED_VISITS {
            self.known.retain(|_, steps| steps.last().is_some_and(|last| now - last.at <= RETRY_WINDOW_MS));
            if self.known.len() > CACHED_VISITS {
                self.known.clear();
            }
        }
    }

    /// SQLite: notes which writer committed the last batch (`journal_last_writer`). If it was
    /// another, what this one holds may be stale, and it is forgotten.
    pub fn note_last_writer(&mut self, last: Option<&str>) {
        self.wrote_last = last == Some(self.writer.as_str());
        if !self.wrote_last {
            self.known.clear();
        }
    }

    /// Whether this writer committed the last batch (SQLite; see `note_last_writer`).
    pub fn wrote_last(&self) -> bool {
        self.wrote_last
    }

    /// This writer's name, as the visit rows and `journal_last_writer` record it.
    pub fn writer(&self) -> &str {
        &self.writer
    }

    /// Takes the batch's visits out of the cache (the caller puts them back once the batch is
    /// committed): the recent steps known here, the visits to read from `touchpoint_visits`, and
    /// on PostgreSQL the known ones to read again should another instance have written them since.
    pub fn take_visits(&mut self, batch: &[Touchpoint], sqlite: bool) -> TakenVisits {
        let mut visits: Vec<&str> =
            batch.iter().filter(|t| in_sequence(t)).filter_map(|t| t.visit_ref.as_deref()).collect();
        visits.sort_unstable();
        visits.dedup();
        let mut taken = TakenVisits {
            history: HashMap::with_capacity_and_hasher(visits.len(), Default::default()),
            unknown: Vec::new(),
            known: Vec::new(),
        };
        for visit in visits {
            match self.known.remove_entry(visit) {
                Some((visit, steps)) => {
                    // On SQLite what this writer holds is current (see `VisitCache`): nothing to check.
                    if !sqlite {
                        taken.known.push(visit.clone());
                    }
                    taken.history.insert(visit, steps);
                }
                None => taken.unknown.push(visit.to_string()),
            }
        }
        taken
    }
}

/// What [`VisitCache::take_visits`] found for a batch.
pub struct TakenVisits {
    pub history: HashMap<String, Vec<PastStep>>,
    pub unknown: Vec<String>,
    pub known: Vec<String>,
}

/// Which writer committed the last batch (SQLite), and the statement that says it was this one.
pub const LAST_WRITER_SQL: &str = "SELECT writer FROM journal_last_writer WHERE id = 1";
pub const SET_LAST_WRITER_SQL: &str = "INSERT INTO journal_last_writer (id, writer) VALUES (1, $1)
             ON CONFLICT (id) DO UPDATE SET writer = excluded.writer";
const VISIT_COLUMNS: [&str; 4] = ["visit_ref", "recent", "updated_at", "writer"];
/// A literal, so that both the pool's multi-row statements and the single-row one share it.
macro_rules! visit_upsert {
    () => {
        "ON CONFLICT (visit_ref) DO UPDATE SET recent = excluded.recent, updated_at = excluded.updated_at, writer = excluded.writer"
    };
}
const VISIT_UPSERT: &str = visit_upsert!();

/// One visit's row in `touchpoint_visits` (single-row statements, SQLite's writer).
pub const SAVE_VISIT_SQL: &str = concat!(
    "INSERT INTO touchpoint_visits (visit_ref, recent, updated_at, writer) VALUES (?, ?, ?, ?) ",
    visit_upsert!()
);
pub const READ_VISIT_SQL: &str = "SELECT recent FROM touchpoint_visits WHERE visit_ref = ?";

/// The rows to save for the visits a batch touched: visit, its recent steps encoded, and when it
/// last took a step.
pub fn visit_rows(history: &HashMap<String, Vec<PastStep>>) -> impl Iterator<Item = (&str, String, i64)> {
    history.iter().filter_map(|(visit, steps)| Some((visit.as_str(), encode(steps), steps.last()?.at)))
}

/// The recent steps of each visit in the batch: from the cache where this writer wrote the visit
/// last, from `touchpoint_visits` otherwise. The batch's visits are taken out of the cache; the
/// caller puts them back once the batch is committed.
pub async fn load_visits(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: crate::config::Backend,
    batch: &[Touchpoint],
    cache: &mut VisitCache,
) -> Result<HashMap<String, Vec<PastStep>>, sqlx::Error> {
    let sqlite = backend == crate::config::Backend::Sqlite;
    if sqlite {
        let last: Option<(String,)> = sqlx::query_as(LAST_WRITER_SQL).fetch_optional(&mut **tx).await?;
        cache.note_last_writer(last.as_ref().map(|(writer,)| writer.as_str()));
    }
    let TakenVisits { mut history, unknown, known } = cache.take_visits(batch, sqlite);
    // SQLite looks each `$N` up by a linear search through the names so far: with a thousand of
    // them that is most of the query's time, so it gets plain `?`.
    let placeholder = |i: usize| if sqlite { "?".to_string() } else { format!("${i}") };
    // Both backends cap bound parameters; a batch is at most a few thousand visits.
    for (visits, only_others) in [(&unknown, false), (&known, true)] {
        for chunk in visits.chunks(1_000) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(placeholder).collect();
            let mut sql = format!(
                "SELECT visit_ref, recent FROM touchpoint_visits WHERE visit_ref IN ({})",
                placeholders.join(", ")
            );
            if only_others {
                let me = placeholder(chunk.len() + 1);
                sql.push_str(&format!(" AND (writer IS NULL OR writer <> {me})"));
            }
            let mut query = sqlx::query_as::<_, (String, String)>(&sql);
            for visit in chunk {
                query = query.bind(visit.as_str());
            }
            if only_others {
                query = query.bind(cache.writer.as_str());
            }
            for (visit, recent) in query.fetch_all(&mut **tx).await? {
                history.insert(visit, decode(&recent));
            }
        }
    }
    Ok(history)
}

/// Writes back the recent steps of the visits the batch touched, as written by this writer.
pub async fn save_visits(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    db: &Db,
    history: &HashMap<String, Vec<PastStep>>,
    cache: &VisitCache,
) -> Result<(), sqlx::Error> {
    if db.backend == crate::config::Backend::Sqlite && !cache.wrote_last {
        sqlx::query(SET_LAST_WRITER_SQL).bind(cache.writer.as_str()).execute(&mut **tx).await?;
    }
    let rows: Vec<Vec<Val>> = visit_rows(history)
        .map(|(visit, recent, updated_at)| {
            vec![Val::Text(visit.to_string()), Val::Text(recent), Val::Int(updated_at), Val::Text(cache.writer.clone())]
        })
        .collect();
    insert_rows_then(
        tx,
        db.backend,
        "touchpoint_visits",
        &VISIT_COLUMNS,
        rows,
        OnFailure::RollBackTransaction,
        VISIT_UPSERT,
    )
    .await
}

/// Adds retry and back-and-forth signals to the batch, in time order, each touchpoint seeing its
/// visit's history and the batch's earlier touchpoints.
/// `history` holds the visits' earlier steps and is brought up to date (the batch's steps added,
/// those past the window dropped), ready to be saved.
pub fn derive_sequence_signals(batch: &mut [Touchpoint], history: &mut HashMap<String, Vec<PastStep>>) {
    let mut order: Vec<usize> = (0..batch.len()).collect();
    order.sort_by_key(|&i| batch[i].occurred_at);
    for i in order {
        let touchpoint = &batch[i];
        if !in_sequence(touchpoint) {
            continue;
        }
        let Some(visit) = touchpoint.visit_ref.as_deref() else { continue };
        let current = PastStep::of(touchpoint);
        // A visit's later steps find its entry: only its first one copies the key.
        if !history.contains_key(visit) {
            history.insert(visit.to_string(), Vec::new());
        }
        let Some(past) = history.get_mut(visit) else { continue };
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
        let now = current.at;
        past.push(current);
        past.retain(|p| now - p.at <= RETRY_WINDOW_MS);
        if past.len() > KEPT_PER_VISIT {
            past.drain(..past.len() - KEPT_PER_VISIT);
        }
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
        [a1, b, a2] => !a1.same_step(current) && a1.same_step(a2) && b.same_step(current) && !current.same_step(a2),
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
        derive_sequence_signals(&mut batch, &mut HashMap::default());
        let retried: Vec<bool> = batch.iter().map(|t| t.signals.has(Signals::RETRY)).collect();
        assert_eq!(
            retried,
            vec![false, true, false, false],
            "another visit and an attempt 11 minutes later are not retries"
        );
    }

    #[test]
    fn opening_a_page_again_is_a_retry_only_after_it_failed() {
        let mut batch = vec![
            step("v", 0, "account", "view", Outcome::Ok),
            step("v", MINUTE, "account", "view", Outcome::Ok),
            step("v", 2 * MINUTE, "orders", "view", Outcome::Failed),
            step("v", 3 * MINUTE, "orders", "view", Outcome::Ok),
        ];
        derive_sequence_signals(&mut batch, &mut HashMap::default());
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
        derive_sequence_signals(&mut batch, &mut HashMap::from_iter([("v".to_string(), vec![past])]));
        assert!(batch[0].signals.has(Signals::RETRY));
    }

    #[test]
    fn visit_state_round_trips() {
        let steps = vec![
            PastStep {
                at: 1,
                journey: "sign_in".into(),
                step: "submit".into(),
                subject: None,
                outcome: Outcome::Invalid,
            },
            PastStep {
                at: 2,
                journey: "orders".into(),
                step: "view".into(),
                subject: Some("abc".into()),
                outcome: Outcome::Ok,
            },
        ];
        assert_eq!(decode(&encode(&steps)), steps);
        assert!(decode("").is_empty());
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
        derive_sequence_signals(&mut batch, &mut HashMap::default());
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
        derive_sequence_signals(&mut batch, &mut HashMap::default());
        assert!(batch.iter().all(|t| !t.signals.has(Signals::RETRY)));
    }
}
