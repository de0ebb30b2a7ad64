//! The statement as files: CSV for spreadsheets and accounting software, PDF to print or forward.
//! Both are built from the same statement the page shows, in the reader's language.
use super::api::{StatementParams, StatementView};
use crate::documents::{plain_amount, Align, Column, Layout, Weight, MARGIN};
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::ui::format::{amount, money, utc_minute};
use crate::web::access::{billing_member, principal};
use crate::web::respond::{download, locale_from_headers, refuse};
use crate::web::AppState;
use axum::extract::{Query, Request, State};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new().route("/account/statement.csv", get(csv_file)).route("/account/statement.pdf", get(pdf_file))
}

/// Who asks, for which account, in which language: (account name, customer number, statement).
struct Requested {
    locale: Locale,
    account_name: String,
    customer_number: String,
    statement: StatementView,
}

async fn requested(state: &AppState, request: &Parts) -> Result<Requested, Response> {
    let locale = locale_from_headers(&request.headers);
    let scope = billing_member(request).map_err(|error| refuse(request, error))?;
    let account_id = scope.account_id.as_str();
    let member =
        principal(request).and_then(|p| p.viewer.member()).ok_or_else(|| refuse(request, AppError::Forbidden))?;
    let Query(params) =
        Query::<StatementParams>::try_from_uri(&request.uri).map_err(|_| refuse(request, AppError::BadRequest))?;
    let statement =
        super::store::statement(&state.db, account_id, &params).await.map_err(|error| refuse(request, error))?;
    if !statement.problems.is_empty() {
        return Err(refuse(request, AppError::validation("period", "date_invalid")));
    }
    Ok(Requested {
        locale,
        account_name: member.account_name.clone(),
        customer_number: member.customer_number.clone(),
        statement,
    })
}

/// A download: the file, never cached, under a name made only of the customer number and dates.
fn attachment(body: Vec<u8>, content_type: &'static str, requested: &Requested, extension: &str) -> Response {
    let safe = |text: &str| text.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>();
    let name = format!(
        "statement-{}-{}-{}.{extension}",
        safe(&requested.customer_number),
        safe(&requested.statement.from),
        safe(&requested.statement.to)
    );
    download(body, content_type, &name)
}

fn headers(locale: Locale) -> [&'static str; 6] {
    [
        td_string!(locale, statement_col_date),
        td_string!(locale, statement_col_document),
        td_string!(locale, statement_col_description),
        td_string!(locale, statement_col_debit),
        td_string!(locale, statement_col_credit),
        td_string!(locale, statement_col_balance),
    ]
}

async fn csv_file(State(state): State<AppState>, request: Request) -> Response {
    let (request, _) = request.into_parts();
    let requested = match requested(&state, &request).await {
        Ok(requested) => requested,
        Err(response) => return response,
    };
    match statement_csv(&requested) {
        Ok(body) => attachment(body, "text/csv; charset=utf-8", &requested, "csv"),
        Err(error) => {
            tracing::error!(%error, "cannot write the statement CSV");
            refuse(&request, AppError::Internal)
        }
    }
}

/// One row of the CSV, every cell made safe to open in a spreadsheet: payment references and texts
/// may come from outside systems.
fn write_row(writer: &mut csv::Writer<Vec<u8>>, cells: [&str; 7]) -> Result<(), csv::Error> {
    writer.write_record(cells.map(crate::documents::spreadsheet::safe_cell).iter().map(|cell| cell.as_ref()))
}

fn statement_csv(requested: &Requested) -> Result<Vec<u8>, csv::Error> {
    let (locale, statement) = (requested.locale, &requested.statement);
    let mut writer = csv::Writer::from_writer(Vec::new());
    let [date, document, text, debit, credit, balance] = headers(locale);
    write_row(&mut writer, [date, document, text, debit, credit, balance, td_string!(locale, statement_col_currency)])?;
    let currency = statement.currency.as_str();
    let opening = td_string!(locale, statement_opening);
    write_row(
        &mut writer,
        [statement.from.as_str(), "", opening, "", "", &plain_amount(statement.opening_minor), currency],
    )?;
    for entry in &statement.entries {
        let amount = |minor: i64| if minor == 0 { String::new() } else { plain_amount(minor) };
        write_row(
            &mut writer,
            [
                entry.date.as_str(),
                &entry.document,
                &super::api::describe_entry(locale, entry.kind, entry.for_invoice.as_deref()),
                &amount(entry.debit_minor),
                &amount(entry.credit_minor),
                &plain_amount(entry.balance_minor),
                currency,
            ],
        )?;
    }
    let closing = td_string!(locale, statement_closing);
    write_row(
        &mut writer,
        [statement.to.as_str(), "", closing, "", "", &plain_amount(statement.closing_minor), currency],
    )?;
    writer.into_inner().map_err(|error| csv::Error::from(error.into_error()))
}

async fn pdf_file(State(state): State<AppState>, request: Request) -> Response {
    let (request, _) = request.into_parts();
    let requested = match requested(&state, &request).await {
        Ok(requested) => requested,
        Err(response) => return response,
    };
    // Laying out and compressing a year of lines is CPU work: off the async workers.
    let result = tokio::task::spawn_blocking(move || statement_pdf(&requested).map(|pdf| (pdf, requested))).await;
    match result {
        Ok(Ok((body, requested))) => attachment(body, "application/pdf", &requested, "pdf"),
        Ok(Err(error)) => {
            tracing::error!(%error, "cannot write the statement PDF");
            refuse(&request, AppError::Internal)
        }
        Err(error) => {
            tracing::error!(%error, "the statement PDF task failed");
            refuse(&request, AppError::Internal)
        }
    }
}

fn statement_pdf(requested: &Requested) -> Result<Vec<u8>, crate::documents::PdfError> {
    let (locale, statement) = (requested.locale, &requested.statement);
    let currency = statement.currency.as_str();
    let mut layout = Layout::new();
    layout.line("Styk", 9.0, Weight::Bold);
    layout.gap(6.0);
    layout.line(td_string!(locale, statement_title), 18.0, Weight::Bold);
    layout.gap(4.0);
    layout.line(&requested.account_name, 11.0, Weight::Bold);
    layout.line(
        &format!("{} {}", td_string!(locale, account_customer_number), requested.customer_number),
        9.5,
        Weight::Regular,
    );
    layout.line(
        &format!("{}: {} – {} · {}", td_string!(locale, statement_period), statement.from, statement.to, currency),
        9.5,
        Weight::Regular,
    );
    layout.line(
        &format!("{} {}", td_string!(locale, statement_generated), utc_minute(crate::db::now_ms())),
        8.0,
        Weight::Regular,
    );
    layout.gap(10.0);
    let columns = [
        Column { x: MARGIN, width: 56.0, align: Align::Left },
        Column { x: 100.0, width: 92.0, align: Align::Left },
        Column { x: 196.0, width: 154.0, align: Align::Left },
        Column { x: 352.0, width: 64.0, align: Align::Right },
        Column { x: 420.0, width: 64.0, align: Align::Right },
        Column { x: 486.0, width: 67.0, align: Align::Right },
    ];
    let header: Vec<String> = headers(locale).iter().map(|h| h.to_string()).collect();
    layout.table_header(&columns, &header);
    let opening = td_string!(locale, statement_opening).to_string();
    layout.table_row(
        &columns,
        &[
            statement.from.clone(),
            String::new(),
            opening,
            String::new(),
            String::new(),
            amount(locale, statement.opening_minor),
        ],
        Weight::Bold,
    );
    for entry in &statement.entries {
        let figure = |minor: i64| if minor == 0 { String::new() } else { amount(locale, minor) };
        layout.table_row(
            &columns,
            &[
                entry.date.clone(),
                entry.document.clone(),
                super::api::describe_entry(locale, entry.kind, entry.for_invoice.as_deref()),
                figure(entry.debit_minor),
                figure(entry.credit_minor),
                amount(locale, entry.balance_minor),
            ],
            Weight::Regular,
        );
    }
    layout.rule(0.5);
    layout.gap(4.0);
    let closing = td_string!(locale, statement_closing).to_string();
    layout.table_row(
        &columns,
        &[
            statement.to.clone(),
            String::new(),
            closing,
            String::new(),
            String::new(),
            amount(locale, statement.closing_minor),
        ],
        Weight::Bold,
    );
    layout.end_table();
    layout.gap(8.0);
    layout.line(
        &format!("{}: {}", td_string!(locale, statement_closing), money(locale, statement.closing_minor, currency)),
        10.0,
        Weight::Bold,
    );
    let title = format!(
        "{} {} {}–{}",
        td_string!(locale, statement_title),
        requested.customer_number,
        statement.from,
        statement.to
    );
    let page_word = td_string!(locale, statement_page);
    let account = requested.account_name.clone();
    layout.finish(&title, leptos_i18n::Locale::as_str(locale), move |page, pages| {
        format!("Styk · {account} · {page_word} {page} / {pages}")
    })
}
