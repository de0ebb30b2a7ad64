//! Sending a request: once per form key, with its lines, files and the acknowledgement e-mail.
use super::*;

/// A checked request, ready to store.
pub struct NewCorrection<'a> {
    pub account_id: &'a str,
    pub member_id: &'a str,
    pub invoice_id: &'a str,
    pub key: &'a str,
    pub changes: &'a [LineChange],
    pub buyer: &'a BuyerChange,
    pub reason: CorrectionReason,
    pub explanation: &'a str,
    pub decision_days: i64,
}

/// The stored request; `created` is false when the form had been submitted before.
pub struct Submitted {
    pub correction_id: String,
    pub created: bool,
}

/// Stores a request once per form key, binds the form's files to it and queues the
/// acknowledgement, all in one transaction.
pub async fn submit(
    db: &Db,
    new: NewCorrection<'_>,
    mail: &(dyn Fn(&str, &str, &str) -> Option<crate::mail::Mail> + Sync),
    mail_domain: &str,
) -> Result<Submitted, AppError> {
    if let Some(correction_id) = by_key(db, new.account_id, new.key).await? {
        return Ok(Submitted { correction_id, created: false });
    }
    let (invoice_number, ..) = correctable(db, new.account_id, new.invoice_id).await?;
    let correction_id = new_id();
    let now = now_ms();
    let decide_by = utc_date(now + new.decision_days * 86_400_000);
    let result = async {
        let mut tx = db.begin_write().await?;
        sqlx::query(
            "INSERT INTO correction_requests (correction_id, account_id, invoice_id, member_id, request_key, status,
                                              reason, explanation, buyer_name_after, buyer_address_after,
                                              buyer_tax_id_after, submitted_at, decide_by)
             VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&correction_id)
        .bind(new.account_id)
        .bind(new.invoice_id)
        .bind(new.member_id)
        .bind(new.key)
        .bind(new.reason.as_str())
        .bind(new.explanation)
        .bind(&new.buyer.name)
        .bind(&new.buyer.address)
        .bind(&new.buyer.tax_id)
        .bind(now)
        .bind(&decide_by)
        .execute(&mut *tx)
        .await?;
        for change in new.changes {
            sqlx::query(
                "INSERT INTO correction_lines (correction_id, line_no, description_before, unit, quantity_before,
                                               unit_price_before, vat_rate_before, description_asked, quantity_asked,
                                               unit_price_asked, vat_rate_asked)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(&correction_id)
            .bind(change.line_no)
            .bind(&change.before.description)
            .bind(&change.unit)
            .bind(change.before.quantity)
            .bind(change.before.unit_price_minor)
            .bind(change.before.vat_rate_bp)
            .bind(&change.after.description)
            .bind(change.after.quantity)
            .bind(change.after.unit_price_minor)
            .bind(change.after.vat_rate_bp)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE correction_attachments SET correction_id = $1
             WHERE account_id = $2 AND request_key = $3 AND correction_id IS NULL",
        )
        .bind(&correction_id)
        .bind(new.account_id)
        .bind(new.key)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut *tx,
            AuditEntry {
                actor_kind: "member",
                actor_id: Some(new.member_id),
                action: "correction.submitted",
                subject_kind: Some("correction"),
                subject_id: Some(&correction_id),
                account_id: Some(new.account_id),
                detail: serde_json::json!({
                    "invoice": new.invoice_id,
                    "reason": new.reason.as_str(),
                    "lines": new.changes.iter().map(|c| c.line_no).collect::<Vec<_>>(),
                    "gross_difference": total_difference(new.changes).gross_minor,
                }),
                ..Default::default()
            },
        )
        .await?;
        if let Some(mail) = mail(&correction_id, &invoice_number, &decide_by) {
            crate::mail::enqueue(&mut tx, &mail, mail_domain).await?;
        }
        tx.commit().await
    }
    .await;
    match result {
        Ok(()) => Ok(Submitted { correction_id, created: true }),
        // Two submits of one form at once: the other one stored it.
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            let correction_id = by_key(db, new.account_id, new.key).await?.ok_or(AppError::Internal)?;
            Ok(Submitted { correction_id, created: false })
        }
        Err(error) => Err(db_error(error)),
    }
}

async fn by_key(db: &Db, account_id: &str, key: &str) -> Result<Option<String>, AppError> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT correction_id FROM correction_requests WHERE account_id = $1 AND request_key = $2")
            .bind(account_id)
            .bind(key)
            .fetch_optional(&db.pool)
            .await
            .map_err(db_error)?;
    Ok(row.map(|(id,)| id))
}
