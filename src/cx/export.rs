//! "Download my data": everything the portal holds about the signed-in member, as one JSON file
//! (their profile, their account's name and number, their sign-ins and their touchpoints).
use super::api::TimelineEntry;
use super::store;
use crate::db::db_error;
use crate::error::AppError;
use crate::web::access::{member_of, principal};
use crate::web::respond::{download, refuse};
use crate::web::AppState;
use axum::extract::{Request, State};
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

async fn collect(state: &AppState, account_id: &str, member_id: &str) -> Result<MyData, sqlx::Error> {
    let (full_name, email, phone, role, preferred_language, created_at, account_name, customer_number) =
        store::member_profile(&state.db, member_id).await?;
    let sessions = store::member_sign_ins(&state.db, member_id).await?;
    let touchpoints =
        store::member_timeline(&state.db, &state.pseudonyms, account_id, member_id, MAX_TOUCHPOINTS).await?;
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
    let (parts, _) = request.into_parts();
    let member = match member_of(principal(&parts)) {
        Ok(member) => member,
        Err(error) => return refuse(&parts, error),
    };
    let data = match collect(&state, &member.account_id, &member.member_id).await {
        Ok(data) => data,
        Err(error) => return refuse(&parts, db_error(error)),
    };
    let day = crate::touchpoints::recorder::utc_day(crate::db::now_ms());
    match serde_json::to_vec(&data) {
        Ok(json) => download(json, "application/json", &format!("styk-my-data-{day}.json")),
        Err(error) => {
            tracing::error!(%error, "cannot write a data export");
            refuse(&parts, AppError::Internal)
        }
    }
}
