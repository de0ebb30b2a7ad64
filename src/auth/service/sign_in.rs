//! Signing in and out: throttled, and the same work whether or not the e-mail is known.
use super::*;

/// Checks the credentials and, when they hold, signs the person in on `session`.
pub async fn sign_in(
    state: &AppState,
    session: &tower_sessions::Session,
    kind: PrincipalKind,
    email_raw: &str,
    password: &str,
    client: &Client,
) -> Result<String, Rejection> {
    if let Verdict::Blocked { .. } =
        throttle::hit_ip(&state.db.pool, &state.config.throttle, &client.ip, Action::SignIn).await?
    {
        return Err(rate_limited());
    }
    let email = match (EmailAddress::parse(email_raw), typed_password(password)) {
        (Ok(email), Ok(())) => email,
        (email, password) => return Err(Rejection::fields([("email", email.err()), ("password", password.err())])),
    };
    let key = throttle::email_key(&email.normalized());
    match throttle::check(&state.db.pool, &key).await? {
        Verdict::Allowed => {}
        Verdict::Blocked { .. } => return Err(rate_limited()),
        Verdict::NeedsReset => {
            return Err(Rejection::Alert { code: "needs_reset", status: StatusCode::TOO_MANY_REQUESTS })
        }
    }
    let found = people::credentials(&state.db.pool, kind, &email.normalized()).await?;
    let hash = found.as_ref().and_then(|c| c.password_hash.clone());
    let matches = verify_or_dummy(SecretString::from(password.to_string()), hash.clone()).await?;
    let usable = found.as_ref().is_some_and(|c| c.email_verified_at.is_some() && c.disabled_at.is_none());
    let principal_id = found.as_ref().map(|c| c.principal_id.clone());
    let credentials = match found {
        Some(credentials) if matches && usable => credentials,
        found => {
            throttle::record_failure(&state.db.pool, &state.config.throttle, &key).await?;
            audit::record(
                &state.db.pool,
                AuditEntry {
                    actor_kind: "anonymous",
                    action: "sign_in.failed",
                    subject_kind: Some(kind.as_str()),
                    subject_id: principal_id.as_deref(),
                    account_id: found.as_ref().and_then(|c| c.account_id.as_deref()),
                    ip: Some(&client.ip),
                    detail: json!({ "reason": if found.is_none() { "unknown_email" } else if !matches { "wrong_password" } else { "not_usable" } }),
                    ..Default::default()
                },
            )
            .await?;
            return Err(Rejection::Alert { code: "sign_in_failed", status: StatusCode::UNAUTHORIZED });
        }
    };
    throttle::clear(&state.db.pool, &key).await?;
    // Hashes from before today's parameters are upgraded while the password is at hand.
    if hash.as_deref().is_some_and(needs_rehash) {
        let upgraded = hash_password(SecretString::from(password.to_string())).await?;
        people::upgrade_hash(&state.db.pool, kind, &credentials.principal_id, &upgraded).await?;
        tracing::info!(kind = kind.as_str(), "upgraded a password hash to today's parameters");
    }
    sessions::start(&state.db, &state.config, session, kind, &credentials.principal_id, client).await?;
    audit::record(
        &state.db.pool,
        AuditEntry {
            actor_kind: kind.as_str(),
            actor_id: Some(&credentials.principal_id),
            action: "sign_in.succeeded",
            subject_kind: Some(kind.as_str()),
            subject_id: Some(&credentials.principal_id),
            account_id: credentials.account_id.as_deref(),
            ip: Some(&client.ip),
            ..Default::default()
        },
    )
    .await?;
    Ok(credentials.principal_id)
}

pub async fn sign_out(
    state: &AppState,
    session: &tower_sessions::Session,
    principal: Option<&Principal>,
    client: &Client,
) -> Result<(), Rejection> {
    sessions::sign_out(&state.db, session).await?;
    if let Some(principal) = principal {
        audit::record(
            &state.db.pool,
            AuditEntry {
                actor_kind: principal.kind().as_str(),
                actor_id: Some(principal.id()),
                action: "sign_out",
                subject_kind: Some(principal.kind().as_str()),
                subject_id: Some(principal.id()),
                account_id: principal.account_id.as_deref(),
                ip: Some(&client.ip),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}
