//! The orders' SQL. Every statement names the account it reads for: deny by default.
use super::api::{
    AddressView, HistoryPage, OrderDetailView, OrderLineView, OrderRow, RelatedInvoice, ReorderDraft, ReorderLine,
    StatusEvent,
};
use super::domain::{HistoryParams, HistoryQuery, OrderSort, OrderStatus, Quantity};
use crate::db::db_error;
use crate::db::json_rows::JsonRows;
use crate::db::{ids::new_id, now_ms, Db};
use crate::error::AppError;
use crate::kernel::cursor::{looks_like_id, Cursor};
use crate::kernel::money::{vat_of, VatRow};
use crate::web::forms::Rejection;
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
mod detail;
mod history;
mod reorder;

pub use detail::*;
pub use history::*;
pub use reorder::*;

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
