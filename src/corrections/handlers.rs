//! The correction forms and files: the customer's request (a multipart post that previews,
//! attaches and submits), the staff decision, and the attachments' downloads for each side.
use super::domain::{typed_buyer, typed_changes, CorrectionReason, CorrectionStatus, Decision, MAX_EXPLANATION};
use super::store::{self, Kept, NewCorrection, Scope};
use crate::error::AppError;
use crate::i18n::locale_from_code;
use crate::kernel::cursor::looks_like_id;
use crate::mail::templates::{Decided as MailDecision, Template};
use crate::touchpoints::layer::StepNote;
use crate::ui::form::FormFeedback;
use crate::web::access::{billing_member, handling_staff_of, principal, sign_in_again};
use crate::web::forms::{or_answer, read_form, reject, Rejection};
use crate::web::respond::{bare, download, page, refuse, see_other};
use crate::web::sessions::PrincipalKind;
use crate::web::uploads;
use crate::web::AppState;
use axum::extract::{Path, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/invoices/{id}/correct", post(request_form).layer(uploads::without_axums_default_limit()))
        .route("/corrections/{id}/attachments/{attachment}", get(customer_attachment))
        .route("/staff/corrections/{id}", post(decision_form))
        .route("/staff/corrections/{id}/attachments/{attachment}", get(staff_attachment))
}

/// Whether a path is the request form, whose body carries files (see `server::routes::limit_body`).
pub fn is_upload_path(path: &str) -> bool {
    path.starts_with("/invoices/") && path.ends_with("/correct")
}

/// The largest body the request form may send: its files and its fields.
pub fn upload_body_limit(state: &AppState) -> usize {
    uploads::body_limit(state.config.attachment_max_bytes, state.config.body_limit)
}

fn handling_staff(parts: &Parts) -> Result<String, AppError> {
    handling_staff_of(principal(parts))
}

async fn request_form(State(state): State<AppState>, Path(invoice_id): Path<String>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let note = StepNote::of(&parts);
    let (account_id, member_id, email) = match billing_member(&parts) {
        Ok(member) => (member.account_id, member.member_id, member.email),
        Err(AppError::Unauthorized) => {
            let back =
                if looks_like_id(&invoice_id) { format!("/invoices/{invoice_id}/correct") } else { String::new() };
            return sign_in_again(&parts, PrincipalKind::Member, &back);
        }
        Err(error) => return refuse(&parts, error),
    };
    let copy = Request::from_parts(parts.clone(), body);
    let posted = match uploads::read(copy, &state, state.config.attachment_max_bytes).await {
        Ok(posted) => posted,
        Err(unreadable) => {
            // Nothing of a post that broke off is kept (the body layer answers 413 instead when
            // the body was over its limit).
            tracing::info!(%unreadable, "refused a correction form post");
            if let Some(note) = &note {
                note.error("unreadable_upload");
            }
            return bare(StatusCode::BAD_REQUEST);
        }
    };
    if let Some(note) = &note {
        note.subject("invoice", &invoice_id);
    }
    let action = posted.get("action").unwrap_or_default();
    let removing = posted.get("remove").filter(|id| looks_like_id(id));
    if let Some(note) = &note {
        note.form(if action == "submit" { "submit" } else { "preview" });
    }
    let key = posted.get("key").unwrap_or_default();
    let mut feedback = FormFeedback::for_form("correction");
    feedback.values = posted.fields.iter().filter(|(k, _)| k != "action" && k != "remove").cloned().collect();
    if !looks_like_id(&key) {
        feedback.alert = Some("stale_form".into());
        return page(&state, parts, Some(feedback), None, StatusCode::BAD_REQUEST).await;
    }
    let form = match store::form(&state.db, &account_id, &invoice_id, Some(key.clone()), 0).await {
        Ok(form) => form,
        Err(error) => return refuse(&parts, error),
    };

    // Files first, so a file survives whatever else is wrong with the form.
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    if let Some(attachment_id) = &removing {
        if let Err(error) = store::remove_draft_attachment(&state.db, &account_id, &key, attachment_id).await {
            return refuse(&parts, error);
        }
    }
    for upload in &posted.files {
        let file = match uploads::check(upload) {
            Ok(file) => file,
            Err(code) => {
                problems.push(("files".into(), code));
                continue;
            }
        };
        let kept = store::add_attachment(
            &state.db,
            &account_id,
            &key,
            &file,
            &upload.content,
            state.config.quotas.uploads_per_day,
        )
        .await;
        match kept {
            Ok(Kept::Stored) => {}
            Ok(Kept::FormFull) => {
                problems.push(("files".into(), "too_many_files"));
                break;
            }
            Ok(Kept::QuotaReached) => {
                problems.push(("files".into(), "upload_quota_reached"));
                break;
            }
            Err(error) => return refuse(&parts, error),
        }
    }

    let typed = |name: &str| posted.get(name);
    let changes = typed_changes(&form.lines, &typed).unwrap_or_else(|mut found| {
        problems.append(&mut found);
        Vec::new()
    });
    let buyer = typed_buyer(&form.buyer, &typed).unwrap_or_else(|mut found| {
        problems.append(&mut found);
        Default::default()
    });
    let reason = posted.get("reason").unwrap_or_default();
    let reason = CorrectionReason::parse(&reason);
    let explanation = posted.get("explanation").unwrap_or_default().trim().to_string();
    if action == "submit" {
        if reason.is_none() {
            problems.push(("reason".into(), "required"));
        }
        if explanation.is_empty() {
            problems.push(("explanation".into(), "required"));
        }
    }
    if explanation.chars().count() > MAX_EXPLANATION {
        problems.push(("explanation".into(), "too_long"));
    }
    let nothing_changed = changes.is_empty() && buyer.is_empty();
    if action != "submit" || removing.is_some() || !problems.is_empty() || nothing_changed {
        let status = if problems.is_empty() && (action != "submit" || removing.is_some()) {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        if let Some(note) = &note {
            if let Some((_, code)) = problems.first() {
                note.error(code);
            } else if action == "submit" && nothing_changed {
                note.error("nothing_to_correct");
            }
        }
        if action == "submit" && nothing_changed && problems.is_empty() {
            feedback.alert = Some("nothing_to_correct".into());
        }
        feedback.errors = problems.into_iter().map(|(f, c)| (f, c.to_string())).collect();
        return page(&state, parts, Some(feedback), None, status).await;
    }
    let Some(reason) = reason else { return refuse(&parts, AppError::BadRequest) };

    let locale = crate::mail::templates::member_locale(&state.db, &member_id).await;
    let public_url = state.config.public_url.clone();
    let mail = |correction_id: &str, invoice_number: &str, decide_by: &str| {
        Some(
            Template::CorrectionReceived {
                invoice_number: invoice_number.to_string(),
                decide_by: decide_by.to_string(),
                link: format!("{public_url}/corrections/{correction_id}"),
            }
            .render(locale, &email),
        )
    };
    let new = NewCorrection {
        account_id: &account_id,
        member_id: &member_id,
        invoice_id: &invoice_id,
        key: &key,
        changes: &changes,
        buyer: &buyer,
        reason,
        explanation: &explanation,
        decision_days: state.config.correction_decision_days,
    };
    match store::submit(&state.db, new, &mail, &state.config.mail_domain()).await {
        Ok(submitted) => {
            if submitted.created {
                state.wake_mail_relay();
            }
            if let Some(note) = &note {
                note.subject("correction", &submitted.correction_id);
            }
            see_other(&format!("/corrections/{}?notice=correction_submitted", submitted.correction_id))
        }
        Err(error) => {
            if let Some(note) = &note {
                note.error("unavailable");
            }
            feedback.alert =
                Some(if matches!(error, AppError::BadRequest) { "not_correctable" } else { "unavailable" }.into());
            let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            page(&state, parts, Some(feedback), None, status).await
        }
    }
}

async fn decision_form(State(state): State<AppState>, Path(correction_id): Path<String>, request: Request) -> Response {
    let (parts, fields) = or_answer!(read_form::<Vec<(String, String)>>(&state, request).await);
    let note = StepNote::of(&parts);
    let staff_id = match handling_staff(&parts) {
        Ok(id) => id,
        Err(AppError::Unauthorized) => {
            let back = if looks_like_id(&correction_id) {
                format!("/staff/corrections/{correction_id}")
            } else {
                String::new()
            };
            return sign_in_again(&parts, PrincipalKind::Staff, &back);
        }
        Err(error) => return refuse(&parts, error),
    };
    if let Some(note) = &note {
        note.subject("correction", &correction_id);
    }
    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if get("form").as_deref() == Some("start_review") {
        if let Some(note) = &note {
            note.form("start_review");
        }
        return match store::start_review(&state.db, &staff_id, &correction_id).await {
            Ok(()) => see_other(&format!("/staff/corrections/{correction_id}?notice=review_started")),
            Err(error) => refuse(&parts, error),
        };
    }
    // What was typed, shown again with any problem.
    let typed = || fields.iter().map(|(name, value)| (name.as_str(), value.clone())).collect::<Vec<_>>();
    let Some(decision) = get("decision").as_deref().and_then(Decision::parse) else {
        return reject(&state, parts, "decision", Rejection::field("decision", "required"), typed(), None).await;
    };
    let view = match store::detail(&state.db, Scope::Staff, &correction_id).await {
        Ok(view) => view,
        Err(error) => return refuse(&parts, error),
    };
    // Partly accepting edits the values of the asked lines: the same fields as the request form.
    let decided_lines = if decision == Decision::PartlyAccept {
        let asked_lines: Vec<_> = view
            .lines
            .iter()
            .map(|l| super::domain::InvoiceLine { line_no: l.line_no, unit: l.unit.clone(), values: l.before.clone() })
            .collect();
        match typed_changes(&asked_lines, &get) {
            Ok(lines) => Some(lines),
            Err(problems) => {
                return reject(&state, parts, "decision", Rejection::Fields(problems), typed(), None).await
            }
        }
    } else {
        None
    };
    let note_text = get("note").unwrap_or_default();
    let public_url = state.config.public_url.clone();
    let recipient = store::requester(&state.db, &correction_id).await;
    let trimmed_note = note_text.trim().to_string();
    let mail = |decided: &store::Decided| {
        let (email, language) = recipient.clone()?;
        let locale = locale_from_code(&language);
        Some(
            Template::CorrectionDecided {
                invoice_number: decided.invoice_number.clone(),
                decision: match decided.status {
                    CorrectionStatus::Accepted => MailDecision::Accepted,
                    CorrectionStatus::PartlyAccepted => MailDecision::PartlyAccepted,
                    _ => MailDecision::Rejected,
                },
                corrective_number: decided.corrective.as_ref().map(|(_, n)| n.clone()),
                note: (!trimmed_note.is_empty()).then(|| trimmed_note.clone()),
                link: format!("{public_url}/corrections/{correction_id}"),
            }
            .render(locale, &email),
        )
    };
    match store::decide(
        &state.db,
        &staff_id,
        &view,
        decision,
        decided_lines,
        &note_text,
        &mail,
        &state.config.mail_domain(),
    )
    .await
    {
        Ok(_) => {
            state.wake_mail_relay();
            see_other(&format!("/staff/corrections/{correction_id}?notice=correction_decided"))
        }
        Err(Rejection::Failed(error)) => refuse(&parts, error),
        Err(rejection) => reject(&state, parts, "decision", rejection, typed(), None).await,
    }
}

async fn customer_attachment(
    State(state): State<AppState>,
    Path((correction_id, attachment_id)): Path<(String, String)>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let account_id = match billing_member(&parts) {
        Ok(member) => member.account_id,
        Err(error) => return refuse(&parts, error),
    };
    serve(&state, &parts, Scope::Account(&account_id), &correction_id, &attachment_id).await
}

async fn staff_attachment(
    State(state): State<AppState>,
    Path((correction_id, attachment_id)): Path<(String, String)>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    if let Err(error) = handling_staff(&parts) {
        return refuse(&parts, error);
    }
    serve(&state, &parts, Scope::Staff, &correction_id, &attachment_id).await
}

/// A stored file as a download: never rendered inline, never sniffed into something else.
async fn serve(
    state: &AppState,
    parts: &Parts,
    scope: Scope<'_>,
    correction_id: &str,
    attachment_id: &str,
) -> Response {
    let (name, content_type, content) = match store::attachment(&state.db, scope, correction_id, attachment_id).await {
        Ok(file) => file,
        Err(error) => return refuse(parts, error),
    };
    if let Some(note) = StepNote::of(parts) {
        note.subject("correction", correction_id);
    }
    download(content, &content_type, &name)
}
