//! Recording touchpoints without making anyone wait for the database.
//!
//! `Recorder::record` puts the touchpoint on a bounded queue and returns at once. One writer per
//! instance drains the queue in batches, each batch one transaction that inserts the rows and
//! brings the per-day rollups up to date. When the queue is full the touchpoint is dropped and
//! counted (and logged, at most every ten seconds): never silently, never by blocking a request.
//! On shutdown the queue is closed and everything in it is written before the writer returns.
use super::model::{Channel, Outcome, RowKind, Signals, Vitals, SIGNALS};
use super::pseudonym::Pseudonyms;
use super::signals::{derive_sequence_signals, load_visits, save_visits, VisitCache};
use super::sqlite_writer::SqliteJournal;
use crate::db::batch::{insert_rows_then, OnFailure, Val};
use crate::db::{now_ms, Db};
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// How long the writer waits for more touchpoints before writing a batch that is not full. Each
/// commit costs the pages being served, not only the writer: in WAL mode every other SQLite
/// connection empties its page cache when it sees that someone else committed, and reads its
/// pages again, so fewer commits make every page cheaper (the journal benchmark's page cost
/// shows it). A touchpoint reaches the store within about a second, and a clean shutdown still
/// writes everything at once.
const LINGER: Duration = Duration::from_millis(1_000);
/// The writer looks at the queue this many times while it lingers.
const LINGER_STEPS: u32 = 10;

/// Upper bounds (ms) of the duration histogram buckets `d00`…`d10`; `d11` holds the rest.
pub const DURATION_BUCKETS_MS: [u32; 11] = [10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000];

/// One touchpoint as it is recorded (see `model` for the meaning of the fields).
#[derive(Debug, Clone)]
pub struct Touchpoint {
    pub occurred_at: i64,
    pub account_id: Option<String>,
    pub member_id: Option<String>,
    pub staff_id: Option<String>,
    pub session_ref: Option<String>,
    pub locale: &'static str,
    pub channel: Channel,
    pub journey: &'static str,
    pub step: &'static str,
    /// The route pattern (never the path, which could hold anything): our own names, not copied.
    pub route: Cow<'static, str>,
    pub outcome: Outcome,
    pub duration_ms: u32,
    pub subject_kind: Option<&'static str>,
    pub subject_id: Option<String>,
    pub error_code: Option<&'static str>,
    pub signals: Signals,
    /// The browser visit (a first-party cookie that lasts until the browser closes): ties a
    /// visit's steps together before and after sign-in.
    pub visit_ref: Option<String>,
    pub kind: RowKind,
    /// For a click signal: the element's tag, id and name (its structure, never its text). For an
    /// abandoned form: the names of the fields that were touched.
    pub element: Option<String>,
    pub vitals: Option<Vitals>,
}

impl Default for Touchpoint {
    fn default() -> Self {
        Touchpoint {
            occurred_at: now_ms(),
            account_id: None,
            member_id: None,
            staff_id: None,
            session_ref: None,
            locale: "en",
            channel: Channel::Web,
            journey: "",
            step: "",
            route: Cow::Borrowed(""),
            outcome: Outcome::Ok,
            duration_ms: 0,
            subject_kind: None,
            subject_id: None,
            error_code: None,
            signals: Signals::default(),
            visit_ref: None,
            kind: RowKind::Step,
            element: None,
            vitals: None,
        }
    }
}

/// Counters for the metrics endpoint and the logs.
#[derive(Debug, Default)]
pub struct RecorderStats {
    pub accepted: AtomicU64,
    pub dropped: AtomicU64,
    pub written: AtomicU64,
    pub failed: AtomicU64,
    last_drop_warning_ms: AtomicI64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub accepted: u64,
    pub dropped: u64,
    pub written: u64,
    pub failed: u64,
    pub queued: u64,
}

/// The sending side, cheap to clone into every request.
#[derive(Clone)]
pub struct Recorder {
    sender: mpsc::Sender<Touchpoint>,
    stats: Arc<RecorderStats>,
    capacity: usize,
}

impl Recorder {
    /// A recorder with a queue of `capacity` touchpoints and the writer that drains it.
    pub fn new(db: Db, capacity: usize, batch: usize) -> (Recorder, Writer) {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        let stats = Arc::new(RecorderStats::default());
        let recorder = Recorder { sender, stats: stats.clone(), capacity: capacity.max(1) };
        // Opening a file the pool has open already takes a moment, once, at start-up.
        let own_connection = db.sqlite_file.as_deref().and_then(|file| match SqliteJournal::open(file) {
            Ok(journal) => Some(journal),
            Err(error) => {
                // The pool's connection writes the same rows, only at a higher cost.
                tracing::error!(%error, "cannot open the journal's own connection; writing through the pool");
                None
            }
        });
        let writer = Writer {
            db,
            own_connection,
            receiver,
            stats,
            batch: batch.max(1),
            pseudonyms: None,
            visits: Some(VisitCache::default()),
        };
        (recorder, writer)
    }

    /// Queues a touchpoint; never waits. Returns false when it had to be dropped.
    pub fn record(&self, touchpoint: Touchpoint) -> bool {
        match self.sender.try_send(touchpoint) {
            Ok(()) => {
                self.stats.accepted.fetch_add(1, Ordering::Relaxed);
                true
            }
            Err(_) => {
                let dropped = self.stats.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                let now = now_ms();
                let last = self.stats.last_drop_warning_ms.load(Ordering::Relaxed);
                if now - last > 10_000
                    && self
                        .stats
                        .last_drop_warning_ms
                        .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                        .is_ok()
                {
                    tracing::warn!(dropped, capacity = self.capacity, "touchpoint queue full: touchpoints dropped");
                }
                false
            }
        }
    }

    pub fn stats(&self) -> StatsSnapshot {
        StatsSnapshot {
            accepted: self.stats.accepted.load(Ordering::Relaxed),
            dropped: self.stats.dropped.load(Ordering::Relaxed),
            written: self.stats.written.load(Ordering::Relaxed),
            failed: self.stats.failed.load(Ordering::Relaxed),
            queued: (self.capacity - self.sender.capacity()) as u64,
        }
    }
}

/// The receiving side: one per instance, run by the server's workers.
pub struct Writer {
    db: Db,
    /// On SQLite, the writer's own connection (see `sqlite_writer`), opened with the recorder.
    own_connection: Option<SqliteJournal>,
    receiver: mpsc::Receiver<Touchpoint>,
    stats: Arc<RecorderStats>,
    batch: usize,
    pseudonyms: Option<Pseudonyms>,
    /// Empty only while a batch has it on the writer's own connection's thread, or after that
    /// thread failed (a new cache then reads the visits again).
    visits: Option<VisitCache>,
}

/// Writes touchpoints that did not come through the queue (the abandonment sweep's) in the
/// caller's transaction, rollups included.
pub async fn write_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    db: &Db,
    batch: &[Touchpoint],
    pseudonyms: Option<&Pseudonyms>,
) -> Result<(), sqlx::Error> {
    insert_with_rollups(tx, db, batch, pseudonyms).await
}

impl Writer {
    /// Stores each row's customer pseudonym beside it, for the CX team's queries.
    pub fn with_pseudonyms(mut self, pseudonyms: Pseudonyms) -> Self {
        self.pseudonyms = Some(pseudonyms);
        self
    }

    /// Whether batches go through the writer's own SQLite connection (on SQLite, unless it could
    /// not be opened) rather than the pool.
    pub fn has_own_connection(&self) -> bool {
        self.own_connection.is_some()
    }

    /// Writes batches until `stop` turns true, then closes the queue and writes what is left.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let mut buffer = Vec::with_capacity(self.batch);
        loop {
            let mut stopping = false;
            tokio::select! {
                received = self.receiver.recv_many(&mut buffer, self.batch) => {
                    if received == 0 {
                        return;
                    }
                    // Gather a little more before writing: a transaction per handful of
                    // touchpoints would take the database's write lock many times a second, and
                    // requests that write (a session's last-seen time) would queue behind it.
                    if buffer.len() < self.batch {
                        stopping = linger(&self.receiver, self.batch - buffer.len(), &mut stop).await;
                        while buffer.len() < self.batch {
                            match self.receiver.try_recv() {
                                Ok(touchpoint) => buffer.push(touchpoint),
                                Err(_) => break,
                            }
                        }
                    }
                    self.write(&mut buffer).await;
                }
                _ = stop.changed() => stopping = true,
            }
            if stopping {
                break;
            }
        }
        self.receiver.close();
        while self.receiver.recv_many(&mut buffer, self.batch).await > 0 {
            self.write(&mut buffer).await;
        }
        tracing::info!(written = self.stats.written.load(Ordering::Relaxed), "touchpoint queue flushed");
    }

    /// Writes one batch, retrying a failed transaction a few times before counting it lost.
    async fn write(&mut self, buffer: &mut Vec<Touchpoint>) {
        let count = buffer.len() as u64;
        let mut delay = Duration::from_millis(50);
        for attempt in 1..=4 {
            match self.write_once(buffer).await {
                Ok(()) => {
                    self.stats.written.fetch_add(count, Ordering::Relaxed);
                    buffer.clear();
                    return;
                }
                Err(error @ BatchError::Lost(_)) => {
                    tracing::error!(%error, lost = count, "touchpoint batch failed for good");
                    break;
                }
                Err(error) if attempt < 4 => {
                    tracing::warn!(%error, attempt, "touchpoint batch failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay *= 4;
                }
                Err(error) => tracing::error!(%error, lost = count, "touchpoint batch failed for good"),
            }
        }
        self.stats.failed.fetch_add(count, Ordering::Relaxed);
        buffer.clear();
    }

    /// One attempt at a batch: on SQLite through the writer's own connection, on a blocking thread
    /// (the batch, the visit cache and the connection go there and come back).
    async fn write_once(&mut self, buffer: &mut Vec<Touchpoint>) -> Result<(), BatchError> {
        let Some(mut journal) = self.own_connection.take() else {
            let visits = self.visits.get_or_insert_with(VisitCache::default);
            return Ok(write_batch(&self.db, buffer.as_mut_slice(), self.pseudonyms.as_ref(), visits).await?);
        };
        let mut batch = std::mem::take(buffer);
        let mut visits = self.visits.take().unwrap_or_default();
        let pseudonyms = self.pseudonyms.clone();
        let written = tokio::task::spawn_blocking(move || {
            let result = journal.write_batch(&mut batch, pseudonyms.as_ref(), &mut visits);
            (journal, batch, visits, result)
        })
        .await;
        match written {
            Ok((journal, batch, visits, result)) => {
                self.own_connection = Some(journal);
                *buffer = batch;
                self.visits = Some(visits);
                Ok(result?)
            }
            // A panic lost the batch with the connection: nothing is left to retry.
            Err(error) => Err(BatchError::Lost(error.to_string())),
        }
    }
}

/// Waits up to `LINGER` for `wanted` more touchpoints, looking at the queue in short steps: as
/// soon as they are waiting the batch is written, so that under a heavy load the queue never fills
/// while the writer sleeps. Returns whether `stop` turned true meanwhile. (A function of the queue
/// alone: the writer itself may not be shared across threads, which its SQLite connection is not.)
async fn linger(queue: &mpsc::Receiver<Touchpoint>, wanted: usize, stop: &mut watch::Receiver<bool>) -> bool {
    for _ in 0..LINGER_STEPS {
        if queue.len() >= wanted {
            return false;
        }
        tokio::select! {
            _ = tokio::time::sleep(LINGER / LINGER_STEPS) => {}
            _ = stop.changed() => return true,
        }
    }
    false
}

/// Why a batch was not written.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error(transparent)]
    Pool(#[from] sqlx::Error),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("the batch's thread failed: {0}")]
    Lost(String),
}

/// The columns the writer fills; `touchpoint_id` is the database's (the row id on SQLite).
pub const COLUMNS: [&str; 23] = [
    "occurred_at",
    "account_id",
    "member_id",
    "staff_id",
    "session_ref",
    "locale",
    "channel",
    "journey",
    "step",
    "route",
    "outcome",
    "duration_ms",
    "subject_kind",
    "subject_id",
    "error_code",
    "signals",
    "visit_ref",
    "kind",
    "element",
    "lcp_ms",
    "inp_ms",
    "cls_milli",
    "customer_pseudonym",
];

/// Per day, journey and step: what the batch adds to the rollup row.
#[derive(Default)]
pub(crate) struct RollupDelta {
    pub total: i64,
    outcomes: [i64; 5],
    signals: [i64; SIGNALS.len()],
    durations: [i64; DURATION_BUCKETS_MS.len() + 1],
}

impl RollupDelta {
    /// The counts after `total`, in the order the upsert binds them.
    pub fn counts(&self) -> impl Iterator<Item = i64> + '_ {
        self.outcomes.iter().chain(&self.signals).chain(&self.durations).copied()
    }
}

pub fn duration_bucket(duration_ms: u32) -> usize {
    DURATION_BUCKETS_MS.iter().position(|bound| duration_ms <= *bound).unwrap_or(DURATION_BUCKETS_MS.len())
}

pub(crate) const DAY_MS: i64 = 86_400_000;

/// The UTC day of an instant, `YYYY-MM-DD`.
pub fn utc_day(epoch_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(epoch_ms).map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

async fn write_batch(
    db: &Db,
    batch: &mut [Touchpoint],
    pseudonyms: Option<&Pseudonyms>,
    cache: &mut VisitCache,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    // Retries and back-and-forth depend on what the same visit did before (perhaps on another
    // instance): read it, derive the signals, and keep it current, all in this transaction.
    let mut visits = load_visits(&mut tx, db.backend, batch, cache).await?;
    derive_sequence_signals(batch, &mut visits);
    insert_with_rollups(&mut tx, db, batch, pseudonyms).await?;
    save_visits(&mut tx, db, &visits, cache).await?;
    tx.commit().await?;
    cache.keep(visits, now_ms());
    Ok(())
}

/// Per day, journey and step: what the batch adds to the rollups. Keyed by the day's number: its
/// `YYYY-MM-DD` is written once per rollup row, not per touchpoint.
pub(crate) fn rollup_deltas(batch: &[Touchpoint]) -> HashMap<(i64, &'static str, &'static str), RollupDelta> {
    let mut rollups: HashMap<(i64, &'static str, &'static str), RollupDelta> = HashMap::default();
    for t in batch {
        let day = t.occurred_at.div_euclid(DAY_MS);
        let delta = rollups.entry((day, t.journey, t.step)).or_default();
        // A signal the browser reported about a step adds to the step's signal counts; only
        // steps count as attempts (with an outcome and a duration).
        if t.kind == RowKind::Step {
            delta.total += 1;
            delta.outcomes[Outcome::ALL.iter().position(|o| *o == t.outcome).unwrap_or(0)] += 1;
            delta.durations[duration_bucket(t.duration_ms)] += 1;
        }
        for (i, (bit, _, _)) in SIGNALS.iter().enumerate() {
            if t.signals.0 & bit != 0 {
                delta.signals[i] += 1;
            }
        }
    }
    rollups
}

/// The pseudonym of each customer in the batch: a batch holds many touchpoints of the same
/// customers, and each needs one keyed hash.
pub(crate) fn pseudonyms_in<'a>(batch: &'a [Touchpoint], pseudonyms: Option<&Pseudonyms>) -> HashMap<&'a str, String> {
    let mut of: HashMap<&str, String> = HashMap::default();
    if let Some(pseudonyms) = pseudonyms {
        for account in batch.iter().filter_map(|t| t.account_id.as_deref()) {
            of.entry(account).or_insert_with(|| pseudonyms.of(account));
        }
    }
    of
}

/// One value of a touchpoint's row, borrowed from the touchpoint.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Column<'a> {
    /// Our own names (journeys, steps, outcomes).
    Static(&'static str),
    Text(Option<&'a str>),
    Int(Option<i64>),
}

/// A touchpoint's row, in the order of [`COLUMNS`]: the one place that maps fields to columns,
/// for both ways of writing.
pub(crate) fn row_of<'a>(t: &'a Touchpoint, pseudonyms: &'a HashMap<&str, String>) -> [Column<'a>; 23] {
    let optional_int = |value: Option<u32>| Column::Int(value.map(i64::from));
    let static_text = |value: Option<&'static str>| value.map(Column::Static).unwrap_or(Column::Text(None));
    [
        Column::Int(Some(t.occurred_at)),
        Column::Text(t.account_id.as_deref()),
        Column::Text(t.member_id.as_deref()),
        Column::Text(t.staff_id.as_deref()),
        Column::Text(t.session_ref.as_deref()),
        Column::Static(t.locale),
        Column::Static(t.channel.as_str()),
        Column::Static(t.journey),
        Column::Static(t.step),
        match &t.route {
            Cow::Borrowed(route) => Column::Static(route),
            Cow::Owned(route) => Column::Text(Some(route)),
        },
        Column::Static(t.outcome.as_str()),
        Column::Int(Some(i64::from(t.duration_ms))),
        static_text(t.subject_kind),
        Column::Text(t.subject_id.as_deref()),
        static_text(t.error_code),
        Column::Int(Some(i64::from(t.signals.0))),
        Column::Text(t.visit_ref.as_deref()),
        Column::Static(t.kind.as_str()),
        Column::Text(t.element.as_deref()),
        optional_int(t.vitals.and_then(|v| v.lcp_ms)),
        optional_int(t.vitals.and_then(|v| v.inp_ms)),
        optional_int(t.vitals.and_then(|v| v.cls_milli)),
        Column::Text(t.account_id.as_deref().and_then(|account| pseudonyms.get(account)).map(String::as_str)),
    ]
}

async fn insert_with_rollups(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    db: &Db,
    batch: &[Touchpoint],
    pseudonyms: Option<&Pseudonyms>,
) -> Result<(), sqlx::Error> {
    let pseudonyms_of = pseudonyms_in(batch, pseudonyms);
    let rows: Vec<Vec<Val>> = batch
        .iter()
        .map(|t| {
            row_of(t, &pseudonyms_of)
                .into_iter()
                .map(|column| match column {
                    Column::Static(text) => Val::Static(text),
                    Column::Text(Some(text)) => Val::Text(text.to_string()),
                    Column::Text(None) => Val::NullText,
                    Column::Int(Some(n)) => Val::Int(n),
                    Column::Int(None) => Val::NullInt,
                })
                .collect()
        })
        .collect();
    // Every caller rolls the whole transaction back on an error (the writer retries the batch).
    insert_rows_then(tx, db.backend, "touchpoints", &COLUMNS, rows, OnFailure::RollBackTransaction, "").await?;
    for ((day, journey, step), delta) in rollup_deltas(batch) {
        let mut query =
            sqlx::query(rollup_upsert_sql()).bind(utc_day(day * DAY_MS)).bind(journey).bind(step).bind(delta.total);
        for n in delta.counts() {
            query = query.bind(n);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The rollup columns after `day, journey, step`, in the order the upsert binds them.
pub fn rollup_columns() -> Vec<String> {
    let mut columns = vec!["total".to_string()];
    columns.extend(Outcome::ALL.iter().map(|o| format!("n_{}", o.as_str())));
    columns.extend(SIGNALS.iter().map(|(_, name, _)| format!("s_{name}")));
    columns.extend((0..=DURATION_BUCKETS_MS.len()).map(|i| format!("d{i:02}")));
    columns
}

/// The rollup upsert, built once: the text is the same for every batch.
pub(crate) fn rollup_upsert_sql() -> &'static str {
    static UPSERT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    UPSERT.get_or_init(build_rollup_upsert_sql)
}

fn build_rollup_upsert_sql() -> String {
    let columns = rollup_columns();
    let placeholders: Vec<String> = (1..=columns.len() + 3).map(|n| format!("${n}")).collect();
    let updates: Vec<String> = columns.iter().map(|c| format!("{c} = touchpoint_rollups.{c} + excluded.{c}")).collect();
    format!(
        "INSERT INTO touchpoint_rollups (day, journey, step, {}) VALUES ({}) ON CONFLICT (day, journey, step) DO UPDATE SET {}",
        columns.join(", "),
        placeholders.join(", "),
        updates.join(", ")
    )
}

/// A duration percentile (0–100) read from a rollup's histogram: the upper bound of the bucket it
/// falls in, or `None` for the open top bucket and for an empty histogram.
pub fn percentile_from_histogram(buckets: &[i64], percentile: f64) -> Option<u32> {
    let total: i64 = buckets.iter().sum();
    if total == 0 {
        return None;
    }
    let rank = (percentile / 100.0 * total as f64).ceil().max(1.0) as i64;
    let mut seen = 0;
    for (i, n) in buckets.iter().enumerate() {
        seen += n;
        if seen >= rank {
            return DURATION_BUCKETS_MS.get(i).copied();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_fall_into_buckets_and_percentiles_read_back() {
        assert_eq!(duration_bucket(0), 0);
        assert_eq!(duration_bucket(10), 0);
        assert_eq!(duration_bucket(11), 1);
        assert_eq!(duration_bucket(30_000), 10);
        assert_eq!(duration_bucket(30_001), 11);
        let mut buckets = [0i64; 12];
        buckets[2] = 90; // ≤ 50 ms
        buckets[6] = 10; // ≤ 1 s
        assert_eq!(percentile_from_histogram(&buckets, 50.0), Some(50));
        assert_eq!(percentile_from_histogram(&buckets, 90.0), Some(50));
        assert_eq!(percentile_from_histogram(&buckets, 95.0), Some(1_000));
        assert_eq!(percentile_from_histogram(&[0; 12], 50.0), None);
    }

    #[test]
    fn the_upsert_names_every_rollup_column() {
        let sql = rollup_upsert_sql();
        assert!(sql.contains("s_rage_click = touchpoint_rollups.s_rage_click + excluded.s_rage_click"));
        assert!(sql.contains("$32"), "{sql}");
        assert_eq!(rollup_columns().len(), 1 + 5 + SIGNALS.len() + 12);
        assert_eq!(utc_day(1_795_996_800_000), "2026-11-30");
    }
}
