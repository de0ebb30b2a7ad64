//! The account overview's figures.
use super::*;

/// The account overview's figures: money owed (and overdue) on open invoices, reorders waiting for
/// staff and correction requests still open.
pub struct Overview {
    pub currency: String,
    pub due: i64,
    pub overdue: i64,
    pub oldest: Option<String>,
    pub open: i64,
    pub overdue_count: i64,
    pub requested: i64,
    pub open_corrections: i64,
}

pub async fn overview(db: &Db, account_id: &str, today: &str) -> Result<Overview, AppError> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL; the casts keep one integer type on both.
    let (currency, due, overdue, oldest, open, overdue_count): (String, i64, i64, Option<String>, i64, i64) =
        sqlx::query_as(
            "SELECT a.currency,
                    CAST(COALESCE(SUM(i.gross_minor - i.paid_minor), 0) AS BIGINT),
                    CAST(COALESCE(SUM(CASE WHEN i.due_date < $2 THEN i.gross_minor - i.paid_minor ELSE 0 END), 0) AS BIGINT),
                    MIN(i.due_date),
                    COUNT(i.invoice_id),
                    CAST(COALESCE(SUM(CASE WHEN i.due_date < $2 THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM customer_accounts a
             LEFT JOIN invoices i ON i.account_id = a.account_id AND i.status IN ('unpaid', 'partly_paid')
             WHERE a.account_id = $1
             GROUP BY a.currency",
        )
        .bind(account_id)
        .bind(today)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_error)?
        .ok_or(AppError::NotFound)?;
    let (requested,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM orders WHERE account_id = $1 AND status = 'requested'")
            .bind(account_id)
            .fetch_one(&db.pool)
            .await
            .map_err(db_error)?;
    let (open_corrections,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM correction_requests WHERE account_id = $1 AND status IN ('submitted', 'in_review')",
    )
    .bind(account_id)
    .fetch_one(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(Overview { currency, due, overdue, oldest, open, overdue_count, requested, open_corrections })
}
