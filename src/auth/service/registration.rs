//! Registration with proof of account: a customer number and one of its invoice numbers, then an
//! e-mailed link; the result is an access request the owner (or staff) decides.
use super::*;

/// Starts a registration: the customer number and the number of any of the account's invoices
/// prove the person deals with the account; the e-mail link proves the address. The answer is the
/// same whatever matched.
pub async fn register(
    state: &AppState,
    customer_number_raw: &str,
    invoice_number_raw: &str,
    email_raw: &str,
    client: &Client,
) -> Result<(), Rejection> {
    if let Verdict::Blocked { .. } =
        throttle::hit_ip(&state.db.pool, &state.config.throttle, &client.ip, Action::Register).await?
    {
        return Err(rate_limited());
    }
    let checked = (required(customer_number_raw, 40), required(invoice_number_raw, 60), EmailAddress::parse(email_raw));
    let (customer_number, invoice_number, email) = match checked {
        (Ok(customer_number), Ok(invoice_number), Ok(email)) => (customer_number, invoice_number, email),
        (customer_number, invoice_number, email) => {
            return Err(Rejection::fields([
                ("customer_number", customer_number.err()),
                ("invoice_number", invoice_number.err()),
                ("email", email.err()),
            ]))
        }
    };
    let customer_key = throttle::customer_key(&customer_number);
    if !matches!(throttle::check_decaying(&state.db.pool, &customer_key).await?, Verdict::Allowed) {
        return Err(rate_limited());
    }
    let account = accounts::by_customer_and_invoice(&state.db.pool, &customer_number, &invoice_number).await?;
    let existing = people::member_by_email(&state.db.pool, &email.normalized())
        .await?
        .map(|(member_id, _, language, _)| (member_id, language));
    let mut tx = state.db.begin_write().await?;
    let outcome = match (&account, &existing) {
        (Some(_), Some((_, language))) => {
            // The address already has an account: tell its owner, and nobody else.
            let template = Template::RegistrationExisting {
                sign_in_link: format!("{}/sign-in", state.config.public_url),
                reset_link: format!("{}/forgot-password", state.config.public_url),
            };
            enqueue(&state.config, &mut tx, template, language, email.as_str()).await?;
            "registration.existing_member"
        }
        (Some((account_id, account_name, language)), None) => {
            let subject = TokenSubject {
                principal_kind: None,
                principal_id: None,
                account_id: Some(account_id.clone()),
                email: email.normalized(),
            };
            let token = tokens::issue(&mut tx, Purpose::Registration, &subject, SHORT_LINK_TTL).await?;
            let template = Template::RegistrationVerify {
                account_name: account_name.clone(),
                link: email_link(&state.config, "/register/complete", &token),
            };
            enqueue(&state.config, &mut tx, template, language, email.as_str()).await?;
            "registration.requested"
        }
        (None, _) => "registration.unmatched",
    };
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "anonymous",
            action: outcome,
            account_id: account.as_ref().map(|(id, _, _)| id.as_str()),
            ip: Some(&client.ip),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    if account.is_none() {
        throttle::record_decaying_failure(&state.db.pool, &state.config.throttle, &customer_key).await?;
    }
    state.wake_mail_relay();
    Ok(())
}

/// Finishes a registration from its link: the person's address is proven, and their request for
/// access goes to the account's owners (`access`). They become a member only once approved.
pub async fn complete_registration(
    state: &AppState,
    token: &str,
    name_raw: &str,
    password: &str,
    client: &Client,
) -> Result<(), Rejection> {
    let Some(info) = peek_link(state, Purpose::Registration, token).await? else { return Err(Rejection::LinkInvalid) };
    let email = EmailAddress::parse(&info.email).map_err(|_| Rejection::LinkInvalid)?;
    let (name, password) = match (PersonName::parse(name_raw), NewPassword::parse(password, Some(&email))) {
        (Ok(name), Ok(password)) => (name, password),
        (name, password) => return Err(Rejection::fields([("full_name", name.err()), ("password", password.err())])),
    };
    let hash = hash_password(password.secret()).await?;
    let mut tx = state.db.begin_write().await?;
    let row = match tokens::consume(&mut tx, Purpose::Registration, token).await? {
        Ok(row) => row,
        Err(_) => return Err(Rejection::LinkInvalid),
    };
    let taken = people::member_with_email(&mut *tx, &email.normalized()).await?;
    let Some(account_id) = row.account_id.clone().filter(|_| taken.is_none()) else {
        return Err(Rejection::LinkInvalid);
    };
    let requester = crate::auth::access::Requester {
        account_id: &account_id,
        email: email.as_str(),
        full_name: name.as_str(),
        password_hash: &hash,
    };
    crate::auth::access::open(state, &mut tx, requester, client).await?;
    tx.commit().await?;
    state.wake_mail_relay();
    Ok(())
}
