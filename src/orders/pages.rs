//! The order pages: history, one order, and reorder (edit, review, confirm). Every form is a plain
//! form, so each page works before and without hydration; the history's filters are a GET form,
//! so the address bar always holds a link that reproduces the view.
use super::api::{order_detail, order_history, reorder_plan, HistoryPage, OrderDetailView, ReorderDraft};
use super::domain::{HistoryParams, OrderSort, OrderStatus};
use crate::i18n::*;
use crate::kernel::cursor::encode_query_value;
use crate::ui::form::{use_form_feedback, Field, FormAlert, Notice, SelectField};
use crate::ui::format::{money, utc_date};
use crate::ui::list::{page_links, problem_of, EmptyList, ListFilters};
use crate::ui::loaded::{page_data, Loaded, PageStatus};
use crate::ui::pager::Pager;
use crate::ui::priced::{LinesTable, PricedLine, VatTable};
use crate::ui::text;
use crate::ui::viewer::{use_viewer, SignInRequired};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

pub fn order_status_label(locale: Locale, status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Requested => td_string!(locale, order_status_requested),
        OrderStatus::Placed => td_string!(locale, order_status_placed),
        OrderStatus::Confirmed => td_string!(locale, order_status_confirmed),
        OrderStatus::Shipped => td_string!(locale, order_status_shipped),
        OrderStatus::Delivered => td_string!(locale, order_status_delivered),
        OrderStatus::Cancelled => td_string!(locale, order_status_cancelled),
    }
}

fn sort_label(locale: Locale, sort: OrderSort) -> &'static str {
    match sort {
        OrderSort::Newest => td_string!(locale, orders_sort_newest),
        OrderSort::Oldest => td_string!(locale, orders_sort_oldest),
        OrderSort::Largest => td_string!(locale, orders_sort_largest),
        OrderSort::Smallest => td_string!(locale, orders_sort_smallest),
    }
}

/// An order's status as a badge. Plain text rather than a closure over the locale: the language
/// changes only with a page load, and the history shows one badge per row.
fn status_badge(locale: Locale, status: OrderStatus) -> impl IntoView {
    view! { <span class=["badge badge--", status.as_str()].concat()>{order_status_label(locale, status)}</span> }
}

/// The member-only pages' guard: the sign-in panel for anyone else.
fn members_only(title: Signal<String>) -> Option<AnyView> {
    use_viewer().member().is_none().then(|| view! { <SignInRequired title /> }.into_any())
}

fn history_params(query: &leptos_router::params::ParamsMap) -> HistoryParams {
    let get = |name: &str| query.get(name).unwrap_or_default();
    HistoryParams {
        q: get("q"),
        status: get("status"),
        from: get("from"),
        to: get("to"),
        sort: get("sort"),
        after: get("after"),
    }
}

// --- History -------------------------------------------------------------------------------------

#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, orders_title);
    if let Some(guard) = members_only(title) {
        return guard;
    }
    let query = use_query_map();
    let params = Memo::new(move |_| history_params(&query.read()));
    let history = page_data(move || params.get(), order_history);
    let status = PageStatus::capture();
    view! {
        <Title text=title.get_untracked() />
        <section class="panel">
            <h1>{t!(i18n, orders_title)}</h1>
            <Notice />
            <Loaded data=history ready=move |history: HistoryPage| {
                if !history.problems.is_empty() {
                    status.set(422);
                }
                let params = params.get_untracked();
                view! {
                    <HistoryFilters params=params.clone() problems=history.problems.clone() />
                    <HistoryTable history params />
                }
            } />
        </section>
    }
    .into_any()
}

#[component]
fn HistoryFilters(params: HistoryParams, problems: Vec<(String, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let listed = problems.clone();
    let problem = move |field: &str| problem_of(&listed, field);
    let status_options = std::iter::once(("any", text!(i18n, orders_status_any)))
        .chain(OrderStatus::ALL.into_iter().map(|status| {
            (status.as_str(), Signal::derive(move || order_status_label(i18n.get_locale(), status).to_string()))
        }))
        .collect::<Vec<_>>();
    let sort_options = OrderSort::ALL
        .into_iter()
        .map(|sort| (sort.as_str(), Signal::derive(move || sort_label(i18n.get_locale(), sort).to_string())))
        .collect::<Vec<_>>();
    let unusable_cursor = problem("after").is_some() || problem("sort").is_some();
    view! {
        <ListFilters form="orders" action="/orders" problems=problems.clone() broken_link=unusable_cursor apply=text!(i18n, orders_apply)>
            <Field form="orders" name="q" kind="search" required=false label=text!(i18n, orders_search)
                hint=text!(i18n, orders_search_hint) value=params.q.clone() problem=problem("q") />
            <SelectField form="orders" name="status" label=text!(i18n, orders_status) options=status_options
                value=params.status.clone() problem=problem("status") />
            <Field form="orders" name="from" kind="date" required=false label=text!(i18n, orders_from)
                value=params.from.clone() problem=problem("from") />
            <Field form="orders" name="to" kind="date" required=false label=text!(i18n, orders_to)
                value=params.to.clone() problem=problem("to") />
            <SelectField form="orders" name="sort" label=text!(i18n, orders_sort) options=sort_options
                value=params.sort.clone() problem=problem("sort") />
        </ListFilters>
    }
}

#[component]
fn HistoryTable(history: HistoryPage, params: HistoryParams) -> impl IntoView {
    let i18n = use_i18n();
    if !history.problems.is_empty() {
        return ().into_any();
    }
    if history.rows.is_empty() {
        let filtered = params != HistoryParams::default();
        let (none_match, none_yet) = (text!(i18n, orders_none_match), text!(i18n, orders_none_yet));
        return view! { <EmptyList filtered none_match none_yet /> }.into_any();
    }
    let (first, next) = page_links("/orders", &params.after, history.next, |after| params.to_query(after));
    // Cells are plain text, not closures over the locale (see `status_badge`): 25 rows of
    // closures and components were a measurable part of rendering the page.
    let locale = i18n.get_locale_untracked();
    view! {
        <table class="table table--orders">
            <caption class="visually-hidden">{t!(i18n, orders_title)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, orders_col_number)}</th>
                    <th scope="col">{t!(i18n, orders_col_placed)}</th>
                    <th scope="col">{t!(i18n, orders_col_items)}</th>
                    <th scope="col">{t!(i18n, orders_col_status)}</th>
                    <th scope="col" class="num">{t!(i18n, orders_col_total)}</th>
                </tr>
            </thead>
            <tbody>
                {history
                    .rows
                    .into_iter()
                    .map(|row| {
                        let more = row.line_count - 1;
                        view! {
                            <tr>
                                <th scope="row"><a href=["/orders/", row.order_id.as_str()].concat()>{row.order_number}</a></th>
                                <td>{utc_date(row.placed_at)}</td>
                                <td>
                                    {row.first_item}
                                    {(more > 0).then(|| view! { <span class="muted">" +" {more}</span> })}
                                </td>
                                <td>{status_badge(locale, row.status)}</td>
                                <td class="num">{money(locale, row.gross_minor, &row.currency)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <Pager first next label=text!(i18n, orders_pages) />
    }
    .into_any()
}

// --- One order -----------------------------------------------------------------------------------

#[component]
pub fn OrderDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, order_title);
    if let Some(guard) = members_only(title) {
        return guard;
    }
    let params = use_params_map();
    let detail = page_data(move || params.read().get("id").unwrap_or_default(), order_detail);
    view! {
        <Title text=title.get_untracked() />
        <Loaded data=detail ready=|detail| view! { <OrderView detail /> } />
    }
    .into_any()
}

#[component]
fn OrderView(detail: OrderDetailView) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let currency = detail.currency.clone();
    let amount = move |minor: i64| {
        let currency = currency.clone();
        move || money(i18n.get_locale(), minor, &currency)
    };
    let order_id = detail.order_id.clone();
    let invoice = detail.invoices.first().cloned();
    let order_lines: Vec<PricedLine> = detail
        .lines
        .iter()
        .map(|line| PricedLine {
            description: line.description.clone(),
            quantity: line.quantity.to_string(),
            unit_price_minor: line.unit_price_minor,
            vat_rate_bp: line.vat_rate_bp,
            net_minor: line.net_minor,
            vat_minor: line.vat_minor,
            gross_minor: line.gross_minor,
        })
        .collect();
    view! {
        <section class="panel">
            <Notice />
            <p class="eyebrow">{t!(i18n, order_title)}</p>
            <h1>{detail.order_number.clone()} " " {status_badge(locale, detail.status)}</h1>
            <p>{t!(i18n, orders_col_placed)} ": " {utc_date(detail.placed_at)}</p>
            <ul class="actions">
                <li><a class="button" href=format!("/orders/{order_id}/reorder")>{t!(i18n, order_reorder)}</a></li>
                <li><a class="button button--quiet" href=format!("/complaints?order={order_id}")>{t!(i18n, order_report_problem)}</a></li>
                {invoice.map(|invoice| view! {
                    <li><a class="button button--quiet" href=format!("/invoices/{}/pdf", invoice.invoice_id) rel="external" download>
                        {t!(i18n, order_download_invoice)}
                    </a></li>
                })}
            </ul>
        </section>
        <section class="panel">
            <h2>{t!(i18n, order_lines)}</h2>
            <LinesTable lines=order_lines currency=detail.currency.clone() totals=(detail.net_minor, detail.vat_minor, detail.gross_minor) />
            <VatTable rows=detail.vat.clone() currency=detail.currency.clone() />
        </section>
        <div class="columns">
            <section class="panel">
                <h2>{t!(i18n, order_timeline)}</h2>
                <ol class="status-timeline">
                    {detail.timeline.into_iter().map(|event| view! {
                        <li>
                            {status_badge(locale, event.status)}
                            " " <time datetime=utc_date(event.at)>{utc_date(event.at)}</time>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
            <section class="panel">
                <h2>{t!(i18n, order_delivery)}</h2>
                {match detail.delivery {
                    Some(address) => view! {
                        <address>
                            {address.recipient} <br />
                            {address.line1} <br />
                            {address.line2.map(|line| view! { {line} <br /> })}
                            {address.postal_code} " " {address.city} <br />
                            {address.country}
                        </address>
                    }.into_any(),
                    None => view! { <p class="muted">{t!(i18n, order_no_delivery)}</p> }.into_any(),
                }}
            </section>
        </div>
        {detail.sees_invoices.then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, order_invoices)}</h2>
                {if detail.invoices.is_empty() {
                    view! { <p class="muted">{t!(i18n, order_no_invoices)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="link-list">
                            {detail.invoices.into_iter().map(|invoice| view! {
                                <li>
                                    {invoice.invoice_number.clone()}
                                    " · " {t!(i18n, order_invoice_due)} " " {invoice.due_date.clone()}
                                    " · " {amount(invoice.gross_minor)} " · "
                                    <a href=format!("/invoices/{}/pdf", invoice.invoice_id) rel="external" download>
                                        {t!(i18n, order_download_invoice)}
                                    </a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        })}
    }
}

// --- Reorder -------------------------------------------------------------------------------------

/// Start a reorder: the past order's lines, quantities to edit.
#[component]
pub fn ReorderPage() -> impl IntoView {
    view! { <Reorder review=false /> }
}

/// Review a reorder before confirming it (or the quantities again, with their problems).
#[component]
pub fn ReorderReviewPage() -> impl IntoView {
    view! { <Reorder review=true /> }
}

#[component]
fn Reorder(review: bool) -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, reorder_title);
    if let Some(guard) = members_only(title) {
        return guard;
    }
    let params = use_params_map();
    let query = use_query_map();
    let feedback = use_form_feedback();
    // What was typed: a rejected confirmation's values, else the quantities in the address
    // (none when the page is opened from a link: it then starts from the past quantities).
    let typed = Memo::new(move |_| -> Option<Vec<(i64, String)>> {
        if feedback.form == "reorder" && !feedback.values.is_empty() {
            return Some(parse_typed(feedback.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        }
        let typed = parse_typed(query.read().latest_values().map(|(k, v)| (k.as_ref(), v)));
        (!typed.is_empty()).then_some(typed)
    });
    let plan = page_data(
        move || (params.read().get("id").unwrap_or_default(), typed.get()),
        |(order_id, typed)| reorder_plan(order_id, typed),
    );
    let status = PageStatus::capture();
    view! {
        <Title text=title.get_untracked() />
        <Loaded data=plan ready=move |plan: ReorderDraft| {
            let checked = review && typed.get_untracked().is_some();
            if checked && plan.is_valid() {
                view! { <ReorderReview plan /> }.into_any()
            } else {
                if checked {
                    status.set(422);
                }
                view! { <ReorderEdit plan show_problems=checked /> }.into_any()
            }
        } />
    }
    .into_any()
}

fn parse_typed<'a>(fields: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<(i64, String)> {
    fields
        .filter_map(|(name, value)| {
            let line_no = name.strip_prefix("q_")?.parse::<i64>().ok().filter(|n| (1..=10_000).contains(n))?;
            Some((line_no, value.chars().take(32).collect()))
        })
        .collect()
}

#[component]
fn ReorderEdit(plan: ReorderDraft, show_problems: bool) -> impl IntoView {
    let i18n = use_i18n();
    let currency = plan.currency.clone();
    let amount = move |minor: i64| {
        let currency = currency.clone();
        move || money(i18n.get_locale(), minor, &currency)
    };
    let alert = if show_problems {
        plan.alert.clone().or_else(|| plan.lines.iter().any(|l| l.error.is_some()).then(|| "fix_fields".to_string()))
    } else {
        None
    };
    let any_unavailable = plan.lines.iter().any(|line| !line.available);
    view! {
        <section class="panel">
            <p class="eyebrow">{t!(i18n, reorder_title)}</p>
            <h1>{t!(i18n, reorder_from)} " " {plan.order_number.clone()}</h1>
            <p>{t!(i18n, reorder_lead)}</p>
            <FormAlert form="reorder" code=alert />
            {any_unavailable.then(|| view! { <p class="notice">{t!(i18n, reorder_unavailable_note)}</p> })}
            <form class="form form--wide" method="get" action=format!("/orders/{}/reorder/review", plan.order_id) novalidate>
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, order_col_item)}</th>
                            <th scope="col" class="num">{t!(i18n, reorder_col_last_time)}</th>
                            <th scope="col" class="num">{t!(i18n, reorder_col_price_now)}</th>
                            <th scope="col">{t!(i18n, order_col_quantity)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {plan.lines.into_iter().map(|line| {
                            let field = line.field();
                            let label_text = line.description.clone();
                            let label = Signal::derive(move || format!("{} {}", t_string!(i18n, order_col_quantity), label_text));
                            view! {
                                <tr class:row--unavailable=!line.available>
                                    <th scope="row">
                                        {line.description.clone()}
                                        {(!line.available).then(|| view! { " " <span class="badge badge--warning">{t!(i18n, reorder_unavailable)}</span> })}
                                    </th>
                                    <td class="num">{line.past_quantity} " " {line.unit.clone()}</td>
                                    <td class="num">{amount(line.unit_price_minor)}</td>
                                    <td>
                                        {if line.available {
                                            view! {
                                                <Field form="reorder" name=field kind="number" label label_hidden=true
                                                    value=line.quantity.clone() range=(0, 9_999)
                                                    problem=if show_problems { line.error.clone() } else { None } />
                                            }.into_any()
                                        } else {
                                            view! { <span class="muted">{t!(i18n, reorder_not_orderable)}</span> }.into_any()
                                        }}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <div class="form__actions">
                    <button type="submit" class="button">{t!(i18n, reorder_review)}</button>
                    <a class="button button--quiet" href=format!("/orders/{}", plan.order_id)>{t!(i18n, reorder_cancel)}</a>
                </div>
            </form>
        </section>
    }
}

#[component]
fn ReorderReview(plan: ReorderDraft) -> impl IntoView {
    let i18n = use_i18n();
    let currency = plan.currency.clone();
    let amount = move |minor: i64| {
        let currency = currency.clone();
        move || money(i18n.get_locale(), minor, &currency)
    };
    let quantities: Vec<(String, String)> =
        plan.lines.iter().filter(|line| line.available).map(|line| (line.field(), line.quantity.clone())).collect();
    let change = format!(
        "/orders/{}/reorder?{}",
        plan.order_id,
        quantities.iter().map(|(k, v)| format!("{k}={}", encode_query_value(v))).collect::<Vec<_>>().join("&")
    );
    view! {
        <section class="panel">
            <p class="eyebrow">{t!(i18n, reorder_title)}</p>
            <h1>{t!(i18n, reorder_review_title)}</h1>
            <p>{t!(i18n, reorder_review_lead)} " " {plan.order_number.clone()}.</p>
            <FormAlert form="reorder" />
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, order_col_item)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_quantity)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_unit_price)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_net)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_vat)}</th>
                        <th scope="col" class="num">{t!(i18n, order_col_gross)}</th>
                    </tr>
                </thead>
                <tbody>
                    {plan.lines.iter().filter(|line| line.available && line.quantity.trim().parse::<u32>().is_ok_and(|q| q > 0)).cloned().map(|line| view! {
                        <tr>
                            <th scope="row">{line.description}</th>
                            <td class="num">{line.quantity} " " {line.unit}</td>
                            <td class="num">{amount(line.unit_price_minor)}</td>
                            <td class="num">{amount(line.net_minor)}</td>
                            <td class="num">{amount(line.vat_minor)}</td>
                            <td class="num">{amount(line.gross_minor)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row" colspan="3">{t!(i18n, order_total)}</th>
                        <td class="num">{amount(plan.net_minor)}</td>
                        <td class="num">{amount(plan.vat_minor)}</td>
                        <td class="num"><strong>{amount(plan.gross_minor)}</strong></td>
                    </tr>
                </tfoot>
            </table>
            <p class="muted">{t!(i18n, reorder_review_note)}</p>
            <form class="form" method="post" action=format!("/orders/{}/reorder/review", plan.order_id)>
                <input type="hidden" name="key" value=plan.request_key.clone() />
                {quantities.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
                <div class="form__actions">
                    <button type="submit" class="button">{t!(i18n, reorder_confirm)}</button>
                    <a class="button button--quiet" href=change>{t!(i18n, reorder_change)}</a>
                </div>
            </form>
        </section>
    }
}
