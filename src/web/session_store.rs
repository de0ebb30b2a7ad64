//! The tower-sessions store on the configured backend. The sqlx stores need a typed pool, so the
//! session store keeps a small pool of its own beside the application's `AnyPool`.
use crate::config::{Backend, DatabaseUrl};
use async_trait::async_trait;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

#[derive(Debug, Clone)]
pub enum AppSessionStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl AppSessionStore {
    /// Connects and creates the store's table when it is missing.
    pub async fn connect(url: &DatabaseUrl) -> Result<Self, sqlx::Error> {
        let store = match url.backend() {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url.expose())?
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(10));
                // No ping before each lend: an in-process connection cannot go stale (see `Db`).
                let pool = SqlitePoolOptions::new()
                    .max_connections(4)
                    .test_before_acquire(false)
                    .connect_with(options)
                    .await?;
                let store = SqliteStore::new(pool);
                store.migrate().await?;
                AppSessionStore::Sqlite(store)
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url.expose())
                    .await?;
                let store = PostgresStore::new(pool);
                store.migrate().await?;
                AppSessionStore::Postgres(store)
            }
        };
        Ok(store)
    }

    /// Deletes expired records now and then, forever; restarted by its supervisor if it fails.
    pub async fn delete_expired_forever(self, period: Duration) -> session_store::Result<()> {
        let mut interval = tokio::time::interval(period);
        loop {
            interval.tick().await;
            self.delete_expired().await?;
        }
    }
}

#[async_trait]
impl SessionStore for AppSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            AppSessionStore::Sqlite(store) => store.create(record).await,
            AppSessionStore::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            AppSessionStore::Sqlite(store) => store.save(record).await,
            AppSessionStore::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            AppSessionStore::Sqlite(store) => store.load(id).await,
            AppSessionStore::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            AppSessionStore::Sqlite(store) => store.delete(id).await,
            AppSessionStore::Postgres(store) => store.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for AppSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            AppSessionStore::Sqlite(store) => store.delete_expired().await,
            AppSessionStore::Postgres(store) => store.delete_expired().await,
        }
    }
}
