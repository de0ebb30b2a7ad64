//! Staff work: taking a request into review and deciding it, which may issue a corrective invoice.
use super::*;

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

/// The refusal of a decision on a request someone decided already.
fn already_decided() -> Rejection {
    Rejection::Alert { code: "already_decided", status: axum::http::StatusCode::CONFLICT }
}

/// Who asked for a correction, to tell them of the decision in their language: (e-mail,
/// language), or none when they left (a disabled member gets no mail) or cannot be read now.
pub async fn requester(db: &Db, correction_id: &str) -> Option<(String, String)> {
    sqlx::query_as(
        "SELECT m.email, m.preferred_language FROM correction_requests r JOIN members m ON m.member_id = r.member_id
         WHERE r.correction_id = $1 AND m.disabled_at IS NULL",
    )
    .bind(correction_id)
    .fetch_optional(&db.pool)
    .await
    .unwrap_or_else(|error| {
        tracing::warn!(%error, "cannot read who asked for a correction; no e-mail goes out");
        None
    })
}

/// What a decision made.
pub struct Decided {
    pub status: CorrectionStatus,
    pub corrective: Option<(String, String)>,
    pub account_id: String,
    pub member_id: Option<String>,
    pub invoice_number: String,
}

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
) -> Result<Decided, Rejection> {
    let correction_id = view.correction_id.as_str();
    if !view.status.is_open() {
        return Err(already_decided());
    }
    let note = note.trim();
    let mut problems = Vec::new();
    if decision != Decision::Accept && note.is_empty() {
        problems.push(("note".to_string(), "required"));
    }
    if note.chars().count() > crate::corrections::domain::MAX_EXPLANATION {
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
        return Err(Rejection::Fields(problems));
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
            Some(issue_corrective(&mut tx, &view.invoice_id, &view.currency, &lines, &buyer, now).await?)
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
        Err(sqlx::Error::RowNotFound) => Err(already_decided()),
        Err(error) => Err(Rejection::Failed(db_error(error))),
    }
}
