//! A bare SQLite connection, for the one path where sqlx's `Any` driver costs more than the
//! database itself: the touchpoint journal's writer, which inserts a row for every request the
//! portal serves.
//!
//! Through sqlx each of a row's 23 values is converted twice (into `Any` arguments, then into
//! SQLite's) and every text is copied into SQLite (`SQLITE_TRANSIENT`), a third of the writer's
//! instructions per touchpoint. Here statements are prepared once and kept, texts are bound
//! without a copy (`SQLITE_STATIC`, see [`Statement`]), and a batch runs on one blocking thread
//! without a round trip to a connection worker per statement.
//!
//! Only what the writer needs: open, run plain SQL, prepare, bind texts and integers, step, read
//! texts.
use libsqlite3_sys as ffi;
use std::ffi::{CStr, CString};
use std::os::raw::c_int;
use std::ptr::NonNull;

/// An SQLite result code with its message.
#[derive(Debug, thiserror::Error)]
#[error("SQLite error {code}: {message}")]
pub struct SqliteError {
    pub code: c_int,
    pub message: String,
}

impl SqliteError {
    fn of(db: *mut ffi::sqlite3, code: c_int) -> SqliteError {
        // SAFETY: `db` is an open connection (or null, for which SQLite reports out of memory);
        // the message is copied before any other call on it.
        let message = unsafe {
            let text = ffi::sqlite3_errmsg(db);
            if text.is_null() {
                String::new()
            } else {
                CStr::from_ptr(text).to_string_lossy().into_owned()
            }
        };
        SqliteError { code, message }
    }

    fn invalid(message: &str) -> SqliteError {
        SqliteError { code: ffi::SQLITE_MISUSE, message: message.to_string() }
    }
}

/// One connection and the statements prepared on it, each kept by its SQL text.
pub struct Connection {
    db: NonNull<ffi::sqlite3>,
    prepared: Vec<(&'static str, NonNull<ffi::sqlite3_stmt>)>,
}

// SAFETY: the connection is opened in multi-thread mode (`SQLITE_OPEN_NOMUTEX`), where SQLite
// allows a connection on any thread as long as no two threads use it at once. Every use goes
// through `&mut self` or `&self` of a value that is not `Sync`, so it is never shared.
unsafe impl Send for Connection {}

impl Connection {
    /// Opens (and creates) the database file at `path`.
    pub fn open(path: &std::path::Path) -> Result<Connection, SqliteError> {
        use std::os::unix::ffi::OsStrExt;
        let path = CString::new(path.as_os_str().as_bytes()).map_err(|_| SqliteError::invalid("path holds a NUL"))?;
        let mut db = std::ptr::null_mut();
        let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE | ffi::SQLITE_OPEN_NOMUTEX;
        // SAFETY: a NUL-terminated path and a place for the handle; SQLite sets the handle even
        // when it fails (to report why), and it must then be closed.
        let code = unsafe { ffi::sqlite3_open_v2(path.as_ptr(), &mut db, flags, std::ptr::null()) };
        if code != ffi::SQLITE_OK {
            let error = SqliteError::of(db, code);
            // SAFETY: closing the handle SQLite gave back (null is allowed).
            unsafe { ffi::sqlite3_close(db) };
            return Err(error);
        }
        let db = NonNull::new(db).ok_or_else(|| SqliteError::invalid("no connection"))?;
        Ok(Connection { db, prepared: Vec::new() })
    }

    /// Runs SQL without parameters or results (pragmas, `BEGIN`, `COMMIT`).
    pub fn execute(&self, sql: &str) -> Result<(), SqliteError> {
        let sql = CString::new(sql).map_err(|_| SqliteError::invalid("SQL holds a NUL"))?;
        // SAFETY: an open connection and NUL-terminated SQL; no callback, no error string asked.
        let code = unsafe {
            ffi::sqlite3_exec(self.db.as_ptr(), sql.as_ptr(), None, std::ptr::null_mut(), std::ptr::null_mut())
        };
        if code == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(SqliteError::of(self.db.as_ptr(), code))
        }
    }

    /// The statement for `sql`, prepared on first use and kept for the connection's life.
    pub fn statement<'a>(&'a mut self, sql: &'static str) -> Result<Statement<'a>, SqliteError> {
        // Few statements, each looked up once per batch or row: a list is as fast as a map.
        let found = self.prepared.iter().find(|(text, _)| std::ptr::eq(*text, sql) || *text == sql).map(|(_, s)| *s);
        let stmt = match found {
            Some(stmt) => stmt,
            None => {
                let mut stmt = std::ptr::null_mut();
                let length = c_int::try_from(sql.len()).map_err(|_| SqliteError::invalid("SQL too long"))?;
                // SAFETY: an open connection, the SQL's bytes with their length, a place for the
                // statement. PERSISTENT tells SQLite the statement is kept and reused.
                let code = unsafe {
                    ffi::sqlite3_prepare_v3(
                        self.db.as_ptr(),
                        sql.as_ptr().cast(),
                        length,
                        ffi::SQLITE_PREPARE_PERSISTENT,
                        &mut stmt,
                        std::ptr::null_mut(),
                    )
                };
                if code != ffi::SQLITE_OK {
                    return Err(SqliteError::of(self.db.as_ptr(), code));
                }
                let stmt = NonNull::new(stmt).ok_or_else(|| SqliteError::invalid("empty SQL"))?;
                self.prepared.push((sql, stmt));
                stmt
            }
        };
        // SAFETY: a statement of this connection. A statement is reset and its bindings cleared
        // before it is handed out, so no value bound by an earlier use can be read again.
        unsafe {
            ffi::sqlite3_reset(stmt.as_ptr());
            ffi::sqlite3_clear_bindings(stmt.as_ptr());
        }
        Ok(Statement { stmt, db: self.db, _borrow: std::marker::PhantomData })
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // SAFETY: the statements belong to this connection and are finalized before it closes;
        // nothing else holds them (a `Statement` borrows the connection).
        unsafe {
            for (_, stmt) in self.prepared.drain(..) {
                ffi::sqlite3_finalize(stmt.as_ptr());
            }
            ffi::sqlite3_close(self.db.as_ptr());
        }
    }
}

/// A prepared statement in use, with the values bound to it.
///
/// Texts are bound with `SQLITE_STATIC`: SQLite reads them where they are, without a copy. That is
/// sound because a bound text must outlive `'a`, the statement's borrow of the connection, and
/// the statement is reset (its bindings cleared) when it is dropped and again before it is used.
pub struct Statement<'a> {
    stmt: NonNull<ffi::sqlite3_stmt>,
    db: NonNull<ffi::sqlite3>,
    _borrow: std::marker::PhantomData<&'a mut Connection>,
}

impl<'a> Statement<'a> {
    fn check(&self, code: c_int) -> Result<(), SqliteError> {
        if code == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(SqliteError::of(self.db.as_ptr(), code))
        }
    }

    /// Binds parameter `index` (from 1) to a text, or to NULL.
    pub fn bind_text(&mut self, index: c_int, value: Option<&'a str>) -> Result<(), SqliteError> {
        let code = match value {
            // SAFETY: the text outlives the statement's use (see the type's comment); its length is
            // given, so it need not end with a NUL.
            Some(text) => unsafe {
                let length = c_int::try_from(text.len()).map_err(|_| SqliteError::invalid("text too long"))?;
                ffi::sqlite3_bind_text(self.stmt.as_ptr(), index, text.as_ptr().cast(), length, ffi::SQLITE_STATIC())
            },
            // SAFETY: a statement of an open connection.
            None => unsafe { ffi::sqlite3_bind_null(self.stmt.as_ptr(), index) },
        };
        self.check(code)
    }

    /// Binds parameter `index` (from 1) to an integer, or to NULL.
    pub fn bind_int(&mut self, index: c_int, value: Option<i64>) -> Result<(), SqliteError> {
        // SAFETY: a statement of an open connection.
        let code = unsafe {
            match value {
                Some(value) => ffi::sqlite3_bind_int64(self.stmt.as_ptr(), index, value),
                None => ffi::sqlite3_bind_null(self.stmt.as_ptr(), index),
            }
        };
        self.check(code)
    }

    /// Runs the statement to its next row: true when there is one, false when it is done.
    pub fn step(&mut self) -> Result<bool, SqliteError> {
        // SAFETY: a statement of an open connection, with its parameters bound.
        match unsafe { ffi::sqlite3_step(self.stmt.as_ptr()) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            code => Err(SqliteError::of(self.db.as_ptr(), code)),
        }
    }

    /// Runs a statement that returns no rows, then makes it ready to be bound again.
    pub fn execute(&mut self) -> Result<(), SqliteError> {
        while self.step()? {}
        // SAFETY: a statement of an open connection; the bound values stay until bound again.
        unsafe { ffi::sqlite3_reset(self.stmt.as_ptr()) };
        Ok(())
    }

    /// Column `index` (from 0) of the current row as text, None for NULL.
    pub fn text(&self, index: c_int) -> Option<String> {
        // SAFETY: called on the row `step` returned; the pointer is valid until the next step, and
        // the bytes are copied before that (`column_bytes` after `column_text`, as SQLite asks).
        unsafe {
            let text = ffi::sqlite3_column_text(self.stmt.as_ptr(), index);
            if text.is_null() {
                return None;
            }
            let length = usize::try_from(ffi::sqlite3_column_bytes(self.stmt.as_ptr(), index)).unwrap_or(0);
            let bytes = std::slice::from_raw_parts(text, length);
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
    }
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        // SAFETY: a statement of an open connection. Clearing the bindings drops SQLite's pointers
        // to the borrowed texts before the borrow ends.
        unsafe {
            ffi::sqlite3_reset(self.stmt.as_ptr());
            ffi::sqlite3_clear_bindings(self.stmt.as_ptr());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepares_once_binds_without_copies_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(&dir.path().join("t.db")).unwrap();
        conn.execute("CREATE TABLE t (a TEXT, b INTEGER)").unwrap();
        const INSERT: &str = "INSERT INTO t (a, b) VALUES (?, ?)";
        for (a, b) in [(Some("one".to_string()), Some(1)), (None, None), (Some(String::new()), Some(3))] {
            let mut insert = conn.statement(INSERT).unwrap();
            insert.bind_text(1, a.as_deref()).unwrap();
            insert.bind_int(2, b).unwrap();
            insert.execute().unwrap();
        }
        assert_eq!(conn.prepared.len(), 1, "kept and reused");
        let mut select = conn.statement("SELECT a FROM t ORDER BY rowid").unwrap();
        let mut seen = Vec::new();
        while select.step().unwrap() {
            seen.push(select.text(0));
        }
        assert_eq!(seen, vec![Some("one".to_string()), None, Some(String::new())]);
        drop(select);
        let error = conn.execute("INSERT INTO missing VALUES (1)").unwrap_err();
        assert!(error.message.contains("no such table"), "{error}");
        assert!(conn.statement("SELECT nonsense FROM").is_err());
    }
}
