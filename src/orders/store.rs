//! The orders' SQL. Every statement names the account it reads for: deny by default.
use super::api::{
    AddressView, HistoryPage, OrderDetailView, OrderLineView, OrderRow, RelatedInvoice, ReorderDraft, ReorderLine,
    StatusEvent,
};
use super::domain::{HistoryParams, HistoryQuery, OrderSort, OrderStatus, Quantity};
use crate::db::db_error;
use crate::web::forms::Rejection;
use crate::db::json_rows::JsonRows;
use crate::db::{ids::new_id, now_ms, Db};
use crate::error::AppError;
use crate::kernel::cursor::{looks_like_id, Cursor};
use crate::kernel::money::VatRow;
use sqlx::any::AnyArguments;
use sqlx::Arguments;

/// Rows on one page of the history.
pub const PAGE_SIZE: usize = 25;

/// What the history search looks through: the order number and the lines' descriptions,
/// lower-cased here so both backends fold letters the same way (SQLite's lower() is ASCII only).
pub fn search_text<'a>(order_number: &str, descriptions: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = order_number.to_lowercase();
    for description in descriptions {
        text.push(' ');
        text.push_str(&description.to_lowercase());
    }
    text
}

/// The number customers quote: the year and the first ten characters of the order's random id
/// (50 bits: it reveals no count; a clash with an existing number is retried).
pub fn order_number(year: i32, order_id: &str) -> String {
    format!("ZAM/{year}/{}", order_id.get(..10).unwrap_or(order_id).to_ascii_uppercase())
}

/// `%`, `_` and the escape character itself match literally in a search.
fn like_pattern(search: &str) -> String {
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for c in search.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// (order id, number, status, placed at, gross, currency, first item, line count)
type HistoryRow = (String, String, String, i64, i64, String, String, i64);

/// One page of an account's history in one statement, through a keyset index.
pub async fn history(db: &Db, account_id: &str, params: &HistoryParams) -> Result<HistoryPage, AppError> {
    let query = match HistoryQuery::parse(params) {
        Ok(query) => query,
        Err(problems) => {
            return Ok(HistoryPage {
                rows: Vec::new(),
                next: None,
                problems: problems.into_iter().map(|(f, r)| (f.to_string(), r.to_string())).collect(),
            })
        }
    };
    let mut sql = format!("{HISTORY_COLUMNS} WHERE o.account_id = $1");
    let mut args = AnyArguments::default();
    let mut n = 0;
    let mut bind = |sql: &mut String, clause: &str, value: Bound| {
        n += 1;
        sql.push_str(&clause.replace("$?", &format!("${n}")));
        let added = match value {
            Bound::Text(text) => args.add(text),
            Bound::Int(int) => args.add(int),
        };
        if let Err(error) = added {
            tracing::error!(%error, "cannot bind a history filter");
        }
    };
    bind(&mut sql, "", Bound::Text(account_id.to_string()));
    if let Some(search) = &query.search {
        bind(&mut sql, " AND o.search_text LIKE $? ESCAPE '\\'", Bound::Text(like_pattern(search)));
    }
    if let Some(status) = query.status {
        bind(&mut sql, " AND o.status = $?", Bound::Text(status.as_str().to_string()));
    }
    if let Some(from) = query.from {
        bind(&mut sql, " AND o.placed_at >= $?", Bound::Int(from.start_ms()));
    }
    if let Some(to) = query.to {
        bind(&mut sql, " AND o.placed_at < $?", Bound::Int(to.start_ms() + 86_400_000));
    }
    let key = if query.sort.by_amount() { "gross_minor" } else { "placed_at" };
    let (direction, beyond) = if query.sort.ascending() { ("ASC", ">") } else { ("DESC", "<") };
    if let Some(after) = &query.after {
        // A row value comparison walks the index from the cursor on both backends.
        bind(&mut sql, &format!(" AND (o.{key}, o.order_id) {beyond} ($?"), Bound::Int(after.key));
        bind(&mut sql, ", $?)", Bound::Text(after.id.clone()));
    }
    sql.push_str(&format!(" ORDER BY o.{key} {direction}, o.order_id {direction} LIMIT {}", PAGE_SIZE + 1));
    // The account id was bound first, as $1, by the first call above (its clause is empty).
    let rows: Vec<HistoryRow> = history_rows(&sql).fetch(db, args, in_order(query.sort)).await.map_err(db_error)?;
    let more = rows.len() > PAGE_SIZE;
    let rows: Vec<OrderRow> = rows.into_iter().take(PAGE_SIZE).map(order_row).collect();
    let next = more.then(|| rows.last()).flatten().map(|last| {
        let key = if query.sort.by_amount() { last.gross_minor } else { last.placed_at };
        Cursor { key, id: last.order_id.clone() }.encode()
    });
    Ok(HistoryPage { rows, next, problems: Vec::new() })
}

fn order_row(row: HistoryRow) -> OrderRow {
    let (order_id, order_number, status, placed_at, gross_minor, currency, first_item, line_count) = row;
    OrderRow {
        order_id,
        order_number,
        status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Placed),
        placed_at,
        first_item,
        line_count,
        gross_minor,
        currency,
    }
}

/// The account's latest orders, newest first.
pub async fn recent(db: &Db, account_id: &str, limit: i64) -> Result<Vec<OrderRow>, AppError> {
    let sql =
        format!("{HISTORY_COLUMNS} WHERE o.account_id = $1 ORDER BY o.placed_at DESC, o.order_id DESC LIMIT {limit}");
    let mut args = AnyArguments::default();
    args.add(account_id).map_err(|error| db_error(sqlx::Error::Encode(error)))?;
    let rows: Vec<HistoryRow> =
        history_rows(&sql).fetch(db, args, in_order(OrderSort::Newest)).await.map_err(db_error)?;
    Ok(rows.into_iter().map(order_row).collect())
}

/// The history's columns, all from the order's own row (its first item and line count are kept
/// there when it is written, see migration 0011).
const HISTORY_COLUMNS: &str = "SELECT o.order_id, o.order_number, o.status, o.placed_at, o.gross_minor, o.currency,
        o.first_item, o.line_count
 FROM orders o";

/// `HISTORY_COLUMNS`' names in their result, in the order of `HistoryRow`'s fields.
const HISTORY_RESULT: &[&str] =
    &["order_id", "order_number", "status", "placed_at", "gross_minor", "currency", "first_item", "line_count"];

/// A list of orders (`sql` selects `HISTORY_COLUMNS`) fetched as one JSON value: a page of rows
/// through sqlx cost more than the rest of the query, see `db::json_rows`.
fn history_rows(sql: &str) -> JsonRows<'_> {
    JsonRows { query: sql, columns: HISTORY_RESULT }
}

/// The history's `ORDER BY` for `sort` (its key, then the order id), for the rows that come back
/// as one JSON value. Ids are lower-case letters and digits, which every collation orders as bytes
/// do.
fn in_order(sort: OrderSort) -> impl Fn(&HistoryRow, &HistoryRow) -> std::cmp::Ordering {
    move |a, b| {
        let key = |row: &HistoryRow| if sort.by_amount() { row.4 } else { row.3 };
        let order = key(a).cmp(&key(b)).then_with(|| a.0.cmp(&b.0));
        if sort.ascending() {
            order
        } else {
            order.reverse()
        }
    }
}

enum Bound {
    Text(String),
    Int(i64),
}

/// (number, status, placed at, currency, net, vat, gross, delivery address id)
type OrderHead = (String, String, i64, String, i64, i64, i64, Option<String>);

async fn order_head(db: &Db, account_id: &str, order_id: &str) -> Result<OrderHead, AppError> {
    // A malformed id, another account's id and an unknown id get the same answer.
    if !looks_like_id(order_id) {
        return Err(AppError::NotFound);
    }
    sqlx::query_as(
        "SELECT order_number, status, placed_at, currency, net_minor, vat_minor, gross_minor, delivery_address_id
         FROM orders WHERE order_id = $1 AND account_id = $2",
    )
    .bind(order_id)
    .bind(account_id)
    .fetch_optional(&db.pool)
    .await
    .map_err(db_error)?
    .ok_or(AppError::NotFound)
}

pub async fn detail(
    db: &Db,
    account_id: &str,
    order_id: &str,
    sees_invoices: bool,
) -> Result<OrderDetailView, AppError> {
    let (order_number, status, placed_at, currency, net_minor, vat_minor, gross_minor, address_id) =
        order_head(db, account_id, order_id).await?;
    let lines: Vec<(i64, String, i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT line_no, description, quantity, unit_price_minor, vat_rate_bp, net_minor, vat_minor, gross_minor
         FROM order_lines WHERE order_id = $1 ORDER BY line_no",
    )
    .bind(order_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    let lines: Vec<OrderLineView> = lines
        .into_iter()
        .map(|(line_no, description, quantity, unit_price_minor, vat_rate_bp, net_minor, vat_minor, gross_minor)| {
            OrderLineView {
                line_no,
                description,
                quantity,
                unit_price_minor,
                vat_rate_bp,
                net_minor,
                vat_minor,
                gross_minor,
            }
        })
        .collect();
    let delivery = match address_id {
        Some(address_id) => sqlx::query_as(
            "SELECT recipient, line1, line2, postal_code, city, country FROM addresses
             WHERE address_id = $1 AND account_id = $2",
        )
        .bind(address_id)
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await
        .map_err(db_error)?
        .map(|(recipient, line1, line2, postal_code, city, country)| AddressView {
            recipient,
            line1,
            line2,
            postal_code,
            city,
            country,
        }),
        None => None,
    };
    let timeline: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, changed_at FROM order_status_history WHERE order_id = $1 ORDER BY changed_at")
            .bind(order_id)
            .fetch_all(&db.pool)
            .await
            .map_err(db_error)?;
    let invoices: Vec<(String, String, String, String, i64)> = if sees_invoices {
        sqlx::query_as(
            "SELECT invoice_id, invoice_number, status, due_date, gross_minor FROM invoices
             WHERE order_id = $1 AND account_id = $2 ORDER BY issue_date, invoice_id",
        )
        .bind(order_id)
        .bind(account_id)
        .fetch_all(&db.pool)
        .await
        .map_err(db_error)?
    } else {
        Vec::new()
    };
    Ok(OrderDetailView {
        order_id: order_id.to_string(),
        order_number,
        status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Placed),
        placed_at,
        currency,
        net_minor,
        vat_minor,
        gross_minor,
        vat: VatRow::group(lines.iter().map(|l| (l.vat_rate_bp, l.net_minor, l.vat_minor, l.gross_minor))),
        lines,
        delivery,
        timeline: timeline
            .into_iter()
            .filter_map(|(status, at)| OrderStatus::parse(&status).map(|status| StatusEvent { status, at }))
            .collect(),
        invoices: invoices
            .into_iter()
            .map(|(invoice_id, invoice_number, status, due_date, gross_minor)| RelatedInvoice {
                invoice_id,
                invoice_number,
                status,
                due_date,
                gross_minor,
            })
            .collect(),
        sees_invoices,
    })
}

use crate::kernel::money::vat_of;

/// A past line with today's product: (line no, description, past quantity, past price, past VAT
/// rate, product id, unit, today's price, today's rate, sold).
type ReorderSource =
    (i64, String, i64, i64, i64, Option<String>, Option<String>, Option<i64>, Option<i64>, Option<i64>);

/// The past order's lines at today's prices, with `typed` quantities checked.
pub async fn reorder_plan(
    db: &Db,
    account_id: &str,
    order_id: &str,
    typed: Option<&[(i64, String)]>,
) -> Result<ReorderDraft, AppError> {
    let (order_number, _, _, currency, ..) = order_head(db, account_id, order_id).await?;
    let sources: Vec<ReorderSource> = sqlx::query_as(
        "SELECT l.line_no, l.description, l.quantity, l.unit_price_minor, l.vat_rate_bp,
                p.product_id, p.unit, p.unit_price_minor, p.vat_rate_bp, p.active
         FROM order_lines l LEFT JOIN products p ON p.product_id = l.product_id
         WHERE l.order_id = $1 ORDER BY l.line_no",
    )
    .bind(order_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    let mut plan = ReorderDraft {
        order_id: order_id.to_string(),
        order_number,
        currency,
        lines: Vec::with_capacity(sources.len()),
        net_minor: 0,
        vat_minor: 0,
        gross_minor: 0,
        alert: None,
        request_key: new_id(),
    };
    let mut chosen_any = false;
    for (line_no, description, past_quantity, past_price, past_rate, product_id, unit, price, rate, active) in sources {
        let available = product_id.is_some() && active == Some(1);
        let unit_price_minor = if available { price.unwrap_or(past_price) } else { past_price };
        let vat_rate_bp = if available { rate.unwrap_or(past_rate) } else { past_rate };
        let (quantity, error) = if !available {
            ("0".to_string(), None)
        } else {
            match typed {
                None => (past_quantity.to_string(), None),
                Some(typed) => {
                    let raw = typed.iter().find(|(n, _)| *n == line_no).map(|(_, q)| q.clone()).unwrap_or_default();
                    let error = Quantity::parse(&raw).err().map(str::to_string);
                    (raw, error)
                }
            }
        };
        let chosen = if error.is_none() { Quantity::parse(&quantity).map(Quantity::get).unwrap_or(0) } else { 0 };
        let net_minor = i64::from(chosen) * unit_price_minor;
        let vat_minor = vat_of(net_minor, vat_rate_bp);
        chosen_any |= chosen > 0;
        plan.net_minor += net_minor;
        plan.vat_minor += vat_minor;
        plan.gross_minor += net_minor + vat_minor;
        plan.lines.push(ReorderLine {
            line_no,
            description,
            unit: unit.unwrap_or_else(|| "pcs".into()),
            past_quantity,
            unit_price_minor,
            vat_rate_bp,
            available,
            quantity,
            error,
            net_minor,
            vat_minor,
            gross_minor: net_minor + vat_minor,
        });
    }
    if !chosen_any && plan.lines.iter().all(|line| line.error.is_none()) {
        plan.alert = Some(
            if plan.lines.iter().any(|line| line.available) { "nothing_to_order" } else { "nothing_available" }.into(),
        );
    }
    Ok(plan)
}

/// What a confirmed reorder made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedReorder {
    pub order_id: String,
    pub order_number: String,
    /// False when the key had already made this order (a second submit).
    pub created: bool,
}

/// A plan that cannot be placed, as the form's refusal: the problem beside each quantity, or,
/// with none, why nothing can be ordered.
fn refusal(plan: &ReorderDraft) -> Rejection {
    let fields: Vec<(String, &'static str)> = plan
        .lines
        .iter()
        .filter(|line| line.error.is_some())
        .filter_map(|line| Some((line.field(), Quantity::parse(&line.quantity).err()?)))
        .collect();
    if !fields.is_empty() {
        return Rejection::Fields(fields);
    }
    let code = if plan.lines.iter().any(|line| line.available) { "nothing_to_order" } else { "nothing_available" };
    Rejection::Alert { code, status: axum::http::StatusCode::UNPROCESSABLE_ENTITY }
}

/// Makes the order a confirmed reorder asks for, with status `requested`, its history entry and
/// the confirmation e-mail in the outbox, in one transaction. The same key twice makes one order.
#[allow(clippy::too_many_arguments)]
pub async fn place_reorder(
    db: &Db,
    account_id: &str,
    member_id: &str,
    source_order_id: &str,
    typed: &[(i64, String)],
    request_key: &str,
    mail: impl Fn(&str, &str, i64, &str) -> Option<crate::mail::Mail> + Sync,
    mail_domain: &str,
) -> Result<PlacedReorder, Rejection> {
    if !looks_like_id(request_key) {
        return Err(AppError::BadRequest.into());
    }
    if let Some(existing) = existing_reorder(db, account_id, request_key).await? {
        return Ok(existing);
    }
    let plan = reorder_plan(db, account_id, source_order_id, Some(typed)).await?;
    if !plan.is_valid() {
        return Err(refusal(&plan));
    }
    let now = now_ms();
    let year: i32 = crate::ui::format::utc_date(now)[..4].parse().unwrap_or(2026);
    let chosen: Vec<&ReorderLine> = plan
        .lines
        .iter()
        .filter(|line| line.available && Quantity::parse(&line.quantity).is_ok_and(|q| q.get() > 0))
        .collect();
    let product_ids = product_ids_of(db, source_order_id).await?;
    for _attempt in 0..3 {
        let order_id = new_id();
        let order_number = order_number(year, &order_id);
        match insert_reorder(
            db,
            account_id,
            member_id,
            source_order_id,
            &plan,
            &chosen,
            &product_ids,
            request_key,
            &order_id,
            &order_number,
            now,
            &mail,
            mail_domain,
        )
        .await
        {
            Ok(()) => return Ok(PlacedReorder { order_id, order_number, created: true }),
            Err(sqlx::Error::Database(error))
                if error.is_unique_violation() && error.message().contains("order_number") =>
            {
                tracing::info!("an order number clashed; trying another");
                continue;
            }
            // Two submits of one page raced past the check above: the other one made the order.
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                return existing_reorder(db, account_id, request_key)
                    .await?
                    .ok_or(Rejection::Failed(AppError::Conflict));
            }
            Err(error) => return Err(db_error(error).into()),
        }
    }
    Err(Rejection::Failed(AppError::Conflict))
}

/// Inserts one reorder (order, lines, history, mail) in one transaction.
#[allow(clippy::too_many_arguments)]
async fn insert_reorder(
    db: &Db,
    account_id: &str,
    member_id: &str,
    source_order_id: &str,
    plan: &ReorderDraft,
    chosen: &[&ReorderLine],
    product_ids: &[(i64, Option<String>)],
    request_key: &str,
    order_id: &str,
    order_number: &str,
    now: i64,
    mail: &(dyn Fn(&str, &str, i64, &str) -> Option<crate::mail::Mail> + Sync),
    mail_domain: &str,
) -> Result<(), sqlx::Error> {
    let search = search_text(&order_number, chosen.iter().map(|line| line.description.as_str()));
    let mut tx = db.begin_write().await?;
    let delivery: Option<(Option<String>,)> =
        sqlx::query_as("SELECT delivery_address_id FROM orders WHERE order_id = $1 AND account_id = $2")
            .bind(source_order_id)
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
    sqlx::query(
        "INSERT INTO orders (order_id, account_id, order_number, status, currency, net_minor, vat_minor,
                             gross_minor, delivery_address_id, placed_by_member_id, placed_at, created_at,
                             updated_at, search_text, request_key, first_item, line_count)
         VALUES ($1, $2, $3, 'requested', $4, $5, $6, $7, $8, $9, $10, $10, $10, $11, $12, $13, $14)",
    )
    .bind(&order_id)
    .bind(account_id)
    .bind(&order_number)
    .bind(&plan.currency)
    .bind(plan.net_minor)
    .bind(plan.vat_minor)
    .bind(plan.gross_minor)
    .bind(delivery.and_then(|(id,)| id))
    .bind(member_id)
    .bind(now)
    .bind(&search)
    .bind(request_key)
    // The lines below are numbered in this order.
    .bind(chosen.first().map(|line| line.description.as_str()).unwrap_or(""))
    .bind(chosen.len() as i64)
    .execute(&mut *tx)
    .await?;
    for (n, line) in chosen.iter().enumerate() {
        let product_id = product_ids.iter().find(|(no, _)| *no == line.line_no).and_then(|(_, id)| id.clone());
        sqlx::query(
            "INSERT INTO order_lines (order_line_id, order_id, line_no, product_id, description, quantity,
                                      unit_price_minor, vat_rate_bp, net_minor, vat_minor, gross_minor)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(new_id())
        .bind(&order_id)
        .bind(n as i64 + 1)
        .bind(product_id)
        .bind(&line.description)
        .bind(Quantity::parse(&line.quantity).map(|q| i64::from(q.get())).unwrap_or(0))
        .bind(line.unit_price_minor)
        .bind(line.vat_rate_bp)
        .bind(line.net_minor)
        .bind(line.vat_minor)
        .bind(line.gross_minor)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO order_status_history (order_status_id, order_id, status, changed_at)
         VALUES ($1, $2, 'requested', $3)",
    )
    .bind(new_id())
    .bind(&order_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if let Some(mail) = mail(&order_id, &order_number, plan.gross_minor, &plan.currency) {
        crate::mail::enqueue(&mut tx, &mail, mail_domain).await?;
    }
    tx.commit().await
}

async fn existing_reorder(db: &Db, account_id: &str, request_key: &str) -> Result<Option<PlacedReorder>, AppError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT order_id, order_number FROM orders WHERE account_id = $1 AND request_key = $2")
            .bind(account_id)
            .bind(request_key)
            .fetch_optional(&db.pool)
            .await
            .map_err(db_error)?;
    Ok(row.map(|(order_id, order_number)| PlacedReorder { order_id, order_number, created: false }))
}

async fn product_ids_of(db: &Db, order_id: &str) -> Result<Vec<(i64, Option<String>)>, AppError> {
    sqlx::query_as("SELECT line_no, product_id FROM order_lines WHERE order_id = $1")
        .bind(order_id)
        .fetch_all(&db.pool)
        .await
        .map_err(db_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_folds_every_letter() {
        assert_eq!(search_text("ZAM/2026/AB12", ["Mąka ŻYTNIA", "Сахар"]), "zam/2026/ab12 mąka żytnia сахар");
    }

    #[test]
    fn like_patterns_match_wildcards_literally() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn vat_rows_group_by_rate_highest_first() {
        let line = |rate: i64, net: i64| OrderLineView {
            line_no: 1,
            description: String::new(),
            quantity: 1,
            unit_price_minor: net,
            vat_rate_bp: rate,
            net_minor: net,
            vat_minor: vat_of(net, rate),
            gross_minor: net + vat_of(net, rate),
        };
        let lines = [line(500, 1000), line(2300, 1000), line(500, 999)];
        let rows = VatRow::group(lines.iter().map(|l| (l.vat_rate_bp, l.net_minor, l.vat_minor, l.gross_minor)));
        assert_eq!(
            rows.iter().map(|r| (r.rate_bp, r.net_minor, r.vat_minor)).collect::<Vec<_>>(),
            [(2300, 1000, 230), (500, 1999, 100)]
        );
        assert_eq!(vat_of(999, 500), 50);
    }
}
