//! The audit log: every authentication event and every staff action, with who, what, whom and when.
use crate::db::{ids::new_id, now_ms};
use sqlx::{Any, Executor};

#[derive(Debug, Clone, Default)]
pub struct AuditEntry<'a> {
    /// member, staff, anonymous or system.
    pub actor_kind: &'a str,
    pub actor_id: Option<&'a str>,
    /// A dotted event name, e.g. `sign_in.failed`.
    pub action: &'a str,
    pub subject_kind: Option<&'a str>,
    pub subject_id: Option<&'a str>,
    pub account_id: Option<&'a str>,
    pub ip: Option<&'a str>,
    /// JSON: before/after values and reasons; never secrets or free text.
    pub detail: serde_json::Value,
}

pub async fn record<'e, E>(executor: E, entry: AuditEntry<'_>) -> Result<(), sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    let detail = if entry.detail.is_null() { "{}".to_string() } else { entry.detail.to_string() };
    sqlx::query(
        "INSERT INTO audit_log (audit_id, occurred_at, actor_kind, actor_id, action, subject_kind, subject_id, account_id, ip, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id())
    .bind(now_ms())
    .bind(if entry.actor_kind.is_empty() { "anonymous" } else { entry.actor_kind })
    .bind(entry.actor_id)
    .bind(entry.action)
    .bind(entry.subject_kind)
    .bind(entry.subject_id)
    .bind(entry.account_id)
    .bind(entry.ip)
    .bind(detail)
    .execute(executor)
    .await?;
    Ok(())
}
