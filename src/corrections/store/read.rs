//! Reading requests: lists and one request in full, for the customer's account or for staff.
use super::*;

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
