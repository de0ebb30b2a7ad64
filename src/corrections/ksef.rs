//! An invoice as structured data named after the KSeF FA(3) schema's fields, so that sending it
//! to the government API (out of scope here) is a mapping, not a redesign. A corrective invoice
//! carries `RodzajFaktury = KOR`, `PrzyczynaKorekty`, `TypKorekty` and `DaneFaKorygowanej`, and
//! each corrected line twice: as it was (`StanPrzed = 1`) and as it is.
use crate::config::Seller;
use crate::error::AppError;
use crate::invoices::pdf::PrintedInvoice;
use crate::invoices::store::printed_invoice;
use crate::touchpoints::layer::StepNote;
use crate::web::respond::{download, refuse};
use crate::web::AppState;
use axum::extract::{Path, Request, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

pub fn routes() -> Router<AppState> {
    Router::new().route("/invoices/{id}/ksef.json", get(ksef_file))
}

/// Minor units as the schema's decimal amount (`-24.60`).
fn decimal(minor: i64) -> String {
    format!("{}{}.{:02}", if minor < 0 { "-" } else { "" }, minor.abs() / 100, minor.abs() % 100)
}

/// The schema's VAT rate code: `23`, `8`, `5`, `0 KR` (domestic zero rate).
fn rate_code(rate_bp: i64) -> String {
    if rate_bp == 0 {
        "0 KR".to_string()
    } else {
        (rate_bp / 100).to_string()
    }
}

fn digits(tax_id: &str) -> String {
    tax_id.chars().filter(char::is_ascii_digit).collect()
}

/// The invoice as FA(3)-named JSON.
pub fn document(invoice: &PrintedInvoice, seller: &Seller) -> Value {
    // P_13_x / P_14_x: net and VAT per rate (1: 23 %, 2: 8 %, 3: 5 %, 6_1: 0 % domestic).
    let mut fa = serde_json::Map::new();
    fa.insert("KodWaluty".into(), json!(invoice.currency));
    fa.insert("P_1".into(), json!(invoice.issue_date));
    fa.insert("P_2".into(), json!(invoice.number));
    fa.insert("P_6".into(), json!(invoice.sale_date));
    for rate in crate::kernel::money::VatRow::group(
        invoice.lines.iter().map(|l| (l.vat_rate_bp, l.net_minor, l.vat_minor, l.gross_minor)),
    ) {
        let (net_field, vat_field) = match rate.rate_bp {
            2300 => ("P_13_1", Some("P_14_1")),
            800 => ("P_13_2", Some("P_14_2")),
            500 => ("P_13_3", Some("P_14_3")),
            _ => ("P_13_6_1", None),
        };
        fa.insert(net_field.into(), json!(decimal(rate.net_minor)));
        if let Some(vat_field) = vat_field {
            fa.insert(vat_field.into(), json!(decimal(rate.vat_minor)));
        }
    }
    fa.insert("P_15".into(), json!(decimal(invoice.gross_minor)));
    let mut rows = Vec::new();
    match &invoice.correction {
        None => {
            fa.insert("RodzajFaktury".into(), json!("VAT"));
            for (n, line) in invoice.lines.iter().enumerate() {
                rows.push(json!({
                    "NrWierszaFa": n + 1,
                    "P_7": line.description,
                    "P_8A": line.unit,
                    "P_8B": line.quantity,
                    "P_9A": decimal(line.unit_price_minor),
                    "P_11": decimal(line.net_minor),
                    "P_12": rate_code(line.vat_rate_bp),
                }));
            }
        }
        Some(facts) => {
            fa.insert("RodzajFaktury".into(), json!("KOR"));
            fa.insert("PrzyczynaKorekty".into(), json!(format!("{}: {}", facts.reason.as_str(), facts.explanation)));
            fa.insert("TypKorekty".into(), json!(facts.reason.correction_type()));
            let mut corrected = json!({
                "DataWystFaKorygowanej": facts.original_issue_date,
                "NrFaKorygowanej": facts.original_number,
            });
            match &facts.original_ksef {
                Some(ksef) => {
                    corrected["NrKSeF"] = json!(1);
                    corrected["NrKSeFFaKorygowanej"] = json!(ksef);
                }
                None => corrected["NrKSeFN"] = json!(1),
            }
            fa.insert("DaneFaKorygowanej".into(), json!([corrected]));
            if facts.buyer_before.name != invoice.buyer_name
                || facts.buyer_before.address != invoice.buyer_address
                || facts.buyer_before.tax_id != invoice.buyer_tax_id
            {
                fa.insert(
                    "Podmiot2K".into(),
                    json!([{
                        "DaneIdentyfikacyjne": {
                            "NIP": facts.buyer_before.tax_id.as_deref().map(digits),
                            "Nazwa": facts.buyer_before.name,
                        },
                        "Adres": { "KodKraju": "PL", "AdresL1": facts.buyer_before.address },
                    }]),
                );
            }
            let mut n = 0;
            for change in &facts.lines {
                for (values, before) in [(&change.before, true), (&change.after, false)] {
                    n += 1;
                    let amounts = values.amounts();
                    let mut row = json!({
                        "NrWierszaFa": n,
                        "P_7": values.description,
                        "P_8A": change.unit,
                        "P_8B": values.quantity,
                        "P_9A": decimal(values.unit_price_minor),
                        "P_11": decimal(amounts.net_minor),
                        "P_12": rate_code(values.vat_rate_bp),
                    });
                    if before {
                        row["StanPrzed"] = json!(1);
                    }
                    rows.push(row);
                }
            }
        }
    }
    fa.insert("FaWiersz".into(), Value::Array(rows));
    json!({
        "Naglowek": { "KodFormularza": "FA", "WariantFormularza": 3, "SystemInfo": "Styk" },
        "Podmiot1": {
            "DaneIdentyfikacyjne": { "NIP": digits(&seller.tax_id), "Nazwa": seller.name },
            "Adres": { "KodKraju": "PL", "AdresL1": seller.address },
        },
        "Podmiot2": {
            "DaneIdentyfikacyjne": { "NIP": invoice.buyer_tax_id.as_deref().map(digits), "Nazwa": invoice.buyer_name },
            "Adres": { "KodKraju": "PL", "AdresL1": invoice.buyer_address },
        },
        "Fa": Value::Object(fa),
    })
}

async fn ksef_file(State(state): State<AppState>, Path(invoice_id): Path<String>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let refuse = |error: AppError| refuse(&parts, error);
    let account_id = match crate::web::access::billing_member(&parts) {
        Ok(member) => member.account_id,
        Err(error) => return refuse(error),
    };
    let invoice = match printed_invoice(&state.db, &account_id, &invoice_id).await {
        Ok(invoice) => invoice,
        Err(error) => return refuse(error),
    };
    let Some(seller) = state.config.seller.clone() else { return refuse(AppError::Unavailable) };
    if let Some(note) = StepNote::of(&parts) {
        note.subject("invoice", &invoice_id);
    }
    let body = serde_json::to_vec_pretty(&document(&invoice, &seller)).unwrap_or_default();
    let name = crate::invoices::pdf::file_name(&invoice.number).replace(".pdf", ".json");
    download(body, "application/json", &name)
}
