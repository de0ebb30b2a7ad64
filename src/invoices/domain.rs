//! Invoice types that validate on construction: the list's filters and what an invoice's state
//! means to the customer.
use crate::kernel::{cursor::Cursor, dates::Date};
use serde::{Deserialize, Serialize};

/// Where an invoice stands for the customer. Overdue is not stored: it is an unpaid or partly
/// paid invoice past its due date, and depends on today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceState {
    Unpaid,
    PartlyPaid,
    Overdue,
    Paid,
    Cancelled,
}

impl InvoiceState {
    pub const ALL: [InvoiceState; 5] = [
        InvoiceState::Unpaid,
        InvoiceState::PartlyPaid,
        InvoiceState::Overdue,
        InvoiceState::Paid,
        InvoiceState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceState::Unpaid => "unpaid",
            InvoiceState::PartlyPaid => "partly_paid",
            InvoiceState::Overdue => "overdue",
            InvoiceState::Paid => "paid",
            InvoiceState::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// The state of a stored status on `today` (`YYYY-MM-DD`).
    pub fn of(status: &str, due_date: &str, today: &str) -> Self {
        match status {
            "paid" => InvoiceState::Paid,
            "cancelled" => InvoiceState::Cancelled,
            _ if due_date < today => InvoiceState::Overdue,
            "partly_paid" => InvoiceState::PartlyPaid,
            _ => InvoiceState::Unpaid,
        }
    }
}

/// The list's query string, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InvoiceParams {
    pub q: String,
    pub status: String,
    pub from: String,
    pub to: String,
    pub after: String,
}

impl InvoiceParams {
    pub fn to_query(&self, after: Option<&str>) -> String {
        let mut pairs: Vec<String> = [("q", &self.q), ("status", &self.status), ("from", &self.from), ("to", &self.to)]
            .into_iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .map(|(name, value)| format!("{name}={}", crate::kernel::cursor::encode_query_value(value)))
            .collect();
        if let Some(after) = after {
            pairs.push(format!("after={after}"));
        }
        pairs.join("&")
    }
}

/// A checked list query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceQuery {
    /// Upper-cased part of an invoice number (numbers are upper case: `FV/2026/03/000123`).
    pub number: Option<String>,
    pub state: Option<InvoiceState>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// The issue date (days since the epoch) and id of the last invoice shown.
    pub after: Option<Cursor>,
}

impl InvoiceQuery {
    pub fn parse(params: &InvoiceParams) -> Result<InvoiceQuery, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let number = params.q.trim();
        if number.chars().count() > 40 {
            problems.push(("q", "too_long"));
        }
        let state = match params.status.trim() {
            "" | "any" => None,
            raw => InvoiceState::parse(raw).or_else(|| {
                problems.push(("status", "invalid"));
                None
            }),
        };
        let (from, to) = Date::parse_range(&params.from, &params.to, &mut problems);
        let after = match params.after.trim() {
            "" => None,
            raw => Cursor::parse(raw).filter(|c| c.key < 200_000).or_else(|| {
                problems.push(("after", "invalid"));
                None
            }),
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(InvoiceQuery { number: (!number.is_empty()).then(|| number.to_uppercase()), state, from, to, after })
    }
}

/// The period of an invoice archive: a month, a quarter or a year (this one or the last), or
/// any range of dates up to a year long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// The presets the archive page offers, in order.
pub const PERIOD_PRESETS: [&str; 6] =
    ["this_month", "last_month", "this_quarter", "last_quarter", "this_year", "last_year"];

impl Period {
    /// A preset period around `today`.
    pub fn preset(name: &str, today: Date) -> Option<Period> {
        let month = |year: i32, month: u32| Period {
            from: Date { year, month, day: 1 },
            to: Date { year, month, day: crate::kernel::dates::days_in_month(year, month) },
        };
        let months =
            |year: i32, first: u32, last: u32| Period { from: month(year, first).from, to: month(year, last).to };
        let quarter_start = (today.month - 1) / 3 * 3 + 1;
        Some(match name {
            "this_month" => month(today.year, today.month),
            "last_month" if today.month == 1 => month(today.year - 1, 12),
            "last_month" => month(today.year, today.month - 1),
            "this_quarter" => months(today.year, quarter_start, quarter_start + 2),
            "last_quarter" if quarter_start == 1 => months(today.year - 1, 10, 12),
            "last_quarter" => months(today.year, quarter_start - 3, quarter_start - 1),
            "this_year" => months(today.year, 1, 12),
            "last_year" => months(today.year - 1, 1, 12),
            _ => return None,
        })
    }

    /// A custom period as typed: both dates, in order, at most 366 days.
    pub fn custom(from: &str, to: &str) -> Result<Period, Vec<(&'static str, &'static str)>> {
        let mut problems = Vec::new();
        let (start, end) = Date::parse_range(from, to, &mut problems);
        if from.trim().is_empty() {
            problems.push(("from", "required"));
        }
        if to.trim().is_empty() {
            problems.push(("to", "required"));
        }
        match (start, end) {
            (Some(from), Some(to)) if problems.is_empty() => {
                if to.days_since_epoch() - from.days_since_epoch() > 366 {
                    return Err(vec![("to", "period_too_long")]);
                }
                Ok(Period { from, to })
            }
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_cover_whole_months_quarters_and_years() {
        let today = Date { year: 2026, month: 1, day: 15 };
        let iso = |p: Period| (p.from.to_iso(), p.to.to_iso());
        assert_eq!(iso(Period::preset("last_month", today).unwrap()), ("2025-12-01".into(), "2025-12-31".into()));
        assert_eq!(iso(Period::preset("last_quarter", today).unwrap()), ("2025-10-01".into(), "2025-12-31".into()));
        let may = Date { year: 2024, month: 5, day: 2 };
        assert_eq!(iso(Period::preset("this_quarter", may).unwrap()), ("2024-04-01".into(), "2024-06-30".into()));
        assert_eq!(iso(Period::preset("last_month", Date { year: 2024, month: 3, day: 9 }).unwrap()).1, "2024-02-29");
        assert_eq!(Period::custom("2026-01-01", "2027-06-01"), Err(vec![("to", "period_too_long")]));
        assert!(Period::custom("", "2026-01-01").is_err());
    }

    #[test]
    fn overdue_depends_on_today() {
        assert_eq!(InvoiceState::of("unpaid", "2026-11-01", "2026-11-24"), InvoiceState::Overdue);
        assert_eq!(InvoiceState::of("partly_paid", "2026-11-30", "2026-11-24"), InvoiceState::PartlyPaid);
        assert_eq!(InvoiceState::of("unpaid", "2026-11-24", "2026-11-24"), InvoiceState::Unpaid);
        assert_eq!(InvoiceState::of("paid", "2020-01-01", "2026-11-24"), InvoiceState::Paid);
    }

    #[test]
    fn list_queries_report_every_problem() {
        let bad =
            InvoiceParams { status: "lost".into(), from: "2026-13-01".into(), after: "x".into(), ..Default::default() };
        let fields: Vec<_> = InvoiceQuery::parse(&bad).unwrap_err().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["status", "from", "after"]);
        let fine = InvoiceParams { q: " fv/2026 ".into(), status: "overdue".into(), ..Default::default() };
        let query = InvoiceQuery::parse(&fine).unwrap();
        assert_eq!(query.number.as_deref(), Some("FV/2026"));
        assert_eq!(query.state, Some(InvoiceState::Overdue));
        assert_eq!(fine.to_query(Some("5.abc")), "q=%20fv%2F2026%20&status=overdue&after=5.abc");
    }
}
