//! Formatting shared by server and browser, so both render identical text.

/// `2026-11-24 09:05 UTC` from epoch milliseconds (timestamps are stored and shown in UTC).
pub fn utc_minute(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02} UTC", of_day / 3600, of_day % 3600 / 60)
}

/// `2026-11-24` from epoch milliseconds: the UTC calendar day.
pub fn utc_date(epoch_ms: i64) -> String {
    let (year, month, day) = civil_from_days(epoch_ms.div_euclid(86_400_000));
    let Ok(year @ 0..=9999) = u32::try_from(year) else {
        return format!("{year:04}-{month:02}-{day:02}");
    };
    // Written digit by digit: the history formats a date per row, and `format!` with padding
    // cost more than the rest of the row's text.
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let mut text = String::with_capacity(10);
    text.extend([digit(year / 1000), digit(year / 100), digit(year / 10), digit(year), '-']);
    text.extend([digit(month / 10), digit(month), '-', digit(day / 10), digit(day)]);
    text
}

/// An amount in minor units with its currency, grouped the way the reader's language groups
/// numbers: `PLN 1,234.56` in English, `1 234,56 PLN` in Polish and Russian.
pub fn money(locale: crate::i18n::Locale, minor: i64, currency: &str) -> String {
    // One string, written once: a history page formats an amount per row.
    let mut text = String::with_capacity(currency.len() + 24);
    match locale {
        crate::i18n::Locale::en => {
            if minor < 0 {
                text.push('−');
            }
            text.push_str(currency);
            text.push('\u{a0}');
            push_amount(&mut text, locale, minor.unsigned_abs(), false);
        }
        _ => {
            push_amount(&mut text, locale, minor.unsigned_abs(), minor < 0);
            text.push('\u{a0}');
            text.push_str(currency);
        }
    }
    text
}

/// An amount in minor units without its currency, grouped as the reader's language groups
/// numbers: `1,234.56` in English, `1 234,56` in Polish and Russian.
pub fn amount(locale: crate::i18n::Locale, minor: i64) -> String {
    let mut text = String::with_capacity(24);
    push_amount(&mut text, locale, minor.unsigned_abs(), minor < 0);
    text
}

fn push_amount(text: &mut String, locale: crate::i18n::Locale, minor: u64, negative: bool) {
    use crate::i18n::Locale;
    let (group, decimal) = match locale {
        Locale::en => (',', '.'),
        // A no-break space keeps the groups of one number on one line.
        _ => ('\u{a0}', ','),
    };
    if negative {
        text.push('−');
    }
    let mut buffer = itoa::Buffer::new();
    let digits = buffer.format(minor / 100);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            text.push(group);
        }
        text.push(digit);
    }
    let cents = (minor % 100) as u8;
    text.push(decimal);
    text.push(char::from(b'0' + cents / 10));
    text.push(char::from(b'0' + cents % 10));
}

/// A VAT rate from basis points: `23 %`, `5 %`, `8.5 %`.
pub fn vat_rate(rate_bp: i64) -> String {
    if rate_bp % 100 == 0 {
        format!("{}\u{a0}%", rate_bp / 100)
    } else {
        format!("{}.{}\u{a0}%", rate_bp / 100, (rate_bp % 100).to_string().trim_end_matches('0'))
    }
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A one-line description of a browser for the sessions page, e.g. "Firefox on Linux".
pub fn describe_device(user_agent: &str) -> String {
    let browser =
        [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
            .into_iter()
            .find(|(marker, _)| user_agent.contains(marker))
            .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(b), None) => b.to_string(),
        (None, Some(s)) => s.to_string(),
        (None, None) if user_agent.is_empty() => "—".to_string(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn devices_read_well() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(super::describe_device(firefox), "Firefox · Linux");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(super::describe_device(chrome), "Chrome · Windows");
        assert_eq!(super::describe_device(""), "—");
    }

    #[test]
    fn formats_utc_minutes() {
        assert_eq!(super::utc_minute(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc_minute(1_795_996_800_000 + 9 * 3_600_000 + 5 * 60_000), "2026-11-30 09:05 UTC");
        assert_eq!(super::utc_minute(951_782_400_000), "2000-02-29 00:00 UTC");
        assert_eq!(super::utc_date(951_782_400_000 + 86_399_999), "2000-02-29");
        assert_eq!(super::utc_date(1_795_996_800_000), "2026-11-30");
        assert_eq!(super::utc_date(-86_400_000), "1969-12-31");
        assert_eq!(super::utc_date(253_402_300_800_000), "10000-01-01");
    }

    #[test]
    fn formats_money_per_language() {
        use crate::i18n::Locale;
        assert_eq!(super::money(Locale::en, 123_456_789, "PLN"), "PLN\u{a0}1,234,567.89");
        assert_eq!(super::money(Locale::pl, 123_456_789, "PLN"), "1\u{a0}234\u{a0}567,89\u{a0}PLN");
        assert_eq!(super::money(Locale::ru, 5, "EUR"), "0,05\u{a0}EUR");
        assert_eq!(super::money(Locale::en, -100_000, "PLN"), "−PLN\u{a0}1,000.00");
        assert_eq!(super::money(Locale::pl, -5, "PLN"), "−0,05\u{a0}PLN");
        assert_eq!(super::money(Locale::en, 100, "EUR"), "EUR\u{a0}1.00");
        assert_eq!(super::amount(Locale::en, 0), "0.00");
        assert_eq!(super::amount(Locale::pl, -123_456), "−1\u{a0}234,56");
        assert_eq!(super::vat_rate(2300), "23\u{a0}%");
        assert_eq!(super::vat_rate(850), "8.5\u{a0}%");
    }
}
