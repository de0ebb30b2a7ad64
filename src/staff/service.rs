//! Staff administration by admins: new staff users (invited by e-mail to set a password),
//! disabling and enabling them. Every change is audited.
use super::store;
use crate::auth::domain::{EmailAddress, FieldProblem, PersonName};
use crate::auth::service::{email_link, enqueue};
use crate::auth::store::tokens::{self, Purpose, TokenSubject};
use crate::config::Config;
use crate::db::audit::{self, AuditEntry};
use crate::db::{ids::new_id, now_ms, Db};
use crate::error::AppError;
use crate::i18n::locale_from_code;
use crate::kernel::viewer::StaffRole;
use crate::mail::Template;
use crate::web::access::admin_of;
use crate::web::forms::Rejection;
use crate::web::sessions::{self, Client, Principal, PrincipalKind};
use crate::web::AppState;
use axum::http::StatusCode;
use serde_json::json;

/// Only admins manage staff; anyone else is refused beside the form.
fn admin_only(principal: &Principal) -> Result<String, Rejection> {
    admin_of(Some(principal)).map_err(|_| Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN })
}

/// Creates a staff user and e-mails them an invitation to set their password.
pub async fn create_staff(
    state: &AppState,
    admin: &Principal,
    email_raw: &str,
    name_raw: &str,
    role_raw: &str,
    language: &str,
    client: &Client,
) -> Result<(), Rejection> {
    let admin_id = admin_only(admin)?;
    let inviter = admin.viewer.staff().map(|s| s.full_name.clone()).unwrap_or_default();
    let actor = StaffActor { kind: "staff", id: Some(&admin_id), name: &inviter, ip: Some(&client.ip) };
    insert_staff(&state.db, &state.config, actor, email_raw, name_raw, role_raw, language).await?;
    state.wake_mail_relay();
    Ok(())
}

/// Who creates a staff user: an admin, or the operator at the command line (`styk invite-admin`).
pub struct StaffActor<'a> {
    pub kind: &'static str,
    pub id: Option<&'a str>,
    pub name: &'a str,
    pub ip: Option<&'a str>,
}

/// Creates a staff user with an invitation in the outbox; returns the invitation link.
pub async fn insert_staff(
    db: &Db,
    config: &Config,
    actor: StaffActor<'_>,
    email_raw: &str,
    name_raw: &str,
    role_raw: &str,
    language: &str,
) -> Result<String, Rejection> {
    let checked = (
        EmailAddress::parse(email_raw),
        PersonName::parse(name_raw),
        StaffRole::parse(role_raw).ok_or(FieldProblem::RoleInvalid),
    );
    let (email, name, role) = match checked {
        (Ok(email), Ok(name), Ok(role)) => (email, name, role),
        (email, name, role) => {
            return Err(Rejection::fields([("email", email.err()), ("full_name", name.err()), ("role", role.err())]))
        }
    };
    let language = locale_from_code(language);
    let language = leptos_i18n::Locale::as_str(language);
    let mut tx = db.begin_write().await?;
    if store::email_taken(&mut tx, &email.normalized()).await? {
        return Err(Rejection::field("email", FieldProblem::EmailTaken));
    }
    let staff_id = new_id();
    store::insert(&mut tx, &staff_id, email.as_str(), name.as_str(), role, language, now_ms()).await?;
    let subject = TokenSubject {
        principal_kind: Some("staff"),
        principal_id: Some(staff_id.clone()),
        account_id: None,
        email: email.normalized(),
    };
    let token = tokens::issue(&mut tx, Purpose::Invitation, &subject, config.invitation_ttl).await?;
    let invitation = email_link(config, "/invitation", &token);
    let template = Template::StaffInvitation {
        inviter_name: actor.name.to_string(),
        link: invitation.clone(),
        days: config.invitation_ttl.as_secs() / 86_400,
    };
    enqueue(config, &mut tx, template, language, email.as_str()).await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: actor.kind,
            actor_id: actor.id,
            action: "staff.created",
            subject_kind: Some("staff"),
            subject_id: Some(&staff_id),
            ip: actor.ip,
            detail: json!({ "role": role.as_str() }),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(invitation)
}

/// Disables (or enables again) a staff user. Disabling ends all of their sessions at once.
pub async fn set_staff_disabled(
    state: &AppState,
    admin: &Principal,
    staff_id: &str,
    disabled: bool,
    client: &Client,
) -> Result<(), Rejection> {
    let admin_id = admin_only(admin)?;
    if staff_id == admin_id {
        return Err(Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN });
    }
    let mut tx = state.db.begin_write().await?;
    let now = now_ms();
    if !store::set_disabled(&mut tx, staff_id, disabled.then_some(now), now).await? {
        return Err(Rejection::Failed(AppError::NotFound));
    }
    let ended =
        if disabled { sessions::end_all(&mut *tx, PrincipalKind::Staff, staff_id, None, "disabled").await? } else { 0 };
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "staff",
            actor_id: Some(&admin_id),
            action: if disabled { "staff.disabled" } else { "staff.enabled" },
            subject_kind: Some("staff"),
            subject_id: Some(staff_id),
            ip: Some(&client.ip),
            detail: json!({ "before": { "disabled": !disabled }, "after": { "disabled": disabled }, "sessions_ended": ended }),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
