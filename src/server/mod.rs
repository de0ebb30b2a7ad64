//! The HTTP server: state, router, layers, start-up and graceful shutdown.
pub mod assets;
pub mod errors;
pub mod headers;
pub mod health;
pub mod metrics;
pub mod render;
pub mod routes;
pub mod shutdown;
pub mod steps;
pub mod telemetry;

use crate::config::Config;
use crate::db::{Db, DbError};
use crate::demo::DemoError;
use crate::mail::relay::{Relay, Transport};
use crate::touchpoints::pseudonym::Pseudonyms;
use crate::touchpoints::recorder::{Recorder, Writer};
use crate::web::beacon::BeaconLimiter;
use crate::web::session_store::AppSessionStore;
use crate::web::state::{AppState, ArchiveWakeup, Services};
use leptos::prelude::*;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

/// Touchpoints written per transaction at most (under load; otherwise what has arrived): half the
/// queue, so that the other half takes what arrives while a batch is written. Larger batches are
/// cheaper per touchpoint (a visit's or a customer's several steps in one batch update its visit
/// row and its index page once), at the price of holding SQLite's write lock longer, about half a
/// second for a full batch on a 2-core machine, which happens only while the queue is full.
pub fn touchpoint_batch(queue: usize) -> usize {
    (queue / 2).max(1)
}

/// Why the server could not start. Each message names the setting to fix.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("STYK_DATABASE_URL: {0}")]
    Database(#[from] DbError),
    #[error("STYK_ADDR: cannot listen on {addr} ({source})")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("STYK_DEMO: cannot load demo data ({0})")]
    Demo(#[from] DemoError),
    #[error("STYK_DATABASE_URL: cannot prepare the session store ({0})")]
    Sessions(sqlx::Error),
    #[error("STYK_SMTP_URL: {0}")]
    Smtp(String),
}

/// A server that has connected to its database and bound its port, ready to run.
pub struct Server {
    listener: TcpListener,
    router: axum::Router,
    state: AppState,
    touchpoint_writer: Writer,
}

impl Server {
    pub async fn build(config: Config) -> Result<Self, StartError> {
        Self::build_with_routes(config, axum::Router::new()).await
    }

    /// Builds the server with extra routes merged in (tests use it to add a handler that panics).
    pub async fn build_with_routes(mut config: Config, extra: axum::Router<AppState>) -> Result<Self, StartError> {
        let db = Db::connect(&config).await?;
        db.migrate().await?;
        if config.demo {
            let today = chrono::Utc::now().date_naive();
            if crate::demo::ensure_demo_data(&db, today).await? {
                tracing::info!("loaded demo data into the empty database");
            }
        }
        let listener =
            TcpListener::bind(config.addr).await.map_err(|source| StartError::Bind { addr: config.addr, source })?;
        let local_addr = listener.local_addr().map_err(|source| StartError::Bind { addr: config.addr, source })?;
        // With port 0 the default public URL can only be known once the port is bound.
        if config.public_url == format!("http://{}", config.addr) {
            config.public_url = format!("http://{local_addr}");
        }
        // A rebuilt bundle must never be answered with the previous build's compressed copy.
        match assets::remove_stale(&config.site_root) {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "removed compressed copies older than their files"),
            Err(error) => tracing::warn!(%error, "cannot check the site's compressed copies"),
        }
        let leptos_options = LeptosOptions::builder()
            .output_name("styk")
            .site_root(config.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(local_addr)
            .build();
        let sessions = AppSessionStore::connect(&config.database_url).await.map_err(StartError::Sessions)?;
        let journal_db = Db::connect_journal(&config.database_url).await?;
        let (touchpoints, touchpoint_writer) =
            Recorder::new(journal_db, config.touchpoints.queue, touchpoint_batch(config.touchpoints.queue));
        let pseudonyms = Pseudonyms::load(&db, config.touchpoints.pseudonym_key.as_ref())
            .await
            .map_err(|e| StartError::Database(e.into()))?;
        let touchpoint_writer = touchpoint_writer.with_pseudonyms(pseudonyms.clone());
        let beacons = BeaconLimiter::per_minute(config.touchpoints.beacons_per_minute);
        let state = AppState::new(Services {
            leptos_options,
            render_page: render::page,
            catalogue: Arc::new(steps::catalogue()),
            db,
            config: Arc::new(config),
            sessions,
            mail_wakeup: Arc::new(Notify::new()),
            archive_wakeup: ArchiveWakeup::default(),
            touchpoints,
            beacons,
            pseudonyms,
        });
        let router = routes::router(state.clone(), extra);
        Ok(Server { listener, router, state, touchpoint_writer })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then gives in-flight requests the configured grace and
    /// stops the background workers.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let grace = self.state.config.shutdown_grace;
        let (stop_workers, workers_stop) = watch::channel(false);
        let workers = start_workers(&self.state, workers_stop).map_err(std::io::Error::other)?;
        // Stopped last, after the requests and the other workers (which record touchpoints too),
        // it writes every queued touchpoint.
        let (stop_writer, writer_stop) = watch::channel(false);
        let writer = tokio::spawn(self.touchpoint_writer.run(writer_stop));
        shutdown::serve_with_grace(self.listener, self.router, shutdown, grace).await?;
        let _ = stop_workers.send(true);
        for worker in workers {
            if tokio::time::timeout(grace.max(std::time::Duration::from_secs(1)), worker).await.is_err() {
                tracing::warn!("a background worker did not stop in time");
            }
        }
        let _ = stop_writer.send(true);
        if writer.await.is_err() {
            tracing::error!("the touchpoint writer failed while flushing");
        }
        self.state.db.pool.close().await;
        Ok(())
    }
}

/// The background work of this instance: the mail relay, the expired-session cleanup, the
/// journal's jobs and the invoice archive builder. Each is
/// supervised: if it fails it is logged and started again.
fn start_workers(
    state: &AppState,
    stop: watch::Receiver<bool>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, StartError> {
    let transport = Transport::from_config(&state.config.mail).map_err(|e| StartError::Smtp(e.to_string()))?;
    let from = state.config.mail.from.parse().map_err(|e| StartError::Smtp(format!("{e}")))?;
    let relay = {
        let (db, wakeup, max_attempts, stop) =
            (state.db.clone(), state.mail_wakeup.clone(), state.config.mail.max_attempts, stop.clone());
        let touchpoints = state.touchpoints.clone();
        let folder_retention = state.config.mail.dir_retention;
        tokio::spawn(async move {
            Relay { db, transport, from, max_attempts, wakeup, touchpoints, folder_retention }.run(stop).await;
        })
    };
    let cleanup = {
        let store = state.sessions.clone();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    result = store.clone().delete_expired_forever(std::time::Duration::from_secs(300)) => {
                        if let Err(error) = result {
                            tracing::error!(%error, "expired-session cleanup failed; restarting it in 30 s");
                        }
                    }
                    _ = stop.changed() => return,
                }
                tokio::select! {
                    _ = tokio::time::sleep(std::time::Duration::from_secs(30)) => {}
                    _ = stop.changed() => return,
                }
            }
        })
    };
    let journal = tokio::spawn(crate::touchpoints::jobs::run(
        state.db.clone(),
        state.pseudonyms.clone(),
        state.config.touchpoints.abandon_after,
        state.config.touchpoints.retention,
        stop.clone(),
    ));
    let archives =
        tokio::spawn(crate::invoices::archive::run(state.clone(), state.archive_wakeup.0.clone(), stop.clone()));
    Ok(vec![relay, cleanup, journal, archives])
}
