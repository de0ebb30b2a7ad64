//! One order in full: lines, VAT, delivery address, status history, its invoices.
use super::*;

/// (number, status, placed at, currency, net, vat, gross, delivery address id)
type OrderHead = (String, String, i64, String, i64, i64, i64, Option<String>);

pub(super) async fn order_head(db: &Db, account_id: &str, order_id: &str) -> Result<OrderHead, AppError> {
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
