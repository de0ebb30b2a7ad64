//! CSV cells that a spreadsheet opens as text (OWASP "CSV injection").
//!
//! Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` as a
//! formula (and tab or carriage return hide such a start), so a payment reference such as
//! `=HYPERLINK("http://…")` from an outside system would run on the customer's machine. Such a
//! cell is prefixed with `'`, which spreadsheets take as "text" and do not show. A plain number,
//! negative amounts included, is left alone so that it still adds up.
use std::borrow::Cow;

pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    let starts_like_a_formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if starts_like_a_formula && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `-12`, `-12.50`: an optional minus, digits, and at most one decimal point with digits after.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn formula_starts_become_text() {
        for cell in
            ["=HYPERLINK(\"http://x\")", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "-", "=", "-cmd|' /C calc'!A0"]
        {
            assert_eq!(safe_cell(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn numbers_and_ordinary_text_stay() {
        for cell in ["-12.50", "-3", "12.50", "FV/2026/11/000123", "Zapłata", "", "a=b"] {
            assert_eq!(safe_cell(cell), cell, "{cell:?}");
        }
    }
}
