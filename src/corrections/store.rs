//! The corrections' SQL. Customer reads name the account they read for; staff reads do not.
use super::api::{AttachmentView, CorrectionFormView, CorrectionLineView, CorrectionRow, CorrectionView};
use super::domain::{
    total_difference, Amounts, BuyerChange, BuyerData, CorrectionReason, CorrectionStatus, Decision, InvoiceLine,
    LineChange, LineValues,
};
use crate::auth::audit::{self, AuditEntry};
use crate::auth::sessions::db_error;
use crate::db::{ids::new_id, now_ms, Db};
use crate::error::AppError;
use crate::kernel::cursor::looks_like_id;
use crate::ui::format::utc_date;

/// Whose requests a read may return.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Account(&'a str),
    Staff,
}

impl Scope<'_> {
    fn account(&self) -> Option<&str> {
        match self {
            Scope::Account(id) => Some(id),
            Scope::Staff => None,
        }
    }
}

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
async fn correctable(
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

type ListRow = (String, String, String, String, String, i64, String, String, String, Option<String>);

/// Requests newest first (an account's), or for staff the open ones oldest first followed by the
/// 50 latest decided.
pub async fn list(db: &Db, scope: Scope<'_>) -> Result<Vec<CorrectionRow>, AppError> {
    let select = "SELECT r.correction_id, r.invoice_id, i.invoice_number, r.status, r.reason, r.submitted_at,
                         r.decide_by, i.currency, a.name, s.full_name
                  FROM correction_requests r
                  JOIN invoices i ON i.invoice_id = r.invoice_id
                  JOIN customer_accounts a ON a.account_id = r.account_id
                  LEFT JOIN staff_users s ON s.staff_id = r.reviewer_id";
    let rows: Vec<ListRow> = match scope {
        Scope::Account(account_id) => {
            sqlx::query_as(&format!("{select} WHERE r.account_id = $1 ORDER BY r.submitted_at DESC LIMIT 200"))
                .bind(account_id)
                .fetch_all(&db.pool)
                .await
        }
        Scope::Staff => {
            let mut open: Vec<ListRow> = sqlx::query_as(&format!(
                "{select} WHERE r.status IN ('submitted', 'in_review') ORDER BY r.submitted_at LIMIT 500"
            ))
            .fetch_all(&db.pool)
            .await
            .map_err(db_error)?;
            let decided: Vec<ListRow> = sqlx::query_as(&format!(
                "{select} WHERE r.status NOT IN ('submitted', 'in_review') ORDER BY r.decided_at DESC LIMIT 50"
            ))
            .fetch_all(&db.pool)
            .await
            .map_err(db_error)?;
            open.extend(decided);
            Ok(open)
        }
    }
    .map_err(db_error)?;
    let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let differences = asked_differences(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                correction_id,
                invoice_id,
                invoice_number,
                status,
                reason,
                submitted_at,
                decide_by,
                currency,
                account,
                reviewer,
            )| {
                CorrectionRow {
                    difference_minor: differences
                        .iter()
                        .find(|(id, _)| *id == correction_id)
                        .map(|(_, d)| d.gross_minor)
                        .unwrap_or(0),
                    correction_id,
                    invoice_id,
                    invoice_number,
                    status: CorrectionStatus::parse(&status).unwrap_or(CorrectionStatus::Submitted),
                    reason: CorrectionReason::parse(&reason).unwrap_or(CorrectionReason::Other),
                    submitted_at,
                    decide_by,
                    currency,
                    account_name: account,
                    reviewer,
                }
            },
        )
        .collect())
}

async fn asked_differences(db: &Db, ids: &[String]) -> Result<Vec<(String, Amounts)>, AppError> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(100) {
        if chunk.is_empty() {
            continue;
        }
        let placeholders = (1..=chunk.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT correction_id, line_no, unit, description_before, quantity_before, unit_price_before, vat_rate_before,
                    description_asked, quantity_asked, unit_price_asked, vat_rate_asked
             FROM correction_lines WHERE correction_id IN ({placeholders})"
        );
        let mut query = sqlx::query_as::<_, LineRow>(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&db.pool).await.map_err(db_error)? {
            let change = asked_of(&row);
            let difference = change.difference();
            match out.iter_mut().find(|(id, _): &&mut (String, Amounts)| *id == row.0) {
                Some((_, sum)) => *sum = sum.plus(difference),
                None => out.push((row.0.clone(), difference)),
            }
        }
    }
    Ok(out)
}

type LineRow = (String, i64, String, String, i64, i64, i64, String, i64, i64, i64);

fn asked_of(row: &LineRow) -> LineChange {
    LineChange {
        line_no: row.1,
        unit: row.2.clone(),
        before: LineValues { description: row.3.clone(), quantity: row.4, unit_price_minor: row.5, vat_rate_bp: row.6 },
        after: LineValues { description: row.7.clone(), quantity: row.8, unit_price_minor: row.9, vat_rate_bp: row.10 },
    }
}

/// A request row with its invoice, people and corrective invoice.
#[derive(sqlx::FromRow)]
struct DetailRow {
    invoice_id: String,
    invoice_number: String,
    currency: String,
    status: String,
    reason: String,
    explanation: String,
    submitted_at: i64,
    decide_by: String,
    submitted_by: Option<String>,
    reviewer: Option<String>,
    review_started_at: Option<i64>,
    decided_by: Option<String>,
    decided_at: Option<i64>,
    decision_note: Option<String>,
    corrective_id: Option<String>,
    corrective_number: Option<String>,
    buyer_name: String,
    buyer_address: String,
    buyer_tax_id: Option<String>,
    name_after: Option<String>,
    address_after: Option<String>,
    tax_id_after: Option<String>,
    account_name: String,
}

/// One request; `NotFound` for any id outside the scope (another account's, a made-up one).
pub async fn detail(db: &Db, scope: Scope<'_>, correction_id: &str) -> Result<CorrectionView, AppError> {
    if !looks_like_id(correction_id) {
        return Err(AppError::NotFound);
    }
    let row: DetailRow = sqlx::query_as(
        "SELECT r.invoice_id, i.invoice_number, i.currency, r.status, r.reason, r.explanation, r.submitted_at,
                r.decide_by, m.full_name AS submitted_by, rv.full_name AS reviewer, r.review_started_at,
                dc.full_name AS decided_by, r.decided_at, r.decision_note, r.corrective_invoice_id AS corrective_id,
                k.invoice_number AS corrective_number, i.buyer_name, i.buyer_address, i.buyer_tax_id,
                r.buyer_name_after AS name_after, r.buyer_address_after AS address_after,
                r.buyer_tax_id_after AS tax_id_after, a.name AS account_name
         FROM correction_requests r
         JOIN invoices i ON i.invoice_id = r.invoice_id
         JOIN customer_accounts a ON a.account_id = r.account_id
         LEFT JOIN members m ON m.member_id = r.member_id
         LEFT JOIN staff_users rv ON rv.staff_id = r.reviewer_id
         LEFT JOIN staff_users dc ON dc.staff_id = r.decided_by
         LEFT JOIN invoices k ON k.invoice_id = r.corrective_invoice_id
         WHERE r.correction_id = $1 AND ($2 IS NULL OR r.account_id = $2)",
    )
    .bind(correction_id)
    .bind(scope.account())
    .fetch_optional(&db.pool)
    .await
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    let lines: Vec<(
        i64,
        String,
        String,
        i64,
        i64,
        i64,
        String,
        i64,
        i64,
        i64,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    )> = sqlx::query_as(
        "SELECT line_no, unit, description_before, quantity_before, unit_price_before, vat_rate_before,
                    description_asked, quantity_asked, unit_price_asked, vat_rate_asked,
                    description_after, quantity_after, unit_price_after, vat_rate_after
             FROM correction_lines WHERE correction_id = $1 ORDER BY line_no",
    )
    .bind(correction_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    let attachments: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT attachment_id, file_name, size_bytes FROM correction_attachments
         WHERE correction_id = $1 ORDER BY created_at, attachment_id",
    )
    .bind(correction_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    let DetailRow {
        invoice_id,
        invoice_number,
        currency,
        status,
        reason,
        explanation,
        submitted_at,
        decide_by,
        submitted_by,
        reviewer,
        review_started_at,
        decided_by,
        decided_at,
        decision_note,
        corrective_id,
        corrective_number,
        buyer_name,
        buyer_address,
        buyer_tax_id,
        name_after,
        address_after,
        tax_id_after,
        account_name,
    } = row;
    let buyer_asked = [("buyer_name", name_after), ("buyer_address", address_after), ("buyer_tax_id", tax_id_after)]
        .into_iter()
        .filter_map(|(field, value)| value.map(|v| (field.to_string(), v)))
        .collect();
    Ok(CorrectionView {
        correction_id: correction_id.to_string(),
        invoice_id,
        invoice_number,
        currency,
        status: CorrectionStatus::parse(&status).unwrap_or(CorrectionStatus::Submitted),
        reason: CorrectionReason::parse(&reason).unwrap_or(CorrectionReason::Other),
        explanation,
        submitted_at,
        decide_by,
        submitted_by,
        reviewer,
        review_started_at,
        decided_by,
        decided_at,
        decision_note,
        corrective: corrective_id.zip(corrective_number),
        lines: lines
            .into_iter()
            .map(|(line_no, unit, d0, q0, p0, v0, d1, q1, p1, v1, d2, q2, p2, v2)| CorrectionLineView {
                line_no,
                unit,
                before: LineValues { description: d0, quantity: q0, unit_price_minor: p0, vat_rate_bp: v0 },
                asked: LineValues { description: d1, quantity: q1, unit_price_minor: p1, vat_rate_bp: v1 },
                after: match (d2, q2, p2, v2) {
                    (Some(description), Some(quantity), Some(unit_price_minor), Some(vat_rate_bp)) => {
                        Some(LineValues { description, quantity, unit_price_minor, vat_rate_bp })
                    }
                    _ => None,
                },
            })
            .collect(),
        buyer_before: BuyerData { name: buyer_name, address: buyer_address, tax_id: buyer_tax_id },
        buyer_asked,
        attachments: attachments
            .into_iter()
            .map(|(attachment_id, file_name, size_bytes)| AttachmentView { attachment_id, file_name, size_bytes })
            .collect(),
        account_name,
    })
}

/// The requests of one invoice, and the corrective invoices issued for it: (id, number).
pub async fn of_invoice(
    db: &Db,
    account_id: &str,
    invoice_id: &str,
) -> Result<(Vec<(String, CorrectionStatus, i64)>, Vec<(String, String)>), AppError> {
    let requests: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT correction_id, status, submitted_at FROM correction_requests
         WHERE invoice_id = $1 AND account_id = $2 ORDER BY submitted_at DESC",
    )
    .bind(invoice_id)
    .bind(account_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    let correctives: Vec<(String, String)> = sqlx::query_as(
        "SELECT invoice_id, invoice_number FROM invoices
         WHERE corrects_invoice_id = $1 AND account_id = $2 ORDER BY issue_date, invoice_id",
    )
    .bind(invoice_id)
    .bind(account_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok((
        requests
            .into_iter()
            .map(|(id, status, at)| (id, CorrectionStatus::parse(&status).unwrap_or(CorrectionStatus::Submitted), at))
            .collect(),
        correctives,
    ))
}

/// A staff member takes a submitted request into review (the page's "Start review" form; opening
/// the page changes nothing). Audited; a request already in review or decided stays as it is.
pub async fn start_review(db: &Db, staff_id: &str, correction_id: &str) -> Result<(), AppError> {
    if !looks_like_id(correction_id) {
        return Err(AppError::NotFound);
    }
    let mut tx = db.begin_write().await.map_err(db_error)?;
    let started = sqlx::query(
        "UPDATE correction_requests SET status = 'in_review', reviewer_id = $1, review_started_at = $2
         WHERE correction_id = $3 AND status = 'submitted'",
    )
    .bind(staff_id)
    .bind(now_ms())
    .bind(correction_id)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    if started.rows_affected() == 1 {
        audit::record(
            &mut *tx,
            AuditEntry {
                actor_kind: "staff",
                actor_id: Some(staff_id),
                action: "correction.review_started",
                subject_kind: Some("correction"),
                subject_id: Some(correction_id),
                ..Default::default()
            },
        )
        .await
        .map_err(db_error)?;
    }
    tx.commit().await.map_err(db_error)?;
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

/// Why a decision was not taken.
#[derive(Debug)]
pub enum DecisionRefusal {
    /// Field problems (a note missing, a value bad).
    Fields(Vec<(String, &'static str)>),
    /// Someone decided it already.
    AlreadyDecided,
    Failed(AppError),
}

impl From<AppError> for DecisionRefusal {
    fn from(error: AppError) -> Self {
        DecisionRefusal::Failed(error)
    }
}

/// What a decision made.
pub struct Decided {
    pub status: CorrectionStatus,
    pub corrective: Option<(String, String)>,
    pub account_id: String,
    pub member_id: Option<String>,
    pub invoice_number: String,
}

/// The seller's series for corrective invoices.
pub const CORRECTIVE_SERIES: &str = "KOR";

/// Records a decision once. An acceptance issues the corrective invoice (own number series,
/// lines and totals as the difference it makes, buyer data as corrected); every decision is
/// audited and mailed to the member who asked, all in one transaction.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    db: &Db,
    staff_id: &str,
    view: &CorrectionView,
    decision: Decision,
    decided_lines: Option<Vec<LineChange>>,
    note: &str,
    mail: &(dyn Fn(&Decided) -> Option<crate::mail::Mail> + Sync),
    mail_domain: &str,
) -> Result<Decided, DecisionRefusal> {
    let correction_id = view.correction_id.as_str();
    if !view.status.is_open() {
        return Err(DecisionRefusal::AlreadyDecided);
    }
    let note = note.trim();
    let mut problems = Vec::new();
    if decision != Decision::Accept && note.is_empty() {
        problems.push(("note".to_string(), "required"));
    }
    if note.chars().count() > super::domain::MAX_EXPLANATION {
        problems.push(("note".to_string(), "too_long"));
    }
    let asked: Vec<LineChange> = view.lines.iter().map(|l| l.asked_change()).collect();
    let lines = match decision {
        Decision::Reject => Vec::new(),
        Decision::Accept => asked.clone(),
        Decision::PartlyAccept => decided_lines.unwrap_or_default(),
    };
    if decision == Decision::PartlyAccept && lines == asked {
        problems.push(("decision".to_string(), "partly_same_as_asked"));
    }
    if !problems.is_empty() {
        return Err(DecisionRefusal::Fields(problems));
    }
    let (account_id, member_id, invoice_number): (String, Option<String>, String) = sqlx::query_as(
        "SELECT r.account_id, r.member_id, i.invoice_number FROM correction_requests r
         JOIN invoices i ON i.invoice_id = r.invoice_id WHERE r.correction_id = $1",
    )
    .bind(correction_id)
    .fetch_one(&db.pool)
    .await
    .map_err(db_error)?;
    let status = decision.status();
    let now = now_ms();
    let buyer_change = BuyerChange {
        name: view.buyer_asked.iter().find(|(f, _)| f == "buyer_name").map(|(_, v)| v.clone()),
        address: view.buyer_asked.iter().find(|(f, _)| f == "buyer_address").map(|(_, v)| v.clone()),
        tax_id: view.buyer_asked.iter().find(|(f, _)| f == "buyer_tax_id").map(|(_, v)| v.clone()),
    };
    let issues_invoice = decision != Decision::Reject && (!lines.is_empty() || !buyer_change.is_empty());
    let result: Result<Option<(String, String)>, sqlx::Error> = async {
        let mut tx = db.begin_write().await?;
        // Only an open request changes: a second decision (another tab, another agent) finds none.
        let changed = sqlx::query(
            "UPDATE correction_requests SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4,
                    reviewer_id = coalesce(reviewer_id, $2), review_started_at = coalesce(review_started_at, $3)
             WHERE correction_id = $5 AND status IN ('submitted', 'in_review')",
        )
        .bind(status.as_str())
        .bind(staff_id)
        .bind(now)
        .bind((!note.is_empty()).then_some(note))
        .bind(correction_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(sqlx::Error::RowNotFound);
        }
        for line in &lines {
            sqlx::query(
                "UPDATE correction_lines SET description_after = $1, quantity_after = $2, unit_price_after = $3,
                        vat_rate_after = $4 WHERE correction_id = $5 AND line_no = $6",
            )
            .bind(&line.after.description)
            .bind(line.after.quantity)
            .bind(line.after.unit_price_minor)
            .bind(line.after.vat_rate_bp)
            .bind(correction_id)
            .bind(line.line_no)
            .execute(&mut *tx)
            .await?;
        }
        let corrective = if issues_invoice {
            let buyer = buyer_change.applied_to(&view.buyer_before);
            Some(issue_corrective(&mut tx, view, &lines, &buyer, now).await?)
        } else {
            None
        };
        if let Some((invoice_id, _)) = &corrective {
            sqlx::query("UPDATE correction_requests SET corrective_invoice_id = $1 WHERE correction_id = $2")
                .bind(invoice_id)
                .bind(correction_id)
                .execute(&mut *tx)
                .await?;
        }
        audit::record(
            &mut *tx,
            AuditEntry {
                actor_kind: "staff",
                actor_id: Some(staff_id),
                action: match decision {
                    Decision::Accept => "correction.accepted",
                    Decision::PartlyAccept => "correction.partly_accepted",
                    Decision::Reject => "correction.rejected",
                },
                subject_kind: Some("correction"),
                subject_id: Some(correction_id),
                account_id: Some(&account_id),
                detail: serde_json::json!({
                    "invoice": view.invoice_id,
                    "corrective_invoice": corrective.as_ref().map(|(id, _)| id),
                    "gross_difference": total_difference(&lines).gross_minor,
                    "lines": lines.iter().map(|l| l.line_no).collect::<Vec<_>>(),
                }),
                ..Default::default()
            },
        )
        .await?;
        let decided = Decided {
            status,
            corrective: corrective.clone(),
            account_id: account_id.clone(),
            member_id: member_id.clone(),
            invoice_number: invoice_number.clone(),
        };
        if let Some(mail) = mail(&decided) {
            crate::mail::enqueue(&mut tx, &mail, mail_domain).await?;
        }
        tx.commit().await?;
        Ok(corrective)
    }
    .await;
    match result {
        Ok(corrective) => Ok(Decided { status, corrective, account_id, member_id, invoice_number }),
        Err(sqlx::Error::RowNotFound) => Err(DecisionRefusal::AlreadyDecided),
        Err(error) => Err(DecisionRefusal::Failed(db_error(error))),
    }
}

/// The next number of a series in a month: `KOR/2026/11/000001`. The counter row is locked by
/// the write, so two decisions at once get two numbers.
async fn next_number(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    series: &str,
    date: &str,
) -> Result<String, sqlx::Error> {
    let period = &date[..7];
    let (last,): (i64,) = sqlx::query_as(
        "INSERT INTO number_series (series, period, last_number) VALUES ($1, $2, 1)
         ON CONFLICT (series, period) DO UPDATE SET last_number = number_series.last_number + 1
         RETURNING last_number",
    )
    .bind(series)
    .bind(period)
    .fetch_one(&mut **tx)
    .await?;
    Ok(format!("{series}/{}/{:06}", period.replace('-', "/"), last))
}

/// Payment terms of a corrective invoice that asks for more money.
const CORRECTIVE_PAYMENT_DAYS: i64 = 14;

async fn issue_corrective(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    view: &CorrectionView,
    lines: &[LineChange],
    buyer: &BuyerData,
    now: i64,
) -> Result<(String, String), sqlx::Error> {
    let (account_id, sale_date, order_id): (String, String, Option<String>) =
        sqlx::query_as("SELECT account_id, sale_date, order_id FROM invoices WHERE invoice_id = $1")
            .bind(&view.invoice_id)
            .fetch_one(&mut **tx)
            .await?;
    let today = utc_date(now);
    let number = next_number(tx, CORRECTIVE_SERIES, &today).await?;
    let invoice_id = new_id();
    let total = total_difference(lines);
    sqlx::query(
        "INSERT INTO invoices (invoice_id, account_id, invoice_number, order_id, issue_date, sale_date, due_date,
                               status, currency, net_minor, vat_minor, gross_minor, paid_minor, buyer_name,
                               buyer_tax_id, buyer_address, created_at, kind, corrects_invoice_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, $14, $15, $16, 'corrective', $17)",
    )
    .bind(&invoice_id)
    .bind(&account_id)
    .bind(&number)
    .bind(order_id)
    .bind(&today)
    .bind(&sale_date)
    .bind(utc_date(now + CORRECTIVE_PAYMENT_DAYS * 86_400_000))
    // Nothing to settle when nothing changes in money (buyer data only).
    .bind(if total.gross_minor == 0 { "paid" } else { "unpaid" })
    .bind(&view.currency)
    .bind(total.net_minor)
    .bind(total.vat_minor)
    .bind(total.gross_minor)
    .bind(&buyer.name)
    .bind(&buyer.tax_id)
    .bind(&buyer.address)
    .bind(now)
    .bind(&view.invoice_id)
    .execute(&mut **tx)
    .await?;
    // The corrective invoice's own lines are the differences it makes, so its totals, the VAT
    // table and the balance add up like any invoice's; before and after stay on the request.
    for change in lines {
        let difference = change.difference();
        sqlx::query(
            "INSERT INTO invoice_lines (invoice_line_id, invoice_id, line_no, description, quantity, unit,
                                        unit_price_minor, vat_rate_bp, net_minor, vat_minor, gross_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(new_id())
        .bind(&invoice_id)
        .bind(change.line_no)
        .bind(&change.after.description)
        .bind(change.after.quantity - change.before.quantity)
        .bind(&change.unit)
        .bind(change.after.unit_price_minor)
        .bind(change.after.vat_rate_bp)
        .bind(difference.net_minor)
        .bind(difference.vat_minor)
        .bind(difference.gross_minor)
        .execute(&mut **tx)
        .await?;
    }
    Ok((invoice_id, number))
}

/// Everything a corrective invoice states beyond an invoice's own fields: the original, the
/// reason and type, and each corrected line before and after.
#[derive(Debug, Clone)]
pub struct CorrectiveFacts {
    pub original_id: String,
    pub original_number: String,
    pub original_issue_date: String,
    pub original_ksef: Option<String>,
    pub reason: CorrectionReason,
    pub explanation: String,
    pub decision_note: Option<String>,
    pub lines: Vec<LineChange>,
    pub buyer_before: BuyerData,
}

/// The facts of a corrective invoice of the account; `None` for a regular invoice.
pub async fn corrective_facts(
    db: &Db,
    account_id: &str,
    invoice_id: &str,
) -> Result<Option<CorrectiveFacts>, AppError> {
    let row: Option<(
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        Option<String>,
        String,
        String,
        Option<String>,
    )> = sqlx::query_as(
        "SELECT o.invoice_id, o.invoice_number, o.issue_date, o.ksef_number, r.reason, r.explanation,
                    r.decision_note, o.buyer_name, o.buyer_address, o.buyer_tax_id
             FROM invoices k
             JOIN invoices o ON o.invoice_id = k.corrects_invoice_id
             JOIN correction_requests r ON r.corrective_invoice_id = k.invoice_id
             WHERE k.invoice_id = $1 AND k.account_id = $2 AND k.kind = 'corrective'",
    )
    .bind(invoice_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await
    .map_err(db_error)?;
    let Some((original_id, number, issue_date, ksef, reason, explanation, note, name, address, tax_id)) = row else {
        return Ok(None);
    };
    let lines: Vec<(i64, String, String, i64, i64, i64, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT l.line_no, l.unit, l.description_before, l.quantity_before, l.unit_price_before, l.vat_rate_before,
                l.description_after, l.quantity_after, l.unit_price_after, l.vat_rate_after
         FROM correction_lines l JOIN correction_requests r ON r.correction_id = l.correction_id
         WHERE r.corrective_invoice_id = $1 AND l.quantity_after IS NOT NULL ORDER BY l.line_no",
    )
    .bind(invoice_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(Some(CorrectiveFacts {
        original_id,
        original_number: number,
        original_issue_date: issue_date,
        original_ksef: ksef,
        reason: CorrectionReason::parse(&reason).unwrap_or(CorrectionReason::Other),
        explanation,
        decision_note: note,
        lines: lines
            .into_iter()
            .map(|(line_no, unit, d0, q0, p0, v0, d1, q1, p1, v1)| LineChange {
                line_no,
                unit,
                before: LineValues { description: d0, quantity: q0, unit_price_minor: p0, vat_rate_bp: v0 },
                after: LineValues { description: d1, quantity: q1, unit_price_minor: p1, vat_rate_bp: v1 },
            })
            .collect(),
        buyer_before: BuyerData { name, address, tax_id },
    }))
}
