//! Ordering again: the plan from a past order with today's prices, and placing it once.
use super::*;

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
