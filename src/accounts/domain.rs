//! Account data that validates on construction: countries we deliver to, postal codes by the
//! country's own format, phone numbers, and the lines of an address. Each rejection is a stable
//! reason code the form translates beside the field.
use serde::{Deserialize, Serialize};

/// The countries addresses may be in: Poland, our other first markets, and the common EU formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Country {
    PL,
    DE,
    CZ,
    SK,
    LT,
    LV,
    EE,
    UA,
    AT,
    NL,
    BE,
    LU,
    FR,
    IT,
    ES,
    PT,
    IE,
    GB,
    DK,
    SE,
    FI,
    HU,
    RO,
}

impl Country {
    pub const ALL: [Country; 23] = [
        Country::PL,
        Country::DE,
        Country::CZ,
        Country::SK,
        Country::LT,
        Country::LV,
        Country::EE,
        Country::UA,
        Country::AT,
        Country::NL,
        Country::BE,
        Country::LU,
        Country::FR,
        Country::IT,
        Country::ES,
        Country::PT,
        Country::IE,
        Country::GB,
        Country::DK,
        Country::SE,
        Country::FI,
        Country::HU,
        Country::RO,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Country::PL => "PL",
            Country::DE => "DE",
            Country::CZ => "CZ",
            Country::SK => "SK",
            Country::LT => "LT",
            Country::LV => "LV",
            Country::EE => "EE",
            Country::UA => "UA",
            Country::AT => "AT",
            Country::NL => "NL",
            Country::BE => "BE",
            Country::LU => "LU",
            Country::FR => "FR",
            Country::IT => "IT",
            Country::ES => "ES",
            Country::PT => "PT",
            Country::IE => "IE",
            Country::GB => "GB",
            Country::DK => "DK",
            Country::SE => "SE",
            Country::FI => "FI",
            Country::HU => "HU",
            Country::RO => "RO",
        }
    }

    pub fn parse(raw: &str) -> Option<Country> {
        let raw = raw.trim();
        Self::ALL.into_iter().find(|c| c.code().eq_ignore_ascii_case(raw))
    }

    /// The postal code's shape: `9` a digit, `A` a letter, `?` a letter or digit, anything else
    /// itself. Several shapes when the country writes it more than one way; the first is how we
    /// store it.
    fn postal_shapes(self) -> &'static [&'static str] {
        match self {
            Country::PL => &["99-999"],
            Country::DE | Country::FR | Country::IT | Country::ES | Country::FI | Country::EE | Country::UA => {
                &["99999"]
            }
            Country::CZ | Country::SK | Country::SE => &["999 99"],
            Country::LT => &["LT-99999"],
            Country::LV => &["LV-9999"],
            Country::AT | Country::BE | Country::LU | Country::DK | Country::HU => &["9999"],
            Country::NL => &["9999 AA"],
            Country::PT => &["9999-999"],
            Country::RO => &["999999"],
            Country::IE => &["A?? ????", "A99 ????"],
            Country::GB => &["A9 9AA", "A99 9AA", "AA9 9AA", "AA99 9AA", "A9A 9AA", "AA9A 9AA"],
        }
    }
}

/// A postal code in its country's format, stored the way the country writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostalCode(String);

impl PostalCode {
    /// Accepts the code with or without its separator and in any letter case
    /// (`00950`, `00-950`; `1012ab` becomes `1012 AB`; `12345` becomes `LT-12345`).
    pub fn parse(country: Country, raw: &str) -> Result<PostalCode, &'static str> {
        let compact: String =
            raw.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase();
        if compact.is_empty() {
            return Err("required");
        }
        for shape in country.postal_shapes() {
            // The country prefix (LT-, LV-) may be left out.
            let prefix: String = shape.chars().take_while(|c| c.is_ascii_uppercase() && *c != 'A').collect();
            let body_shape = if prefix.len() == 2 { &shape[3..] } else { shape };
            let body = compact.strip_prefix(prefix.as_str()).filter(|_| !prefix.is_empty()).unwrap_or(&compact);
            let slots: Vec<char> = body_shape.chars().filter(|c| matches!(c, '9' | 'A' | '?')).collect();
            if body.len() != slots.len() {
                continue;
            }
            let fits = body.chars().zip(&slots).all(|(c, slot)| match slot {
                '9' => c.is_ascii_digit(),
                'A' => c.is_ascii_alphabetic(),
                _ => c.is_ascii_alphanumeric(),
            });
            if !fits {
                continue;
            }
            let mut chars = body.chars();
            let mut written = prefix.clone();
            if !prefix.is_empty() {
                written.push('-');
            }
            for slot in body_shape.chars() {
                if matches!(slot, '9' | 'A' | '?') {
                    written.push(chars.next().unwrap_or_default());
                } else {
                    written.push(slot);
                }
            }
            return Ok(PostalCode(written));
        }
        Err("postal_code_invalid")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A required line of text (a name, a street, a city), trimmed, at most `max` characters.
pub fn required_text(raw: &str, max: usize) -> Result<String, &'static str> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("required");
    }
    optional_text(text, max).map(|t| t.unwrap_or_default())
}

/// An optional line of text: empty means none.
pub fn optional_text(raw: &str, max: usize) -> Result<Option<String>, &'static str> {
    let text = raw.trim();
    if text.chars().count() > max {
        return Err("too_long");
    }
    if text.chars().any(char::is_control) {
        return Err("invalid");
    }
    Ok((!text.is_empty()).then(|| text.to_string()))
}

/// A phone number that exists in the numbering plan of its country (libphonenumber's metadata),
/// stored in E.164 (`+48601234567`). A number without a country prefix is read as Polish, or as
/// the given country's.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

#[cfg(feature = "ssr")]
impl PhoneNumber {
    pub fn parse(raw: &str, default_country: Country) -> Result<PhoneNumber, &'static str> {
        let raw = raw.trim();
        if raw.chars().count() > 32 {
            return Err("phone_invalid");
        }
        let region: Option<phonenumber::country::Id> = default_country.code().parse().ok();
        let number = phonenumber::parse(region, raw).map_err(|_| "phone_invalid")?;
        if !phonenumber::is_valid(&number) {
            return Err("phone_invalid");
        }
        Ok(PhoneNumber(number.format().mode(phonenumber::Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_follow_their_country() {
        let ok = |country, raw: &str, stored: &str| {
            assert_eq!(PostalCode::parse(country, raw).map(|p| p.0), Ok(stored.to_string()), "{country:?} {raw}")
        };
        ok(Country::PL, "00-950", "00-950");
        ok(Country::PL, "00950", "00-950");
        ok(Country::PL, " 31 - 042 ", "31-042");
        ok(Country::DE, "10115", "10115");
        ok(Country::CZ, "11000", "110 00");
        ok(Country::NL, "1012ab", "1012 AB");
        ok(Country::LT, "LT-01100", "LT-01100");
        ok(Country::LT, "01100", "LT-01100");
        ok(Country::LV, "lv-1050", "LV-1050");
        ok(Country::PT, "1000-001", "1000-001");
        ok(Country::GB, "sw1a 1aa", "SW1A 1AA");
        ok(Country::GB, "M1 1AE", "M1 1AE");
        ok(Country::IE, "D02 X285", "D02 X285");
        ok(Country::UA, "01001", "01001");
        let bad = |country, raw: &str, reason: &str| {
            assert_eq!(PostalCode::parse(country, raw), Err(reason), "{country:?} {raw}")
        };
        bad(Country::PL, "", "required");
        bad(Country::PL, "0095", "postal_code_invalid");
        bad(Country::PL, "00-95A", "postal_code_invalid");
        bad(Country::PL, "SW1A 1AA", "postal_code_invalid");
        bad(Country::DE, "1011", "postal_code_invalid");
        bad(Country::NL, "1012 A1", "postal_code_invalid");
        bad(Country::GB, "12345", "postal_code_invalid");
        bad(Country::LT, "LV-01100", "postal_code_invalid");
    }

    #[test]
    fn countries_are_a_closed_list() {
        assert_eq!(Country::parse("pl"), Some(Country::PL));
        assert_eq!(Country::parse("XX"), None);
        assert_eq!(Country::parse(""), None);
        for country in Country::ALL {
            assert_eq!(Country::parse(country.code()), Some(country));
            assert!(!country.postal_shapes().is_empty());
        }
    }

    #[test]
    fn text_lines_are_trimmed_and_bounded() {
        assert_eq!(required_text("  Mąka  ", 10), Ok("Mąka".to_string()));
        assert_eq!(required_text("   ", 10), Err("required"));
        assert_eq!(required_text(&"ż".repeat(11), 10), Err("too_long"));
        assert_eq!(optional_text("", 10), Ok(None));
        assert_eq!(optional_text("a\u{0}b", 10), Err("invalid"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn phone_numbers_are_real_and_stored_in_e164() {
        assert_eq!(PhoneNumber::parse("601 234 567", Country::PL).map(|p| p.0), Ok("+48601234567".to_string()));
        assert_eq!(PhoneNumber::parse("+48 22 123 45 67", Country::PL).map(|p| p.0), Ok("+48221234567".to_string()));
        assert_eq!(PhoneNumber::parse("+44 20 7946 0958", Country::PL).map(|p| p.0), Ok("+442079460958".to_string()));
        assert_eq!(PhoneNumber::parse("12", Country::PL), Err("phone_invalid"));
        assert_eq!(PhoneNumber::parse("call me", Country::PL), Err("phone_invalid"));
        assert_eq!(PhoneNumber::parse("+48 123", Country::PL), Err("phone_invalid"));
    }
}
