//! Invitations: sent by an owner or by staff, accepted through the e-mailed link.
use super::*;

/// Accepts an invitation: the invitee confirms their name and sets a password. Following the link
/// proves the address.
pub async fn accept_invitation(
    state: &AppState,
    token: &str,
    name_raw: &str,
    password: &str,
    client: &Client,
) -> Result<PrincipalKind, Rejection> {
    let Some(info) = peek_link(state, Purpose::Invitation, token).await? else { return Err(Rejection::LinkInvalid) };
    let email = EmailAddress::parse(&info.email).ok();
    let (name, password) = match (PersonName::parse(name_raw), NewPassword::parse(password, email.as_ref())) {
        (Ok(name), Ok(password)) => (name, password),
        (name, password) => return Err(Rejection::fields([("full_name", name.err()), ("password", password.err())])),
    };
    let hash = hash_password(password.secret()).await?;
    let mut tx = state.db.begin_write().await?;
    let row = match tokens::consume(&mut tx, Purpose::Invitation, token).await? {
        Ok(row) => row,
        Err(_) => return Err(Rejection::LinkInvalid),
    };
    let kind =
        if row.principal_kind.as_deref() == Some("staff") { PrincipalKind::Staff } else { PrincipalKind::Member };
    let principal_id = row.principal_id.clone().unwrap_or_default();
    let now = now_ms();
    if !people::accept_invitation(&mut tx, kind, &principal_id, name.as_str(), &hash, now).await? {
        return Err(Rejection::LinkInvalid);
    }
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: kind.as_str(),
            actor_id: Some(&principal_id),
            action: "invitation.accepted",
            subject_kind: Some(kind.as_str()),
            subject_id: Some(&principal_id),
            account_id: row.account_id.as_deref(),
            ip: Some(&client.ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(kind)
}

/// Invites a person to a customer account: as its owner, or as staff on its behalf.
pub async fn invite_member(
    state: &AppState,
    inviter: &Principal,
    account_id: &str,
    email_raw: &str,
    name_raw: &str,
    role_raw: &str,
    client: &Client,
) -> Result<(), Rejection> {
    let allowed = match &inviter.viewer {
        Viewer::Member(member) => member.role.manages_members() && inviter.account_id.as_deref() == Some(account_id),
        Viewer::Staff(staff) => staff.role.invites_customers(),
        Viewer::Anonymous => false,
    };
    if !allowed {
        return Err(Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN });
    }
    let checked = (
        EmailAddress::parse(email_raw),
        PersonName::parse(name_raw),
        MemberRole::parse(role_raw).ok_or(FieldProblem::RoleInvalid),
    );
    let (email, name, role) = match checked {
        (Ok(email), Ok(name), Ok(role)) => (email, name, role),
        (email, name, role) => {
            return Err(Rejection::fields([("email", email.err()), ("full_name", name.err()), ("role", role.err())]))
        }
    };
    if let Viewer::Staff(staff) = &inviter.viewer {
        if !staff.role.may_grant(role) {
            return Err(Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN });
        }
    }
    let Some((account_name, language)) = accounts::name_and_language(&state.db.pool, account_id).await? else {
        return Err(Rejection::Failed(AppError::NotFound));
    };
    let inviter_name = match &inviter.viewer {
        Viewer::Member(m) => m.full_name.clone(),
        Viewer::Staff(s) => format!("{} (Styk)", s.full_name),
        Viewer::Anonymous => String::new(),
    };
    let mut tx = state.db.begin_write().await?;
    let existing = people::member_by_email(&mut *tx, &email.normalized()).await?;
    let now = now_ms();
    let new = people::NewMember {
        account_id,
        email: email.as_str(),
        full_name: name.as_str(),
        role: role.as_str(),
        language: &language,
    };
    let member_id = match existing {
        // A member removed from this account earlier can be invited back.
        Some((member_id, existing_account, _, Some(_))) if existing_account == account_id => {
            people::invite_member(&mut tx, Some(&member_id), new, now).await?
        }
        Some(_) => return Err(field("email", FieldProblem::EmailTaken)),
        None => people::invite_member(&mut tx, None, new, now).await?,
    };
    let subject = TokenSubject {
        principal_kind: Some("member"),
        principal_id: Some(member_id.clone()),
        account_id: Some(account_id.to_string()),
        email: email.normalized(),
    };
    let token = tokens::issue(&mut tx, Purpose::Invitation, &subject, state.config.invitation_ttl).await?;
    let template = Template::MemberInvitation {
        account_name,
        inviter_name,
        link: email_link(&state.config, "/invitation", &token),
        days: state.config.invitation_ttl.as_secs() / 86_400,
    };
    enqueue(&state.config, &mut tx, template, &language, email.as_str()).await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: inviter.kind().as_str(),
            actor_id: Some(inviter.id()),
            action: "member.invited",
            subject_kind: Some("member"),
            subject_id: Some(&member_id),
            account_id: Some(account_id),
            ip: Some(&client.ip),
            detail: json!({ "role": role.as_str() }),
        },
    )
    .await?;
    tx.commit().await?;
    state.wake_mail_relay();
    Ok(())
}

/// Staff invite a contact to the account with `customer_number`. Who may give which access is
/// decided before the number is looked up, so a refusal says nothing about which numbers exist;
/// every refusal is audited.
#[allow(clippy::too_many_arguments)]
pub async fn staff_invite_member(
    state: &AppState,
    inviter: &Principal,
    customer_number: &str,
    email_raw: &str,
    name_raw: &str,
    role_raw: &str,
    client: &Client,
) -> Result<(), Rejection> {
    let Viewer::Staff(staff) = &inviter.viewer else {
        return Err(Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN });
    };
    let role = MemberRole::parse(role_raw);
    let allowed = staff.role.invites_customers() && role.is_none_or(|role| staff.role.may_grant(role));
    if !allowed {
        audit::record(
            &state.db.pool,
            AuditEntry {
                actor_kind: "staff",
                actor_id: Some(inviter.id()),
                action: "member.invite_refused",
                ip: Some(&client.ip),
                detail: json!({ "staff_role": staff.role.as_str(), "role": role.map(MemberRole::as_str) }),
                ..Default::default()
            },
        )
        .await?;
        return Err(Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN });
    }
    let Some(account_id) = accounts::by_customer_number(&state.db.pool, customer_number.trim()).await? else {
        return Err(Rejection::field("customer_number", "customer_unknown"));
    };
    invite_member(state, inviter, &account_id, email_raw, name_raw, role_raw, client).await
}
