//! The customer's request form: lines to correct, buyer data, reason, files, the difference
//! before sending.
use super::*;

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

pub(super) fn format_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} kB", (bytes + 1023) / 1024)
    }
}

/// One row of inputs per line, prefilled with the line's values (or what was typed): the
/// customer's request form and the staff decision form name them alike.
#[component]
pub(super) fn LineInputs(form: &'static str, lines: Vec<InvoiceLine>) -> impl IntoView {
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
                                        range=(0, crate::corrections::domain::MAX_QUANTITY)
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
