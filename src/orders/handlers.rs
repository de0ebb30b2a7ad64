//! The reorder confirmation: a plain form post from the review page. It places the order (once per
//! review page, whatever the number of submits) and redirects to it, or renders the review again
//! with the problems beside the quantities.
use super::store::{self, ReorderRefusal};
use crate::auth::sessions::Principal;
use crate::error::AppError;
use crate::kernel::cursor::looks_like_id;
use crate::mail::templates::Template;
use crate::server::render::{page, see_other};
use crate::server::AppState;
use crate::touchpoints::layer::StepNote;
use crate::ui::form::FormFeedback;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::{Form, Router};

pub fn routes() -> Router<AppState> {
    Router::new().route("/orders/{id}/reorder/review", post(confirm_reorder))
}

/// The quantities of a posted reorder form: (line number, as typed) from its `q_<line>` fields.
pub fn typed_quantities<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<(i64, String)> {
    fields
        .into_iter()
        .filter_map(|(name, value)| {
            let line_no = name.strip_prefix("q_")?.parse::<i64>().ok().filter(|n| (1..=10_000).contains(n))?;
            Some((line_no, value.chars().take(32).collect()))
        })
        .collect()
}

async fn confirm_reorder(State(state): State<AppState>, Path(order_id): Path<String>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let note = StepNote::of(&parts);
    let Some((principal, member)) =
        parts.extensions.get::<Principal>().and_then(|p| p.viewer.member().cloned().map(|m| (p.clone(), m)))
    else {
        if let Some(note) = &note {
            note.denied("sign_in_required");
        }
        return see_other(&format!(
            "/sign-in?next=%2Forders%2F{}%2Freorder",
            if looks_like_id(&order_id) { &order_id } else { "" }
        ));
    };
    let account_id = principal.account_id.clone().unwrap_or_default();
    let copy = Request::from_parts(parts.clone(), body);
    let Ok(Form(fields)) = Form::<Vec<(String, String)>>::from_request(copy, &state).await else {
        return crate::server::errors::bare(StatusCode::BAD_REQUEST);
    };
    if let Some(note) = &note {
        note.subject("order", &order_id);
    }
    let typed = typed_quantities(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let request_key = fields.iter().find(|(k, _)| k == "key").map(|(_, v)| v.clone()).unwrap_or_default();

    let locale = crate::mail::templates::member_locale(&state.db, &member.member_id).await;
    let public_url = state.config.public_url.clone();
    let email = member.email.clone();
    let mail = |order_id: &str, order_number: &str, gross: i64, currency: &str| {
        let template = Template::ReorderRequested {
            order_number: order_number.to_string(),
            total: crate::ui::format::money(locale, gross, currency),
            link: format!("{public_url}/orders/{order_id}"),
        };
        Some(template.render(locale, &email))
    };
    let domain = state.config.mail_domain();
    match store::place_reorder(
        &state.db,
        &account_id,
        &member.member_id,
        &order_id,
        &typed,
        &request_key,
        mail,
        &domain,
    )
    .await
    {
        Ok(placed) => {
            if placed.created {
                state.wake_mail_relay();
            }
            if let Some(note) = &note {
                note.subject("order", &placed.order_id);
            }
            see_other(&format!("/orders/{}?notice=reorder_requested", placed.order_id))
        }
        Err(ReorderRefusal::Invalid(plan)) => {
            if let Some(note) = &note {
                note.error("invalid_quantity");
            }
            let mut feedback = FormFeedback::for_form("reorder");
            feedback.values = plan.lines.iter().map(|line| (line.field(), line.quantity.clone())).collect();
            feedback.errors =
                plan.lines.iter().filter_map(|line| line.error.clone().map(|e| (line.field(), e))).collect();
            feedback.alert = plan.alert.clone();
            page(&state, parts, Some(feedback), None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ReorderRefusal::Failed(error)) => {
            let mut feedback = FormFeedback::for_form("reorder");
            feedback.values = typed.iter().map(|(n, q)| (format!("q_{n}"), q.clone())).collect();
            feedback.alert = Some(
                match error {
                    AppError::NotFound => "not_found",
                    AppError::BadRequest => "stale_form",
                    _ => "unavailable",
                }
                .to_string(),
            );
            let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            page(&state, parts, Some(feedback), None, status).await
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quantities_come_from_line_fields_only() {
        let typed = super::typed_quantities([("key", "x"), ("q_2", "5"), ("q_x", "1"), ("q_0", "1"), ("q_3", "-1")]);
        assert_eq!(typed, vec![(2, "5".to_string()), (3, "-1".to_string())]);
    }
}
