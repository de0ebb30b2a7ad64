//! The invoice list: filters in the URL (a GET form, so it works without JavaScript and a link
//! reproduces the view), keyset pages, each invoice's state and what is left to pay, its PDF.
use super::api::{invoice_detail, invoice_list, InvoiceDetailView, InvoicePage};
use super::domain::{InvoiceParams, InvoiceState};
use crate::i18n::*;
use crate::ui::form::{Field, FormAlert, SelectField};
use crate::ui::format::money;
use crate::ui::list::{page_links, problem_of, EmptyList, ListFilters};
use crate::ui::loaded::{page_data, Loaded, PageStatus};
use crate::ui::pager::Pager;
use crate::ui::priced::{LinesTable, PricedLine, VatTable};
use crate::ui::text;
use crate::ui::viewer::billing_only;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

pub fn state_label(locale: Locale, state: InvoiceState) -> &'static str {
    match state {
        InvoiceState::Unpaid => td_string!(locale, invoice_state_unpaid),
        InvoiceState::PartlyPaid => td_string!(locale, invoice_state_partly_paid),
        InvoiceState::Overdue => td_string!(locale, invoice_state_overdue),
        InvoiceState::Paid => td_string!(locale, invoice_state_paid),
        InvoiceState::Cancelled => td_string!(locale, invoice_state_cancelled),
    }
}

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, invoices_title);
    if let Some(refusal) = billing_only(title, text!(i18n, invoices_not_allowed)) {
        return refusal;
    }
    let status = PageStatus::capture();
    let query = use_query_map();
    let params = Memo::new(move |_| {
        let query = query.read();
        let get = |name: &str| query.get(name).unwrap_or_default();
        InvoiceParams { q: get("q"), status: get("status"), from: get("from"), to: get("to"), after: get("after") }
    });
    let page = page_data(move || params.get(), invoice_list);
    view! {
        <Title text=title.get_untracked() />
        <section class="panel">
            <h1>{t!(i18n, invoices_title)}</h1>
            <p><a href="/invoices/archive">{t!(i18n, archive_link)}</a></p>
            <Loaded data=page ready=move |page: InvoicePage| {
                if !page.problems.is_empty() {
                    status.set(422);
                }
                let params = params.get_untracked();
                view! {
                    <InvoiceFilters params=params.clone() problems=page.problems.clone() />
                    <InvoiceTable page params />
                }
            } />
        </section>
    }
    .into_any()
}

#[component]
fn InvoiceFilters(params: InvoiceParams, problems: Vec<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let listed = problems.clone();
    let problem = move |field: &str| problem_of(&listed, field);
    let states =
        std::iter::once(("any", text!(i18n, orders_status_any)))
            .chain(InvoiceState::ALL.into_iter().map(|state| {
                (state.as_str(), Signal::derive(move || state_label(i18n.get_locale(), state).to_string()))
            }))
            .collect::<Vec<_>>();
    let broken_link = problem("after").is_some();
    view! {
        <ListFilters form="invoices" action="/invoices" problems=problems.clone() broken_link apply=text!(i18n, invoices_apply)>
            <Field form="invoices" name="q" kind="search" required=false label=text!(i18n, invoices_number_search)
                value=params.q.clone() problem=problem("q") />
            <SelectField form="invoices" name="status" label=text!(i18n, orders_status) options=states
                value=params.status.clone() problem=problem("status") />
            <Field form="invoices" name="from" kind="date" required=false label=text!(i18n, invoices_from)
                value=params.from.clone() problem=problem("from") />
            <Field form="invoices" name="to" kind="date" required=false label=text!(i18n, invoices_to)
                value=params.to.clone() problem=problem("to") />
        </ListFilters>
    }
}

#[component]
fn InvoiceTable(page: InvoicePage, params: InvoiceParams) -> impl IntoView {
    let i18n = use_i18n();
    if !page.problems.is_empty() {
        return ().into_any();
    }
    if page.rows.is_empty() {
        let filtered = params != InvoiceParams::default();
        let (none_match, none_yet) = (text!(i18n, invoices_none_match), text!(i18n, invoices_none_yet));
        return view! { <EmptyList filtered none_match none_yet /> }.into_any();
    }
    let (first, next) = page_links("/invoices", &params.after, page.next, |after| params.to_query(after));
    // Cells are plain text, not closures over the locale, as in the order history: the language
    // changes only with a page load.
    let locale = i18n.get_locale_untracked();
    view! {
        <div class="table-scroll">
            <table class="table table--invoices">
                <caption class="visually-hidden">{t!(i18n, invoices_title)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, invoices_col_number)}</th>
                        <th scope="col">{t!(i18n, invoices_col_issued)}</th>
                        <th scope="col">{t!(i18n, invoices_col_due)}</th>
                        <th scope="col">{t!(i18n, orders_status)}</th>
                        <th scope="col" class="num">{t!(i18n, orders_col_total)}</th>
                        <th scope="col" class="num">{t!(i18n, invoices_col_left)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, invoices_col_file)}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|row| {
                        let state = row.state;
                        let pdf_label = [td_string!(locale, invoices_pdf), " ", row.invoice_number.as_str()].concat();
                        view! {
                            <tr>
                                <th scope="row"><a href=["/invoices/", row.invoice_id.as_str()].concat()>{row.invoice_number}</a></th>
                                <td>{row.issue_date}</td>
                                <td>{row.due_date}</td>
                                <td>
                                    <span class=["badge badge--", state.as_str()].concat()>
                                        {state_label(locale, state)}
                                    </span>
                                </td>
                                <td class="num">{money(locale, row.gross_minor, &row.currency)}</td>
                                <td class="num">{money(locale, row.due_minor, &row.currency)}</td>
                                <td>
                                    <a href=["/invoices/", row.invoice_id.as_str(), "/pdf"].concat() rel="external" download
                                        aria-label=pdf_label>
                                        "PDF"
                                    </a>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager first next label=text!(i18n, invoices_pages) />
    }
    .into_any()
}

// --- One invoice ---------------------------------------------------------------------------------

#[component]
pub fn InvoiceDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, invoice_title);
    if let Some(refusal) = billing_only(title, text!(i18n, invoices_not_allowed)) {
        return refusal;
    }
    let params = leptos_router::hooks::use_params_map();
    let detail = page_data(move || params.read().get("id").unwrap_or_default(), invoice_detail);
    view! {
        <Title text=title.get_untracked() />
        <Loaded data=detail ready=|detail| view! { <InvoiceView detail /> } />
    }
    .into_any()
}

#[component]
fn InvoiceView(detail: InvoiceDetailView) -> impl IntoView {
    let i18n = use_i18n();
    let currency = detail.currency.clone();
    let sum = move |minor: i64| {
        let currency = currency.clone();
        move || money(i18n.get_locale(), minor, &currency)
    };
    let state = detail.state;
    let is_corrective = detail.corrects.is_some();
    let left = if state == InvoiceState::Cancelled { 0 } else { detail.gross_minor - detail.paid_minor };
    let invoice_lines: Vec<PricedLine> = detail
        .lines
        .iter()
        .map(|line| PricedLine {
            description: line.description.clone(),
            quantity: format!("{} {}", line.quantity, line.unit),
            unit_price_minor: line.unit_price_minor,
            vat_rate_bp: line.vat_rate_bp,
            net_minor: line.net_minor,
            vat_minor: line.vat_minor,
            gross_minor: line.gross_minor,
        })
        .collect();
    view! {
        <section class="panel">
            <p class="eyebrow">
                {move || if is_corrective { t_string!(i18n, invoice_pdf_corrective_title) } else { t_string!(i18n, invoice_title) }}
            </p>
            <h1>
                {detail.invoice_number.clone()} " "
                <span class=format!("badge badge--{}", state.as_str())>{move || state_label(i18n.get_locale(), state)}</span>
            </h1>
            <dl class="facts facts--wide">
                <dt>{t!(i18n, invoice_pdf_issue_date)}</dt><dd>{detail.issue_date.clone()}</dd>
                <dt>{t!(i18n, invoice_pdf_sale_date)}</dt><dd>{detail.sale_date.clone()}</dd>
                <dt>{t!(i18n, invoice_pdf_due_date)}</dt><dd>{detail.due_date.clone()}</dd>
                {detail.ksef_number.clone().map(|ksef| view! { <dt>{t!(i18n, invoice_pdf_ksef)}</dt><dd>{ksef}</dd> })}
                <dt>{t!(i18n, invoice_pdf_buyer)}</dt>
                <dd>
                    {detail.buyer_name.clone()} <br /> {detail.buyer_address.clone()}
                    {detail.buyer_tax_id.clone().map(|id| view! { <br /> {t!(i18n, invoice_pdf_tax_id)} ": " {id} })}
                </dd>
                <dt>{t!(i18n, invoice_pdf_to_pay)}</dt><dd><strong>{sum(left)}</strong></dd>
            </dl>
            <ul class="actions">
                <li><a class="button" href=format!("/invoices/{}/pdf", detail.invoice_id) rel="external" download>{t!(i18n, order_download_invoice)}</a></li>
                <li><a class="button button--quiet" href=format!("/invoices/{}/ksef.json", detail.invoice_id) rel="external" download>{t!(i18n, invoice_ksef_json)}</a></li>
                {detail.order.clone().map(|(order_id, number)| view! {
                    <li><a class="button button--quiet" href=format!("/orders/{order_id}")>{t!(i18n, invoice_pdf_order)} " " {number}</a></li>
                })}
            </ul>
        </section>
        {detail.corrects.clone().map(|corrects| {
            let reason = corrects.reason;
            view! {
                <section class="panel">
                    <h2>
                        {t!(i18n, invoice_pdf_corrects)} " "
                        <a href=format!("/invoices/{}", corrects.original_id)>{corrects.original_number.clone()}</a>
                    </h2>
                    <dl class="facts facts--wide">
                        <dt>{t!(i18n, invoice_pdf_issue_date)}</dt><dd>{corrects.original_issue_date.clone()}</dd>
                        {corrects.original_ksef.clone().map(|ksef| view! { <dt>{t!(i18n, invoice_pdf_ksef)}</dt><dd>{ksef}</dd> })}
                        <dt>{t!(i18n, correction_reason)}</dt>
                        <dd>{move || super::corrective::reason_label(i18n.get_locale(), reason)} " — " {corrects.explanation.clone()}</dd>
                        <dt>{t!(i18n, correction_type)}</dt>
                        <dd>{move || super::corrective::correction_type_label(i18n.get_locale(), reason.correction_type())}</dd>
                    </dl>
                    {(!corrects.changes.is_empty()).then(|| view! {
                        <super::corrective::ChangesTable changes=corrects.changes.clone() currency=detail.currency.clone() />
                    })}
                </section>
            }
        })}
        {detail.corrects.is_none().then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, invoice_corrections)}</h2>
                {(detail.corrections.is_empty() && detail.correctives.is_empty()).then(|| view! {
                    <p class="muted">{t!(i18n, invoice_no_corrections)}</p>
                })}
                <ul class="link-list">
                    {detail.correctives.iter().map(|(id, number)| view! {
                        <li>{t!(i18n, correction_corrective)} " " <a href=format!("/invoices/{id}")>{number.clone()}</a></li>
                    }).collect_view()}
                    {detail.corrections.iter().map(|(id, status, at)| {
                        let status = *status;
                        view! {
                            <li>
                                <a href=format!("/corrections/{id}")>{t!(i18n, correction_title)} " " {crate::ui::format::utc_date(*at)}</a> " "
                                <span class=format!("badge badge--{}", status.as_str())>
                                    {move || super::corrective::status_label(i18n.get_locale(), status)}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                {detail.correctable.then(|| view! {
                    <a class="button button--quiet" href=format!("/invoices/{}/correct", detail.invoice_id)>{t!(i18n, invoice_request_correction)}</a>
                })}
            </section>
        })}
        <section class="panel">
            <h2>{t!(i18n, order_lines)}</h2>
            <LinesTable lines=invoice_lines currency=detail.currency.clone() />
            <VatTable rows=detail.vat.clone() currency=detail.currency.clone() totals=(detail.net_minor, detail.vat_minor, detail.gross_minor) />
        </section>
        <section class="panel">
            <h2>{t!(i18n, invoice_payments)}</h2>
            {if detail.payments.is_empty() {
                view! { <p class="muted">{t!(i18n, invoice_no_payments)}</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list">
                        {detail.payments.into_iter().map(|payment| view! {
                            <li>{payment.paid_on} " · " {payment.reference} " · " {sum(payment.amount_minor)}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

// --- Archives: every invoice of a period in one ZIP ------------------------------------------------

fn period_label(locale: Locale, preset: &str) -> &'static str {
    match preset {
        "this_month" => td_string!(locale, archive_this_month),
        "last_month" => td_string!(locale, archive_last_month),
        "this_quarter" => td_string!(locale, archive_this_quarter),
        "last_quarter" => td_string!(locale, archive_last_quarter),
        "this_year" => td_string!(locale, archive_this_year),
        _ => td_string!(locale, archive_last_year),
    }
}

fn archive_state_label(locale: Locale, status: &str) -> &'static str {
    match status {
        "queued" => td_string!(locale, archive_status_queued),
        "building" => td_string!(locale, archive_status_building),
        "ready" => td_string!(locale, archive_status_ready),
        _ => td_string!(locale, archive_status_failed),
    }
}

#[component]
pub fn ArchivePage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, archive_title);
    if let Some(refusal) = billing_only(title, text!(i18n, invoices_not_allowed)) {
        return refusal;
    }
    let archives = page_data(|| (), |_| super::api::archive_list());
    view! {
        <Title text=title.get_untracked() />
        <section class="panel">
            <p class="eyebrow"><a href="/invoices">{t!(i18n, invoices_title)}</a></p>
            <h1>{t!(i18n, archive_title)}</h1>
            <p>{t!(i18n, archive_intro)}</p>
            <FormAlert form="archive" />
            <form method="post" action="/invoices/archive" class="preset-buttons">
                {super::domain::PERIOD_PRESETS.into_iter().map(|preset| view! {
                    <button type="submit" class="button button--quiet" name="preset" value=preset>
                        {move || period_label(i18n.get_locale(), preset)}
                    </button>
                }).collect_view()}
            </form>
            <form method="post" action="/invoices/archive" class="filters">
                <input type="hidden" name="preset" value="custom" />
                <Field form="archive" name="from" kind="date" label=text!(i18n, invoices_from) />
                <Field form="archive" name="to" kind="date" label=text!(i18n, invoices_to) />
                <div class="filters__actions">
                    <button type="submit" class="button">{t!(i18n, archive_build)}</button>
                </div>
            </form>
        </section>
        <section class="panel">
            <h2>{t!(i18n, archive_recent)}</h2>
            <Loaded data=archives ready=|archives| view! { <ArchiveList archives /> } />
        </section>
    }
    .into_any()
}

#[component]
fn ArchiveList(archives: Vec<super::api::ArchiveView>) -> impl IntoView {
    let i18n = use_i18n();
    if archives.is_empty() {
        return view! { <p class="muted">{t!(i18n, archive_none)}</p> }.into_any();
    }
    view! {
        <ul class="link-list">
            {archives.into_iter().map(|archive| {
                let status = archive.status.clone();
                view! {
                    <li>
                        <a href=format!("/invoices/archive/{}", archive.archive_id)>{archive.from.clone()} " – " {archive.to.clone()}</a>
                        " · " {move || archive_state_label(i18n.get_locale(), &status)}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn ArchiveStatusPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, archive_title);
    if let Some(refusal) = billing_only(title, text!(i18n, invoices_not_allowed)) {
        return refusal;
    }
    let params = leptos_router::hooks::use_params_map();
    let archive = page_data(move || params.read().get("id").unwrap_or_default(), super::api::archive_status);
    view! {
        <Title text=title.get_untracked() />
        <Loaded data=archive ready=|archive| view! { <ArchiveProgress archive /> } />
    }
    .into_any()
}

#[component]
fn ArchiveProgress(archive: super::api::ArchiveView) -> impl IntoView {
    let i18n = use_i18n();
    let working = matches!(archive.status.as_str(), "queued" | "building");
    let status = archive.status.clone();
    let name = format!("invoices-{}-{}.zip", archive.from, archive.to);
    view! {
        // Without JavaScript too, the page looks again every two seconds until the archive is ready.
        {working.then(|| view! { <leptos_meta::Meta http_equiv="refresh" content="2" /> })}
        <section class="panel" aria-live="polite">
            <p class="eyebrow"><a href="/invoices/archive">{t!(i18n, archive_title)}</a></p>
            <h1>{archive.from.clone()} " – " {archive.to.clone()}</h1>
            <p><strong>{move || archive_state_label(i18n.get_locale(), &status)}</strong></p>
            <label for="archive-progress">{t!(i18n, archive_progress)} " " {archive.done} " / " {archive.total}</label>
            <progress id="archive-progress" max=archive.total.max(1) value=archive.done></progress>
            {(working && archive.large).then(|| view! { <p class="notice">{t!(i18n, archive_large)}</p> })}
            {(archive.status == "ready").then(|| view! {
                <p>
                    <a class="button" href=format!("/invoices/archive/{}/zip", archive.archive_id) rel="external" download=name.clone()>
                        {t!(i18n, archive_download)}
                    </a>
                    " " <span class="muted">{format!("{:.1} MB", archive.size_bytes as f64 / 1_048_576.0)}</span>
                </p>
            })}
            {(archive.status == "failed").then(|| view! { <p class="alert" role="alert">{t!(i18n, archive_failed)}</p> })}
        </section>
    }
}
