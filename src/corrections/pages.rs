//! Correction pages: the customer's request form (lines to correct, buyer data, reason, files,
//! the difference before sending), their requests and where each stands, and the staff queue
//! with the decision form. Every form is a plain post, so all of it works without JavaScript.
use super::api::{
    correction_form, correction_queue, my_correction, my_corrections, staff_correction, CorrectionFormView,
    CorrectionRow, CorrectionView,
};
use super::domain::{
    amount_input, line_field, typed_changes, CorrectionReason, CorrectionStatus, InvoiceLine,
    LineChange, VAT_RATES,
};
use crate::i18n::*;
use crate::invoices::corrective::{reason_label, status_label, ChangesTable};
use crate::ui::viewer::billing_only;
use crate::kernel::viewer::Viewer;
use crate::ui::form::{use_form_feedback, Field, FormAlert, Notice, SelectField};
use crate::ui::format::{money, utc_date, utc_minute, vat_rate};
use crate::ui::loaded::{page_data, Loaded};
use crate::ui::text;
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

// --- The request form ----------------------------------------------------------------------------

#[component]
pub fn CorrectionFormPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, correction_request_title);
    if let Some(refusal) = billing_only(title, text!(i18n, invoices_not_allowed)) {
        return refusal;
    }
    let params = use_params_map();
    // A form posted back (preview, a problem) carries its key: its files are found by it.
    let key = use_form_feedback().value("correction", "key");
    let form = page_data(
        move || params.read().get("id").unwrap_or_default(),
        move |invoice_id| correction_form(invoice_id, key.clone()),
    );
    view! {
        <Title text=title.get_untracked() />
        <Loaded data=form ready=|form| view! { <CorrectionForm form /> } />
    }
    .into_any()
}

#[component]
fn CorrectionForm(form: CorrectionFormView) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_form_feedback();
    let posted = feedback.form == "correction";
    let typed = |name: &str| feedback.value("correction", name);
    let preview = if posted { typed_changes(&form.lines, &typed).ok() } else { None };
    let action = format!("/invoices/{}/correct", form.invoice_id);
    let reasons = std::iter::once(("", text!(i18n, correction_reason_choose)))
        .chain(CorrectionReason::ALL.into_iter().map(|reason| {
            (reason.as_str(), Signal::derive(move || reason_label(i18n.get_locale(), reason).to_string()))
        }))
        .collect::<Vec<_>>();
    let explanation = feedback.value("correction", "explanation").unwrap_or_default();
    let explanation_error = feedback.error("correction", "explanation");
    let files_error = feedback.error("correction", "files");
    let currency = form.currency.clone();
    view! {
        <section class="panel">
            <p class="eyebrow">
                <a href=format!("/invoices/{}", form.invoice_id)>{t!(i18n, invoice_title)} " " {form.invoice_number.clone()}</a>
            </p>
            <h1>{t!(i18n, correction_request_title)}</h1>
            <p>{t!(i18n, correction_intro)}</p>
            {(!form.open.is_empty()).then(|| view! {
                <p class="notice">
                    {t!(i18n, correction_open_exists)} " "
                    {form.open.iter().map(|(id, date)| view! { <a href=format!("/corrections/{id}")>{date.clone()}</a> " " }).collect_view()}
                </p>
            })}
            <FormAlert form="correction" />
            <form method="post" action=action enctype="multipart/form-data" class="stack">
                <input type="hidden" name="key" value=form.key.clone() />
                <fieldset>
                    <legend>{t!(i18n, order_lines)}</legend>
                    <LineInputs form="correction" lines=form.lines.clone() />
                </fieldset>
                <section aria-live="polite" class="stack">
                    <h2>{t!(i18n, correction_difference)}</h2>
                    {match preview {
                        Some(changes) if !changes.is_empty() => view! { <ChangesTable changes currency=currency.clone() /> }.into_any(),
                        _ => view! { <p class="muted">{t!(i18n, correction_no_changes_yet)}</p> }.into_any(),
                    }}
                </section>
                <fieldset>
                    <legend>{t!(i18n, correction_buyer)}</legend>
                    <Field form="correction" name="buyer_name" label=text!(i18n, correction_buyer_name) value=form.buyer.name.clone() />
                    <Field form="correction" name="buyer_address" label=text!(i18n, correction_buyer_address) value=form.buyer.address.clone() />
                    <Field form="correction" name="buyer_tax_id" label=text!(i18n, correction_buyer_tax_id) required=false
                        value=form.buyer.tax_id.clone().unwrap_or_default() />
                </fieldset>
                <SelectField form="correction" name="reason" label=text!(i18n, correction_reason) options=reasons />
                <div class="field" class:field--invalid=explanation_error.is_some()>
                    <label class="field__label" for="correction-explanation">{t!(i18n, correction_explanation)}</label>
                    {explanation_error.clone().map(|code| view! {
                        <p class="field__error" id="correction-explanation-error">
                            {move || crate::ui::form::field_error_text(i18n.get_locale(), &code)}
                        </p>
                    })}
                    <textarea class="field__input" id="correction-explanation" name="explanation" rows="4" maxlength="2000"
                        aria-invalid=explanation_error.is_some().then_some("true")
                        aria-describedby=explanation_error.is_some().then_some("correction-explanation-error")>
                        {explanation}
                    </textarea>
                </div>
                <div class="field" class:field--invalid=files_error.is_some()>
                    <label class="field__label" for="correction-files">{t!(i18n, correction_files)}</label>
                    <p class="field__hint" id="correction-files-hint">{t!(i18n, correction_files_hint)}</p>
                    {files_error.clone().map(|code| view! {
                        <p class="field__error" id="correction-files-error">
                            {move || crate::ui::form::field_error_text(i18n.get_locale(), &code)}
                        </p>
                    })}
                    {(!form.attachments.is_empty()).then(|| view! {
                        <ul class="link-list">
                            {form.attachments.iter().map(|file| {
                                let name = file.file_name.clone();
                                view! {
                                    <li>
                                        {file.file_name.clone()} " (" {format_size(file.size_bytes)} ") "
                                        <button type="submit" class="button button--quiet" name="remove" value=file.attachment_id.clone()
                                            formnovalidate aria-label=move || format!("{} {name}", t_string!(i18n, correction_remove))>
                                            {t!(i18n, correction_remove)}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    })}
                    <input class="field__input" id="correction-files" type="file" name="files" multiple
                        accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
                        aria-describedby=if files_error.is_some() { "correction-files-hint correction-files-error" } else { "correction-files-hint" }
                        aria-invalid=files_error.is_some().then_some("true") />
                </div>
                <p class="muted">{t!(i18n, correction_decision_days)} ": " {form.decision_days}</p>
                <div class="actions">
                    <button type="submit" class="button button--quiet" name="action" value="preview" formnovalidate>
                        {t!(i18n, correction_preview)}
                    </button>
                    <button type="submit" class="button" name="action" value="submit">{t!(i18n, correction_submit)}</button>
                </div>
            </form>
        </section>
    }
}

fn format_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} kB", (bytes + 1023) / 1024)
    }
}

/// One row of inputs per line, prefilled with the line's values (or what was typed): the
/// customer's request form and the staff decision form name them alike.
#[component]
fn LineInputs(form: &'static str, lines: Vec<InvoiceLine>) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_form_feedback();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || t_string!(i18n, order_lines)>
            <table class="table table--inputs">
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">{t!(i18n, order_col_item)}</th>
                        <th scope="col">{t!(i18n, invoice_pdf_qty)}</th>
                        <th scope="col">{t!(i18n, invoice_pdf_unit_price)}</th>
                        <th scope="col">{t!(i18n, invoice_pdf_rate)}</th>
                    </tr>
                </thead>
                <tbody>
                    {lines.into_iter().map(|line| {
                        let n = line.line_no;
                        let rate_field = line_field("v", n);
                        let chosen_rate = feedback.value(form, &rate_field)
                            .unwrap_or_else(|| (line.values.vat_rate_bp / 100).to_string());
                        let rate_error = feedback.error(form, &rate_field);
                        view! {
                            <tr>
                                <td>{n}</td>
                                <td>
                                    <Field form=form name=line_field("d", n) id=format!("{form}-d-{n}") label_hidden=true
                                        label=Signal::derive(move || format!("{} {n}", t_string!(i18n, order_col_item)))
                                        value=line.values.description.clone() />
                                </td>
                                <td>
                                    <Field form=form name=line_field("q", n) id=format!("{form}-q-{n}") label_hidden=true kind="number"
                                        range=(0, super::domain::MAX_QUANTITY)
                                        label=Signal::derive(move || format!("{} {n}", t_string!(i18n, invoice_pdf_qty)))
                                        value=line.values.quantity.to_string() />
                                </td>
                                <td>
                                    <Field form=form name=line_field("p", n) id=format!("{form}-p-{n}") label_hidden=true
                                        label=Signal::derive(move || format!("{} {n}", t_string!(i18n, invoice_pdf_unit_price)))
                                        value=amount_input(line.values.unit_price_minor) />
                                </td>
                                <td>
                                    <label class="visually-hidden" for=format!("{form}-v-{n}")>
                                        {move || format!("{} {n}", t_string!(i18n, invoice_pdf_rate))}
                                    </label>
                                    <select class="field__input" id=format!("{form}-v-{n}") name=rate_field.clone()
                                        aria-invalid=rate_error.is_some().then_some("true")>
                                        {VAT_RATES.iter().map(|rate| {
                                            let value = (rate / 100).to_string();
                                            let selected = value == chosen_rate;
                                            view! { <option value=value.clone() selected=selected>{vat_rate(*rate)}</option> }
                                        }).collect_view()}
                                    </select>
                                    {rate_error.map(|code| view! {
                                        <p class="field__error">{move || crate::ui::form::field_error_text(i18n.get_locale(), &code)}</p>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

// --- The customer's requests ---------------------------------------------------------------------

#[component]
pub fn CorrectionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, correction_list_title);
    if let Some(refusal) = billing_only(title, text!(i18n, invoices_not_allowed)) {
        return refusal;
    }
    let rows = page_data(|| (), |_| my_corrections());
    view! {
        <Title text=title.get_untracked() />
        <section class="panel">
            <h1>{t!(i18n, correction_list_title)}</h1>
            <p>{t!(i18n, correction_list_intro)}</p>
            <Loaded data=rows ready=|rows| view! { <CorrectionTable rows staff=false /> } />
        </section>
    }
    .into_any()
}

#[component]
fn CorrectionTable(rows: Vec<CorrectionRow>, staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! {
            <p class="empty">{move || if staff { t_string!(i18n, staff_corrections_none) } else { t_string!(i18n, correction_none) }}</p>
        }
        .into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=move || t_string!(i18n, correction_list_title)>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, correction_invoice)}</th>
                        {staff.then(|| view! { <th scope="col">{t!(i18n, correction_customer)}</th> })}
                        <th scope="col">{t!(i18n, correction_submitted_at)}</th>
                        <th scope="col">{t!(i18n, correction_reason)}</th>
                        <th scope="col">{t!(i18n, orders_status)}</th>
                        <th scope="col">{t!(i18n, correction_decide_by)}</th>
                        <th scope="col" class="num">{t!(i18n, correction_difference)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let href = if staff { format!("/staff/corrections/{}", row.correction_id) } else { format!("/corrections/{}", row.correction_id) };
                        let reason = row.reason;
                        let currency = row.currency.clone();
                        view! {
                            <tr>
                                <th scope="row"><a href=href>{row.invoice_number.clone()}</a></th>
                                {staff.then(|| view! { <td>{row.account_name.clone()}</td> })}
                                <td>{utc_date(row.submitted_at)}</td>
                                <td>{move || reason_label(i18n.get_locale(), reason)}</td>
                                <td>
                                    <StatusBadge status=row.status />
                                    {row.reviewer.clone().filter(|_| staff && row.status.is_open()).map(|name| view! { " " <span class="muted">{name}</span> })}
                                </td>
                                <td>{row.status.is_open().then(|| row.decide_by.clone())}</td>
                                <td class="num">{move || money(i18n.get_locale(), row.difference_minor, &currency)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn CorrectionPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, correction_title);
    if let Some(refusal) = billing_only(title, text!(i18n, invoices_not_allowed)) {
        return refusal;
    }
    let params = use_params_map();
    let view = page_data(move || params.read().get("id").unwrap_or_default(), my_correction);
    view! {
        <Title text=title.get_untracked() />
        <Notice />
        <Loaded data=view ready=|view| view! { <CorrectionFacts view staff=false /> } />
    }
    .into_any()
}

/// Where a request stands: status, who and when, what was asked, what was decided, the files.
#[component]
fn CorrectionFacts(view: CorrectionView, staff: bool) -> impl IntoView {
    let i18n = use_i18n();
    let reason = view.reason;
    let asked: Vec<LineChange> = view.lines.iter().map(|l| l.asked_change()).collect();
    let decided: Vec<LineChange> = view.lines.iter().filter_map(|l| l.decided_change()).collect();
    let files_base = if staff {
        format!("/staff/corrections/{}/attachments", view.correction_id)
    } else {
        format!("/corrections/{}/attachments", view.correction_id)
    };
    let invoice_href = if staff { None } else { Some(format!("/invoices/{}", view.invoice_id)) };
    view! {
        <section class="panel">
            <p class="eyebrow">{t!(i18n, correction_title)}</p>
            <h1>
                {t!(i18n, correction_invoice)} " "
                {match invoice_href {
                    Some(href) => view! { <a href=href>{view.invoice_number.clone()}</a> }.into_any(),
                    None => view! { <span>{view.invoice_number.clone()}</span> }.into_any(),
                }}
                " " <StatusBadge status=view.status />
            </h1>
            <dl class="facts facts--wide">
                {staff.then(|| view! { <dt>{t!(i18n, correction_customer)}</dt><dd>{view.account_name.clone()}</dd> })}
                <dt>{t!(i18n, correction_submitted_at)}</dt>
                <dd>{utc_minute(view.submitted_at)} {view.submitted_by.clone().map(|name| view! { " · " {name} })}</dd>
                <dt>{t!(i18n, correction_reason)}</dt><dd>{move || reason_label(i18n.get_locale(), reason)}</dd>
                <dt>{t!(i18n, correction_explanation)}</dt><dd class="prewrap">{view.explanation.clone()}</dd>
                {view.status.is_open().then(|| view! { <dt>{t!(i18n, correction_decide_by)}</dt><dd>{view.decide_by.clone()}</dd> })}
                {view.reviewer.clone().zip(view.review_started_at).filter(|_| view.status.is_open()).map(|(name, at)| view! {
                    <dt>{t!(i18n, correction_reviewer)}</dt><dd>{name} " · " {utc_minute(at)}</dd>
                })}
                {view.decided_by.clone().zip(view.decided_at).map(|(name, at)| view! {
                    <dt>{t!(i18n, correction_decided_by)}</dt><dd>{name} " · " {utc_minute(at)}</dd>
                })}
                {view.decision_note.clone().map(|note| view! { <dt>{t!(i18n, correction_decision_note)}</dt><dd class="prewrap">{note}</dd> })}
                {view.corrective.clone().map(|(id, number)| view! {
                    <dt>{t!(i18n, correction_corrective)}</dt>
                    <dd>
                        {if staff {
                            view! { <span>{number}</span> }.into_any()
                        } else {
                            view! {
                                <a href=format!("/invoices/{id}")>{number.clone()}</a> " · "
                                <a href=format!("/invoices/{id}/pdf") rel="external" download>"PDF"</a>
                            }.into_any()
                        }}
                    </dd>
                })}
            </dl>
        </section>
        {(!asked.is_empty()).then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, correction_asked)}</h2>
                <ChangesTable changes=asked currency=view.currency.clone() />
            </section>
        })}
        {(!decided.is_empty() && view.status == CorrectionStatus::PartlyAccepted).then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, correction_decided)}</h2>
                <ChangesTable changes=decided currency=view.currency.clone() />
            </section>
        })}
        {(!view.buyer_asked.is_empty()).then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, correction_buyer)}</h2>
                <dl class="facts facts--wide">
                    {view.buyer_asked.iter().map(|(field, value)| {
                        let before = match field.as_str() {
                            "buyer_name" => view.buyer_before.name.clone(),
                            "buyer_address" => view.buyer_before.address.clone(),
                            _ => view.buyer_before.tax_id.clone().unwrap_or_default(),
                        };
                        let field = field.clone();
                        view! {
                            <dt>{move || match field.as_str() {
                                "buyer_name" => t_string!(i18n, correction_buyer_name),
                                "buyer_address" => t_string!(i18n, correction_buyer_address),
                                _ => t_string!(i18n, correction_buyer_tax_id),
                            }}</dt>
                            <dd><del>{before}</del> " → " <ins>{value.clone()}</ins></dd>
                        }
                    }).collect_view()}
                </dl>
            </section>
        })}
        {(!view.attachments.is_empty()).then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, correction_files)}</h2>
                <ul class="link-list">
                    {view.attachments.iter().map(|file| view! {
                        <li>
                            <a href=format!("{files_base}/{}", file.attachment_id) rel="external" download>{file.file_name.clone()}</a>
                            " (" {format_size(file.size_bytes)} ")"
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

// --- Staff ----------------------------------------------------------------------------------------

fn staff_gate(title: Signal<String>) -> Option<AnyView> {
    let allowed = matches!(use_viewer(), Viewer::Staff(ref s) if s.role.handles_customers());
    (!allowed).then(|| view! { <SignInRequired title href="/staff/sign-in" /> }.into_any())
}

#[component]
pub fn StaffCorrectionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, staff_corrections_title);
    if let Some(refusal) = staff_gate(title) {
        return refusal;
    }
    let rows = page_data(|| (), |_| correction_queue());
    view! {
        <Title text=title.get_untracked() />
        <section class="panel">
            <h1>{t!(i18n, staff_corrections_title)}</h1>
            <Loaded data=rows ready=|rows| view! { <CorrectionTable rows staff=true /> } />
        </section>
    }
    .into_any()
}

#[component]
pub fn StaffCorrectionPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, correction_title);
    if let Some(refusal) = staff_gate(title) {
        return refusal;
    }
    let params = use_params_map();
    let data = page_data(move || params.read().get("id").unwrap_or_default(), staff_correction);
    view! {
        <Title text=title.get_untracked() />
        <p><a href="/staff/corrections">{t!(i18n, staff_corrections_title)}</a></p>
        <Notice />
        <Loaded data ready=|(view, lines): (CorrectionView, Vec<InvoiceLine>)| view! {
            <StaffCorrection view lines />
        } />
    }
    .into_any()
}

#[component]
fn StaffCorrection(view: CorrectionView, lines: Vec<InvoiceLine>) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_form_feedback();
    let open = view.status.is_open();
    let invoice_lines: Vec<crate::ui::priced::PricedLine> = lines
        .iter()
        .map(|line| {
            let amounts = line.values.amounts();
            crate::ui::priced::PricedLine {
                description: line.values.description.clone(),
                quantity: format!("{} {}", line.values.quantity, line.unit),
                unit_price_minor: line.values.unit_price_minor,
                vat_rate_bp: line.values.vat_rate_bp,
                net_minor: amounts.net_minor,
                vat_minor: amounts.vat_minor,
                gross_minor: amounts.gross_minor,
            }
        })
        .collect();
    // Partly accepting starts from what the customer asked for, on the asked lines only.
    let asked_lines: Vec<InvoiceLine> = view
        .lines
        .iter()
        .map(|l| InvoiceLine { line_no: l.line_no, unit: l.unit.clone(), values: l.asked.clone() })
        .collect();
    let decisions = vec![
        ("accept", text!(i18n, correction_decision_accept)),
        ("partly_accept", text!(i18n, correction_decision_partly)),
        ("reject", text!(i18n, correction_decision_reject)),
    ];
    let note = feedback.value("decision", "note").unwrap_or_default();
    let note_error = feedback.error("decision", "note");
    let action = format!("/staff/corrections/{}", view.correction_id);
    let currency = view.currency.clone();
    let invoice_number = view.invoice_number.clone();
    view! {
        <div class="split">
            <div>
                <CorrectionFacts view=view.clone() staff=true />
            </div>
            <section class="panel">
                <h2>{t!(i18n, correction_invoice)} " " {invoice_number}</h2>
                <crate::ui::priced::LinesTable lines=invoice_lines currency=currency />
            </section>
        </div>
        {(view.status == CorrectionStatus::Submitted).then(|| view! {
            <section class="panel">
                <form method="post" action=action.clone() class="inline-form">
                    <input type="hidden" name="form" value="start_review" />
                    <p>{t!(i18n, correction_start_review_lead)}</p>
                    <button type="submit" class="button button--quiet">{t!(i18n, correction_start_review)}</button>
                </form>
            </section>
        })}
        {open.then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, correction_decision)}</h2>
                <FormAlert form="decision" />
                <form method="post" action=action class="stack">
                    <SelectField form="decision" name="decision" label=text!(i18n, correction_decision) options=decisions />
                    {(!asked_lines.is_empty()).then(|| view! {
                        <fieldset>
                            <legend>{t!(i18n, correction_partly_values)}</legend>
                            <LineInputs form="decision" lines=asked_lines.clone() />
                        </fieldset>
                    })}
                    <div class="field" class:field--invalid=note_error.is_some()>
                        <label class="field__label" for="decision-note">{t!(i18n, correction_note)}</label>
                        <p class="field__hint" id="decision-note-hint">{t!(i18n, correction_note_hint)}</p>
                        {note_error.clone().map(|code| view! {
                            <p class="field__error" id="decision-note-error">
                                {move || crate::ui::form::field_error_text(i18n.get_locale(), &code)}
                            </p>
                        })}
                        <textarea class="field__input" id="decision-note" name="note" rows="3" maxlength="2000"
                            aria-describedby="decision-note-hint" aria-invalid=note_error.is_some().then_some("true")>
                            {note}
                        </textarea>
                    </div>
                    <button type="submit" class="button">{t!(i18n, correction_decide)}</button>
                </form>
            </section>
        })}
    }
}
