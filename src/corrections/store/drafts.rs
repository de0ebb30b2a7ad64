//! A request being written: the invoice's lines, the draft and its files, kept by the form's key.
use super::*;

/// At most this many files per request.
pub const MAX_ATTACHMENTS: usize = crate::web::uploads::FILES_PER_FORM;

/// The invoice's lines as the form offers them.
pub async fn invoice_lines(db: &Db, invoice_id: &str) -> Result<Vec<InvoiceLine>, AppError> {
    let rows: Vec<(i64, String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT line_no, unit, description, quantity, unit_price_minor, vat_rate_bp
         FROM invoice_lines WHERE invoice_id = $1 ORDER BY line_no",
    )
    .bind(invoice_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|(line_no, unit, description, quantity, unit_price_minor, vat_rate_bp)| InvoiceLine {
            line_no,
            unit,
            values: LineValues { description, quantity, unit_price_minor, vat_rate_bp },
        })
        .collect())
}

/// A regular invoice of the account that may be corrected: (number, issue date, currency, buyer).
pub(super) async fn correctable(
    db: &Db,
    account_id: &str,
    invoice_id: &str,
) -> Result<(String, String, String, BuyerData), AppError> {
    if !looks_like_id(invoice_id) {
        return Err(AppError::NotFound);
    }
    let row: Option<(String, String, String, String, String, Option<String>, String, String)> = sqlx::query_as(
        "SELECT invoice_number, issue_date, currency, buyer_name, buyer_address, buyer_tax_id, kind, status
         FROM invoices WHERE invoice_id = $1 AND account_id = $2",
    )
    .bind(invoice_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await
    .map_err(db_error)?;
    let (number, issue_date, currency, name, address, tax_id, kind, status) = row.ok_or(AppError::NotFound)?;
    // A corrective invoice is corrected through its original; a cancelled one needs none.
    if kind != "regular" || status == "cancelled" {
        return Err(AppError::BadRequest);
    }
    Ok((number, issue_date, currency, BuyerData { name, address, tax_id }))
}

pub async fn form(
    db: &Db,
    account_id: &str,
    invoice_id: &str,
    key: Option<String>,
    decision_days: i64,
) -> Result<CorrectionFormView, AppError> {
    let (invoice_number, issue_date, currency, buyer) = correctable(db, account_id, invoice_id).await?;
    let key = key.filter(|k| looks_like_id(k)).unwrap_or_else(new_id);
    let open: Vec<(String, i64)> = sqlx::query_as(
        "SELECT correction_id, submitted_at FROM correction_requests
         WHERE invoice_id = $1 AND account_id = $2 AND status IN ('submitted', 'in_review') ORDER BY submitted_at",
    )
    .bind(invoice_id)
    .bind(account_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(CorrectionFormView {
        invoice_id: invoice_id.to_string(),
        invoice_number,
        issue_date,
        currency,
        buyer,
        lines: invoice_lines(db, invoice_id).await?,
        attachments: draft_attachments(db, account_id, &key).await?,
        key,
        decision_days,
        open: open.into_iter().map(|(id, at)| (id, utc_date(at))).collect(),
    })
}

/// Files attached to a form not yet submitted.
pub async fn draft_attachments(db: &Db, account_id: &str, key: &str) -> Result<Vec<AttachmentView>, AppError> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT attachment_id, file_name, size_bytes FROM correction_attachments
         WHERE account_id = $1 AND request_key = $2 AND correction_id IS NULL ORDER BY created_at, attachment_id",
    )
    .bind(account_id)
    .bind(key)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|(attachment_id, file_name, size_bytes)| AttachmentView { attachment_id, file_name, size_bytes })
        .collect())
}

/// What became of a file offered to a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Stored,
    /// The form holds its [`MAX_ATTACHMENTS`] files already.
    FormFull,
    /// The account attached its quota of files within the last 24 hours.
    QuotaReached,
}

/// Keeps a checked file (see `web::uploads::check`) for the form with `key`, with its size and SHA-256,
/// unless the form is full or the account has used its daily quota.
///
/// Both limits are counted and the file inserted in one write transaction that first locks the
/// account's row, so concurrent posts take turns: six at once under one key store five.
pub async fn add_attachment(
    db: &Db,
    account_id: &str,
    key: &str,
    file: &crate::web::uploads::CheckedFile,
    content: &[u8],
    uploads_per_day: i64,
) -> Result<Kept, AppError> {
    let mut tx = db.begin_write().await.map_err(db_error)?;
    db.take_turns_on_account(&mut tx, account_id).await.map_err(db_error)?;
    let now = now_ms();
    let (in_form, today): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN request_key = $2 AND correction_id IS NULL THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN created_at > $3 THEN 1 ELSE 0 END), 0)
         FROM correction_attachments WHERE account_id = $1",
    )
    .bind(account_id)
    .bind(key)
    .bind(now - 86_400_000)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_error)?;
    if in_form as usize >= MAX_ATTACHMENTS {
        return Ok(Kept::FormFull);
    }
    if today >= uploads_per_day {
        return Ok(Kept::QuotaReached);
    }
    sqlx::query(
        "INSERT INTO correction_attachments (attachment_id, account_id, request_key, file_name, content_type,
                                             size_bytes, sha256, content, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(account_id)
    .bind(key)
    .bind(&file.file_name)
    .bind(file.content_type)
    .bind(content.len() as i64)
    .bind(crate::web::uploads::sha256_hex(content))
    .bind(content.to_vec())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok(Kept::Stored)
}

/// Removes a file from a form not yet submitted.
pub async fn remove_draft_attachment(
    db: &Db,
    account_id: &str,
    key: &str,
    attachment_id: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "DELETE FROM correction_attachments
         WHERE attachment_id = $1 AND account_id = $2 AND request_key = $3 AND correction_id IS NULL",
    )
    .bind(attachment_id)
    .bind(account_id)
    .bind(key)
    .execute(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// A file of a request, within the scope: (name, content type, bytes).
pub async fn attachment(
    db: &Db,
    scope: Scope<'_>,
    correction_id: &str,
    attachment_id: &str,
) -> Result<(String, String, Vec<u8>), AppError> {
    if !looks_like_id(correction_id) || !looks_like_id(attachment_id) {
        return Err(AppError::NotFound);
    }
    let (file_name, content_type, content, size_bytes, sha256): (String, String, Vec<u8>, i64, Option<String>) =
        sqlx::query_as(
            "SELECT file_name, content_type, content, size_bytes, sha256 FROM correction_attachments
             WHERE attachment_id = $1 AND correction_id = $2 AND ($3 IS NULL OR account_id = $3)",
        )
        .bind(attachment_id)
        .bind(correction_id)
        .bind(scope.account())
        .fetch_optional(&db.pool)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let intact = match &sha256 {
        Some(sha256) => crate::web::uploads::is_intact(&content, size_bytes, sha256),
        None => content.len() as i64 == size_bytes,
    };
    if !intact {
        tracing::error!(attachment_id, correction_id, "a stored attachment no longer matches its size and SHA-256");
        return Err(AppError::Internal);
    }
    Ok((file_name, content_type, content))
}
