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
    let member: Option<(String, String, String)> = sqlx::query_as(
        "SELECT m.member_id, m.preferred_language, m.account_id FROM members m WHERE lower(m.email) = $1 AND m.disabled_at IS NULL",
    )
    .bind(&normalized)
    .fetch_optional(&state.db.pool)
    .await?;
    let staff: Option<(String, String)> =
        match member {
            Some(_) => None,
            None => sqlx::query_as(
                "SELECT staff_id, preferred_language FROM staff_users WHERE lower(email) = $1 AND disabled_at IS NULL",
            )
            .bind(&normalized)
            .fetch_optional(&state.db.pool)
            .await?,
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
    let full_name: Option<(String,)> = match (row.principal_kind.as_deref(), &row.principal_id) {
        (Some("member"), Some(id)) => sqlx::query_as("SELECT full_name FROM members WHERE member_id = $1")
            .bind(id)
            .fetch_optional(&state.db.pool)
            .await
            .map_err(db_error)?,
        (Some("staff"), Some(id)) => sqlx::query_as("SELECT full_name FROM staff_users WHERE staff_id = $1")
            .bind(id)
            .fetch_optional(&state.db.pool)
            .await
            .map_err(db_error)?,
        _ => None,
    };
    let account_name: Option<(String,)> = match &row.account_id {
        Some(id) => sqlx::query_as("SELECT name FROM customer_accounts WHERE account_id = $1")
            .bind(id)
            .fetch_optional(&state.db.pool)
            .await
            .map_err(db_error)?,
        None => None,
    };
    Ok(Some(LinkInfo {
        email: row.email,
        principal_kind: row.principal_kind,
        full_name: full_name.map(|(n,)| n),
        account_name: account_name.map(|(n,)| n),
    }))
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
    let (update, language_sql) = match kind {
        PrincipalKind::Member => (
            "UPDATE members SET password_hash = $1, password_changed_at = $2, updated_at = $2,
                    email_verified_at = COALESCE(email_verified_at, $2) WHERE member_id = $3",
            "SELECT preferred_language FROM members WHERE member_id = $1",
        ),
        PrincipalKind::Staff => (
            "UPDATE staff_users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE staff_id = $3",
            "SELECT preferred_language FROM staff_users WHERE staff_id = $1",
        ),
    };
    sqlx::query(update).bind(&hash).bind(now).bind(&principal_id).execute(&mut *tx).await?;
    let (language,): (String,) = sqlx::query_as(language_sql).bind(&principal_id).fetch_one(&mut *tx).await?;
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
