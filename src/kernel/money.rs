//! Money in integer minor units and the VAT that goes with it.
use serde::{Deserialize, Serialize};

/// VAT of a net amount at a rate in basis points, rounded half up to the minor unit (half away
/// from zero for negative amounts, so a correction's difference is the mirror of the original).
pub fn vat_of(net_minor: i64, rate_bp: i64) -> i64 {
    let scaled = net_minor.abs() * rate_bp;
    net_minor.signum() * (scaled + 5_000).div_euclid(10_000)
}

/// Totals of one VAT rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VatRow {
    pub rate_bp: i64,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
}

impl VatRow {
    /// Totals per VAT rate of (rate, net, VAT, gross) lines, highest rate first (the order a
    /// Polish invoice lists them in).
    pub fn group(lines: impl IntoIterator<Item = (i64, i64, i64, i64)>) -> Vec<VatRow> {
        let mut rows: Vec<VatRow> = Vec::new();
        for (rate_bp, net_minor, vat_minor, gross_minor) in lines {
            match rows.iter_mut().find(|row| row.rate_bp == rate_bp) {
                Some(row) => {
                    row.net_minor += net_minor;
                    row.vat_minor += vat_minor;
                    row.gross_minor += gross_minor;
                }
                None => rows.push(VatRow { rate_bp, net_minor, vat_minor, gross_minor }),
            }
        }
        rows.sort_by_key(|row| std::cmp::Reverse(row.rate_bp));
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_rounds_half_up_and_mirrors_negative_amounts() {
        assert_eq!(vat_of(10_000, 2300), 2_300);
        assert_eq!(vat_of(1, 2300), 0);
        assert_eq!(vat_of(3, 2300), 1); // 0.69 → 1
        assert_eq!(vat_of(2, 2500), 1); // 0.5 → 1
        assert_eq!(vat_of(-2, 2500), -1);
    }

    #[test]
    fn vat_rows_group_by_rate_highest_first() {
        let rows = VatRow::group([(800, 100, 8, 108), (2300, 100, 23, 123), (800, 50, 4, 54)]);
        assert_eq!(rows.iter().map(|r| (r.rate_bp, r.net_minor)).collect::<Vec<_>>(), [(2300, 100), (800, 150)]);
    }
}
