//! Calendar dates as customers type and read them.
use serde::{Deserialize, Serialize};

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
}
