//! The relay: claims due outbox rows with a lease (so that several app instances never send the
//! same row twice at once), sends them, and retries failures with exponential backoff until
//! `max_attempts`, after which the row is dead-lettered for an operator to look at.
use crate::config::{MailConfig, SmtpSecurity};
use crate::db::{now_ms, Db};
use crate::i18n::locale_named;
use crate::touchpoints::catalogue::{Journey, StepName};
use crate::touchpoints::model::{Channel, Outcome, Signals};
use crate::touchpoints::recorder::{Recorder, Touchpoint};
use leptos_i18n::Locale as _;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

const BATCH: i64 = 20;
const LEASE_MS: i64 = 60_000;
const POLL: Duration = Duration::from_secs(2);
const FIRST_RETRY_MS: i64 = 5_000;
const LAST_RETRY_MS: i64 = 3_600_000;

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One `.eml` file per message, plus a `.json` summary the demo mail page lists.
    Folder(PathBuf),
}

impl Transport {
    pub fn from_config(config: &MailConfig) -> Result<Self, lettre::transport::smtp::Error> {
        let Some(smtp) = &config.smtp else { return Ok(Transport::Folder(config.dir.clone())) };
        let mut builder = match smtp.security {
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
        }
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(20)));
        if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_string()));
        }
        Ok(Transport::Smtp(builder.build()))
    }

    async fn send(&self, message: Message, row: &OutboxRow) -> Result<(), String> {
        match self {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::Folder(dir) => {
                tokio::fs::create_dir_all(dir).await.map_err(|e| e.to_string())?;
                let stem = format!("{}-{}", row.created_at, row.outbox_id);
                let summary = serde_json::json!({
                    "message_id": row.message_id,
                    "to": row.recipient,
                    "subject": row.subject,
                    "template": row.template,
                    "created_at": row.created_at,
                    "text": row.body_text,
                });
                tokio::fs::write(dir.join(format!("{stem}.eml")), message.formatted())
                    .await
                    .map_err(|e| e.to_string())?;
                tokio::fs::write(dir.join(format!("{stem}.json")), summary.to_string()).await.map_err(|e| e.to_string())
            }
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
struct OutboxRow {
    outbox_id: String,
    message_id: String,
    template: String,
    locale: String,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: String,
    attempts: i64,
    created_at: i64,
}

pub struct Relay {
    pub db: Db,
    pub transport: Transport,
    pub from: Mailbox,
    pub max_attempts: u32,
    pub wakeup: Arc<Notify>,
    /// Sent and dead-lettered mail are touchpoints of the e-mail channel.
    pub touchpoints: Recorder,
    /// How long mail files in a [`Transport::Folder`] are kept: they hold one-time links.
    pub folder_retention: Duration,
}

/// How often the mail folder is swept of files past their retention.
const FOLDER_SWEEP_EVERY: Duration = Duration::from_secs(600);

/// Removes the files in `dir` last written more than `retention` ago; returns how many. Mail
/// written without an SMTP server carries reset and invitation links, which must not lie around
/// in plain files for good.
pub async fn remove_old_mail_files(dir: &std::path::Path, retention: Duration) -> std::io::Result<usize> {
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error),
    };
    let mut removed = 0;
    while let Some(entry) = entries.next_entry().await? {
        let path = entry.path();
        let is_mail = matches!(path.extension().and_then(|e| e.to_str()), Some("eml" | "json"));
        let metadata = entry.metadata().await?;
        let old = metadata.modified()?.elapsed().is_ok_and(|age| age > retention);
        if is_mail && metadata.is_file() && old {
            tokio::fs::remove_file(&path).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The journey an e-mail belongs to, by its template.
fn journey_of(template: &str) -> Journey {
    match template {
        "member_invitation" | "staff_invitation" => Journey::Invitation,
        "password_reset" => Journey::PasswordReset,
        "registration_verify" | "registration_existing" | "access_requested" | "access_decided" => {
            Journey::Registration
        }
        "password_changed" => Journey::PasswordChange,
        "reorder_requested" => Journey::Reorder,
        _ => Journey::EmailChange,
    }
}

impl Relay {
    /// Sends due mail until `shutdown` turns true. Mail still pending then stays in the outbox.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut last_sweep: Option<std::time::Instant> = None;
        loop {
            if *shutdown.borrow() {
                return;
            }
            if let Transport::Folder(dir) = &self.transport {
                if last_sweep.is_none_or(|at| at.elapsed() >= FOLDER_SWEEP_EVERY) {
                    last_sweep = Some(std::time::Instant::now());
                    match remove_old_mail_files(dir, self.folder_retention).await {
                        Ok(0) => {}
                        Ok(removed) => tracing::info!(removed, "removed mail files past their retention"),
                        Err(error) => tracing::warn!(%error, "cannot sweep the mail folder"),
                    }
                }
            }
            let sent = match self.send_due().await {
                Ok(count) => count,
                Err(error) => {
                    tracing::error!(%error, "mail relay could not read the outbox");
                    0
                }
            };
            if sent == 0 {
                tokio::select! {
                    _ = self.wakeup.notified() => {}
                    _ = tokio::time::sleep(POLL) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    /// Claims and sends one batch of due mail; returns how many rows it handled.
    pub async fn send_due(&self) -> Result<usize, sqlx::Error> {
        let now = now_ms();
        let due: Vec<(String,)> = sqlx::query_as(
            "SELECT outbox_id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= $1 AND claimed_until <= $1
             ORDER BY next_attempt_at LIMIT $2",
        )
        .bind(now)
        .bind(BATCH)
        .fetch_all(&self.db.pool)
        .await?;
        let mut handled = 0;
        for (outbox_id,) in due {
            // The lease: of several instances, only the one whose update matches sends the row.
            let claimed = sqlx::query(
                "UPDATE mail_outbox SET claimed_until = $1 WHERE outbox_id = $2 AND status = 'pending' AND claimed_until <= $3",
            )
            .bind(now + LEASE_MS)
            .bind(&outbox_id)
            .bind(now)
            .execute(&self.db.pool)
            .await?;
            if claimed.rows_affected() != 1 {
                continue;
            }
            let row: OutboxRow = sqlx::query_as(
                "SELECT outbox_id, message_id, template, locale, recipient, subject, body_text, body_html, attempts, created_at
                 FROM mail_outbox WHERE outbox_id = $1",
            )
            .bind(&outbox_id)
            .fetch_one(&self.db.pool)
            .await?;
            self.deliver(row).await?;
            handled += 1;
        }
        Ok(handled)
    }

    async fn deliver(&self, row: OutboxRow) -> Result<(), sqlx::Error> {
        let result = match self.message(&row) {
            Ok(message) => self.transport.send(message, &row).await,
            Err(error) => Err(error),
        };
        let now = now_ms();
        match result {
            Ok(()) => {
                // The bodies may hold one-time links: they are not kept once delivered.
                sqlx::query(
                    "UPDATE mail_outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, body_text = '', body_html = '',
                            last_error = NULL WHERE outbox_id = $2",
                )
                .bind(now)
                .bind(&row.outbox_id)
                .execute(&self.db.pool)
                .await?;
                tracing::info!(template = %row.template, outbox_id = %row.outbox_id, "mail sent");
                self.record(&row, now, Outcome::Ok, None).await;
            }
            Err(error) => {
                let attempts = row.attempts + 1;
                let dead = attempts >= self.max_attempts as i64;
                let delay = FIRST_RETRY_MS.saturating_mul(1 << (attempts - 1).min(20)).min(LAST_RETRY_MS);
                sqlx::query(
                    "UPDATE mail_outbox SET status = $1, attempts = $2, next_attempt_at = $3, claimed_until = 0, last_error = $4
                     WHERE outbox_id = $5",
                )
                .bind(if dead { "dead" } else { "pending" })
                .bind(attempts)
                .bind(now + delay)
                .bind(error.chars().take(500).collect::<String>())
                .bind(&row.outbox_id)
                .execute(&self.db.pool)
                .await?;
                if dead {
                    self.record(&row, now, Outcome::Failed, Some("mail_undeliverable")).await;
                    tracing::error!(template = %row.template, outbox_id = %row.outbox_id, attempts, %error, "mail dead-lettered");
                } else {
                    tracing::warn!(template = %row.template, outbox_id = %row.outbox_id, attempts, %error, "mail delivery failed; will retry");
                }
            }
        }
        Ok(())
    }

    /// Records the e-mail's touchpoint, for the person it went to when the address is theirs.
    async fn record(&self, row: &OutboxRow, now: i64, outcome: Outcome, error_code: Option<&'static str>) {
        let member: Option<(String, String)> = sqlx::query_as(
            "SELECT account_id, member_id FROM members WHERE lower(email) = lower($1) AND disabled_at IS NULL LIMIT 1",
        )
        .bind(&row.recipient)
        .fetch_optional(&self.db.pool)
        .await
        .unwrap_or_default();
        let staff: Option<(String,)> = match member {
            Some(_) => None,
            None => sqlx::query_as("SELECT staff_id FROM staff_users WHERE lower(email) = lower($1) LIMIT 1")
                .bind(&row.recipient)
                .fetch_optional(&self.db.pool)
                .await
                .unwrap_or_default(),
        };
        let (account_id, member_id) = member.map(|(a, m)| (Some(a), Some(m))).unwrap_or_default();
        self.touchpoints.record(Touchpoint {
            occurred_at: now,
            account_id,
            member_id,
            staff_id: staff.map(|(s,)| s),
            locale: locale_named(&row.locale).map_or("en", |l| l.as_str()),
            channel: Channel::Email,
            journey: journey_of(&row.template).as_str(),
            step: StepName::EmailSent.as_str(),
            route: format!("mail:{}", row.template).into(),
            outcome,
            // From the moment the mail was queued until it left: how long the customer waited.
            duration_ms: (now - row.created_at).clamp(0, i64::from(u32::MAX)) as u32,
            error_code,
            signals: if outcome == Outcome::Ok { Signals::default() } else { Signals::FAILED },
            ..Touchpoint::default()
        });
    }

    fn message(&self, row: &OutboxRow) -> Result<Message, String> {
        let to: Mailbox = row.recipient.parse().map_err(|e| format!("recipient: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(row.message_id.clone()))
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(row.body_text.clone()))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(row.body_html.clone())),
            )
            .map_err(|e| format!("message: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::remove_old_mail_files;
    use std::time::{Duration, SystemTime};

    #[tokio::test]
    async fn mail_files_past_their_retention_are_removed_and_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, age_days: u64| {
            let path = dir.path().join(name);
            std::fs::write(&path, "x").unwrap();
            let written = SystemTime::now() - Duration::from_secs(age_days * 86_400);
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(written).unwrap();
        };
        write("1-old.eml", 8);
        write("1-old.json", 8);
        write("2-new.eml", 1);
        write("notes.txt", 30);
        let removed = remove_old_mail_files(dir.path(), Duration::from_secs(7 * 86_400)).await.unwrap();
        assert_eq!(removed, 2);
        let mut left: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        assert_eq!(left, ["2-new.eml", "notes.txt"], "only mail files are the relay's to remove");
        assert_eq!(remove_old_mail_files(&dir.path().join("absent"), Duration::ZERO).await.unwrap(), 0);
    }
}
