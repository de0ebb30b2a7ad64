//! The statement of account: invoices and payments over a period.
use super::*;

/// The longest period one statement covers.
pub const STATEMENT_MAX_DAYS: i64 = 366;

/// The statement of an account over a period (by default from the first of January to today).
pub async fn statement(db: &Db, account_id: &str, params: &StatementParams) -> Result<StatementView, AppError> {
    use crate::kernel::dates::Date;
    let today = crate::ui::format::utc_date(now_ms());
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut date = |field: &str, raw: &str, default: String| match raw.trim() {
        "" => Date::parse(&default),
        raw => Date::parse(raw).or_else(|| {
            problems.push((field.to_string(), "date_invalid".to_string()));
            None
        }),
    };
    let from = date("from", &params.from, format!("{}-01-01", &today[..4]));
    let to = date("to", &params.to, today.clone());
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            problems.push(("to".into(), "date_before_start".into()));
        } else if to.days_since_epoch() - from.days_since_epoch() >= STATEMENT_MAX_DAYS {
            problems.push(("to".into(), "period_too_long".into()));
        }
    }
    let (currency,): (String,) = sqlx::query_as("SELECT currency FROM customer_accounts WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let (Some(from), Some(to)) = (from, to) else {
        return Ok(empty_statement(params, currency, problems));
    };
    if !problems.is_empty() {
        return Ok(empty_statement(params, currency, problems));
    }
    let (from, to) = (from.to_iso(), to.to_iso());
    // SUM of a BIGINT is NUMERIC on PostgreSQL; the casts keep one integer type on both.
    let (invoiced, paid): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE((SELECT SUM(gross_minor) FROM invoices
                               WHERE account_id = $1 AND status <> 'cancelled' AND issue_date < $2), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(amount_minor) FROM payments WHERE account_id = $1 AND paid_on < $2), 0) AS BIGINT)",
    )
    .bind(account_id)
    .bind(&from)
    .fetch_one(&db.pool)
    .await
    .map_err(db_error)?;
    let rows: Vec<(String, String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT issue_date, CASE WHEN kind = 'corrective' THEN 'corrective' ELSE 'invoice' END, invoice_number, NULL,
                gross_minor FROM invoices
         WHERE account_id = $1 AND status <> 'cancelled' AND issue_date >= $2 AND issue_date <= $3
         UNION ALL
         SELECT p.paid_on, 'payment', p.reference, i.invoice_number, p.amount_minor
         FROM payments p JOIN invoices i ON i.invoice_id = p.invoice_id
         WHERE p.account_id = $1 AND p.paid_on >= $2 AND p.paid_on <= $3
         ORDER BY 1, 2, 3",
    )
    .bind(account_id)
    .bind(&from)
    .bind(&to)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    let opening = invoiced - paid;
    let mut balance = opening;
    let entries = rows
        .into_iter()
        .map(|(date, kind, document, for_invoice, amount)| {
            let kind = match kind.as_str() {
                "payment" => EntryKind::Payment,
                "corrective" => EntryKind::Corrective,
                _ => EntryKind::Invoice,
            };
            let (debit_minor, credit_minor) = match kind {
                EntryKind::Invoice => (amount, 0),
                EntryKind::Corrective if amount < 0 => (0, -amount),
                EntryKind::Corrective => (amount, 0),
                EntryKind::Payment => (0, amount),
            };
            balance += debit_minor - credit_minor;
            StatementEntry { date, kind, document, for_invoice, debit_minor, credit_minor, balance_minor: balance }
        })
        .collect();
    Ok(StatementView { from, to, currency, opening_minor: opening, closing_minor: balance, entries, problems })
}

fn empty_statement(params: &StatementParams, currency: String, problems: Vec<(String, String)>) -> StatementView {
    StatementView {
        from: params.from.clone(),
        to: params.to.clone(),
        currency,
        opening_minor: 0,
        closing_minor: 0,
        entries: Vec::new(),
        problems,
    }
}
