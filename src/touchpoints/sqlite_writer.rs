//! The journal's writer on SQLite: each batch in one transaction on the writer's own connection
//! (rusqlite), with its statements prepared once and kept, and the batch run on one blocking
//! thread: through sqlx's `Any` driver every value is converted twice and each statement is a
//! round trip to the connection's worker thread, for a row per request the portal serves.
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
use rusqlite::{Connection, OpenFlags};
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
    pub fn open(file: &std::path::Path) -> Result<SqliteJournal, rusqlite::Error> {
        // No mutex of SQLite's own: the connection is only ever used by one thread at a time.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(file, flags)?;
        // Pragmas such as `journal_mode` answer with a row, which `execute_batch` allows.
        for pragma in crate::db::sqlite_pragmas("NORMAL") {
            connection.execute_batch(&pragma)?;
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
    ) -> Result<(), rusqlite::Error> {
        // IMMEDIATE takes the write lock at once: a transaction that reads first and writes later
        // could fail with "database is locked" instead of waiting (see `Db::begin_write`).
        self.connection.execute_batch("BEGIN IMMEDIATE")?;
        let written = self.write_in_transaction(batch, pseudonyms, cache);
        let committed = written.and_then(|history| self.connection.execute_batch("COMMIT").map(|()| history));
        match committed {
            Ok(history) => {
                cache.keep(history, crate::db::now_ms());
                Ok(())
            }
            Err(error) => {
                // Fails only when SQLite already rolled back by itself; either way nothing stays.
                let _ = self.connection.execute_batch("ROLLBACK");
                Err(error)
            }
        }
    }

    fn write_in_transaction(
        &mut self,
        batch: &mut [Touchpoint],
        pseudonyms: Option<&Pseudonyms>,
        cache: &mut VisitCache,
    ) -> Result<HashMap<String, Vec<PastStep>>, rusqlite::Error> {
        let connection = &self.connection;
        let last: Option<String> = {
            let mut statement = connection.prepare_cached(LAST_WRITER_SQL)?;
            let mut rows = statement.raw_query();
            match rows.next()? {
                Some(row) => row.get(0)?,
                None => None,
            }
        };
        cache.note_last_writer(last.as_deref());
        // On SQLite `known` stays empty: what this writer holds is current.
        let TakenVisits { mut history, unknown, known: _ } = cache.take_visits(batch, true);
        for visit in unknown {
            let mut read = connection.prepare_cached(READ_VISIT_SQL)?;
            read.raw_bind_parameter(1, &visit)?;
            let mut rows = read.raw_query();
            let recent: Option<String> = match rows.next()? {
                Some(row) => row.get(0)?,
                None => None,
            };
            if let Some(recent) = recent {
                history.insert(visit, decode(&recent));
            }
        }
        derive_sequence_signals(batch, &mut history);
        let batch = &*batch;

        let pseudonyms_of = pseudonyms_in(batch, pseudonyms);
        let mut insert = connection.prepare_cached(insert_sql())?;
        for touchpoint in batch {
            for (index, column) in (1..).zip(row_of(touchpoint, &pseudonyms_of)) {
                match column {
                    Column::Static(text) => insert.raw_bind_parameter(index, text)?,
                    Column::Text(text) => insert.raw_bind_parameter(index, text)?,
                    Column::Int(n) => insert.raw_bind_parameter(index, n)?,
                }
            }
            insert.raw_execute()?;
        }
        drop(insert);

        for ((day, journey, step), delta) in rollup_deltas(batch) {
            let day = utc_day(day * DAY_MS);
            let mut upsert = connection.prepare_cached(rollup_upsert_sql())?;
            upsert.raw_bind_parameter(1, &day)?;
            upsert.raw_bind_parameter(2, journey)?;
            upsert.raw_bind_parameter(3, step)?;
            upsert.raw_bind_parameter(4, delta.total)?;
            for (index, n) in (5..).zip(delta.counts()) {
                upsert.raw_bind_parameter(index, n)?;
            }
            upsert.raw_execute()?;
        }

        let writer = cache.writer();
        if !cache.wrote_last() {
            let mut set = connection.prepare_cached(SET_LAST_WRITER_SQL)?;
            set.raw_bind_parameter(1, writer)?;
            set.raw_execute()?;
        }
        for (visit, recent, updated_at) in visit_rows(&history) {
            let mut save = connection.prepare_cached(SAVE_VISIT_SQL)?;
            save.raw_bind_parameter(1, visit)?;
            save.raw_bind_parameter(2, &recent)?;
            save.raw_bind_parameter(3, updated_at)?;
            save.raw_bind_parameter(4, writer)?;
            save.raw_execute()?;
        }
        Ok(history)
    }
}

#[cfg(test)]
mod tests {
    /// The bundled SQLite is built without its global allocation statistics (`LIBSQLITE3_FLAGS` in
    /// `.cargo/config.toml`): every connection's thread would otherwise take one process-wide mutex
    /// per allocation. rusqlite and sqlx link the same library, so this holds for both.
    #[test]
    fn sqlite_is_built_without_memory_statistics() {
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        let mut options = connection.prepare("SELECT compile_options FROM pragma_compile_options").unwrap();
        let options: Vec<String> = options.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect();
        assert!(options.iter().any(|option| option == "DEFAULT_MEMSTATUS=0"), "{options:?}");
    }
}
