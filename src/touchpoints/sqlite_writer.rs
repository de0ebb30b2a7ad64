//! The journal's writer on SQLite: each batch in one transaction on the writer's own connection,
//! with statements prepared once and texts bound without copies (see `db::raw_sqlite`).
//!
//! It writes exactly what the pool's path writes (`recorder::write_batch`, which PostgreSQL and
//! the abandonment sweep use): the rows come from the same `row_of`, the rollups from the same
//! `rollup_deltas`, the visits' steps from the same cache and signals. A test writes one batch
//! both ways and compares the stored rows.
use super::pseudonym::Pseudonyms;
use super::recorder::{
    pseudonyms_in, rollup_deltas, rollup_upsert_sql, row_of, utc_day, Column, Touchpoint, COLUMNS, DAY_MS,
};
use super::signals::{
    decode, derive_sequence_signals, visit_rows, PastStep, TakenVisits, VisitCache, LAST_WRITER_SQL, READ_VISIT_SQL,
    SAVE_VISIT_SQL, SET_LAST_WRITER_SQL,
};
use crate::db::raw_sqlite::{Connection, SqliteError};
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

/// The single-row insert, prepared once: every batch binds it row by row.
fn insert_sql() -> &'static str {
    static SQL: OnceLock<String> = OnceLock::new();
    SQL.get_or_init(|| {
        let placeholders = vec!["?"; COLUMNS.len()].join(", ");
        // OR FAIL: the batch is rolled back whole on an error, so the statement need not keep a
        // journal to undo itself (see `db::batch::OnFailure`).
        format!("INSERT OR FAIL INTO touchpoints ({}) VALUES ({placeholders})", COLUMNS.join(", "))
    })
}

/// The writer's own connection to the portal's SQLite file.
pub struct SqliteJournal {
    connection: Connection,
}

impl SqliteJournal {
    /// Opens the file with the settings of the pool's journal connection (`synchronous = NORMAL`,
    /// see `Db::connect_journal`).
    pub fn open(file: &std::path::Path) -> Result<SqliteJournal, SqliteError> {
        crate::db::sqlite_memory::configure();
        let connection = Connection::open(file)?;
        for pragma in crate::db::sqlite_pragmas("NORMAL") {
            connection.execute(&pragma)?;
        }
        Ok(SqliteJournal { connection })
    }

    /// Writes one batch in one transaction: the visits' recent steps are read, the sequence
    /// signals derived, the rows inserted, the rollups and visits brought up to date. On an error
    /// nothing of the batch stays.
    pub fn write_batch(
        &mut self,
        batch: &mut [Touchpoint],
        pseudonyms: Option<&Pseudonyms>,
        cache: &mut VisitCache,
    ) -> Result<(), SqliteError> {
        // IMMEDIATE takes the write lock at once: a transaction that reads first and writes later
        // could fail with "database is locked" instead of waiting (see `Db::begin_write`).
        self.connection.execute("BEGIN IMMEDIATE")?;
        let written = self.write_in_transaction(batch, pseudonyms, cache);
        let committed = written.and_then(|history| self.connection.execute("COMMIT").map(|()| history));
        match committed {
            Ok(history) => {
                cache.keep(history, crate::db::now_ms());
                Ok(())
            }
            Err(error) => {
                // Fails only when SQLite already rolled back by itself; either way nothing stays.
                let _ = self.connection.execute("ROLLBACK");
                Err(error)
            }
        }
    }

    fn write_in_transaction(
        &mut self,
        batch: &mut [Touchpoint],
        pseudonyms: Option<&Pseudonyms>,
        cache: &mut VisitCache,
    ) -> Result<HashMap<String, Vec<PastStep>>, SqliteError> {
        let last = {
            let mut statement = self.connection.statement(LAST_WRITER_SQL)?;
            if statement.step()? {
                statement.text(0)
            } else {
                None
            }
        };
        cache.note_last_writer(last.as_deref());
        // On SQLite `known` stays empty: what this writer holds is current.
        let TakenVisits { mut history, unknown, known: _ } = cache.take_visits(batch, true);
        for visit in unknown {
            let mut read = self.connection.statement(READ_VISIT_SQL)?;
            read.bind_text(1, Some(&visit))?;
            let recent = if read.step()? { read.text(0) } else { None };
            drop(read);
            if let Some(recent) = recent {
                history.insert(visit, decode(&recent));
            }
        }
        derive_sequence_signals(batch, &mut history);
        let batch = &*batch;

        let pseudonyms_of = pseudonyms_in(batch, pseudonyms);
        let mut insert = self.connection.statement(insert_sql())?;
        for touchpoint in batch {
            for (index, column) in (1..).zip(row_of(touchpoint, &pseudonyms_of)) {
                match column {
                    Column::Static(text) => insert.bind_text(index, Some(text))?,
                    Column::Text(text) => insert.bind_text(index, text)?,
                    Column::Int(n) => insert.bind_int(index, n)?,
                }
            }
            insert.execute()?;
        }
        drop(insert);

        for ((day, journey, step), delta) in rollup_deltas(batch) {
            let day = utc_day(day * DAY_MS);
            let mut upsert = self.connection.statement(rollup_upsert_sql())?;
            upsert.bind_text(1, Some(&day))?;
            upsert.bind_text(2, Some(journey))?;
            upsert.bind_text(3, Some(step))?;
            upsert.bind_int(4, Some(delta.total))?;
            for (index, n) in (5..).zip(delta.counts()) {
                upsert.bind_int(index, Some(n))?;
            }
            upsert.execute()?;
        }

        let writer = cache.writer();
        if !cache.wrote_last() {
            let mut set = self.connection.statement(SET_LAST_WRITER_SQL)?;
            set.bind_text(1, Some(writer))?;
            set.execute()?;
        }
        for (visit, recent, updated_at) in visit_rows(&history) {
            let mut save = self.connection.statement(SAVE_VISIT_SQL)?;
            save.bind_text(1, Some(visit))?;
            save.bind_text(2, Some(&recent))?;
            save.bind_int(3, Some(updated_at))?;
            save.bind_text(4, Some(writer))?;
            save.execute()?;
        }
        Ok(history)
    }
}
