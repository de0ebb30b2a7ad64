//! The outbox: mail is a row written in the same transaction as the change that causes it, so a
//! committed change always has its mail, and an SMTP outage only delays it.
use super::Mail;
use crate::db::{ids::new_id, now_ms};
use leptos_i18n::Locale as _;
use sqlx::{Any, Transaction};

/// Writes `mail` to the outbox inside `tx`. Wake the relay after the commit
/// (`AppState::wake_mail_relay`) to send it at once.
pub async fn enqueue(tx: &mut Transaction<'static, Any>, mail: &Mail, domain: &str) -> Result<String, sqlx::Error> {
    let outbox_id = new_id();
    let now = now_ms();
    // Stable across retries, so a receiver can tell a retry from a second message.
    let message_id = format!("<{outbox_id}@{domain}>");
    sqlx::query(
        "INSERT INTO mail_outbox (outbox_id, message_id, template, locale, recipient, subject, body_text, body_html,
                                  next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&outbox_id)
    .bind(&message_id)
    .bind(mail.template)
    .bind(mail.locale.as_str())
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(now)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(outbox_id)
}

/// How much mail the outbox holds, by status (pending, sent, dead), for the metrics.
pub async fn counts_by_status(db: &crate::db::Db) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT status, COUNT(*) FROM mail_outbox GROUP BY status").fetch_all(&db.pool).await
}
