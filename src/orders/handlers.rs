//! The reorder confirmation: a plain form post from the review page. It places the order (once per
//! review page, whatever the number of submits) and redirects to it, or renders the review again
//! with the problems beside the quantities.
use super::store;
use crate::kernel::cursor::looks_like_id;
use crate::mail::templates::Template;
use crate::touchpoints::layer::StepNote;
use crate::web::access::{member_of, principal, sign_in_again};
use crate::web::forms::{or_answer, read_form, reject};
use crate::web::respond::see_other;
use crate::web::sessions::PrincipalKind;
use crate::web::AppState;
use axum::extract::{Path, Request, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;

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
    let (parts, fields) = or_answer!(read_form::<Vec<(String, String)>>(&state, request).await);
    let back = format!("/orders/{}/reorder", if looks_like_id(&order_id) { order_id.as_str() } else { "" });
    let member = match member_of(principal(&parts)) {
        Ok(member) => member,
        Err(_) => return sign_in_again(&parts, PrincipalKind::Member, &back),
    };
    let note = StepNote::of(&parts);
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
    let placed = store::place_reorder(
        &state.db,
        &member.account_id,
        &member.member_id,
        &order_id,
        &typed,
        &request_key,
        mail,
        &domain,
    )
    .await;
    match placed {
        Ok(placed) => {
            if placed.created {
                state.wake_mail_relay();
            }
            if let Some(note) = &note {
                note.subject("order", &placed.order_id);
            }
            see_other(&format!("/orders/{}?notice=reorder_requested", placed.order_id))
        }
        Err(rejection) => {
            let values: Vec<(String, String)> = typed.iter().map(|(n, q)| (format!("q_{n}"), q.clone())).collect();
            let values = values.iter().map(|(name, value)| (name.as_str(), value.clone())).collect();
            reject(&state, parts, "reorder", rejection, values, None).await
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
