//! Staff administration by admins: new staff users, disabling and enabling them.
use super::*;

fn admin_of(principal: &Principal) -> Result<&str, Rejection> {
    match &principal.viewer {
        Viewer::Staff(staff) if staff.role == StaffRole::Admin => Ok(&staff.staff_id),
        _ => Err(Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN }),
    }
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
    let admin_id = admin_of(admin)?;
    let inviter = admin.viewer.staff().map(|s| s.full_name.clone()).unwrap_or_default();
    let actor = StaffActor { kind: "staff", id: Some(admin_id), name: &inviter, ip: Some(&client.ip) };
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
    let checked =
        (EmailAddress::parse(email_raw), PersonName::parse(name_raw), StaffRole::parse(role_raw).ok_or(FieldProblem::RoleInvalid));
    let (email, name, role) = match checked {
        (Ok(email), Ok(name), Ok(role)) => (email, name, role),
        (email, name, role) => {
            return Err(Rejection::fields([("email", email.err()), ("full_name", name.err()), ("role", role.err())]))
        }
    };
    let language = locale_from_code(language);
    let language = leptos_i18n::Locale::as_str(language);
    let mut tx = db.begin_write().await?;
    let taken: Option<(String,)> = sqlx::query_as("SELECT staff_id FROM staff_users WHERE lower(email) = $1")
        .bind(email.normalized())
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(field("email", FieldProblem::EmailTaken));
    }
    let staff_id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO staff_users (staff_id, email, full_name, role, preferred_language, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&staff_id)
    .bind(email.as_str())
    .bind(name.as_str())
    .bind(role.as_str())
    .bind(language)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let subject = TokenSubject {
        principal_kind: Some("staff"),
        principal_id: Some(staff_id.clone()),
        account_id: None,
        email: email.normalized(),
    };
    let token = tokens::issue(&mut tx, Purpose::Invitation, &subject, config.invitation_ttl).await?;
    let invitation = link(config, "/invitation", &token);
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
    let admin_id = admin_of(admin)?;
    if staff_id == admin_id {
        return Err(Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN });
    }
    let mut tx = state.db.begin_write().await?;
    let now = now_ms();
    let changed = sqlx::query("UPDATE staff_users SET disabled_at = $1, updated_at = $2 WHERE staff_id = $3")
        .bind(disabled.then_some(now))
        .bind(now)
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
    if changed.rows_affected() != 1 {
        return Err(Rejection::Failed(AppError::NotFound));
    }
    let ended =
        if disabled { sessions::end_all(&mut *tx, PrincipalKind::Staff, staff_id, None, "disabled").await? } else { 0 };
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "staff",
            actor_id: Some(admin_id),
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
