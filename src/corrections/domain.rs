//! Correction types that validate on construction: decisions, amounts as typed, and what a change
//! to a line makes (the corrective invoice's own types, re-exported, live in `invoices::corrective`). Shared by server and browser, so the
//! difference a customer previews is the one staff decide on and the corrective invoice states.
pub use crate::invoices::corrective::{
    total_difference, Amounts, BuyerData, CorrectionReason, CorrectionStatus, LineChange, LineValues,
};
use serde::{Deserialize, Serialize};

/// What staff decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accept,
    PartlyAccept,
    Reject,
}

impl Decision {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "accept" => Some(Decision::Accept),
            "partly_accept" => Some(Decision::PartlyAccept),
            "reject" => Some(Decision::Reject),
            _ => None,
        }
    }

    pub fn status(self) -> CorrectionStatus {
        match self {
            Decision::Accept => CorrectionStatus::Accepted,
            Decision::PartlyAccept => CorrectionStatus::PartlyAccepted,
            Decision::Reject => CorrectionStatus::Rejected,
        }
    }
}

/// VAT rates a Polish invoice line may carry, in basis points.
pub const VAT_RATES: [i64; 4] = [2300, 800, 500, 0];

pub const MAX_QUANTITY: i64 = 1_000_000;
pub const MAX_UNIT_PRICE_MINOR: i64 = 10_000_000_000;
pub const MAX_DESCRIPTION: usize = 200;
pub const MAX_EXPLANATION: usize = 2_000;
pub const MAX_BUYER_FIELD: usize = 300;

/// An amount typed in major units (`12,50`, `12.50`, `1 250`) as minor units; never negative.
pub fn parse_amount(raw: &str) -> Result<i64, &'static str> {
    let cleaned: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '\u{a0}').collect();
    if cleaned.is_empty() {
        return Err("required");
    }
    let cleaned = cleaned.replace(',', ".");
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || (!fraction.is_empty() && !digits(fraction)) || fraction.len() > 2 || whole.len() > 12 {
        return Err("amount_invalid");
    }
    let whole: i64 = whole.parse().map_err(|_| "amount_invalid")?;
    let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| "amount_invalid")?;
    let minor = whole * 100 + fraction;
    if minor > MAX_UNIT_PRICE_MINOR {
        return Err("amount_too_large");
    }
    Ok(minor)
}

/// Minor units as typed back into a form (`1250` → `12.50`).
pub fn amount_input(minor: i64) -> String {
    format!("{}{}.{:02}", if minor < 0 { "-" } else { "" }, minor.abs() / 100, minor.abs() % 100)
}

/// A VAT rate as typed (`23`, `23%`, `8`) in basis points, one of [`VAT_RATES`].
pub fn parse_vat_rate(raw: &str) -> Result<i64, &'static str> {
    let cleaned = raw.trim().trim_end_matches('%').trim();
    let rate = cleaned.parse::<i64>().map_err(|_| "vat_rate_invalid")? * 100;
    VAT_RATES.contains(&rate).then_some(rate).ok_or("vat_rate_invalid")
}

/// A line of the invoice as the form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub line_no: i64,
    pub unit: String,
    pub values: LineValues,
}

/// Field names of a line in the request and decision forms.
pub fn line_field(kind: &str, line_no: i64) -> String {
    format!("{kind}_{line_no}")
}

/// The lines as typed into a form (`d_<n>`, `q_<n>`, `p_<n>`, `v_<n>`, prefilled with the current
/// values): the lines that differ, or the problems beside the fields.
pub fn typed_changes(
    lines: &[InvoiceLine],
    typed: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<LineChange>, Vec<(String, &'static str)>> {
    let mut problems = Vec::new();
    let mut changes = Vec::new();
    for line in lines {
        let n = line.line_no;
        let field = |kind: &str| typed(&line_field(kind, n));
        let description = match field("d") {
            None => line.values.description.clone(),
            Some(text) => {
                let text = text.trim().to_string();
                if text.is_empty() {
                    problems.push((line_field("d", n), "required"));
                } else if text.chars().count() > MAX_DESCRIPTION {
                    problems.push((line_field("d", n), "too_long"));
                }
                text
            }
        };
        let quantity = match field("q") {
            None => line.values.quantity,
            Some(text) => match text.trim().parse::<i64>() {
                Ok(q) if q < 0 => {
                    problems.push((line_field("q", n), "quantity_negative"));
                    0
                }
                Ok(q) if q > MAX_QUANTITY => {
                    problems.push((line_field("q", n), "quantity_too_large"));
                    0
                }
                Ok(q) => q,
                Err(_) => {
                    problems.push((line_field("q", n), "quantity_invalid"));
                    0
                }
            },
        };
        let unit_price_minor = match field("p") {
            None => line.values.unit_price_minor,
            Some(text) => parse_amount(&text).unwrap_or_else(|code| {
                problems.push((line_field("p", n), code));
                0
            }),
        };
        let vat_rate_bp = match field("v") {
            None => line.values.vat_rate_bp,
            Some(text) => parse_vat_rate(&text).unwrap_or_else(|code| {
                problems.push((line_field("v", n), code));
                0
            }),
        };
        let after = LineValues { description, quantity, unit_price_minor, vat_rate_bp };
        if after != line.values {
            changes.push(LineChange { line_no: n, unit: line.unit.clone(), before: line.values.clone(), after });
        }
    }
    if problems.is_empty() {
        Ok(changes)
    } else {
        Err(problems)
    }
}

/// Buyer data as typed: the fields that differ from the invoice, or the problems.
pub fn typed_buyer(
    current: &BuyerData,
    typed: &dyn Fn(&str) -> Option<String>,
) -> Result<BuyerChange, Vec<(String, &'static str)>> {
    let mut problems = Vec::new();
    let mut check = |field: &str, now: Option<&str>, required: bool| -> Option<String> {
        let text = typed(field)?.trim().to_string();
        if text.chars().count() > MAX_BUYER_FIELD {
            problems.push((field.to_string(), "too_long"));
            return None;
        }
        if text.is_empty() && required {
            problems.push((field.to_string(), "required"));
            return None;
        }
        (text != now.unwrap_or("")).then_some(text)
    };
    let change = BuyerChange {
        name: check("buyer_name", Some(&current.name), true),
        address: check("buyer_address", Some(&current.address), true),
        tax_id: check("buyer_tax_id", current.tax_id.as_deref(), false),
    };
    if problems.is_empty() {
        Ok(change)
    } else {
        Err(problems)
    }
}

/// Buyer data to change; `None` where it stays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerChange {
    pub name: Option<String>,
    pub address: Option<String>,
    pub tax_id: Option<String>,
}

impl BuyerChange {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.address.is_none() && self.tax_id.is_none()
    }

    pub fn applied_to(&self, buyer: &BuyerData) -> BuyerData {
        BuyerData {
            name: self.name.clone().unwrap_or_else(|| buyer.name.clone()),
            address: self.address.clone().unwrap_or_else(|| buyer.address.clone()),
            tax_id: match &self.tax_id {
                Some(id) if id.is_empty() => None,
                Some(id) => Some(id.clone()),
                None => buyer.tax_id.clone(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::money::vat_of;

    #[test]
    fn amounts_are_typed_in_major_units() {
        assert_eq!(parse_amount("12,50"), Ok(1250));
        assert_eq!(parse_amount(" 1 250.5 "), Ok(125_050));
        assert_eq!(parse_amount("7"), Ok(700));
        assert_eq!(parse_amount("-3"), Err("amount_invalid"));
        assert_eq!(parse_amount("1.234"), Err("amount_invalid"));
        assert_eq!(parse_amount(""), Err("required"));
        assert_eq!(parse_amount("abc"), Err("amount_invalid"));
        assert_eq!(amount_input(125_050), "1250.50");
    }

    #[test]
    fn vat_rates_are_the_polish_ones() {
        assert_eq!(parse_vat_rate("23"), Ok(2300));
        assert_eq!(parse_vat_rate("8%"), Ok(800));
        assert_eq!(parse_vat_rate("7"), Err("vat_rate_invalid"));
    }

    fn line(n: i64, quantity: i64, price: i64) -> InvoiceLine {
        InvoiceLine {
            line_no: n,
            unit: "szt.".into(),
            values: LineValues {
                description: format!("Item {n}"),
                quantity,
                unit_price_minor: price,
                vat_rate_bp: 2300,
            },
        }
    }

    #[test]
    fn only_changed_lines_are_corrections_and_their_difference_adds_up() {
        let lines = [line(1, 2, 10_000), line(2, 1, 5_000)];
        let typed = |field: &str| match field {
            "p_1" => Some("90,00".to_string()),
            "q_1" => Some("2".to_string()),
            "q_2" => Some("1".to_string()),
            _ => None,
        };
        let changes = typed_changes(&lines, &typed).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].kinds(), vec!["unit_price"]);
        let difference = total_difference(&changes);
        assert_eq!(difference, Amounts { net_minor: -2_000, vat_minor: -460, gross_minor: -2_460 });
    }

    #[test]
    fn bad_values_are_refused_beside_their_fields() {
        let lines = [line(1, 2, 10_000)];
        let typed = |field: &str| match field {
            "q_1" => Some("-1".to_string()),
            "p_1" => Some("x".to_string()),
            "v_1" => Some("7".to_string()),
            "d_1" => Some(" ".to_string()),
            _ => None,
        };
        let problems = typed_changes(&lines, &typed).unwrap_err();
        assert_eq!(
            problems,
            vec![
                ("d_1".to_string(), "required"),
                ("q_1".to_string(), "quantity_negative"),
                ("p_1".to_string(), "amount_invalid"),
                ("v_1".to_string(), "vat_rate_invalid")
            ]
        );
    }

    #[test]
    fn buyer_changes_are_the_fields_that_differ() {
        let buyer = BuyerData { name: "Firma".into(), address: "Ulica 1".into(), tax_id: None };
        let typed = |field: &str| match field {
            "buyer_name" => Some("Firma".to_string()),
            "buyer_address" => Some("Ulica 2".to_string()),
            "buyer_tax_id" => Some(String::new()),
            _ => None,
        };
        let change = typed_buyer(&buyer, &typed).unwrap();
        assert_eq!(change, BuyerChange { address: Some("Ulica 2".into()), ..Default::default() });
    }

    #[test]
    fn negative_differences_mirror_positive_ones() {
        assert_eq!(vat_of(-999, 500), -vat_of(999, 500));
    }
}
