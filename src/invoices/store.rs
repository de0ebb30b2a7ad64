//! The invoices' SQL. Every statement names the account it reads for.
use super::api::{CorrectsView, InvoiceDetailView, InvoiceLineView, InvoicePage, InvoiceRow, PaymentView};
use super::corrective::{total_difference, BuyerData, CorrectionReason, CorrectionStatus, LineChange, LineValues};
use super::domain::{InvoiceParams, InvoiceQuery, InvoiceState};
use super::pdf::{PrintedInvoice, PrintedLine};
use crate::db::db_error;
use crate::db::ids::new_id;
use crate::db::json_rows::JsonRows;
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::kernel::cursor::{looks_like_id, Cursor};
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
    let invoice = printed_invoice(db, account_id, invoice_id).await?;
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
    let (corrections, correctives) = corrections_of(db, account_id, invoice_id).await?;
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

// --- An invoice as printed --------------------------------------------------------------------

/// An invoice row as stored, with the number of the order it bills.
#[derive(sqlx::FromRow)]
struct PrintedRow {
    invoice_number: String,
    issue_date: String,
    sale_date: String,
    due_date: String,
    currency: String,
    net_minor: i64,
    vat_minor: i64,
    gross_minor: i64,
    paid_minor: i64,
    ksef_number: Option<String>,
    buyer_name: String,
    buyer_tax_id: Option<String>,
    buyer_address: String,
    order_number: Option<String>,
    order_id: Option<String>,
    status: String,
    kind: String,
}

/// One of the account's invoices; `NotFound` for any other id, all alike.
pub async fn printed_invoice(db: &Db, account_id: &str, invoice_id: &str) -> Result<PrintedInvoice, AppError> {
    if !looks_like_id(invoice_id) {
        return Err(AppError::NotFound);
    }
    let row: PrintedRow = sqlx::query_as(
        "SELECT i.invoice_number, i.issue_date, i.sale_date, i.due_date, i.currency, i.net_minor, i.vat_minor,
                i.gross_minor, i.paid_minor, i.ksef_number, i.buyer_name, i.buyer_tax_id, i.buyer_address,
                o.order_number, o.order_id, i.status, i.kind
         FROM invoices i LEFT JOIN orders o ON o.order_id = i.order_id
         WHERE i.invoice_id = $1 AND i.account_id = $2",
    )
    .bind(invoice_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    let lines: Vec<(String, i64, String, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT description, quantity, unit, unit_price_minor, vat_rate_bp, net_minor, vat_minor, gross_minor
         FROM invoice_lines WHERE invoice_id = $1 ORDER BY line_no",
    )
    .bind(invoice_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    let correction = if row.kind == "corrective" { corrective_facts(db, account_id, invoice_id).await? } else { None };
    Ok(PrintedInvoice {
        correction,
        number: row.invoice_number,
        issue_date: row.issue_date,
        sale_date: row.sale_date,
        due_date: row.due_date,
        currency: row.currency,
        net_minor: row.net_minor,
        vat_minor: row.vat_minor,
        gross_minor: row.gross_minor,
        paid_minor: row.paid_minor,
        ksef_number: row.ksef_number,
        buyer_name: row.buyer_name,
        buyer_tax_id: row.buyer_tax_id,
        buyer_address: row.buyer_address,
        order_number: row.order_number,
        order_id: row.order_id,
        status: row.status,
        lines: lines
            .into_iter()
            .map(|(description, quantity, unit, unit_price_minor, vat_rate_bp, net_minor, vat_minor, gross_minor)| {
                PrintedLine {
                    description,
                    quantity,
                    unit,
                    unit_price_minor,
                    vat_rate_bp,
                    net_minor,
                    vat_minor,
                    gross_minor,
                }
            })
            .collect(),
    })
}

// --- Corrective invoices ------------------------------------------------------------------------

/// The seller's series for corrective invoices.
pub const CORRECTIVE_SERIES: &str = "KOR";

/// The requests of one invoice, and the corrective invoices issued for it: (id, number).
pub async fn corrections_of(
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

/// Issues the corrective invoice of `original_id` with the changed lines (each line's own amounts
/// are its difference) and the buyer data after the correction, inside the deciding transaction.
/// Returns its id and number.
pub async fn issue_corrective(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    original_id: &str,
    currency: &str,
    lines: &[LineChange],
    buyer: &BuyerData,
    now: i64,
) -> Result<(String, String), sqlx::Error> {
    let (account_id, sale_date, order_id): (String, String, Option<String>) =
        sqlx::query_as("SELECT account_id, sale_date, order_id FROM invoices WHERE invoice_id = $1")
            .bind(original_id)
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
    .bind(currency)
    .bind(total.net_minor)
    .bind(total.vat_minor)
    .bind(total.gross_minor)
    .bind(&buyer.name)
    .bind(&buyer.tax_id)
    .bind(&buyer.address)
    .bind(now)
    .bind(original_id)
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
