//! The invoices' SQL. Every statement names the account it reads for.
use super::api::{CorrectsView, InvoiceDetailView, InvoiceLineView, InvoicePage, InvoiceRow, PaymentView};
use super::domain::{InvoiceParams, InvoiceQuery, InvoiceState};
use crate::auth::sessions::db_error;
use crate::db::json_rows::JsonRows;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::kernel::cursor::Cursor;
use crate::ui::format::utc_date;
use sqlx::any::AnyArguments;
use sqlx::Arguments;

pub const PAGE_SIZE: usize = 25;

type Row = (String, String, String, String, String, String, i64, i64);

/// The list's columns, in the order of `Row`'s fields.
const LIST_RESULT: &[&str] =
    &["invoice_id", "invoice_number", "issue_date", "due_date", "status", "currency", "gross_minor", "paid_minor"];

/// One page of an account's invoices, newest first, through the (account, issue date, id) index.
pub async fn list(db: &Db, account_id: &str, params: &InvoiceParams) -> Result<InvoicePage, AppError> {
    let query = match InvoiceQuery::parse(params) {
        Ok(query) => query,
        Err(problems) => {
            return Ok(InvoicePage {
                rows: Vec::new(),
                next: None,
                problems: problems.into_iter().map(|(f, r)| (f.to_string(), r.to_string())).collect(),
            })
        }
    };
    let today = utc_date(now_ms());
    let mut sql = String::from(
        "SELECT invoice_id, invoice_number, issue_date, due_date, status, currency, gross_minor, paid_minor
         FROM invoices WHERE account_id = $1",
    );
    let mut args = AnyArguments::default();
    let mut texts: Vec<String> = vec![account_id.to_string()];
    let mut clause = |sql: &mut String, template: &str, value: String| {
        texts.push(value);
        sql.push_str(&template.replace("$?", &format!("${}", texts.len())));
    };
    if let Some(number) = &query.number {
        let mut pattern = String::from("%");
        for c in number.chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        clause(&mut sql, " AND invoice_number LIKE $? ESCAPE '\\'", pattern);
    }
    match query.state {
        None => {}
        Some(InvoiceState::Overdue) => {
            clause(&mut sql, " AND status IN ('unpaid', 'partly_paid') AND due_date < $?", today.clone())
        }
        Some(InvoiceState::Unpaid) => sql.push_str(" AND status = 'unpaid'"),
        Some(InvoiceState::PartlyPaid) => sql.push_str(" AND status = 'partly_paid'"),
        Some(InvoiceState::Paid) => sql.push_str(" AND status = 'paid'"),
        Some(InvoiceState::Cancelled) => sql.push_str(" AND status = 'cancelled'"),
    }
    if let Some(from) = query.from {
        clause(&mut sql, " AND issue_date >= $?", from.to_iso());
    }
    if let Some(to) = query.to {
        clause(&mut sql, " AND issue_date <= $?", to.to_iso());
    }
    if let Some(after) = &query.after {
        clause(&mut sql, " AND (issue_date, invoice_id) < ($?", utc_date(after.key * 86_400_000));
        clause(&mut sql, ", $?)", after.id.clone());
    }
    sql.push_str(&format!(" ORDER BY issue_date DESC, invoice_id DESC LIMIT {}", PAGE_SIZE + 1));
    for text in texts {
        if let Err(error) = args.add(text) {
            tracing::error!(%error, "cannot bind an invoice filter");
        }
    }
    // One JSON value rather than 26 rows through sqlx, as the order history does (see `db::json_rows`).
    let newest_first = |a: &Row, b: &Row| (&b.2, &b.0).cmp(&(&a.2, &a.0));
    let rows: Vec<Row> =
        JsonRows { query: &sql, columns: LIST_RESULT }.fetch(db, args, newest_first).await.map_err(db_error)?;
    let more = rows.len() > PAGE_SIZE;
    let rows: Vec<InvoiceRow> = rows
        .into_iter()
        .take(PAGE_SIZE)
        .map(|(invoice_id, invoice_number, issue_date, due_date, status, currency, gross, paid)| InvoiceRow {
            state: InvoiceState::of(&status, &due_date, &today),
            invoice_id,
            invoice_number,
            issue_date,
            due_date,
            currency,
            gross_minor: gross,
            due_minor: if status == "cancelled" { 0 } else { gross - paid },
        })
        .collect();
    let next = more.then(|| rows.last()).flatten().and_then(|last| {
        let key = crate::kernel::dates::Date::parse(&last.issue_date)?.days_since_epoch();
        Some(Cursor { key, id: last.invoice_id.clone() }.encode())
    });
    Ok(InvoicePage { rows, next, problems: Vec::new() })
}

/// One of the account's invoices with its lines, VAT per rate and payments; `NotFound` for any
/// other id (another account's, a made-up one), all alike.
pub async fn detail(db: &Db, account_id: &str, invoice_id: &str) -> Result<InvoiceDetailView, AppError> {
    let invoice = super::pdf::load(db, account_id, invoice_id).await?;
    let payments: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT paid_on, reference, amount_minor FROM payments
         WHERE invoice_id = $1 AND account_id = $2 ORDER BY paid_on, payment_id",
    )
    .bind(invoice_id)
    .bind(account_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    let today = utc_date(now_ms());
    let (corrections, correctives) = crate::corrections::store::of_invoice(db, account_id, invoice_id).await?;
    Ok(InvoiceDetailView {
        correctable: invoice.correction.is_none() && invoice.status != "cancelled",
        corrects: invoice.correction.clone().map(|facts| CorrectsView {
            original_id: facts.original_id,
            original_number: facts.original_number,
            original_issue_date: facts.original_issue_date,
            original_ksef: facts.original_ksef,
            reason: facts.reason,
            explanation: facts.explanation,
            changes: facts.lines,
        }),
        corrections,
        correctives,
        invoice_id: invoice_id.to_string(),
        state: InvoiceState::of(&invoice.status, &invoice.due_date, &today),
        vat: crate::kernel::money::VatRow::group(
            invoice.lines.iter().map(|l| (l.vat_rate_bp, l.net_minor, l.vat_minor, l.gross_minor)),
        ),
        lines: invoice
            .lines
            .into_iter()
            .map(|l| InvoiceLineView {
                description: l.description,
                quantity: l.quantity,
                unit: l.unit,
                unit_price_minor: l.unit_price_minor,
                vat_rate_bp: l.vat_rate_bp,
                net_minor: l.net_minor,
                vat_minor: l.vat_minor,
                gross_minor: l.gross_minor,
            })
            .collect(),
        payments: payments
            .into_iter()
            .map(|(paid_on, reference, amount_minor)| PaymentView { paid_on, reference, amount_minor })
            .collect(),
        order: invoice.order_id.zip(invoice.order_number),
        invoice_number: invoice.number,
        issue_date: invoice.issue_date,
        sale_date: invoice.sale_date,
        due_date: invoice.due_date,
        currency: invoice.currency,
        net_minor: invoice.net_minor,
        vat_minor: invoice.vat_minor,
        gross_minor: invoice.gross_minor,
        paid_minor: invoice.paid_minor,
        ksef_number: invoice.ksef_number,
        buyer_name: invoice.buyer_name,
        buyer_tax_id: invoice.buyer_tax_id,
        buyer_address: invoice.buyer_address,
    })
}
