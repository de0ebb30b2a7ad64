//! The customer's requests and where each stands.
use super::*;

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
pub(super) fn CorrectionTable(rows: Vec<CorrectionRow>, staff: bool) -> impl IntoView {
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
pub(super) fn CorrectionFacts(view: CorrectionView, staff: bool) -> impl IntoView {
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
