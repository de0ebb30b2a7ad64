//! HTTP endpoints of the identity forms. Each reads a plain form post, calls the flow in
//! [`super::service`], and answers with a redirect (success) or the same page again with the
//! problems beside the fields and what was typed (rejection).
use super::service;
use super::store::tokens::Purpose;
use crate::error::AppError;
use crate::i18n::choice::safe_next;
use crate::touchpoints::layer::{Actor, StepNote};
use crate::ui::link::LinkView;
use crate::web::access::{principal, signed_in_as};
use crate::web::forms::{or_answer, read_form, reject, which_form, Rejection};
use crate::web::respond::{bare, page, see_other};
use crate::web::sessions::{Client, Principal, PrincipalKind};
use crate::web::AppState;
use axum::extract::{Query, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

/// Every identity form endpoint. Pages with one-time links get their GET here too: the handler
/// checks the link before the page renders, so an expired link answers 410 with a way forward.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sign-in", post(sign_in))
        .route("/staff/sign-in", post(staff_sign_in))
        .route("/sign-out", post(sign_out))
        .route("/forgot-password", post(forgot_password))
        .route("/reset-password", get(reset_password_page).post(reset_password))
        .route("/invitation", get(invitation_page).post(accept_invitation))
        .route("/register", post(register))
        .route("/register/complete", get(registration_page).post(complete_registration))
        .route("/email-change", get(email_change_page).post(confirm_email_change))
        // Pages with several forms take them all at the page's own address, told apart by the
        // `form` field, so a rejected form re-renders at an address that can be reloaded.
        .route("/account/security", post(security_forms))
        .route("/staff/security", post(security_forms))
        .route("/staff/invite-member", post(staff_invite_member))
        .route("/staff/access-requests", post(staff_access_decision))
}

async fn security_forms(State(state): State<AppState>, request: Request) -> Response {
    let (which, request) = or_answer!(which_form(&state, request).await);
    match which.as_str() {
        "change_password" => change_password(State(state), request).await,
        "change_email" => change_email(State(state), request).await,
        "sessions" => end_sessions(State(state), request).await,
        _ => bare(StatusCode::BAD_REQUEST),
    }
}

/// Paths whose GET is served here rather than by the app's route list.
pub const LINK_PAGES: [&str; 4] = ["/reset-password", "/invitation", "/register/complete", "/email-change"];

fn session(parts: &Parts) -> Result<Session, AppError> {
    parts.extensions.get::<Session>().cloned().ok_or_else(|| {
        tracing::error!("session layer missing");
        AppError::Internal
    })
}

fn failed(error: AppError) -> Rejection {
    Rejection::Failed(error)
}

// --- Sign-in and sign-out ----------------------------------------------------------------------

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn sign_in(State(state): State<AppState>, request: Request) -> Response {
    sign_in_as(state, request, PrincipalKind::Member).await
}

async fn staff_sign_in(State(state): State<AppState>, request: Request) -> Response {
    sign_in_as(state, request, PrincipalKind::Staff).await
}

async fn sign_in_as(state: AppState, request: Request, kind: PrincipalKind) -> Response {
    let (parts, form) = or_answer!(read_form::<SignInForm>(&state, request).await);
    let client = Client::from_parts(&parts, &state.config);
    let result = match session(&parts) {
        Ok(session) => service::sign_in(&state, &session, kind, &form.email, &form.password, &client).await,
        Err(error) => Err(failed(error)),
    };
    match result {
        Ok(principal_id) => {
            if let Some(note) = StepNote::of(&parts) {
                note.actor(signed_in_actor(&state, kind, principal_id).await);
            }
            let home = match kind {
                PrincipalKind::Member => "/account",
                PrincipalKind::Staff => "/staff",
            };
            let next = safe_next(&form.next);
            see_other(if next == "/" || next.is_empty() { home } else { next })
        }
        Err(rejection) => {
            let form_name = match kind {
                PrincipalKind::Member => "sign_in",
                PrincipalKind::Staff => "staff_sign_in",
            };
            reject(&state, parts, form_name, rejection, vec![("email", form.email), ("next", form.next)], None).await
        }
    }
}

/// Who just signed in, for the sign-in's own touchpoint (the request began signed out).
async fn signed_in_actor(state: &AppState, kind: PrincipalKind, principal_id: String) -> Actor {
    match kind {
        PrincipalKind::Staff => Actor { staff_id: Some(principal_id), ..Actor::default() },
        PrincipalKind::Member => {
            // Without the account the step is still recorded, under the member alone.
            let account_id = super::store::account_of_member(&state.db, &principal_id).await.ok().flatten();
            Actor { account_id, member_id: Some(principal_id), ..Actor::default() }
        }
    }
}

async fn sign_out(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _form) = or_answer!(read_form::<std::collections::HashMap<String, String>>(&state, request).await);
    let client = Client::from_parts(&parts, &state.config);
    let who = principal(&parts).cloned();
    let to = if who.as_ref().is_some_and(|p| p.kind() == PrincipalKind::Staff) { "/staff/sign-in" } else { "/sign-in" };
    let result = match session(&parts) {
        Ok(session) => service::sign_out(&state, &session, who.as_ref(), &client).await,
        Err(error) => Err(failed(error)),
    };
    match result {
        Ok(()) => see_other(&format!("{to}?notice=signed_out")),
        Err(rejection) => reject(&state, parts, "sign_out", rejection, vec![], None).await,
    }
}

// --- Password reset ------------------------------------------------------------------------------

#[derive(Deserialize)]
struct EmailForm {
    #[serde(default)]
    email: String,
}

async fn forgot_password(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<EmailForm>(&state, request).await);
    let client = Client::from_parts(&parts, &state.config);
    match service::request_password_reset(&state, &form.email, &client).await {
        Ok(()) => see_other("/forgot-password?notice=reset_sent"),
        Err(rejection) => reject(&state, parts, "forgot_password", rejection, vec![("email", form.email)], None).await,
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

async fn link_view(state: &AppState, purpose: Purpose, token: &str) -> Result<LinkView, AppError> {
    let info = service::peek_link(state, purpose, token).await?;
    Ok(match info {
        Some(info) => LinkView {
            valid: true,
            token: token.to_string(),
            email: info.email,
            full_name: info.full_name,
            account_name: info.account_name,
            staff: info.principal_kind.as_deref() == Some("staff"),
        },
        None => LinkView { valid: false, token: token.to_string(), ..Default::default() },
    })
}

/// The GET of a page a one-time link opens: 200 with its form, or 410 with a way to a new link.
async fn link_page(state: AppState, request: Request, purpose: Purpose) -> Response {
    let (parts, body) = request.into_parts();
    let query = Query::<TokenQuery>::try_from_uri(&parts.uri).map(|q| q.0.token).unwrap_or_default();
    drop(body);
    match link_view(&state, purpose, &query).await {
        Ok(view) => {
            let status = if view.valid { StatusCode::OK } else { StatusCode::GONE };
            page(&state, parts, None, Some(view), status).await
        }
        Err(error) => bare(StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)),
    }
}

async fn reset_password_page(State(state): State<AppState>, request: Request) -> Response {
    link_page(state, request, Purpose::PasswordReset).await
}

async fn invitation_page(State(state): State<AppState>, request: Request) -> Response {
    link_page(state, request, Purpose::Invitation).await
}

async fn registration_page(State(state): State<AppState>, request: Request) -> Response {
    link_page(state, request, Purpose::Registration).await
}

async fn email_change_page(State(state): State<AppState>, request: Request) -> Response {
    link_page(state, request, Purpose::EmailChange).await
}

#[derive(Deserialize)]
struct NewPasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    password: String,
}

async fn reset_password(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<NewPasswordForm>(&state, request).await);
    let client = Client::from_parts(&parts, &state.config);
    match service::reset_password(&state, &form.token, &form.password, &client).await {
        Ok(PrincipalKind::Staff) => see_other("/staff/sign-in?notice=password_changed"),
        Ok(PrincipalKind::Member) => see_other("/sign-in?notice=password_changed"),
        Err(rejection) => {
            let link = link_view(&state, Purpose::PasswordReset, &form.token).await.ok();
            reject(&state, parts, "reset_password", rejection, vec![], link).await
        }
    }
}

async fn accept_invitation(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<NewPasswordForm>(&state, request).await);
    let client = Client::from_parts(&parts, &state.config);
    match service::accept_invitation(&state, &form.token, &form.full_name, &form.password, &client).await {
        Ok(PrincipalKind::Staff) => see_other("/staff/sign-in?notice=password_set"),
        Ok(PrincipalKind::Member) => see_other("/sign-in?notice=password_set"),
        Err(rejection) => {
            let link = link_view(&state, Purpose::Invitation, &form.token).await.ok();
            reject(&state, parts, "invitation", rejection, vec![("full_name", form.full_name)], link).await
        }
    }
}

// --- Registration -----------------------------------------------------------------------------

#[derive(Deserialize)]
struct RegisterForm {
    #[serde(default)]
    customer_number: String,
    #[serde(default)]
    invoice_number: String,
    #[serde(default)]
    email: String,
}

async fn register(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<RegisterForm>(&state, request).await);
    let client = Client::from_parts(&parts, &state.config);
    match service::register(&state, &form.customer_number, &form.invoice_number, &form.email, &client).await {
        Ok(()) => see_other("/register?notice=registration_sent"),
        Err(rejection) => {
            let values = vec![
                ("customer_number", form.customer_number),
                ("invoice_number", form.invoice_number),
                ("email", form.email),
            ];
            reject(&state, parts, "register", rejection, values, None).await
        }
    }
}

async fn complete_registration(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<NewPasswordForm>(&state, request).await);
    let client = Client::from_parts(&parts, &state.config);
    match service::complete_registration(&state, &form.token, &form.full_name, &form.password, &client).await {
        Ok(()) => see_other("/sign-in?notice=access_requested"),
        Err(rejection) => {
            let link = link_view(&state, Purpose::Registration, &form.token).await.ok();
            reject(&state, parts, "register_complete", rejection, vec![("full_name", form.full_name)], link).await
        }
    }
}

// --- Signed-in changes --------------------------------------------------------------------------

#[derive(Deserialize)]
struct ChangePasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    end_other_sessions: Option<String>,
}

async fn change_password(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<ChangePasswordForm>(&state, request).await);
    let kind = principal(&parts).map(|p| p.kind()).unwrap_or(PrincipalKind::Member);
    let who = or_answer!(signed_in_as(&parts, kind));
    let client = Client::from_parts(&parts, &state.config);
    let end_others = form.end_other_sessions.is_some();
    let result =
        service::change_password(&state, &who, &form.current_password, &form.new_password, end_others, &client).await;
    match result {
        Ok(()) => {
            // A credential change is a privilege change: the session gets a new id.
            if let Ok(session) = session(&parts) {
                if let Err(error) = crate::web::sessions::rotate(&session).await {
                    tracing::error!(?error, "cannot rotate the session id after a password change");
                }
            }
            see_other(&format!("{}?notice=password_changed", parts.uri.path()))
        }
        Err(rejection) => {
            let keep = if end_others { "on" } else { "" }.to_string();
            reject(&state, parts, "change_password", rejection, vec![("end_other_sessions", keep)], None).await
        }
    }
}

#[derive(Deserialize)]
struct ChangeEmailForm {
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    password: String,
}

async fn change_email(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<ChangeEmailForm>(&state, request).await);
    let who = or_answer!(signed_in_as(&parts, PrincipalKind::Member));
    let client = Client::from_parts(&parts, &state.config);
    match service::request_email_change(&state, &who, &form.new_email, &form.password, &client).await {
        Ok(()) => see_other("/account/security?notice=email_change_sent"),
        Err(rejection) => {
            reject(&state, parts, "change_email", rejection, vec![("new_email", form.new_email)], None).await
        }
    }
}

async fn confirm_email_change(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<TokenQuery>(&state, request).await);
    let client = Client::from_parts(&parts, &state.config);
    let current = principal(&parts).cloned();
    let signed_in = current.is_some();
    match service::confirm_email_change(&state, &form.token, current.as_ref(), &client).await {
        Ok(()) if signed_in => see_other("/account/security?notice=email_changed"),
        Ok(()) => see_other("/sign-in?notice=email_changed"),
        Err(rejection) => {
            let link = LinkView { token: form.token.clone(), ..Default::default() };
            reject(&state, parts, "email_change", rejection, vec![], Some(link)).await
        }
    }
}

#[derive(Deserialize)]
struct EndSessionsForm {
    /// One session to end; absent: every session but this one.
    #[serde(default)]
    session: Option<String>,
}

async fn end_sessions(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<EndSessionsForm>(&state, request).await);
    let kind = principal(&parts).map(|p| p.kind()).unwrap_or(PrincipalKind::Member);
    let who = or_answer!(signed_in_as(&parts, kind));
    let client = Client::from_parts(&parts, &state.config);
    let back = parts.uri.path().to_string();
    match service::end_sessions(&state, &who, form.session.as_deref().filter(|s| !s.is_empty()), &client).await {
        Ok(_) => see_other(&format!("{back}?notice=sessions_ended")),
        Err(rejection) => reject(&state, parts, "sessions", rejection, vec![], None).await,
    }
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    customer_number: String,
}

#[derive(Deserialize)]
pub(crate) struct AccessDecisionForm {
    #[serde(default)]
    request: String,
    /// `approve` or `decline`.
    #[serde(default)]
    decision: String,
}

async fn staff_access_decision(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<AccessDecisionForm>(&state, request).await);
    let who = or_answer!(signed_in_as(&parts, PrincipalKind::Staff));
    decide_access(state, parts, who, form, "/staff/access-requests", "access_requests").await
}

pub(crate) async fn decide_access(
    state: AppState,
    parts: Parts,
    who: Principal,
    form: AccessDecisionForm,
    page_path: &str,
    feedback_form: &str,
) -> Response {
    let approve = match form.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return bare(StatusCode::BAD_REQUEST),
    };
    let client = Client::from_parts(&parts, &state.config);
    match crate::auth::access::decide(&state, &who, &form.request, approve, &client).await {
        Ok(()) => {
            see_other(&format!("{page_path}?notice={}", if approve { "access_approved" } else { "access_declined" }))
        }
        Err(rejection) => reject(&state, parts, feedback_form, rejection, vec![], None).await,
    }
}

async fn staff_invite_member(State(state): State<AppState>, request: Request) -> Response {
    let (parts, form) = or_answer!(read_form::<InviteForm>(&state, request).await);
    let who = or_answer!(signed_in_as(&parts, PrincipalKind::Staff));
    let client = Client::from_parts(&parts, &state.config);
    let values = vec![
        ("customer_number", form.customer_number.clone()),
        ("email", form.email.clone()),
        ("full_name", form.full_name.clone()),
        ("role", form.role.clone()),
    ];
    let invited = service::staff_invite_member(
        &state,
        &who,
        &form.customer_number,
        &form.email,
        &form.full_name,
        &form.role,
        &client,
    )
    .await;
    match invited {
        Ok(()) => see_other("/staff/invite-member?notice=member_invited"),
        Err(rejection) => reject(&state, parts, "staff_invite_member", rejection, values, None).await,
    }
}
