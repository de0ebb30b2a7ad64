//! The corrective invoice (faktura korygująca): why one is issued, what it changes line by line
//! (before, after, difference), the status of a customer's request for one, their labels, and the
//! table of changes that the invoice page, the correction pages and the PDF share. Corrections
//! build on these; invoices never need the corrections feature to show a corrective invoice.
use crate::i18n::*;
use crate::kernel::money::vat_of;
use crate::ui::format::{money, vat_rate};
use crate::ui::text;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Why the customer says the invoice is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionReason {
    PriceDifference,
    ReturnedGoods,
    Discount,
    WrongData,
    Duplicate,
    Other,
}

impl CorrectionReason {
    pub const ALL: [CorrectionReason; 6] = [
        CorrectionReason::PriceDifference,
        CorrectionReason::ReturnedGoods,
        CorrectionReason::Discount,
        CorrectionReason::WrongData,
        CorrectionReason::Duplicate,
        CorrectionReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionReason::PriceDifference => "price_difference",
            CorrectionReason::ReturnedGoods => "returned_goods",
            CorrectionReason::Discount => "discount",
            CorrectionReason::WrongData => "wrong_data",
            CorrectionReason::Duplicate => "duplicate",
            CorrectionReason::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }

    /// KSeF `TypKorekty`: 1 when the correction belongs to the original invoice's period (the
    /// original was wrong from the start: data, a duplicate), 2 when it takes effect in the period
    /// of the corrective invoice (a later event: a return, a discount, a price agreed afterwards).
    pub fn correction_type(self) -> u8 {
        match self {
            CorrectionReason::WrongData | CorrectionReason::Duplicate => 1,
            CorrectionReason::PriceDifference
            | CorrectionReason::ReturnedGoods
            | CorrectionReason::Discount
            | CorrectionReason::Other => 2,
        }
    }
}

/// Where a request stands for the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionStatus {
    Submitted,
    InReview,
    Accepted,
    PartlyAccepted,
    Rejected,
}

impl CorrectionStatus {
    pub const ALL: [CorrectionStatus; 5] = [
        CorrectionStatus::Submitted,
        CorrectionStatus::InReview,
        CorrectionStatus::Accepted,
        CorrectionStatus::PartlyAccepted,
        CorrectionStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionStatus::Submitted => "submitted",
            CorrectionStatus::InReview => "in_review",
            CorrectionStatus::Accepted => "accepted",
            CorrectionStatus::PartlyAccepted => "partly_accepted",
            CorrectionStatus::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn is_open(self) -> bool {
        matches!(self, CorrectionStatus::Submitted | CorrectionStatus::InReview)
    }
}

/// What an invoice line says: description, quantity, unit price and VAT rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineValues {
    pub description: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    pub vat_rate_bp: i64,
}

/// Net, VAT and gross of a line (or of a difference).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amounts {
    pub net_minor: i64,
    pub vat_minor: i64,
    pub gross_minor: i64,
}

impl Amounts {
    pub fn minus(self, other: Amounts) -> Amounts {
        Amounts {
            net_minor: self.net_minor - other.net_minor,
            vat_minor: self.vat_minor - other.vat_minor,
            gross_minor: self.gross_minor - other.gross_minor,
        }
    }

    pub fn plus(self, other: Amounts) -> Amounts {
        Amounts {
            net_minor: self.net_minor + other.net_minor,
            vat_minor: self.vat_minor + other.vat_minor,
            gross_minor: self.gross_minor + other.gross_minor,
        }
    }
}

impl LineValues {
    /// The line's amounts the way invoices compute them: net = quantity × price, VAT per line
    /// rounded half up, gross = net + VAT.
    pub fn amounts(&self) -> Amounts {
        let net_minor = self.quantity * self.unit_price_minor;
        let vat_minor = vat_of(net_minor, self.vat_rate_bp);
        Amounts { net_minor, vat_minor, gross_minor: net_minor + vat_minor }
    }
}

/// One line as it is and as it should be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineChange {
    pub line_no: i64,
    pub unit: String,
    pub before: LineValues,
    pub after: LineValues,
}

impl LineChange {
    pub fn difference(&self) -> Amounts {
        self.after.amounts().minus(self.before.amounts())
    }

    /// What is being corrected on this line: quantity, unit_price, vat_rate, description.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut kinds = Vec::new();
        if self.before.quantity != self.after.quantity {
            kinds.push("quantity");
        }
        if self.before.unit_price_minor != self.after.unit_price_minor {
            kinds.push("unit_price");
        }
        if self.before.vat_rate_bp != self.after.vat_rate_bp {
            kinds.push("vat_rate");
        }
        if self.before.description != self.after.description {
            kinds.push("description");
        }
        kinds
    }
}

/// The difference of all changes together.
pub fn total_difference(changes: &[LineChange]) -> Amounts {
    changes.iter().fold(Amounts::default(), |sum, change| sum.plus(change.difference()))
}

/// Buyer data as it is on the invoice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerData {
    pub name: String,
    pub address: String,
    pub tax_id: Option<String>,
}

pub fn status_label(locale: Locale, status: CorrectionStatus) -> &'static str {
    match status {
        CorrectionStatus::Submitted => td_string!(locale, correction_status_submitted),
        CorrectionStatus::InReview => td_string!(locale, correction_status_in_review),
        CorrectionStatus::Accepted => td_string!(locale, correction_status_accepted),
        CorrectionStatus::PartlyAccepted => td_string!(locale, correction_status_partly_accepted),
        CorrectionStatus::Rejected => td_string!(locale, correction_status_rejected),
    }
}

pub fn correction_type_label(locale: Locale, kind: u8) -> &'static str {
    match kind {
        1 => td_string!(locale, correction_type_1),
        _ => td_string!(locale, correction_type_2),
    }
}

pub fn reason_label(locale: Locale, reason: CorrectionReason) -> &'static str {
    match reason {
        CorrectionReason::PriceDifference => td_string!(locale, correction_reason_price_difference),
        CorrectionReason::ReturnedGoods => td_string!(locale, correction_reason_returned_goods),
        CorrectionReason::Discount => td_string!(locale, correction_reason_discount),
        CorrectionReason::WrongData => td_string!(locale, correction_reason_wrong_data),
        CorrectionReason::Duplicate => td_string!(locale, correction_reason_duplicate),
        CorrectionReason::Other => td_string!(locale, correction_reason_other),
    }
}

/// Each changed line before and after, its difference, and the total difference.
#[component]
pub fn ChangesTable(changes: Vec<LineChange>, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    let total = total_difference(&changes);
    let sum = move |minor: i64| {
        let currency = currency.clone();
        move || money(i18n.get_locale(), minor, &currency)
    };
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || t_string!(i18n, correction_difference)>
            <table class="table table--changes">
                <caption class="visually-hidden">{t!(i18n, correction_difference)}</caption>
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{t!(i18n, order_col_item)}</th>
                        <th scope="col"></th>
                        <th scope="col" class="num">{t!(i18n, invoice_pdf_qty)}</th>
                        <th scope="col" class="num">{t!(i18n, invoice_pdf_unit_price)}</th>
                        <th scope="col" class="num">{t!(i18n, invoice_pdf_rate)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_net)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_vat)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_gross)}</th>
                    </tr>
                </thead>
                <tbody>
                    {changes.into_iter().map(|change| {
                        let rows = [
                            (text!(i18n, correction_before), Some(change.before.clone()), change.before.amounts()),
                            (text!(i18n, correction_after), Some(change.after.clone()), change.after.amounts()),
                            (text!(i18n, correction_difference), None, change.difference()),
                        ];
                        rows.into_iter().enumerate().map(|(n, (label, values, amounts))| {
                            let sum = sum.clone();
                            view! {
                                <tr class:changes__diff=values.is_none()>
                                    <td>{(n == 0).then_some(change.line_no)}</td>
                                    <td>{values.as_ref().map(|v| v.description.clone())}</td>
                                    <th scope="row">{move || label.get()}</th>
                                    <td class="num">{values.as_ref().map(|v| format!("{} {}", v.quantity, change.unit))}</td>
                                    <td class="num">{values.as_ref().map(|v| sum(v.unit_price_minor))}</td>
                                    <td class="num">{values.as_ref().map(|v| vat_rate(v.vat_rate_bp))}</td>
                                    <td class="num">{sum(amounts.net_minor)}</td>
                                    <td class="num">{sum(amounts.vat_minor)}</td>
                                    <td class="num">{sum(amounts.gross_minor)}</td>
                                </tr>
                            }
                        }).collect_view()
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row" colspan="6">{t!(i18n, correction_total_difference)}</th>
                        <td class="num">{sum(total.net_minor)}</td>
                        <td class="num">{sum(total.vat_minor)}</td>
                        <td class="num"><strong>{sum(total.gross_minor)}</strong></td>
                    </tr>
                </tfoot>
            </table>
        </div>
    }
}
