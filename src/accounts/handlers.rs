//! The profile and address book forms: plain posts that redirect on success and render the page
//! again with the problems beside the fields, and what was typed, on rejection.
use super::store::{self, AddressForm, ProfileForm};
use crate::error::AppError;
use crate::web::access::{member_of, principal, sign_in_again, MemberScope};
use crate::web::forms::{or_answer, read_form, reject, which_form, Rejection};
use crate::web::respond::{bare, see_other};
use crate::web::sessions::PrincipalKind;
use crate::web::AppState;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/account/profile", post(save_profile)).route("/account/addresses", post(address_forms))
}

/// The signed-in member of a form post, or the sign-in page that comes back to `back`.
// The error is the handler's answer itself; boxing it would only add an allocation per request.
#[allow(clippy::result_large_err)]
fn member(parts: &Parts, back: &str) -> Result<MemberScope, Response> {
    member_of(principal(parts)).map_err(|_| sign_in_again(parts, PrincipalKind::Member, back))
}

/// The account whose addresses a member may change: owners and billing members only.
fn address_keeper(member: &MemberScope) -> Result<&str, Rejection> {
    if member.sees_invoices() {
        Ok(&member.account_id)
    } else {
        Err(Rejection::Failed(AppError::Forbidden))
    }
}

async fn save_profile(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<ProfileForm>(&state, request).await);
    let member = or_answer!(member(&parts, "/account/profile"));
    let flag = |value: &Option<String>| if value.is_some() { "1" } else { "" }.to_string();
    let values = vec![
        ("full_name", form.full_name.clone()),
        ("phone", form.phone.clone()),
        ("language", form.language.clone()),
        ("notify_orders", flag(&form.notify_orders)),
        ("notify_invoices", flag(&form.notify_invoices)),
        ("notify_complaints", flag(&form.notify_complaints)),
    ];
    match store::save_profile(&state.db, &member.member_id, &form).await {
        Ok(()) => see_other("/account/profile?notice=profile_saved"),
        Err(rejection) => reject(&state, parts, "profile", rejection, values, None).await,
    }
}

#[derive(Deserialize)]
struct AddressRef {
    #[serde(default)]
    address: String,
}

async fn address_forms(State(state): State<AppState>, request: Request) -> Response {
    let (which, request) = or_answer!(which_form(&state, request).await);
    match which.as_str() {
        "address_save" => {
            let (parts, form) = or_answer!(read_form::<AddressForm>(&state, request).await);
            let values = form.values();
            let member = or_answer!(member(&parts, "/account/addresses"));
            let result = match address_keeper(&member) {
                Ok(account_id) => store::save_address(&state.db, account_id, &form).await.map(|_| ()),
                Err(refused) => Err(refused),
            };
            answer(&state, parts, "address_save", result, values, "address_saved").await
        }
        "address_remove" | "address_default" => {
            let (parts, form) = or_answer!(read_form::<AddressRef>(&state, request).await);
            let member = or_answer!(member(&parts, "/account/addresses"));
            let result = match address_keeper(&member) {
                Ok(account_id) if which == "address_remove" => {
                    store::remove_address(&state.db, account_id, form.address.trim()).await
                }
                Ok(account_id) => store::make_default(&state.db, account_id, form.address.trim()).await,
                Err(refused) => Err(refused),
            };
            let notice = if which == "address_remove" { "address_removed" } else { "address_default_set" };
            let form_name = if which == "address_remove" { "address_remove" } else { "address_default" };
            answer(&state, parts, form_name, result, vec![], notice).await
        }
        _ => bare(axum::http::StatusCode::BAD_REQUEST),
    }
}

async fn answer(
    state: &AppState,
    parts: Parts,
    form: &'static str,
    result: Result<(), Rejection>,
    values: Vec<(&'static str, String)>,
    notice: &str,
) -> Response {
    match result {
        Ok(()) => see_other(&format!("/account/addresses?notice={notice}")),
        Err(rejection) => reject(state, parts, form, rejection, values, None).await,
    }
}
