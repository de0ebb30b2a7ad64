//! Changes a signed-in person makes to their own sign-in: password, e-mail, sessions.
use super::*;

async fn verify_current_password(
    state: &AppState,
    principal: &Principal,
    password: &str,
) -> Result<(bool, String, String), Rejection> {
    let (hash, email, language) = people::own_credentials(&state.db.pool, principal.kind(), principal.id()).await?;
    let key = throttle::email_key(&email.to_lowercase());
    if !matches!(throttle::check(&state.db.pool, &key).await?, Verdict::Allowed) {
        return Err(rate_limited());
    }
    let matches = verify_or_dummy(SecretString::from(password.to_string()), hash).await?;
    if !matches {
        // Re-authentication is a password guess like any other: it counts towards the limit.
        throttle::record_failure(&state.db.pool, &state.config.throttle, &key).await?;
    }
    Ok((matches, email, language))
}

/// Changes the password of the signed-in person; optionally ends their other sessions.
pub async fn change_password(
    state: &AppState,
    principal: &Principal,
    current: &str,
    new: &str,
    end_other_sessions: bool,
    client: &Client,
) -> Result<(), Rejection> {
    if current.is_empty() {
        return Err(field("current_password", FieldProblem::Required));
    }
    let (matches, email, language) = verify_current_password(state, principal, current).await?;
    if !matches {
        return Err(Rejection::field("current_password", "password_wrong"));
    }
    let email_address = EmailAddress::parse(&email).ok();
    let password = NewPassword::parse(new, email_address.as_ref()).map_err(|p| field("new_password", p))?;
    let hash = hash_password(password.secret()).await?;
    let kind = principal.kind();
    let mut tx = state.db.begin_write().await?;
    people::set_password(&mut tx, kind, principal.id(), &hash, now_ms(), false).await?;
    tokens::revoke_for_principal(&mut tx, Purpose::PasswordReset, principal.id()).await?;
    let ended = if end_other_sessions {
        sessions::end_all(&mut *tx, kind, principal.id(), Some(&principal.auth_session_id), "password_changed").await?
    } else {
        0
    };
    enqueue(
        &state.config,
        &mut tx,
        Template::PasswordChanged { reset_link: format!("{}/forgot-password", state.config.public_url) },
        &language,
        &email,
    )
    .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: kind.as_str(),
            actor_id: Some(principal.id()),
            action: "password.changed",
            subject_kind: Some(kind.as_str()),
            subject_id: Some(principal.id()),
            account_id: principal.account_id.as_deref(),
            ip: Some(&client.ip),
            detail: json!({ "other_sessions_ended": ended }),
        },
    )
    .await?;
    tx.commit().await?;
    state.wake_mail_relay();
    Ok(())
}

/// Sends a confirmation link to a new address after re-authentication. Nothing changes until the
/// link is followed.
pub async fn request_email_change(
    state: &AppState,
    principal: &Principal,
    new_email_raw: &str,
    password: &str,
    client: &Client,
) -> Result<(), Rejection> {
    let new_email = match (EmailAddress::parse(new_email_raw), typed_password(password)) {
        (Ok(new_email), Ok(())) => new_email,
        (new_email, password) => {
            return Err(Rejection::fields([("new_email", new_email.err()), ("password", password.err())]))
        }
    };
    let (matches, current_email, language) = verify_current_password(state, principal, password).await?;
    if !matches {
        return Err(Rejection::field("password", "password_wrong"));
    }
    if current_email.to_lowercase() == new_email.normalized() {
        return Err(Rejection::field("new_email", "email_same"));
    }
    if people::member_with_email(&state.db.pool, &new_email.normalized()).await?.is_some() {
        return Err(Rejection::field("new_email", "email_taken"));
    }
    let mut tx = state.db.begin_write().await?;
    let subject = TokenSubject {
        principal_kind: Some("member"),
        principal_id: Some(principal.id().to_string()),
        account_id: principal.account_id.clone(),
        email: new_email.normalized(),
    };
    let token = tokens::issue(&mut tx, Purpose::EmailChange, &subject, SHORT_LINK_TTL).await?;
    enqueue(
        &state.config,
        &mut tx,
        Template::EmailChangeVerify { link: email_link(&state.config, "/email-change", &token) },
        &language,
        new_email.as_str(),
    )
    .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "member",
            actor_id: Some(principal.id()),
            action: "email_change.requested",
            subject_kind: Some("member"),
            subject_id: Some(principal.id()),
            account_id: principal.account_id.as_deref(),
            ip: Some(&client.ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    state.wake_mail_relay();
    Ok(())
}

/// Applies an e-mail change from its link and tells the old address. Reset links sent to the old
/// address stop working and every other session of the person ends: whoever held the old
/// mailbox or a session keeps no way in. `confirming` is the session that confirms, if any.
pub async fn confirm_email_change(
    state: &AppState,
    token: &str,
    confirming: Option<&Principal>,
    client: &Client,
) -> Result<(), Rejection> {
    let mut tx = state.db.begin_write().await?;
    let row = match tokens::consume(&mut tx, Purpose::EmailChange, token).await? {
        Ok(row) => row,
        Err(_) => return Err(Rejection::LinkInvalid),
    };
    let member_id = row.principal_id.clone().unwrap_or_default();
    let current = people::member_contact(&mut tx, &member_id).await?;
    let taken = people::member_with_email(&mut *tx, &row.email).await?;
    let Some((old_email, language)) = current.filter(|_| taken.is_none()) else { return Err(Rejection::LinkInvalid) };
    let now = now_ms();
    people::set_member_email(&mut tx, &member_id, &row.email, now).await?;
    tokens::revoke_for_principal(&mut tx, Purpose::PasswordReset, &member_id).await?;
    let keep =
        confirming.filter(|principal| principal.id() == member_id).map(|principal| principal.auth_session_id.as_str());
    let ended = sessions::end_all(&mut *tx, PrincipalKind::Member, &member_id, keep, "email_changed").await?;
    enqueue(&state.config, &mut tx, Template::EmailChanged { new_email: row.email.clone() }, &language, &old_email)
        .await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "member",
            actor_id: Some(&member_id),
            action: "email_change.completed",
            subject_kind: Some("member"),
            subject_id: Some(&member_id),
            account_id: row.account_id.as_deref(),
            ip: Some(&client.ip),
            detail: json!({ "before": old_email, "after": row.email, "sessions_ended": ended }),
        },
    )
    .await?;
    tx.commit().await?;
    state.wake_mail_relay();
    Ok(())
}

/// Ends one of the person's own sessions, or all but the current one.
pub async fn end_sessions(
    state: &AppState,
    principal: &Principal,
    which: Option<&str>,
    client: &Client,
) -> Result<u64, Rejection> {
    let ended = match which {
        Some(auth_session_id) if auth_session_id != principal.auth_session_id => {
            store::sessions::end_one(&state.db.pool, principal.kind(), principal.id(), auth_session_id, now_ms())
                .await?
        }
        Some(_) => 0,
        None => {
            sessions::end_all(
                &state.db.pool,
                principal.kind(),
                principal.id(),
                Some(&principal.auth_session_id),
                "ended_by_user",
            )
            .await?
        }
    };
    audit::record(
        &state.db.pool,
        AuditEntry {
            actor_kind: principal.kind().as_str(),
            actor_id: Some(principal.id()),
            action: "sessions.ended",
            subject_kind: Some(principal.kind().as_str()),
            subject_id: Some(principal.id()),
            account_id: principal.account_id.as_deref(),
            ip: Some(&client.ip),
            detail: json!({ "count": ended }),
        },
    )
    .await?;
    Ok(ended)
}
