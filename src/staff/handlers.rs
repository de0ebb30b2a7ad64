//! The staff administration forms (admins only; the service refuses anyone else).
use super::service;
use crate::web::access::signed_in_as;
use crate::web::forms::{or_answer, read_form, reject, which_form};
use crate::web::respond::{bare, see_other};
use crate::web::sessions::{Client, PrincipalKind};
use crate::web::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/users", post(staff_users_forms))
}

async fn staff_users_forms(State(state): State<AppState>, request: Request) -> Response {
    let (which, request) = or_answer!(which_form(&state, request).await);
    match which.as_str() {
        "create_staff" => create_staff(State(state), request).await,
        "staff_status" => set_staff_status(State(state), request).await,
        _ => bare(StatusCode::BAD_REQUEST),
    }
}

#[derive(Deserialize)]
struct NewStaffForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
}

async fn create_staff(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<NewStaffForm>(&state, request).await);
    let who = or_answer!(signed_in_as(&parts, PrincipalKind::Staff));
    let client = Client::from_parts(&parts, &state.config);
    let language = crate::web::respond::locale_from_headers(&parts.headers);
    let language = leptos_i18n::Locale::as_str(language);
    match service::create_staff(&state, &who, &form.email, &form.full_name, &form.role, language, &client).await {
        Ok(()) => see_other("/staff/users?notice=staff_created"),
        Err(rejection) => {
            let values = vec![("email", form.email), ("full_name", form.full_name), ("role", form.role)];
            reject(&state, parts, "create_staff", rejection, values, None).await
        }
    }
}

#[derive(Deserialize)]
struct StaffStatusForm {
    #[serde(default)]
    staff: String,
    #[serde(default)]
    disabled: String,
}

async fn set_staff_status(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<StaffStatusForm>(&state, request).await);
    let who = or_answer!(signed_in_as(&parts, PrincipalKind::Staff));
    let client = Client::from_parts(&parts, &state.config);
    match service::set_staff_disabled(&state, &who, &form.staff, form.disabled == "1", &client).await {
        Ok(()) => see_other("/staff/users?notice=staff_updated"),
        Err(rejection) => reject(&state, parts, "staff_users", rejection, vec![], None).await,
    }
}
