//! Correction pages: the customer's request form (lines to correct, buyer data, reason, files,
//! the difference before sending), their requests and where each stands, and the staff queue
//! with the decision form. Every form is a plain post, so all of it works without JavaScript.
use super::api::{
    correction_form, correction_queue, my_correction, my_corrections, staff_correction, CorrectionFormView,
    CorrectionRow, CorrectionView,
};
use crate::corrections::domain::{
    amount_input, line_field, typed_changes, CorrectionReason, CorrectionStatus, InvoiceLine, LineChange, VAT_RATES,
};
use crate::i18n::*;
use crate::invoices::corrective::{reason_label, status_label, ChangesTable};
use crate::kernel::viewer::Viewer;
use crate::ui::form::{use_form_feedback, Field, FormAlert, Notice, SelectField};
use crate::ui::format::{money, utc_date, utc_minute, vat_rate};
use crate::ui::loaded::{page_data, Loaded};
use crate::ui::text;
use crate::ui::viewer::billing_only;
use crate::ui::viewer::{use_viewer, SignInRequired};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
fn StatusBadge(status: CorrectionStatus) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("badge badge--{}", status.as_str())>{move || status_label(i18n.get_locale(), status)}</span>
    }
}

mod form;
mod requests;
mod staff;

pub use form::*;
pub use requests::*;
pub use staff::*;
