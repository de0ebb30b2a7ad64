//! Password reset by an e-mailed link.
use super::*;

/// Sends a reset link when the address belongs to someone; answers the same either way.
pub async fn request_password_reset(state: &AppState, email_raw: &str, client: &Client) -> Result<(), Rejection> {
    if let Verdict::Blocked { .. } =
        throttle::hit_ip(&state.db.pool, &state.config.throttle, &client.ip, Action::PasswordReset).await?
    {
        return Err(rate_limited());
    }
    let email = EmailAddress::parse(email_raw).map_err(|p| field("email", p))?;
    let normalized = email.normalized();
    let member = people::member_by_email(&state.db.pool, &normalized)
        .await?
        .filter(|(.., disabled_at)| disabled_at.is_none())
        .map(|(member_id, account_id, language, _)| (member_id, language, account_id));
    let staff = match member {
        Some(_) => None,
        None => people::active_staff_by_email(&state.db.pool, &normalized).await?,
    };
    let mut tx = state.db.begin_write().await?;
    let (kind, principal_id, language, account_id) = match (&member, &staff) {
        (Some((id, language, account)), _) => {
            (Some(PrincipalKind::Member), Some(id.clone()), language.clone(), Some(account.clone()))
        }
        (None, Some((id, language))) => (Some(PrincipalKind::Staff), Some(id.clone()), language.clone(), None),
        (None, None) => (None, None, String::new(), None),
    };
    if let (Some(kind), Some(principal_id)) = (kind, &principal_id) {
        let subject = TokenSubject {
            principal_kind: Some(kind.as_str()),
            principal_id: Some(principal_id.clone()),
            account_id: account_id.clone(),
            email: normalized.clone(),
        };
        let token = tokens::issue(&mut tx, Purpose::PasswordReset, &subject, SHORT_LINK_TTL).await?;
        enqueue(
            &state.config,
            &mut tx,
            Template::PasswordReset { link: email_link(&state.config, "/reset-password", &token) },
            &language,
            email.as_str(),
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "anonymous",
            action: if principal_id.is_some() {
                "password_reset.requested"
            } else {
                "password_reset.requested_unknown"
            },
            subject_kind: kind.map(PrincipalKind::as_str),
            subject_id: principal_id.as_deref(),
            account_id: account_id.as_deref(),
            ip: Some(&client.ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    state.wake_mail_relay();
    Ok(())
}

/// What a valid link leads to, for the page that shows its form.
#[derive(Debug, Clone)]
pub struct LinkInfo {
    pub email: String,
    pub principal_kind: Option<String>,
    pub full_name: Option<String>,
    pub account_name: Option<String>,
}

pub async fn peek_link(state: &AppState, purpose: Purpose, token: &str) -> Result<Option<LinkInfo>, AppError> {
    let row = match tokens::peek(&state.db.pool, purpose, token).await.map_err(db_error)? {
        Ok(row) => row,
        Err(_) => return Ok(None),
    };
    let kind = match row.principal_kind.as_deref() {
        Some("member") => Some(PrincipalKind::Member),
        Some("staff") => Some(PrincipalKind::Staff),
        _ => None,
    };
    let full_name = match (kind, &row.principal_id) {
        (Some(kind), Some(id)) => people::full_name(&state.db.pool, kind, id).await.map_err(db_error)?,
        _ => None,
    };
    let account_name = match &row.account_id {
        Some(id) => accounts::name_and_language(&state.db.pool, id).await.map_err(db_error)?.map(|(name, _)| name),
        None => None,
    };
    Ok(Some(LinkInfo { email: row.email, principal_kind: row.principal_kind, full_name, account_name }))
}

/// Sets a new password from a reset link. Every session of the person ends.
pub async fn reset_password(
    state: &AppState,
    token: &str,
    password: &str,
    client: &Client,
) -> Result<PrincipalKind, Rejection> {
    let Some(info) = peek_link(state, Purpose::PasswordReset, token).await? else { return Err(Rejection::LinkInvalid) };
    let email = EmailAddress::parse(&info.email).ok();
    let password = NewPassword::parse(password, email.as_ref()).map_err(|p| field("password", p))?;
    // Hashing happens before the transaction: it must not hold SQLite's write lock for 50 ms.
    let hash = hash_password(password.secret()).await?;
    let mut tx = state.db.begin_write().await?;
    let row = match tokens::consume(&mut tx, Purpose::PasswordReset, token).await? {
        Ok(row) => row,
        Err(_) => return Err(Rejection::LinkInvalid),
    };
    let kind =
        if row.principal_kind.as_deref() == Some("staff") { PrincipalKind::Staff } else { PrincipalKind::Member };
    let principal_id = row.principal_id.clone().unwrap_or_default();
    let now = now_ms();
    // Following the link proves a member's address too.
    people::set_password(&mut tx, kind, &principal_id, &hash, now, true).await?;
    let language = people::language_of(&mut tx, kind, &principal_id).await?;
    tokens::revoke_for_principal(&mut tx, Purpose::PasswordReset, &principal_id).await?;
    sessions::end_all(&mut *tx, kind, &principal_id, None, "password_reset").await?;
    throttle::clear(&mut *tx, &throttle::email_key(&row.email)).await?;
    enqueue(
        &state.config,
        &mut tx,
        Template::PasswordChanged { reset_link: format!("{}/forgot-password", state.config.public_url) },
        &language,
        &row.email,
    )
    .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: kind.as_str(),
            actor_id: Some(&principal_id),
            action: "password_reset.completed",
            subject_kind: Some(kind.as_str()),
            subject_id: Some(&principal_id),
            account_id: row.account_id.as_deref(),
            ip: Some(&client.ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    state.wake_mail_relay();
    Ok(kind)
}
