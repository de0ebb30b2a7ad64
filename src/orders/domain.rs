//! Order types that validate on construction: statuses, the history's filters and reorder
//! quantities. They are shared by server and browser, so a link built
//! in either place means the same view.
use crate::kernel::cursor::{encode_query_value, Cursor};
use crate::kernel::dates::Date;
use serde::{Deserialize, Serialize};

/// Where an order stands. `Requested` is a reorder the customer confirmed and staff have not yet
/// turned into a placed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Requested,
    Placed,
    Confirmed,
    Shipped,
    Delivered,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Requested,
        OrderStatus::Placed,
        OrderStatus::Confirmed,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Requested => "requested",
            OrderStatus::Placed => "placed",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// How the history is ordered. Each order has a keyset index behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderSort {
    #[default]
    Newest,
    Oldest,
    Largest,
    Smallest,
}

impl OrderSort {
    pub const ALL: [OrderSort; 4] = [OrderSort::Newest, OrderSort::Oldest, OrderSort::Largest, OrderSort::Smallest];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderSort::Newest => "newest",
            OrderSort::Oldest => "oldest",
            OrderSort::Largest => "largest",
            OrderSort::Smallest => "smallest",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether the sort key grows down the page.
    pub fn ascending(self) -> bool {
        matches!(self, OrderSort::Oldest | OrderSort::Smallest)
    }

    /// Whether the sort key is the gross amount (otherwise the time it was placed).
    pub fn by_amount(self) -> bool {
        matches!(self, OrderSort::Largest | OrderSort::Smallest)
    }
}

/// The history's query string, as typed: every field is text so that nothing typed is lost when
/// part of it is rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryParams {
    pub q: String,
    pub status: String,
    pub from: String,
    pub to: String,
    pub sort: String,
    pub after: String,
}

impl HistoryParams {
    /// The query string for these filters (without the cursor unless `after` is given).
    pub fn to_query(&self, after: Option<&str>) -> String {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        for (name, value) in [
            ("q", self.q.as_str()),
            ("status", &self.status),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
        ] {
            if !value.trim().is_empty() {
                pairs.push((name, value));
            }
        }
        if let Some(after) = after {
            pairs.push(("after", after));
        }
        pairs.iter().map(|(name, value)| format!("{name}={}", encode_query_value(value))).collect::<Vec<_>>().join("&")
    }
}

/// A validated history query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    /// Lower-cased search text: an order number or part of a product name.
    pub search: Option<String>,
    pub status: Option<OrderStatus>,
    /// Placed on or after the start of this day.
    pub from: Option<Date>,
    /// Placed on or before the end of this day.
    pub to: Option<Date>,
    pub sort: OrderSort,
    pub after: Option<Cursor>,
}

impl HistoryQuery {
    pub const SEARCH_MAX_CHARS: usize = 100;

    /// Every problem at once, as (field, reason code), so each shows beside its field.
    pub fn parse(params: &HistoryParams) -> Result<HistoryQuery, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let search = params.q.trim();
        if search.chars().count() > Self::SEARCH_MAX_CHARS {
            problems.push(("q", "too_long"));
        }
        let status = match params.status.trim() {
            "" | "any" => None,
            raw => OrderStatus::parse(raw).or_else(|| {
                problems.push(("status", "invalid"));
                None
            }),
        };
        let (from, to) = Date::parse_range(&params.from, &params.to, &mut problems);
        let sort = match params.sort.trim() {
            "" => OrderSort::default(),
            raw => OrderSort::parse(raw).unwrap_or_else(|| {
                problems.push(("sort", "invalid"));
                OrderSort::default()
            }),
        };
        let after = match params.after.trim() {
            "" => None,
            raw => Cursor::parse(raw).or_else(|| {
                problems.push(("after", "invalid"));
                None
            }),
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(HistoryQuery { search: (!search.is_empty()).then(|| search.to_lowercase()), status, from, to, sort, after })
    }
}

/// How many of a product to reorder: a whole number from 0 (leave the line out) to 9,999.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quantity(u32);

impl Quantity {
    pub const MAX: u32 = 9_999;

    pub fn parse(raw: &str) -> Result<Quantity, &'static str> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err("required");
        }
        if raw.starts_with('-') && raw.len() > 1 && raw[1..].bytes().all(|b| b.is_ascii_digit()) {
            return Err("quantity_negative");
        }
        if !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err("quantity_invalid");
        }
        match raw.parse::<u64>() {
            Ok(n) if n <= u64::from(Self::MAX) => Ok(Quantity(n as u32)),
            _ => Err("quantity_too_large"),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_queries_report_every_problem() {
        let params = HistoryParams {
            q: "x".repeat(101),
            status: "lost".into(),
            from: "2026-02-30".into(),
            to: "soon".into(),
            sort: "random".into(),
            after: "nope".into(),
        };
        let problems = HistoryQuery::parse(&params).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["q", "status", "from", "to", "sort", "after"]);

        let reversed = HistoryParams { from: "2026-05-02".into(), to: "2026-05-01".into(), ..Default::default() };
        assert_eq!(HistoryQuery::parse(&reversed).unwrap_err(), vec![("to", "date_before_start")]);

        let fine = HistoryParams { q: "  Mąka ŻYTNIA ".into(), status: "shipped".into(), ..Default::default() };
        let query = HistoryQuery::parse(&fine).unwrap();
        assert_eq!(query.search.as_deref(), Some("mąka żytnia"));
        assert_eq!(query.status, Some(OrderStatus::Shipped));
        assert_eq!(query.sort, OrderSort::Newest);
    }

    #[test]
    fn filters_survive_a_round_trip_through_the_url() {
        let params = HistoryParams { q: "mąka & co".into(), status: "placed".into(), ..Default::default() };
        assert_eq!(params.to_query(Some("5.abc")), "q=m%C4%85ka%20%26%20co&status=placed&after=5.abc");
        assert_eq!(HistoryParams::default().to_query(None), "");
    }

    #[test]
    fn quantities_are_whole_and_bounded() {
        assert_eq!(Quantity::parse(" 12 ").map(Quantity::get), Ok(12));
        assert_eq!(Quantity::parse("0").map(Quantity::get), Ok(0));
        assert_eq!(Quantity::parse("-3"), Err("quantity_negative"));
        assert_eq!(Quantity::parse("1.5"), Err("quantity_invalid"));
        assert_eq!(Quantity::parse("ten"), Err("quantity_invalid"));
        assert_eq!(Quantity::parse("10000"), Err("quantity_too_large"));
        assert_eq!(Quantity::parse("99999999999999999999999"), Err("quantity_too_large"));
        assert_eq!(Quantity::parse(""), Err("required"));
    }
}
