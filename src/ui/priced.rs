//! Tables of priced lines and of VAT per rate, shared by orders and invoices so both read alike.
use crate::i18n::*;
use crate::kernel::money::VatRow;
use crate::ui::format::{money, vat_rate};
use leptos::prelude::*;

/// A line as the table shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub description: String,
    /// The quantity with its unit when there is one (`6 szt.`).
    pub quantity: String,
    pub unit_price_minor: i64,
    pub vat_rate_bp: i64,
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
}

/// Net, VAT and gross of a whole document.
pub type Totals = (i64, i64, i64);

fn amount_of(currency: String) -> impl Fn(i64) -> Box<dyn Fn() -> String + Send + Sync> + Clone {
    let i18n = use_i18n();
    move |minor: i64| {
        let currency = currency.clone();
        Box::new(move || money(i18n.get_locale(), minor, &currency))
    }
}

/// The lines with quantity, unit price, VAT rate, net, VAT and gross; totals in the footer when given.
#[component]
pub fn LinesTable(lines: Vec<PricedLine>, currency: String, #[prop(optional)] totals: Option<Totals>) -> impl IntoView {
    let i18n = use_i18n();
    let amount = amount_of(currency);
    view! {
        // Focusable and named: on a narrow column the table scrolls sideways, by keyboard too.
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || t_string!(i18n, order_lines)>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, order_col_item)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_quantity)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_unit_price)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_vat_rate)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_net)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_vat)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_gross)}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|line| view! {
                        <tr>
                            <th scope="row">{line.description}</th>
                            <td class="num">{line.quantity}</td>
                            <td class="num">{amount(line.unit_price_minor)}</td>
                            <td class="num">{vat_rate(line.vat_rate_bp)}</td>
                            <td class="num">{amount(line.net_minor)}</td>
                            <td class="num">{amount(line.vat_minor)}</td>
                            <td class="num">{amount(line.gross_minor)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                {totals.map(|(net, vat, gross)| view! {
                    <tfoot>
                        <tr>
                            <th scope="row" colspan="4">{t!(i18n, order_total)}</th>
                            <td class="num">{amount(net)}</td>
                            <td class="num">{amount(vat)}</td>
                            <td class="num"><strong>{amount(gross)}</strong></td>
                        </tr>
                    </tfoot>
                })}
            </table>
        </div>
    }
}

/// Net, VAT and gross per VAT rate; the document's totals in the footer when given.
#[component]
pub fn VatTable(rows: Vec<VatRow>, currency: String, #[prop(optional)] totals: Option<Totals>) -> impl IntoView {
    let i18n = use_i18n();
    let amount = amount_of(currency);
    view! {
        <h3>{t!(i18n, order_vat_breakdown)}</h3>
        <table class="table table--compact">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, order_col_vat_rate)}</th>
                    <th scope="col" class="num">{t!(i18n, order_col_net)}</th>
                    <th scope="col" class="num">{t!(i18n, order_col_vat)}</th>
                    <th scope="col" class="num">{t!(i18n, order_col_gross)}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| view! {
                    <tr>
                        <th scope="row">{vat_rate(row.rate_bp)}</th>
                        <td class="num">{amount(row.net_minor)}</td>
                        <td class="num">{amount(row.vat_minor)}</td>
                        <td class="num">{amount(row.gross_minor)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
            {totals.map(|(net, vat, gross)| view! {
                <tfoot>
                    <tr>
                        <th scope="row">{t!(i18n, order_total)}</th>
                        <td class="num">{amount(net)}</td>
                        <td class="num">{amount(vat)}</td>
                        <td class="num">{amount(gross)}</td>
                    </tr>
                </tfoot>
            })}
        </table>
    }
}
