//! Graceful shutdown: stop accepting, let in-flight requests finish within a grace period.
use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Completes on SIGTERM or ctrl-c. The SIGTERM handler is installed when this is called, not when
/// the future is first polled, so a SIGTERM that arrives right after start-up is not fatal.
pub fn signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    async move {
        #[cfg(unix)]
        let terminate = async move {
            match terminate {
                Ok(mut stream) => {
                    stream.recv().await;
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for SIGTERM; only ctrl-c stops the server");
                    std::future::pending::<()>().await
                }
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = terminate => {},
        }
        tracing::info!("shutdown requested; finishing in-flight requests");
    }
}

/// Serves `router` until `shutdown` completes; requests still running `grace` later are dropped.
pub async fn serve_with_grace(
    listener: TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let (stopping_tx, mut stopping_rx) = watch::channel(false);
    let notify = async move {
        shutdown.await;
        let _ = stopping_tx.send(true);
    };
    let serve = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(notify)
        .into_future();
    let deadline = async move {
        while !*stopping_rx.borrow() {
            if stopping_rx.changed().await.is_err() {
                return std::future::pending::<()>().await;
            }
        }
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = serve => result,
        _ = deadline => {
            tracing::warn!(grace_secs = grace.as_secs(), "requests still running after the grace period were dropped");
            Ok(())
        }
    }
}
