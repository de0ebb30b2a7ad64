//! "Download my data": everything the portal holds about the signed-in member, as one JSON file
//! (their profile, their account's name and number, their sign-ins and their touchpoints).
use super::api::server::member_timeline;
use super::api::TimelineEntry;
use crate::db::db_error;
use crate::web::sessions::Principal;
use crate::error::AppError;
use crate::web::respond::{bare, download};
use crate::web::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

/// The most touchpoints one download holds (the newest); retention bounds them anyway.
const MAX_TOUCHPOINTS: i64 = 100_000;

#[derive(Serialize)]
struct MyData {
    exported_at: String,
    member: Profile,
    account: Account,
    sign_ins: Vec<SignIn>,
    touchpoints: Vec<TouchpointOut>,
}

#[derive(Serialize)]
struct Profile {
    full_name: String,
    email: String,
    phone: Option<String>,
    role: String,
    preferred_language: String,
    created_at: String,
}

#[derive(Serialize)]
struct Account {
    name: String,
    customer_number: String,
}

#[derive(Serialize)]
struct SignIn {
    device: String,
    ip: String,
    started_at: String,
    last_active_at: String,
    ended_at: Option<String>,
    end_reason: Option<String>,
}

#[derive(Serialize)]
struct TouchpointOut {
    at: String,
    channel: &'static str,
    journey: String,
    step: String,
    outcome: &'static str,
    duration_ms: u32,
    signals: Vec<&'static str>,
    kind: &'static str,
    error_code: Option<String>,
}

fn rfc3339(epoch_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(epoch_ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

impl From<TimelineEntry> for TouchpointOut {
    fn from(e: TimelineEntry) -> Self {
        TouchpointOut {
            at: rfc3339(e.at),
            channel: e.channel.as_str(),
            journey: e.journey,
            step: e.step,
            outcome: e.outcome.as_str(),
            duration_ms: e.duration_ms,
            signals: e.signals.names(),
            kind: e.kind.as_str(),
            error_code: e.error_code,
        }
    }
}

type ProfileRow = (String, String, Option<String>, String, String, i64, String, String);

async fn collect(state: &AppState, account_id: &str, member_id: &str) -> Result<MyData, sqlx::Error> {
    let (full_name, email, phone, role, preferred_language, created_at, account_name, customer_number): ProfileRow =
        sqlx::query_as(
            "SELECT m.full_name, m.email, m.phone, m.role, m.preferred_language, m.created_at, a.name, a.customer_number
             FROM members m JOIN customer_accounts a ON a.account_id = m.account_id
             WHERE m.member_id = $1",
        )
        .bind(member_id)
        .fetch_one(&state.db.pool)
        .await?;
    let sessions: Vec<(String, String, i64, i64, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT user_agent, ip, created_at, last_seen_at, ended_at, end_reason FROM auth_sessions
         WHERE principal_kind = 'member' AND principal_id = $1 ORDER BY created_at DESC",
    )
    .bind(member_id)
    .fetch_all(&state.db.pool)
    .await?;
    let touchpoints = member_timeline(&state.db, &state.pseudonyms, account_id, member_id, MAX_TOUCHPOINTS).await?;
    Ok(MyData {
        exported_at: rfc3339(crate::db::now_ms()),
        member: Profile { full_name, email, phone, role, preferred_language, created_at: rfc3339(created_at) },
        account: Account { name: account_name, customer_number },
        sign_ins: sessions
            .into_iter()
            .map(|(agent, ip, started, last, ended, reason)| SignIn {
                device: crate::ui::format::describe_device(&agent),
                ip,
                started_at: rfc3339(started),
                last_active_at: rfc3339(last),
                ended_at: ended.map(rfc3339),
                end_reason: reason,
            })
            .collect(),
        touchpoints: touchpoints.into_iter().map(TouchpointOut::from).collect(),
    })
}

pub async fn my_data(State(state): State<AppState>, request: Request) -> Response {
    let Some((account_id, member_id)) = request
        .extensions()
        .get::<Principal>()
        .and_then(|p| Some((p.account_id.clone()?, p.viewer.member()?.member_id.clone())))
    else {
        return bare(StatusCode::UNAUTHORIZED);
    };
    let data = match collect(&state, &account_id, &member_id).await {
        Ok(data) => data,
        Err(error) => {
            let error: AppError = db_error(error);
            return bare(StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
        }
    };
    let day = crate::touchpoints::recorder::utc_day(crate::db::now_ms());
    match serde_json::to_vec(&data) {
        Ok(json) => download(json, "application/json", &format!("styk-my-data-{day}.json")),
        Err(error) => {
            tracing::error!(%error, "cannot write a data export");
            bare(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}
