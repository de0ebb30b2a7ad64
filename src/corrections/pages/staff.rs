//! The staff queue and the decision form.
use super::*;

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
