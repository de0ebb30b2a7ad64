//! The identity flows: sign-in, invitations, registration, password reset and change, e-mail
//! change, members and staff. Handlers parse forms and render answers; the rules live here.
//!
//! Uniform answers: sign-in, reset and registration do the same work, write the same kind of
//! rows and give the same answer whether or not the e-mail belongs to someone.
use super::audit::{self, AuditEntry};
use super::domain::{EmailAddress, FieldProblem, NewPassword, PersonName};
use super::password::{hash_password, needs_rehash, verify_or_dummy};
use super::sessions::{self, db_error, Client, Principal, PrincipalKind};
use super::throttle::{self, Action, Verdict};
use super::tokens::{self, Purpose, TokenSubject};
use crate::config::Config;
use crate::db::{ids::new_id, now_ms, Db};
use crate::error::AppError;
use crate::i18n::locale_from_code;
use crate::kernel::viewer::{MemberRole, StaffRole, Viewer};
use crate::mail::{self, Template};
use crate::server::AppState;
use axum::http::StatusCode;
use secrecy::SecretString;
use serde_json::json;
use std::time::Duration;

/// Reset, registration and e-mail-change links expire after this long (OWASP: 30 minutes or less).
pub const SHORT_LINK_TTL: Duration = Duration::from_secs(30 * 60);

/// Why a form was not accepted.
#[derive(Debug)]
pub enum Rejection {
    /// Field name and problem code, shown beside the fields.
    Fields(Vec<(&'static str, &'static str)>),
    /// A problem with the whole form.
    Alert { code: &'static str, status: StatusCode },
    /// The link's token is unknown, used, replaced or expired.
    LinkInvalid,
    /// Something failed on our side; already logged.
    Failed(AppError),
}

impl Rejection {
    /// A code for the journal: the first field problem, the alert, or the kind of failure.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Fields(fields) => fields.first().map_or("invalid", |(_, problem)| *problem),
            Rejection::Alert { code, .. } => code,
            Rejection::LinkInvalid => "link_invalid",
            Rejection::Failed(AppError::Forbidden) => "not_allowed",
            Rejection::Failed(AppError::NotFound) => "not_found",
            Rejection::Failed(_) => "unavailable",
        }
    }
}

impl From<AppError> for Rejection {
    fn from(error: AppError) -> Self {
        Rejection::Failed(error)
    }
}

impl From<sqlx::Error> for Rejection {
    fn from(error: sqlx::Error) -> Self {
        Rejection::Failed(db_error(error))
    }
}

impl From<super::password::PasswordError> for Rejection {
    fn from(error: super::password::PasswordError) -> Self {
        tracing::error!(%error, "password hashing failed");
        Rejection::Failed(AppError::Internal)
    }
}

fn field(name: &'static str, problem: FieldProblem) -> Rejection {
    Rejection::Fields(vec![(name, problem.code())])
}

fn rate_limited() -> Rejection {
    Rejection::Alert { code: "rate_limited", status: StatusCode::TOO_MANY_REQUESTS }
}

/// Collects field problems so that a form reports all of them at once.
#[derive(Default)]
struct Problems(Vec<(&'static str, &'static str)>);

impl Problems {
    fn check<T>(&mut self, name: &'static str, result: Result<T, FieldProblem>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.0.push((name, problem.code()));
                None
            }
        }
    }

    fn into_result(self) -> Result<(), Rejection> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Rejection::Fields(self.0))
        }
    }
}

fn required(raw: &str, max_chars: usize) -> Result<String, FieldProblem> {
    let value = raw.trim();
    if value.is_empty() {
        Err(FieldProblem::Required)
    } else if value.chars().count() > max_chars {
        Err(FieldProblem::TooLong)
    } else {
        Ok(value.to_string())
    }
}

/// A link for an e-mail, always from the configured public URL (never the request's Host header).
fn link(config: &Config, path: &str, token: &str) -> String {
    format!("{}{path}?token={token}", config.public_url)
}

pub(super) async fn enqueue(
    config: &Config,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    template: Template,
    locale: &str,
    to: &str,
) -> Result<(), sqlx::Error> {
    let mail = template.render(locale_from_code(locale), to);
    mail::enqueue(tx, &mail, &config.mail_domain()).await.map(|_| ())
}

// ---------------------------------------------------------------------------------------------
// Sign-in

#[derive(sqlx::FromRow)]
struct Credentials {
    principal_id: String,
    password_hash: Option<String>,
    email_verified_at: Option<i64>,
    disabled_at: Option<i64>,
    account_id: Option<String>,
}

async fn find_credentials(
    state: &AppState,
    kind: PrincipalKind,
    email: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    let sql = match kind {
        PrincipalKind::Member => {
            "SELECT member_id AS principal_id, password_hash, email_verified_at, disabled_at, account_id
             FROM members WHERE lower(email) = $1"
        }
        // Staff e-mail is proven by the invitation; there is no separate verification.
        PrincipalKind::Staff => {
            "SELECT staff_id AS principal_id, password_hash, created_at AS email_verified_at, disabled_at,
                    CAST(NULL AS TEXT) AS account_id
             FROM staff_users WHERE lower(email) = $1"
        }
    };
    sqlx::query_as(sql).bind(email).fetch_optional(&state.db.pool).await
}

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
    let mut problems = Problems::default();
    let email = problems.check("email", EmailAddress::parse(email_raw));
    if password.is_empty() {
        problems.0.push(("password", FieldProblem::Required.code()));
    }
    problems.into_result()?;
    let email = email.expect("checked above");
    let key = throttle::email_key(&email.normalized());
    match throttle::check(&state.db.pool, &key).await? {
        Verdict::Allowed => {}
        Verdict::Blocked { .. } => return Err(rate_limited()),
        Verdict::NeedsReset => {
            return Err(Rejection::Alert { code: "needs_reset", status: StatusCode::TOO_MANY_REQUESTS })
        }
    }
    let found = find_credentials(state, kind, &email.normalized()).await?;
    let hash = found.as_ref().and_then(|c| c.password_hash.clone());
    let matches = verify_or_dummy(SecretString::from(password.to_string()), hash.clone()).await?;
    let usable = found.as_ref().is_some_and(|c| c.email_verified_at.is_some() && c.disabled_at.is_none());
    let principal_id = found.as_ref().map(|c| c.principal_id.clone());
    if !(matches && usable) {
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
    let credentials = found.expect("usable implies found");
    throttle::clear(&state.db.pool, &key).await?;
    // Hashes from before today's parameters are upgraded while the password is at hand.
    if hash.as_deref().is_some_and(needs_rehash) {
        let upgraded = hash_password(SecretString::from(password.to_string())).await?;
        let table = match kind {
            PrincipalKind::Member => "UPDATE members SET password_hash = $1 WHERE member_id = $2",
            PrincipalKind::Staff => "UPDATE staff_users SET password_hash = $1 WHERE staff_id = $2",
        };
        sqlx::query(table).bind(upgraded).bind(&credentials.principal_id).execute(&state.db.pool).await?;
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

// ---------------------------------------------------------------------------------------------
// Password reset

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
            Template::PasswordReset { link: link(&state.config, "/reset-password", &token) },
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

// ---------------------------------------------------------------------------------------------
// Invitations

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
    let mut problems = Problems::default();
    let name = problems.check("full_name", PersonName::parse(name_raw));
    let password = problems.check("password", NewPassword::parse(password, email.as_ref()));
    problems.into_result()?;
    let (name, password) = (name.expect("checked"), password.expect("checked"));
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
    let update = match kind {
        PrincipalKind::Member => {
            "UPDATE members SET full_name = $1, password_hash = $2, email_verified_at = $3, password_changed_at = $3,
                    updated_at = $3 WHERE member_id = $4 AND disabled_at IS NULL"
        }
        PrincipalKind::Staff => {
            "UPDATE staff_users SET full_name = $1, password_hash = $2, password_changed_at = $3, updated_at = $3
             WHERE staff_id = $4 AND disabled_at IS NULL"
        }
    };
    let updated =
        sqlx::query(update).bind(name.as_str()).bind(&hash).bind(now).bind(&principal_id).execute(&mut *tx).await?;
    if updated.rows_affected() != 1 {
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
    let mut problems = Problems::default();
    let email = problems.check("email", EmailAddress::parse(email_raw));
    let name = problems.check("full_name", PersonName::parse(name_raw));
    let role = problems.check("role", MemberRole::parse(role_raw).ok_or(FieldProblem::RoleInvalid));
    problems.into_result()?;
    let (email, name, role) = (email.expect("checked"), name.expect("checked"), role.expect("checked"));
    if let Viewer::Staff(staff) = &inviter.viewer {
        if !staff.role.may_grant(role) {
            return Err(Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN });
        }
    }
    let account: Option<(String, String)> =
        sqlx::query_as("SELECT name, preferred_language FROM customer_accounts WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(&state.db.pool)
            .await?;
    let Some((account_name, language)) = account else { return Err(Rejection::Failed(AppError::NotFound)) };
    let inviter_name = match &inviter.viewer {
        Viewer::Member(m) => m.full_name.clone(),
        Viewer::Staff(s) => format!("{} (Styk)", s.full_name),
        Viewer::Anonymous => String::new(),
    };
    let mut tx = state.db.begin_write().await?;
    let existing: Option<(String, String, Option<i64>)> =
        sqlx::query_as("SELECT member_id, account_id, disabled_at FROM members WHERE lower(email) = $1")
            .bind(email.normalized())
            .fetch_optional(&mut *tx)
            .await?;
    let now = now_ms();
    let member_id = match existing {
        // A member removed from this account earlier can be invited back.
        Some((member_id, existing_account, Some(_))) if existing_account == account_id => {
            sqlx::query(
                "UPDATE members SET disabled_at = NULL, password_hash = NULL, email_verified_at = NULL, role = $1,
                        full_name = $2, updated_at = $3 WHERE member_id = $4",
            )
            .bind(role.as_str())
            .bind(name.as_str())
            .bind(now)
            .bind(&member_id)
            .execute(&mut *tx)
            .await?;
            member_id
        }
        Some(_) => return Err(field("email", FieldProblem::EmailTaken)),
        None => {
            let member_id = new_id();
            sqlx::query(
                "INSERT INTO members (member_id, account_id, email, full_name, role, preferred_language, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(&member_id)
            .bind(account_id)
            .bind(email.as_str())
            .bind(name.as_str())
            .bind(role.as_str())
            .bind(&language)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            member_id
        }
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
        link: link(&state.config, "/invitation", &token),
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
    let account: Option<(String,)> =
        sqlx::query_as("SELECT account_id FROM customer_accounts WHERE upper(customer_number) = upper($1)")
            .bind(customer_number.trim())
            .fetch_optional(&state.db.pool)
            .await?;
    let Some((account_id,)) = account else {
        return Err(Rejection::Fields(vec![("customer_number", "customer_unknown")]));
    };
    invite_member(state, inviter, &account_id, email_raw, name_raw, role_raw, client).await
}

// ---------------------------------------------------------------------------------------------
// Registration with proof of account

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
    let mut problems = Problems::default();
    let customer_number = problems.check("customer_number", required(customer_number_raw, 40));
    let invoice_number = problems.check("invoice_number", required(invoice_number_raw, 60));
    let email = problems.check("email", EmailAddress::parse(email_raw));
    problems.into_result()?;
    let (customer_number, invoice_number, email) =
        (customer_number.expect("checked"), invoice_number.expect("checked"), email.expect("checked"));
    let customer_key = throttle::customer_key(&customer_number);
    if !matches!(throttle::check_decaying(&state.db.pool, &customer_key).await?, Verdict::Allowed) {
        return Err(rate_limited());
    }
    let account: Option<(String, String, String)> = sqlx::query_as(
        "SELECT a.account_id, a.name, a.preferred_language FROM customer_accounts a
         JOIN invoices i ON i.account_id = a.account_id
         WHERE upper(a.customer_number) = upper($1) AND upper(i.invoice_number) = upper($2)",
    )
    .bind(&customer_number)
    .bind(&invoice_number)
    .fetch_optional(&state.db.pool)
    .await?;
    let existing: Option<(String, String)> =
        sqlx::query_as("SELECT member_id, preferred_language FROM members WHERE lower(email) = $1")
            .bind(email.normalized())
            .fetch_optional(&state.db.pool)
            .await?;
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
                link: link(&state.config, "/register/complete", &token),
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
    let mut problems = Problems::default();
    let name = problems.check("full_name", PersonName::parse(name_raw));
    let password = problems.check("password", NewPassword::parse(password, Some(&email)));
    problems.into_result()?;
    let (name, password) = (name.expect("checked"), password.expect("checked"));
    let hash = hash_password(password.secret()).await?;
    let mut tx = state.db.begin_write().await?;
    let row = match tokens::consume(&mut tx, Purpose::Registration, token).await? {
        Ok(row) => row,
        Err(_) => return Err(Rejection::LinkInvalid),
    };
    let taken: Option<(String,)> = sqlx::query_as("SELECT member_id FROM members WHERE lower(email) = $1")
        .bind(email.normalized())
        .fetch_optional(&mut *tx)
        .await?;
    let Some(account_id) = row.account_id.clone().filter(|_| taken.is_none()) else {
        return Err(Rejection::LinkInvalid);
    };
    let requester = super::access::Requester {
        account_id: &account_id,
        email: email.as_str(),
        full_name: name.as_str(),
        password_hash: &hash,
    };
    super::access::open(state, &mut tx, requester, client).await?;
    tx.commit().await?;
    state.wake_mail_relay();
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Signed-in changes

async fn verify_current_password(
    state: &AppState,
    principal: &Principal,
    password: &str,
) -> Result<(bool, String, String), Rejection> {
    let sql = match principal.kind() {
        PrincipalKind::Member => "SELECT password_hash, email, preferred_language FROM members WHERE member_id = $1",
        PrincipalKind::Staff => "SELECT password_hash, email, preferred_language FROM staff_users WHERE staff_id = $1",
    };
    let (hash, email, language): (Option<String>, String, String) =
        sqlx::query_as(sql).bind(principal.id()).fetch_one(&state.db.pool).await?;
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
        return Err(Rejection::Fields(vec![("current_password", "password_wrong")]));
    }
    let email_address = EmailAddress::parse(&email).ok();
    let password = NewPassword::parse(new, email_address.as_ref()).map_err(|p| field("new_password", p))?;
    let hash = hash_password(password.secret()).await?;
    let kind = principal.kind();
    let mut tx = state.db.begin_write().await?;
    let update = match kind {
        PrincipalKind::Member => {
            "UPDATE members SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE member_id = $3"
        }
        PrincipalKind::Staff => {
            "UPDATE staff_users SET password_hash = $1, password_changed_at = $2, updated_at = $2 WHERE staff_id = $3"
        }
    };
    sqlx::query(update).bind(&hash).bind(now_ms()).bind(principal.id()).execute(&mut *tx).await?;
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
    let mut problems = Problems::default();
    let new_email = problems.check("new_email", EmailAddress::parse(new_email_raw));
    if password.is_empty() {
        problems.0.push(("password", FieldProblem::Required.code()));
    }
    problems.into_result()?;
    let new_email = new_email.expect("checked");
    let (matches, current_email, language) = verify_current_password(state, principal, password).await?;
    if !matches {
        return Err(Rejection::Fields(vec![("password", "password_wrong")]));
    }
    if current_email.to_lowercase() == new_email.normalized() {
        return Err(Rejection::Fields(vec![("new_email", "email_same")]));
    }
    let taken: Option<(String,)> = sqlx::query_as("SELECT member_id FROM members WHERE lower(email) = $1")
        .bind(new_email.normalized())
        .fetch_optional(&state.db.pool)
        .await?;
    if taken.is_some() {
        return Err(Rejection::Fields(vec![("new_email", "email_taken")]));
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
        Template::EmailChangeVerify { link: link(&state.config, "/email-change", &token) },
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
    let current: Option<(String, String)> =
        sqlx::query_as("SELECT email, preferred_language FROM members WHERE member_id = $1 AND disabled_at IS NULL")
            .bind(&member_id)
            .fetch_optional(&mut *tx)
            .await?;
    let taken: Option<(String,)> = sqlx::query_as("SELECT member_id FROM members WHERE lower(email) = $1")
        .bind(&row.email)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((old_email, language)) = current.filter(|_| taken.is_none()) else { return Err(Rejection::LinkInvalid) };
    let now = now_ms();
    sqlx::query("UPDATE members SET email = $1, email_verified_at = $2, updated_at = $2 WHERE member_id = $3")
        .bind(&row.email)
        .bind(now)
        .bind(&member_id)
        .execute(&mut *tx)
        .await?;
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
        Some(auth_session_id) if auth_session_id != principal.auth_session_id => sqlx::query(
            "UPDATE auth_sessions SET ended_at = $1, end_reason = 'ended_by_user'
             WHERE auth_session_id = $2 AND principal_kind = $3 AND principal_id = $4 AND ended_at IS NULL",
        )
        .bind(now_ms())
        .bind(auth_session_id)
        .bind(principal.kind().as_str())
        .bind(principal.id())
        .execute(&state.db.pool)
        .await?
        .rows_affected(),
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

// ---------------------------------------------------------------------------------------------
// Members

fn owner_of(principal: &Principal) -> Result<(&str, &str), Rejection> {
    match (&principal.viewer, principal.account_id.as_deref()) {
        (Viewer::Member(member), Some(account_id)) if member.role.manages_members() => {
            Ok((account_id, &member.member_id))
        }
        _ => Err(Rejection::Alert { code: "not_allowed", status: StatusCode::FORBIDDEN }),
    }
}

/// Sets a member's role. The member's sessions end, so the new role starts with a new session.
/// An account always keeps at least one owner.
pub async fn set_member_role(
    state: &AppState,
    owner: &Principal,
    member_id: &str,
    role_raw: &str,
    client: &Client,
) -> Result<(), Rejection> {
    let (account_id, _) = owner_of(owner)?;
    let role = MemberRole::parse(role_raw).ok_or_else(|| field("role", FieldProblem::RoleInvalid))?;
    let mut tx = state.db.begin_write().await?;
    // Scoped to the owner's account: another account's member is simply not found.
    let before: Option<(String,)> =
        sqlx::query_as("SELECT role FROM members WHERE member_id = $1 AND account_id = $2 AND disabled_at IS NULL")
            .bind(member_id)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((before,)) = before else { return Err(Rejection::Failed(AppError::NotFound)) };
    if before == "owner" && role != MemberRole::Owner && owner_count(&mut tx, account_id).await? <= 1 {
        return Err(Rejection::Alert { code: "last_owner", status: StatusCode::CONFLICT });
    }
    sqlx::query("UPDATE members SET role = $1, updated_at = $2 WHERE member_id = $3")
        .bind(role.as_str())
        .bind(now_ms())
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    if before != role.as_str() {
        let keep = (member_id == owner.id()).then_some(owner.auth_session_id.as_str());
        sessions::end_all(&mut *tx, PrincipalKind::Member, member_id, keep, "role_changed").await?;
    }
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "member",
            actor_id: Some(owner.id()),
            action: "member.role_changed",
            subject_kind: Some("member"),
            subject_id: Some(member_id),
            account_id: Some(account_id),
            ip: Some(&client.ip),
            detail: json!({ "before": before, "after": role.as_str() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn owner_count(tx: &mut sqlx::Transaction<'static, sqlx::Any>, account_id: &str) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM members WHERE account_id = $1 AND role = 'owner' AND disabled_at IS NULL")
            .bind(account_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(count)
}

/// Removes a member from the account: they can no longer sign in, and their sessions end. The row
/// stays for the records that name them.
pub async fn remove_member(
    state: &AppState,
    owner: &Principal,
    member_id: &str,
    client: &Client,
) -> Result<(), Rejection> {
    let (account_id, _) = owner_of(owner)?;
    let mut tx = state.db.begin_write().await?;
    let before: Option<(String,)> =
        sqlx::query_as("SELECT role FROM members WHERE member_id = $1 AND account_id = $2 AND disabled_at IS NULL")
            .bind(member_id)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((role,)) = before else { return Err(Rejection::Failed(AppError::NotFound)) };
    if role == "owner" && owner_count(&mut tx, account_id).await? <= 1 {
        return Err(Rejection::Alert { code: "last_owner", status: StatusCode::CONFLICT });
    }
    let now = now_ms();
    sqlx::query("UPDATE members SET disabled_at = $1, updated_at = $1 WHERE member_id = $2")
        .bind(now)
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE principal_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    sessions::end_all(&mut *tx, PrincipalKind::Member, member_id, None, "removed").await?;
    audit::record(
        &mut *tx,
        AuditEntry {
            actor_kind: "member",
            actor_id: Some(owner.id()),
            action: "member.removed",
            subject_kind: Some("member"),
            subject_id: Some(member_id),
            account_id: Some(account_id),
            ip: Some(&client.ip),
            detail: json!({ "role": role }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Staff

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
    let mut problems = Problems::default();
    let email = problems.check("email", EmailAddress::parse(email_raw));
    let name = problems.check("full_name", PersonName::parse(name_raw));
    let role = problems.check("role", StaffRole::parse(role_raw).ok_or(FieldProblem::RoleInvalid));
    problems.into_result()?;
    let (email, name, role) = (email.expect("checked"), name.expect("checked"), role.expect("checked"));
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
