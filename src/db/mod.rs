//! Database access: one `AnyPool` whose backend (SQLite or PostgreSQL) is chosen by the URL.
//!
//! Queries use `$1` placeholders, text ids, integer minor units and integer epoch milliseconds,
//! the subset both backends (and sqlx's `Any` driver) agree on. Every query is covered by tests
//! that run on both backends.
pub mod audit;
pub mod batch;
pub mod ids;
pub mod json_rows;

use crate::config::{Backend, Config, DatabaseUrl};
use sqlx::any::{AnyPoolOptions, AnyQueryResult};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot prepare the data folder {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("cannot connect to the database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot apply migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Query(#[from] sqlx::Error),
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The shared database handle: cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// The database file, on SQLite: the journal's writer opens its own connection to it.
    pub sqlite_file: Option<std::path::PathBuf>,
}

impl Db {
    /// Connects with the pool settings from `config`, creating the SQLite file and its folder
    /// when needed.
    pub async fn connect(config: &Config) -> Result<Self, DbError> {
        Self::connect_url(&config.database_url, config.db_max_connections).await
    }

    pub async fn connect_url(url: &DatabaseUrl, max_connections: u32) -> Result<Self, DbError> {
        let db = Self::connect_with(url, max_connections, "FULL").await?;
        if db.backend == Backend::Sqlite {
            tokio::spawn(checkpoint_regularly(db.pool.clone()));
        }
        Ok(db)
    }

    /// The touchpoint writer's own connection. On SQLite its commits skip the fsync
    /// (`synchronous = NORMAL`; WAL keeps the file consistent, and checkpoints still sync): the
    /// journal's queue is in memory, so a power cut loses what is queued either way, and an
    /// fsync per batch would only halve the rate at which it can be written.
    pub async fn connect_journal(url: &DatabaseUrl) -> Result<Self, DbError> {
        Self::connect_with(url, 1, "NORMAL").await
    }

    async fn connect_with(url: &DatabaseUrl, max_connections: u32, synchronous: &'static str) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let backend = url.backend();
        let mut options =
            AnyPoolOptions::new().max_connections(max_connections).acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            ensure_sqlite_folder(url.expose())?;
            // sqlx pings a connection before lending it, to catch one the server or the network
            // dropped. An SQLite connection lives in this process and cannot be dropped that way,
            // while each ping is a round trip to the connection's worker thread, as costly as the
            // query it precedes.
            options = options.test_before_acquire(false);
            // Per-connection settings, see `sqlite_pragmas`.
            options = options.after_connect(move |conn, _meta| {
                Box::pin(async move {
                    for pragma in sqlite_pragmas(synchronous) {
                        conn.execute(pragma.as_str()).await?;
                    }
                    Ok(())
                })
            });
        }
        let pool =
            options.connect(url.expose()).await.map_err(|source| DbError::Connect { url: url.to_string(), source })?;
        let sqlite_file = (backend == Backend::Sqlite).then(|| sqlite_path(url.expose())).flatten();
        Ok(Db { pool, backend, sqlite_file })
    }

    /// Applies the migrations of this backend's folder.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        if self.backend == Backend::Postgres {
            migrator.run(&self.pool).await?;
            return Ok(());
        }
        // SQLite changes some constraints only by rebuilding a table, which its manual says to do
        // with foreign keys off (https://www.sqlite.org/lang_altertable.html#otheralter): else
        // dropping the old table deletes the rows that reference it. The switch is a no-op inside
        // a transaction, so it is set on the connection before the migrator opens one, and every
        // rebuilding migration ends with a foreign key check of its own.
        let mut conn = self.pool.acquire().await.map_err(sqlx::migrate::MigrateError::from)?;
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *conn)
            .await
            .map_err(sqlx::migrate::MigrateError::from)?;
        let result = migrator.run(&mut *conn).await;
        let restored = sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await;
        result?;
        restored.map_err(sqlx::migrate::MigrateError::from)?;
        Ok(())
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later can fail with
    /// "database is locked" instead of waiting for the busy timeout.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Makes write transactions about one customer account take turns, so that a count read
    /// inside one (a quota, the files of a form) cannot be passed by posting at once. SQLite's
    /// write transaction (`begin_write`) is such a lock already; under PostgreSQL's READ COMMITTED
    /// the account's row is locked (`NO KEY`: rows that merely reference the account still go in).
    pub async fn take_turns_on_account(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        account_id: &str,
    ) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT account_id FROM customer_accounts WHERE account_id = $1 FOR NO KEY UPDATE")
                .bind(account_id)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// A round trip to the database, for `/health`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_: AnyQueryResult| ())
    }

    /// Whether the database has no customer accounts and no users of any kind, staff included:
    /// the only kind of database demo data may go into (an installation whose first admin was
    /// just invited is not empty).
    pub async fn is_empty(&self) -> Result<bool, sqlx::Error> {
        let (count,): (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM customer_accounts) + (SELECT COUNT(*) FROM members)
                  + (SELECT COUNT(*) FROM staff_users)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(count == 0)
    }
}

/// WAL pages (4 KiB each) after which a committing connection checkpoints by itself.
const BACKSTOP_CHECKPOINT_PAGES: u32 = 16_384;
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Copies the SQLite WAL back into the database once a second, off every request's path.
///
/// Left to SQLite, whichever connection commits past 1,000 WAL pages does the checkpoint inside
/// its commit: often the journal's writer (a batch dirties thousands of index pages), sometimes a
/// request. Once a second instead, a page that several batches changed is copied once, and
/// nobody waits for it. Passive: it never blocks readers or writers; what it cannot copy now it
/// copies next time. Ends when the pool is closed.
async fn checkpoint_regularly(pool: AnyPool) {
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        if pool.is_closed() {
            return;
        }
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            if pool.is_closed() {
                return;
            }
            tracing::warn!(%error, "WAL checkpoint failed; next try in a second");
        }
    }
}

/// A failed query as the caller's error: logged here with its cause, answered as "unavailable"
/// (the cause is never shown to a user).
pub fn db_error(error: sqlx::Error) -> crate::error::AppError {
    tracing::error!(%error, "database query failed");
    crate::error::AppError::Unavailable
}

/// Milliseconds since the Unix epoch, UTC: how every timestamp is stored.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Every SQLite connection's settings, the journal writer's own included: durability
/// (`synchronous`: FULL, an acknowledged write survives power loss; NORMAL for the journal, see
/// `connect_journal`), integrity (foreign keys are off by default in SQLite) and waiting instead
/// of failing with "database is locked" when another connection writes.
pub fn sqlite_pragmas(synchronous: &'static str) -> [String; 7] {
    [
        "PRAGMA journal_mode = WAL".to_string(),
        format!("PRAGMA synchronous = {}", if synchronous == "NORMAL" { "NORMAL" } else { "FULL" }),
        "PRAGMA foreign_keys = ON".to_string(),
        "PRAGMA busy_timeout = 10000".to_string(),
        // 64 MiB of page cache (the default is 2 MiB): the journal's indexes take inserts at
        // random places, and with a small cache every batch rereads them. Pages are allocated as
        // used, so idle connections cost nothing.
        "PRAGMA cache_size = -65536".to_string(),
        // A multi-row insert keeps the pages it changes in a statement journal, to undo itself
        // should a row fail; in a temporary file that was a third of the journal writer's disk
        // writes.
        "PRAGMA temp_store = MEMORY".to_string(),
        // Checkpoints (copying the WAL back into the database) are left to
        // `checkpoint_regularly`; this is only the backstop should it fall behind.
        format!("PRAGMA wal_autocheckpoint = {BACKSTOP_CHECKPOINT_PAGES}"),
    ]
}

/// The file an SQLite URL names (`sqlite://path?mode=rwc`), None for an in-memory database.
fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or("");
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

fn ensure_sqlite_folder(url: &str) -> Result<(), DbError> {
    let Some(path) = sqlite_path(url) else { return Ok(()) };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|source| DbError::DataDir { path: parent.display().to_string(), source })?;
    }
    Ok(())
}
