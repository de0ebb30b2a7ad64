//! The order history: filtered, sorted, keyset pages; and the overview's latest orders.
use super::*;

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
