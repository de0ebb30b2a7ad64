//! The HTTP server: state, router, layers, start-up and graceful shutdown.
pub mod errors;
pub mod headers;
pub mod health;
pub mod language;
pub mod routes;
pub mod shutdown;
pub mod telemetry;

use crate::config::Config;
use crate::db::{Db, DbError};
use crate::demo::DemoError;
use crate::error::AppError;
use axum::extract::FromRef;
use leptos::prelude::*;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// What every handler and server function can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
}

/// The state inside a server function or component. Fallible on purpose: route collection runs
/// components with no request and no state.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("application state missing from the reactive context");
        AppError::Internal
    })
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
}

/// A server that has connected to its database and bound its port, ready to run.
pub struct Server {
    listener: TcpListener,
    router: axum::Router,
    state: AppState,
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
        let leptos_options = LeptosOptions::builder()
            .output_name("styk")
            .site_root(config.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(local_addr)
            .build();
        let state = AppState { leptos_options, db, config: Arc::new(config) };
        let router = routes::router(state.clone(), extra);
        Ok(Server { listener, router, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then gives in-flight requests the configured grace.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let grace = self.state.config.shutdown_grace;
        shutdown::serve_with_grace(self.listener, self.router, shutdown, grace).await?;
        self.state.db.pool.close().await;
        Ok(())
    }
}
