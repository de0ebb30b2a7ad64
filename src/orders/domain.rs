//! Order types that validate on construction: statuses, the history's filters and keyset cursor,
//! calendar dates and reorder quantities. They are shared by server and browser, so a link built
//! in either place means the same view.
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

/// A calendar date `YYYY-MM-DD` (the proleptic Gregorian calendar, years 2000 to 2199: orders
/// outside that range do not exist, and a typo like `20255` should be caught, not searched).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(raw: &str) -> Option<Date> {
        let raw = raw.trim();
        let bytes = raw.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &raw[range];
            part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok()).flatten()
        };
        let (year, month, day) = (number(0..4)? as i32, number(5..7)?, number(8..10)?);
        if !(2000..=2199).contains(&year) || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month)
        {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// An optional `from`–`to` range as typed (empty means open), with a problem for `from` or
    /// `to` when a date is not one, and for `to` when the range runs backwards.
    pub fn parse_range(
        from: &str,
        to: &str,
        problems: &mut Vec<(&'static str, &'static str)>,
    ) -> (Option<Date>, Option<Date>) {
        let mut date = |field: &'static str, raw: &str| match raw.trim() {
            "" => None,
            raw => Date::parse(raw).or_else(|| {
                problems.push((field, "date_invalid"));
                None
            }),
        };
        let (from, to) = (date("from", from), date("to", to));
        if let (Some(start), Some(end)) = (from, to) {
            if start > end {
                problems.push(("to", "date_before_start"));
            }
        }
        (from, to)
    }

    /// Days since 1970-01-01 (Howard Hinnant's days-from-civil).
    pub fn days_since_epoch(self) -> i64 {
        let (month, day) = (i64::from(self.month), i64::from(self.day));
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let yoe = year - era * 400;
        let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The first millisecond of the day, UTC.
    pub fn start_ms(self) -> i64 {
        self.days_since_epoch() * 86_400_000
    }

    pub fn to_iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Where the next page of the history starts: the sort key and id of the last row shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub key: i64,
    pub order_id: String,
}

impl Cursor {
    /// `<key>.<order id>`: short, opaque enough, and checked before it reaches a query.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.key, self.order_id)
    }

    pub fn parse(raw: &str) -> Option<Cursor> {
        let (key, id) = raw.split_once('.')?;
        let key: i64 = key.parse().ok()?;
        (key >= 0 && looks_like_id(id)).then(|| Cursor { key, order_id: id.to_string() })
    }
}

/// Whether `text` has the shape of a public id (20 characters of Crockford base32, as
/// `db::ids` makes them), checked before it reaches a query.
pub fn looks_like_id(text: &str) -> bool {
    text.len() == 20 && text.bytes().all(|b| b"0123456789abcdefghjkmnpqrstvwxyz".contains(&b))
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

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn encode_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
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
    fn dates_are_checked_against_the_calendar() {
        assert_eq!(Date::parse("2026-02-28").map(|d| d.to_iso()), Some("2026-02-28".into()));
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2028-02-29").is_some());
        assert!(Date::parse("2100-02-29").is_none());
        for bad in
            ["", "2026-13-01", "2026-00-10", "20255-01-01", "2026-1-01", "1999-12-31", "2026-04-31", "2026-0a-01"]
        {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Date::parse("1970-01-01").map(|d| d.days_since_epoch()), None);
        assert_eq!(Date::parse("2000-01-01").unwrap().days_since_epoch(), 10_957);
        assert_eq!(Date::parse("2026-11-24").unwrap().start_ms(), 1_795_996_800_000 - 6 * 86_400_000);
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = Cursor { key: 1_795_996_800_000, order_id: "0123456789abcdefghjk".into() };
        assert_eq!(Cursor::parse(&cursor.encode()), Some(cursor));
        for bad in ["", "12", "x.0123456789abcdefghjk", "-5.0123456789abcdefghjk", "5.short", "5.0123456789ABCDEFGHJK"]
        {
            assert!(Cursor::parse(bad).is_none(), "{bad}");
        }
        assert!(Cursor::parse("99999999999999999999999.0123456789abcdefghjk").is_none());
    }

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

/// VAT of a net amount at a rate in basis points, rounded half up to the minor unit (half away
/// from zero for negative amounts, so a correction's difference is the mirror of the original).
pub fn vat_of(net_minor: i64, rate_bp: i64) -> i64 {
    let scaled = net_minor.abs() * rate_bp;
    net_minor.signum() * (scaled + 5_000).div_euclid(10_000)
}
