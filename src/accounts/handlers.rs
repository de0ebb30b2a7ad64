//! The profile and address book forms: plain posts that redirect on success and render the page
//! again with the problems beside the fields, and what was typed, on rejection.
use super::store::{self, AddressForm, AddressRefusal, ProfileForm};
use crate::auth::handlers::{note_form, or_answer, principal, read_form, reject, which_form};
use crate::auth::service::Rejection;
use crate::error::AppError;
use crate::server::render::see_other;
use crate::server::AppState;
use crate::touchpoints::layer::StepNote;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/account/profile", post(save_profile)).route("/account/addresses", post(address_forms))
}

/// The signed-in member's ids (member, account) and whether they manage addresses.
fn member_of(parts: &Parts) -> Option<(String, String, bool)> {
    let principal = principal(parts)?;
    let member = principal.viewer.member()?;
    Some((member.member_id.clone(), principal.account_id.clone()?, member.role.sees_invoices()))
}

fn to_sign_in(parts: &Parts, back: &str) -> Response {
    if let Some(note) = StepNote::of(parts) {
        note.denied("sign_in_required");
    }
    see_other(&format!("/sign-in?next={}", url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()))
}

async fn save_profile(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<ProfileForm>(&state, request).await);
    let Some((member_id, _, _)) = member_of(&parts) else { return to_sign_in(&parts, "/account/profile") };
    let flag = |value: &Option<String>| if value.is_some() { "1" } else { "" }.to_string();
    let values = vec![
        ("full_name", form.full_name.clone()),
        ("phone", form.phone.clone()),
        ("language", form.language.clone()),
        ("notify_orders", flag(&form.notify_orders)),
        ("notify_invoices", flag(&form.notify_invoices)),
        ("notify_complaints", flag(&form.notify_complaints)),
    ];
    match store::save_profile(&state.db, &member_id, &form).await {
        Ok(()) => see_other("/account/profile?notice=profile_saved"),
        Err(Ok(problems)) => reject(&state, parts, "profile", Rejection::Fields(problems), values, None).await,
        Err(Err(error)) => reject(&state, parts, "profile", Rejection::Failed(error), values, None).await,
    }
}

#[derive(Deserialize)]
struct AddressRef {
    #[serde(default)]
    address: String,
}

async fn address_forms(State(state): State<AppState>, request: Request) -> Response {
    let (which, request) = or_answer!(which_form(&state, request).await);
    note_form(&request, &which);
    match which.as_str() {
        "address_save" => {
            let (parts, form) = or_answer!(read_form::<AddressForm>(&state, request).await);
            let values = form.values();
            let result = match member_of(&parts) {
                None => return to_sign_in(&parts, "/account/addresses"),
                Some((_, _, false)) => Err(AddressRefusal::Failed(AppError::Forbidden)),
                Some((_, account_id, true)) => store::save_address(&state.db, &account_id, &form).await.map(|_| ()),
            };
            answer(&state, parts, "address_save", result, values, "address_saved").await
        }
        "address_remove" | "address_default" => {
            let (parts, form) = or_answer!(read_form::<AddressRef>(&state, request).await);
            let result = match member_of(&parts) {
                None => return to_sign_in(&parts, "/account/addresses"),
                Some((_, _, false)) => Err(AddressRefusal::Failed(AppError::Forbidden)),
                Some((_, account_id, true)) if which == "address_remove" => {
                    store::remove_address(&state.db, &account_id, form.address.trim()).await
                }
                Some((_, account_id, true)) => store::make_default(&state.db, &account_id, form.address.trim()).await,
            };
            let notice = if which == "address_remove" { "address_removed" } else { "address_default_set" };
            let form_name = if which == "address_remove" { "address_remove" } else { "address_default" };
            answer(&state, parts, form_name, result, vec![], notice).await
        }
        _ => crate::server::errors::bare(axum::http::StatusCode::BAD_REQUEST),
    }
}

async fn answer(
    state: &AppState,
    parts: Parts,
    form: &'static str,
    result: Result<(), AddressRefusal>,
    values: Vec<(&'static str, String)>,
    notice: &str,
) -> Response {
    match result {
        Ok(()) => see_other(&format!("/account/addresses?notice={notice}")),
        Err(AddressRefusal::Fields(problems)) => {
            reject(state, parts, form, Rejection::Fields(problems), values, None).await
        }
        Err(AddressRefusal::Failed(error)) => reject(state, parts, form, Rejection::Failed(error), values, None).await,
    }
}
