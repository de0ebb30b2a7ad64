//! Signed-in sessions: who is behind a request (the principal), and signing in and out.
//!
//! tower-sessions keeps the session record (128-bit id in an HttpOnly cookie) in the database. The
//! record holds only a reference to an `auth_sessions` row, which says who signed in, from which
//! device, when it was last used and whether it still stands. That row is what makes idle and
//! absolute timeouts, "your sessions", "sign out everywhere else" and "disabling ends every
//! session" work across any number of app instances.
use super::state::AppState;
use crate::config::Config;
use crate::db::{db_error, ids::new_id, now_ms, Db};
use crate::error::AppError;
use crate::kernel::viewer::{MemberRole, MemberViewer, StaffRole, StaffViewer, Viewer};
pub use crate::kernel::viewer::{Principal, PrincipalKind};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::Duration;
use tower_sessions::{Expiry, Session};

const SESSION_KEY: &str = "sign_in";
/// `last_seen_at` is written at most this often per session: enough for idle timeouts and the
/// sessions page, without a write on every request.
const TOUCH_EVERY_MS: i64 = 60_000;

/// What the session record stores.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SignInRef {
    id: String,
    kind: PrincipalKind,
}

/// Where a request came from, for the audit log, throttling and the sessions page.
#[derive(Debug, Clone)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

impl Client {
    pub fn from_parts(parts: &Parts, config: &Config) -> Self {
        let forwarded = config.client_ip_header.as_deref().and_then(|name| {
            // The proxy appends the address it saw: the last entry is the one it vouches for.
            let value = parts.headers.get_all(name).iter().next_back()?.to_str().ok()?;
            let last = value.rsplit(',').next()?.trim();
            last.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_string())
        });
        let ip = forwarded.unwrap_or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string())
                .unwrap_or_else(|| "unknown".to_string())
        });
        let user_agent = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(300)
            .collect();
        Client { ip, user_agent }
    }
}

/// Signs `principal_id` in on this session: a new session id (the old one stops working), a new
/// `auth_sessions` row, and a record that expires at the absolute timeout.
pub async fn start(
    db: &Db,
    config: &Config,
    session: &Session,
    kind: PrincipalKind,
    principal_id: &str,
    client: &Client,
) -> Result<(), AppError> {
    let previous: Option<SignInRef> = session.get(SESSION_KEY).await.map_err(session_error)?;
    if let Some(previous) = previous {
        end_row(db, &previous.id, "replaced").await?;
    }
    session.cycle_id().await.map_err(session_error)?;
    let now = now_ms();
    let auth_session_id = new_id();
    sqlx::query(
        "INSERT INTO auth_sessions (auth_session_id, principal_kind, principal_id, user_agent, ip, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&auth_session_id)
    .bind(kind.as_str())
    .bind(principal_id)
    .bind(&client.user_agent)
    .bind(&client.ip)
    .bind(now)
    .execute(&db.pool)
    .await
    .map_err(db_error)?;
    session.insert(SESSION_KEY, SignInRef { id: auth_session_id, kind }).await.map_err(session_error)?;
    let absolute = absolute_timeout(config, kind);
    let expires = tower_sessions::cookie::time::OffsetDateTime::now_utc()
        + tower_sessions::cookie::time::Duration::seconds(absolute.as_secs() as i64);
    session.set_expiry(Some(Expiry::AtDateTime(expires)));
    Ok(())
}

/// Signs out: the row ends and the session record and cookie are deleted.
pub async fn sign_out(db: &Db, session: &Session) -> Result<Option<String>, AppError> {
    let current: Option<SignInRef> = session.get(SESSION_KEY).await.map_err(session_error)?;
    if let Some(current) = &current {
        end_row(db, &current.id, "signed_out").await?;
    }
    session.flush().await.map_err(session_error)?;
    Ok(current.map(|c| c.id))
}

/// Gives the current sign-in a new session id without signing out (after a password change).
pub async fn rotate(session: &Session) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)
}

async fn end_row(db: &Db, auth_session_id: &str, reason: &str) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE auth_sessions SET ended_at = $1, end_reason = $2 WHERE auth_session_id = $3 AND ended_at IS NULL",
    )
    .bind(now_ms())
    .bind(reason)
    .bind(auth_session_id)
    .execute(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Ends every session of a person except `keep` (none: all of them). Returns how many ended.
pub async fn end_all<'e, E>(
    executor: E,
    kind: PrincipalKind,
    principal_id: &str,
    keep: Option<&str>,
    reason: &str,
) -> Result<u64, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let done = sqlx::query(
        "UPDATE auth_sessions SET ended_at = $1, end_reason = $2
         WHERE principal_kind = $3 AND principal_id = $4 AND ended_at IS NULL AND auth_session_id <> $5",
    )
    .bind(now_ms())
    .bind(reason)
    .bind(kind.as_str())
    .bind(principal_id)
    .bind(keep.unwrap_or(""))
    .execute(executor)
    .await?;
    Ok(done.rows_affected())
}

fn idle_timeout(config: &Config, kind: PrincipalKind) -> Duration {
    match kind {
        PrincipalKind::Member => config.sessions.customer_idle,
        PrincipalKind::Staff => config.sessions.staff_idle,
    }
}

fn absolute_timeout(config: &Config, kind: PrincipalKind) -> Duration {
    match kind {
        PrincipalKind::Member => config.sessions.customer_absolute,
        PrincipalKind::Staff => config.sessions.staff_absolute,
    }
}

#[derive(sqlx::FromRow)]
struct MemberSessionRow {
    created_at: i64,
    last_seen_at: i64,
    ended_at: Option<i64>,
    member_id: String,
    full_name: String,
    email: String,
    role: String,
    email_verified_at: Option<i64>,
    disabled_at: Option<i64>,
    account_id: String,
    account_name: String,
    customer_number: String,
}

#[derive(sqlx::FromRow)]
struct StaffSessionRow {
    created_at: i64,
    last_seen_at: i64,
    ended_at: Option<i64>,
    staff_id: String,
    full_name: String,
    email: String,
    role: String,
    disabled_at: Option<i64>,
}

/// Why a stored sign-in no longer counts.
enum Lapse {
    Ended,
    Idle,
    Absolute,
    Disabled,
}

impl Lapse {
    fn reason(&self) -> &'static str {
        match self {
            Lapse::Ended => "ended",
            Lapse::Idle => "idle_timeout",
            Lapse::Absolute => "absolute_timeout",
            Lapse::Disabled => "disabled",
        }
    }
}

fn lapse(
    config: &Config,
    kind: PrincipalKind,
    created: i64,
    last_seen: i64,
    ended: Option<i64>,
    disabled: bool,
) -> Option<Lapse> {
    let now = now_ms();
    if ended.is_some() {
        Some(Lapse::Ended)
    } else if disabled {
        Some(Lapse::Disabled)
    } else if now - created > absolute_timeout(config, kind).as_millis() as i64 {
        Some(Lapse::Absolute)
    } else if now - last_seen > idle_timeout(config, kind).as_millis() as i64 {
        Some(Lapse::Idle)
    } else {
        None
    }
}

async fn load(state: &AppState, reference: &SignInRef) -> Result<Result<(Principal, i64), Lapse>, sqlx::Error> {
    let config = &state.config;
    match reference.kind {
        PrincipalKind::Member => {
            let row: Option<MemberSessionRow> = sqlx::query_as(
                "SELECT s.created_at, s.last_seen_at, s.ended_at, m.member_id, m.full_name, m.email, m.role,
                        m.email_verified_at, m.disabled_at, a.account_id, a.name AS account_name, a.customer_number
                 FROM auth_sessions s
                 JOIN members m ON m.member_id = s.principal_id
                 JOIN customer_accounts a ON a.account_id = m.account_id
                 WHERE s.auth_session_id = $1 AND s.principal_kind = 'member'",
            )
            .bind(&reference.id)
            .fetch_optional(&state.db.pool)
            .await?;
            let Some(row) = row else { return Ok(Err(Lapse::Ended)) };
            let blocked = row.disabled_at.is_some() || row.email_verified_at.is_none();
            if let Some(lapse) = lapse(config, reference.kind, row.created_at, row.last_seen_at, row.ended_at, blocked)
            {
                return Ok(Err(lapse));
            }
            let role = MemberRole::parse(&row.role).unwrap_or(MemberRole::Member);
            let principal = Principal {
                auth_session_id: reference.id.clone(),
                account_id: Some(row.account_id),
                viewer: Viewer::Member(MemberViewer {
                    member_id: row.member_id,
                    full_name: row.full_name,
                    email: row.email,
                    role,
                    account_name: row.account_name,
                    customer_number: row.customer_number,
                }),
            };
            Ok(Ok((principal, row.last_seen_at)))
        }
        PrincipalKind::Staff => {
            let row: Option<StaffSessionRow> = sqlx::query_as(
                "SELECT s.created_at, s.last_seen_at, s.ended_at, u.staff_id, u.full_name, u.email, u.role, u.disabled_at
                 FROM auth_sessions s JOIN staff_users u ON u.staff_id = s.principal_id
                 WHERE s.auth_session_id = $1 AND s.principal_kind = 'staff'",
            )
            .bind(&reference.id)
            .fetch_optional(&state.db.pool)
            .await?;
            let Some(row) = row else { return Ok(Err(Lapse::Ended)) };
            if let Some(lapse) =
                lapse(config, reference.kind, row.created_at, row.last_seen_at, row.ended_at, row.disabled_at.is_some())
            {
                return Ok(Err(lapse));
            }
            let Some(role) = StaffRole::parse(&row.role) else { return Ok(Err(Lapse::Disabled)) };
            let principal = Principal {
                auth_session_id: reference.id.clone(),
                account_id: None,
                viewer: Viewer::Staff(StaffViewer {
                    staff_id: row.staff_id,
                    full_name: row.full_name,
                    email: row.email,
                    role,
                }),
            };
            Ok(Ok((principal, row.last_seen_at)))
        }
    }
}

fn serves_everyone(path: &str) -> bool {
    path.starts_with("/pkg/") || matches!(path, "/favicon.svg" | "/beacon.js" | "/health" | "/metrics")
}

/// The layer that turns a session cookie into a [`Principal`] request extension. A sign-in that
/// ended, timed out or whose user was disabled is removed here, cookie and all.
pub async fn resolve_principal(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    // Static files, health checks and metrics serve everyone alike: loading the session and the
    // signed-in user for each of them would cost two queries per asset for nothing.
    if serves_everyone(request.uri().path()) {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return next.run(request).await;
    };
    let reference: Option<SignInRef> = match session.get(SESSION_KEY).await {
        Ok(reference) => reference,
        Err(error) => {
            tracing::error!(%error, "cannot read the session");
            None
        }
    };
    if let Some(reference) = reference {
        match load(&state, &reference).await {
            Ok(Ok((principal, last_seen))) => {
                let now = now_ms();
                if now - last_seen > TOUCH_EVERY_MS {
                    let touched = sqlx::query("UPDATE auth_sessions SET last_seen_at = $1 WHERE auth_session_id = $2")
                        .bind(now)
                        .bind(&reference.id)
                        .execute(&state.db.pool)
                        .await;
                    if let Err(error) = touched {
                        tracing::warn!(%error, "cannot record session activity");
                    }
                }
                request.extensions_mut().insert(principal);
            }
            Ok(Err(lapse)) => {
                if !matches!(lapse, Lapse::Ended) {
                    let _ = end_row(&state.db, &reference.id, lapse.reason()).await;
                }
                if let Err(error) = session.flush().await {
                    tracing::error!(%error, "cannot delete a lapsed session");
                }
            }
            Err(error) => {
                tracing::error!(%error, "cannot load the signed-in user");
                return super::respond::bare(axum::http::StatusCode::SERVICE_UNAVAILABLE);
            }
        }
    }
    next.run(request).await
}

fn session_error(error: tower_sessions::session::Error) -> AppError {
    tracing::error!(%error, "session store failed");
    AppError::Unavailable
}

/// The principal of the request being rendered or served (inside a component or server function).
pub fn current_principal() -> Option<Principal> {
    // Borrowed, not `use_context`: that would clone the request's headers and extensions.
    leptos::prelude::with_context::<Parts, _>(|parts| parts.extensions.get::<Principal>().cloned()).flatten()
}
