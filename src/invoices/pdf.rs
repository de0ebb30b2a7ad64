//! The invoice as a PDF: seller, buyer, number, dates, lines, the VAT table per rate, totals,
//! what is paid and due, and the KSeF number when there is one. Served to the account's owners
//! and billing members as an attachment with a safe file name.
use crate::config::Seller;
use crate::documents::{Align, Column, Layout, PdfError, Weight, MARGIN, PAGE_WIDTH};
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::touchpoints::layer::StepNote;
use crate::ui::format::{amount, money, vat_rate};
use crate::web::respond::{download, locale_from_headers, refuse};
use crate::web::AppState;
use axum::extract::{Path, Request, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().route("/invoices/{id}/pdf", get(pdf_file))
}

/// An invoice as printed.
#[derive(Debug, Clone)]
pub struct PrintedInvoice {
    pub number: String,
    pub issue_date: String,
    pub sale_date: String,
    pub due_date: String,
    pub currency: String,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
    pub paid_minor: i64,
    pub ksef_number: Option<String>,
    pub buyer_name: String,
    pub buyer_tax_id: Option<String>,
    pub buyer_address: String,
    pub order_id: Option<String>,
    pub order_number: Option<String>,
    /// As stored: unpaid, partly_paid, paid, cancelled.
    pub status: String,
    pub lines: Vec<PrintedLine>,
    /// What a corrective invoice corrects; `None` for a regular invoice.
    pub correction: Option<super::store::CorrectiveFacts>,
}

#[derive(Debug, Clone)]
pub struct PrintedLine {
    pub description: String,
    pub quantity: i64,
    pub unit: String,
    pub unit_price_minor: i64,
    pub vat_rate_bp: i64,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
}

/// `FV/2026/03/000123` becomes `FV-2026-03-000123.pdf`: letters, digits and dashes only.
pub fn file_name(number: &str) -> String {
    let safe: String = number
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("{}.pdf", if safe.is_empty() { "invoice".to_string() } else { safe })
}

async fn pdf_file(State(state): State<AppState>, Path(invoice_id): Path<String>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let account_id = match crate::web::access::billing_member(&parts) {
        Ok(member) => member.account_id,
        Err(error) => return refuse(&parts, error),
    };
    let invoice = match super::store::printed_invoice(&state.db, &account_id, &invoice_id).await {
        Ok(invoice) => invoice,
        Err(error) => return refuse(&parts, error),
    };
    if let Some(note) = StepNote::of(&parts) {
        note.subject("invoice", &invoice_id);
    }
    let Some(seller) = state.config.seller.clone() else {
        tracing::error!("invoices cannot be printed: set STYK_SELLER_NAME, STYK_SELLER_TAX_ID and STYK_SELLER_ADDRESS");
        return refuse(&parts, AppError::Unavailable);
    };
    let locale = locale_from_headers(&parts.headers);
    let name = file_name(&invoice.number);
    // Layout and compression are CPU work: off the async workers.
    match tokio::task::spawn_blocking(move || invoice_pdf(&invoice, &seller, locale)).await {
        Ok(Ok(pdf)) => download(pdf, "application/pdf", &name),
        Ok(Err(error)) => {
            tracing::error!(%error, "cannot write an invoice PDF");
            refuse(&parts, AppError::Internal)
        }
        Err(error) => {
            tracing::error!(%error, "the invoice PDF task failed");
            refuse(&parts, AppError::Internal)
        }
    }
}

/// A corrective invoice's lines: each corrected line before, after, and the difference.
fn corrected_rows(layout: &mut Layout, columns: &[Column], facts: &super::store::CorrectiveFacts, locale: Locale) {
    for change in &facts.lines {
        let difference = change.difference();
        for (label, values, amounts, weight) in [
            (td_string!(locale, correction_before), Some(&change.before), change.before.amounts(), Weight::Regular),
            (td_string!(locale, correction_after), Some(&change.after), change.after.amounts(), Weight::Regular),
            (td_string!(locale, correction_difference), None, difference, Weight::Bold),
        ] {
            layout.table_row(
                columns,
                &[
                    if values.is_some_and(|v| std::ptr::eq(v, &change.before)) {
                        change.line_no.to_string()
                    } else {
                        String::new()
                    },
                    match values {
                        Some(v) => format!("{label}: {}", v.description),
                        None => label.to_string(),
                    },
                    values.map(|v| v.quantity.to_string()).unwrap_or_default(),
                    values.map(|_| change.unit.clone()).unwrap_or_default(),
                    values.map(|v| amount(locale, v.unit_price_minor)).unwrap_or_default(),
                    values.map(|v| vat_rate(v.vat_rate_bp)).unwrap_or_default(),
                    amount(locale, amounts.net_minor),
                    amount(locale, amounts.vat_minor),
                    amount(locale, amounts.gross_minor),
                ],
                weight,
            );
        }
    }
}

/// Lays the invoice out on A4 pages.
pub fn invoice_pdf(invoice: &PrintedInvoice, seller: &Seller, locale: Locale) -> Result<Vec<u8>, PdfError> {
    let mut layout = Layout::new();
    let title_word = if invoice.correction.is_some() {
        td_string!(locale, invoice_pdf_corrective_title)
    } else {
        td_string!(locale, invoice_pdf_title)
    };
    layout.line(title_word, 18.0, Weight::Bold);
    layout.line(&format!("{} {}", td_string!(locale, invoice_pdf_number), invoice.number), 12.0, Weight::Bold);
    layout.gap(2.0);
    layout.line(
        &format!("{}: {}", td_string!(locale, invoice_pdf_issue_date), invoice.issue_date),
        9.0,
        Weight::Regular,
    );
    layout.line(&format!("{}: {}", td_string!(locale, invoice_pdf_sale_date), invoice.sale_date), 9.0, Weight::Regular);
    layout.line(&format!("{}: {}", td_string!(locale, invoice_pdf_due_date), invoice.due_date), 9.0, Weight::Regular);
    if let Some(ksef) = &invoice.ksef_number {
        layout.line(&format!("{}: {ksef}", td_string!(locale, invoice_pdf_ksef)), 9.0, Weight::Regular);
    }
    if let Some(order) = &invoice.order_number {
        layout.line(&format!("{}: {order}", td_string!(locale, invoice_pdf_order)), 9.0, Weight::Regular);
    }
    if let Some(facts) = &invoice.correction {
        layout.gap(6.0);
        layout.line(
            &format!(
                "{}: {} {} {}{}",
                td_string!(locale, invoice_pdf_corrects),
                facts.original_number,
                td_string!(locale, invoice_pdf_of_date),
                facts.original_issue_date,
                facts.original_ksef.as_ref().map(|k| format!(", KSeF {k}")).unwrap_or_default()
            ),
            10.0,
            Weight::Bold,
        );
        layout.line(
            &format!(
                "{}: {} — {}",
                td_string!(locale, correction_reason),
                super::corrective::reason_label(locale, facts.reason),
                facts.explanation
            ),
            9.0,
            Weight::Regular,
        );
        layout.line(
            &format!(
                "{}: {}",
                td_string!(locale, correction_type),
                super::corrective::correction_type_label(locale, facts.reason.correction_type())
            ),
            9.0,
            Weight::Regular,
        );
        if facts.buyer_before.name != invoice.buyer_name
            || facts.buyer_before.address != invoice.buyer_address
            || facts.buyer_before.tax_id != invoice.buyer_tax_id
        {
            layout.line(
                &format!(
                    "{}: {}, {}{}",
                    td_string!(locale, invoice_pdf_buyer_before),
                    facts.buyer_before.name,
                    facts.buyer_before.address,
                    facts.buyer_before.tax_id.as_ref().map(|id| format!(", {id}")).unwrap_or_default()
                ),
                9.0,
                Weight::Regular,
            );
        }
    }
    layout.gap(10.0);
    let half = (PAGE_WIDTH - 2.0 * MARGIN) / 2.0;
    let parties = [
        Column { x: MARGIN, width: half - 10.0, align: Align::Left },
        Column { x: MARGIN + half, width: half, align: Align::Left },
    ];
    layout.table_row(
        &parties,
        &[td_string!(locale, invoice_pdf_seller).to_string(), td_string!(locale, invoice_pdf_buyer).to_string()],
        Weight::Bold,
    );
    layout.table_row(&parties, &[seller.name.clone(), invoice.buyer_name.clone()], Weight::Regular);
    layout.table_row(&parties, &[seller.address.clone(), invoice.buyer_address.clone()], Weight::Regular);
    let tax_id = td_string!(locale, invoice_pdf_tax_id);
    layout.table_row(
        &parties,
        &[
            format!("{tax_id}: {}", seller.tax_id),
            invoice.buyer_tax_id.as_ref().map(|id| format!("{tax_id}: {id}")).unwrap_or_default(),
        ],
        Weight::Regular,
    );
    layout.gap(12.0);

    let columns = [
        Column { x: MARGIN, width: 16.0, align: Align::Right },
        Column { x: 64.0, width: 150.0, align: Align::Left },
        Column { x: 218.0, width: 36.0, align: Align::Right },
        Column { x: 258.0, width: 30.0, align: Align::Left },
        Column { x: 290.0, width: 58.0, align: Align::Right },
        Column { x: 350.0, width: 36.0, align: Align::Right },
        Column { x: 388.0, width: 54.0, align: Align::Right },
        Column { x: 444.0, width: 50.0, align: Align::Right },
        Column { x: 496.0, width: 57.0, align: Align::Right },
    ];
    let header = [
        "#".to_string(),
        td_string!(locale, order_col_item).to_string(),
        td_string!(locale, invoice_pdf_qty).to_string(),
        td_string!(locale, invoice_pdf_unit).to_string(),
        td_string!(locale, invoice_pdf_unit_price).to_string(),
        td_string!(locale, invoice_pdf_rate).to_string(),
        td_string!(locale, order_col_net).to_string(),
        td_string!(locale, order_col_vat).to_string(),
        td_string!(locale, order_col_gross).to_string(),
    ];
    layout.table_header(&columns, &header);
    if let Some(facts) = &invoice.correction {
        corrected_rows(&mut layout, &columns, facts, locale);
    }
    let plain_lines = if invoice.correction.is_some() { &[][..] } else { &invoice.lines[..] };
    for (n, line) in plain_lines.iter().enumerate() {
        layout.table_row(
            &columns,
            &[
                (n + 1).to_string(),
                line.description.clone(),
                line.quantity.to_string(),
                line.unit.clone(),
                amount(locale, line.unit_price_minor),
                vat_rate(line.vat_rate_bp),
                amount(locale, line.net_minor),
                amount(locale, line.vat_minor),
                amount(locale, line.gross_minor),
            ],
            Weight::Regular,
        );
    }
    layout.end_table();
    layout.rule(0.5);
    layout.gap(12.0);

    // The VAT table: one row per rate, then the totals.
    let vat_columns = [
        Column { x: 300.0, width: 70.0, align: Align::Left },
        Column { x: 372.0, width: 60.0, align: Align::Right },
        Column { x: 434.0, width: 56.0, align: Align::Right },
        Column { x: 492.0, width: 61.0, align: Align::Right },
    ];
    layout.table_header(
        &vat_columns,
        &[
            td_string!(locale, invoice_pdf_rate).to_string(),
            td_string!(locale, order_col_net).to_string(),
            td_string!(locale, order_col_vat).to_string(),
            td_string!(locale, order_col_gross).to_string(),
        ],
    );
    let rates = crate::kernel::money::VatRow::group(
        invoice.lines.iter().map(|l| (l.vat_rate_bp, l.net_minor, l.vat_minor, l.gross_minor)),
    );
    for rate in rates {
        layout.table_row(
            &vat_columns,
            &[
                vat_rate(rate.rate_bp),
                amount(locale, rate.net_minor),
                amount(locale, rate.vat_minor),
                amount(locale, rate.gross_minor),
            ],
            Weight::Regular,
        );
    }
    layout.table_row(
        &vat_columns,
        &[
            td_string!(locale, order_total).to_string(),
            amount(locale, invoice.net_minor),
            amount(locale, invoice.vat_minor),
            amount(locale, invoice.gross_minor),
        ],
        Weight::Bold,
    );
    layout.end_table();
    layout.gap(14.0);
    let currency = &invoice.currency;
    layout.line(
        &format!(
            "{}: {}",
            if invoice.correction.is_some() {
                td_string!(locale, correction_total_difference)
            } else {
                td_string!(locale, invoice_pdf_total_due)
            },
            money(locale, invoice.gross_minor, currency)
        ),
        11.0,
        Weight::Bold,
    );
    layout.line(
        &format!("{}: {}", td_string!(locale, invoice_pdf_paid), money(locale, invoice.paid_minor, currency)),
        9.5,
        Weight::Regular,
    );
    layout.line(
        &format!(
            "{}: {} ({} {})",
            td_string!(locale, invoice_pdf_to_pay),
            money(locale, invoice.gross_minor - invoice.paid_minor, currency),
            td_string!(locale, invoice_pdf_due_by),
            invoice.due_date
        ),
        9.5,
        Weight::Bold,
    );
    let title = format!("{title_word} {}", invoice.number);
    let number = invoice.number.clone();
    let page_word = td_string!(locale, statement_page);
    layout.finish(&title, leptos_i18n::Locale::as_str(locale), move |page, pages| {
        format!("{number} · {page_word} {page} / {pages}")
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_safe() {
        assert_eq!(super::file_name("FV/2026/03/000123"), "FV-2026-03-000123.pdf");
        assert_eq!(super::file_name("../../etc/passwd"), "etc-passwd.pdf");
        assert_eq!(super::file_name("\"; rm -rf"), "rm-rf.pdf");
        assert_eq!(super::file_name("///"), "invoice.pdf");
    }
}
