//! The account's pages: the overview (the landing page after sign-in), the profile, the address
//! book and the statement of account.
use super::api::{
    account_addresses, account_overview, account_statement, my_profile, AccountSummary, AddressBook, ProfileView,
    SavedAddress, StatementParams, StatementView,
};
use super::domain::Country;
use crate::i18n::*;
use crate::kernel::viewer::Viewer;
use crate::ui::form::{use_form_feedback, Field, FormAlert, Notice, SelectField};
use crate::ui::format::{amount, money, utc_date};
use crate::ui::loaded::{page_data, Loaded, PageStatus};
use crate::ui::pages::NarrowPage;
use crate::ui::text;
use crate::ui::viewer::member_role_label;
use crate::ui::viewer::{use_viewer, SignInRequired, SignOutButton};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = Signal::derive(move || t_string!(i18n, gated_title_account).to_string());
    let Viewer::Member(member) = use_viewer() else {
        return view! { <SignInRequired title /> }.into_any();
    };
    let owner = member.role.manages_members();
    let role = member.role;
    let overview = page_data(|| (), |_| account_overview());
    view! {
        <Title text=title.get_untracked() />
        <section class="panel">
            <Notice />
            <p class="eyebrow">{t!(i18n, account_customer_number)} " " {member.customer_number.clone()}</p>
            <h1 class="account-name">{member.account_name.clone()}</h1>
            <p>
                {t!(i18n, account_signed_in_as)} " " <strong>{member.full_name.clone()}</strong> " · "
                {move || member_role_label(i18n.get_locale(), role)}
            </p>
        </section>
        <Loaded data=overview ready=|overview| view! { <Overview overview /> } />
        <section class="panel">
            <h2>{t!(i18n, account_settings)}</h2>
            <ul class="link-list">
                <li><a href="/account/profile">{t!(i18n, profile_title)}</a></li>
                <li><a href="/account/addresses">{t!(i18n, addresses_title)}</a></li>
                <li><a href="/account/security">{t!(i18n, security_title)}</a></li>
                <li><a href="/account/activity">{t!(i18n, activity_title)}</a></li>
                {owner.then(|| view! { <li><a href="/account/members">{t!(i18n, members_title)}</a></li> })}
            </ul>
            <SignOutButton />
        </section>
    }
    .into_any()
}

#[component]
fn Overview(overview: AccountSummary) -> impl IntoView {
    let i18n = use_i18n();
    let currency = overview.currency.clone();
    let amount = move |minor: i64| {
        let currency = currency.clone();
        move || money(i18n.get_locale(), minor, &currency)
    };
    let mut actions: Vec<AnyView> = Vec::new();
    if overview.overdue_invoices > 0 {
        let count = overview.overdue_invoices;
        actions.push(
            view! {
                <li><a href="/invoices?status=overdue">{t!(i18n, account_action_overdue)} " (" {count} ")"</a></li>
            }
            .into_any(),
        );
    }
    if overview.requested_orders > 0 {
        let count = overview.requested_orders;
        actions.push(
            view! {
                <li><a href="/orders?status=requested">{t!(i18n, account_action_requested)} " (" {count} ")"</a></li>
            }
            .into_any(),
        );
    }
    let nothing_to_do = actions.is_empty();
    view! {
        <section class="panel" aria-labelledby="todo-title">
            <h2 id="todo-title">{t!(i18n, account_needs_action)}</h2>
            {if nothing_to_do {
                view! { <p class="muted">{t!(i18n, account_nothing_to_do)}</p> }.into_any()
            } else {
                view! { <ul class="link-list">{actions}</ul> }.into_any()
            }}
        </section>
        <div class="cards">
            {overview.sees_invoices.then(|| view! {
                <article class="card">
                    <h2>{t!(i18n, account_balance)}</h2>
                    <dl class="facts">
                        <dt>{t!(i18n, account_balance_due)}</dt>
                        <dd>{amount(overview.balance_due_minor)}</dd>
                        <dt>{t!(i18n, account_overdue)}</dt>
                        <dd class=(overview.overdue_minor > 0).then_some("text-danger")>{amount(overview.overdue_minor)}</dd>
                        <dt>{t!(i18n, account_oldest_due)}</dt>
                        <dd>{overview.oldest_due_date.clone().unwrap_or_else(|| "—".into())}</dd>
                    </dl>
                    <ul class="link-list">
                        <li><a href="/invoices">{t!(i18n, account_open_invoices)} " (" {overview.open_invoices} ")"</a></li>
                        <li><a href="/account/statement">{t!(i18n, statement_title)}</a></li>
                    </ul>
                </article>
            })}
            <article class="card">
                <h2>{t!(i18n, account_open_items)}</h2>
                <ul class="link-list">
                    <li><a href="/corrections">{t!(i18n, nav_corrections)} " (" {overview.open_corrections} ")"</a></li>
                    <li><a href="/complaints">{t!(i18n, nav_complaints)} " (" {overview.open_complaints} ")"</a></li>
                </ul>
            </article>
        </div>
        <section class="panel">
            <h2>{t!(i18n, account_recent_orders)}</h2>
            {if overview.recent_orders.is_empty() {
                view! { <p class="muted">{t!(i18n, orders_none_yet)}</p> }.into_any()
            } else {
                view! {
                    <ul class="link-list">
                        {overview.recent_orders.into_iter().map(|order| {
                            let status = order.status;
                            view! {
                                <li>
                                    <a href=format!("/orders/{}", order.order_id)>{order.order_number}</a>
                                    " · " {utc_date(order.placed_at)} " · "
                                    {move || crate::orders::pages::order_status_label(i18n.get_locale(), status)}
                                    " · " {amount(order.gross_minor)}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <a class="button button--quiet" href="/orders">{t!(i18n, account_all_orders)}</a>
        </section>
    }
}

// --- Profile -------------------------------------------------------------------------------------

pub fn country_name(locale: Locale, country: Country) -> &'static str {
    match country {
        Country::PL => td_string!(locale, country_pl),
        Country::DE => td_string!(locale, country_de),
        Country::CZ => td_string!(locale, country_cz),
        Country::SK => td_string!(locale, country_sk),
        Country::LT => td_string!(locale, country_lt),
        Country::LV => td_string!(locale, country_lv),
        Country::EE => td_string!(locale, country_ee),
        Country::UA => td_string!(locale, country_ua),
        Country::AT => td_string!(locale, country_at),
        Country::NL => td_string!(locale, country_nl),
        Country::BE => td_string!(locale, country_be),
        Country::LU => td_string!(locale, country_lu),
        Country::FR => td_string!(locale, country_fr),
        Country::IT => td_string!(locale, country_it),
        Country::ES => td_string!(locale, country_es),
        Country::PT => td_string!(locale, country_pt),
        Country::IE => td_string!(locale, country_ie),
        Country::GB => td_string!(locale, country_gb),
        Country::DK => td_string!(locale, country_dk),
        Country::SE => td_string!(locale, country_se),
        Country::FI => td_string!(locale, country_fi),
        Country::HU => td_string!(locale, country_hu),
        Country::RO => td_string!(locale, country_ro),
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, profile_title);
    if use_viewer().member().is_none() {
        return view! { <SignInRequired title /> }.into_any();
    }
    let profile = page_data(|| (), |_| my_profile());
    view! {
        <NarrowPage title>
            <Notice />
            <Loaded data=profile ready=|profile| view! { <ProfileForm profile /> } />
        </NarrowPage>
    }
    .into_any()
}

#[component]
fn ProfileForm(profile: ProfileView) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_form_feedback();
    let posted = feedback.form == "profile";
    let checked = move |name: &str, current: bool| {
        if posted {
            feedback.value("profile", name).is_some_and(|v| v == "1")
        } else {
            current
        }
    };
    let languages = vec![
        ("en", Signal::derive(|| "English".to_string())),
        ("pl", Signal::derive(|| "Polski".to_string())),
        ("ru", Signal::derive(|| "Русский".to_string())),
    ];
    let notifications = [
        ("notify_orders", checked("notify_orders", profile.notify_orders), text!(i18n, profile_notify_orders)),
        ("notify_invoices", checked("notify_invoices", profile.notify_invoices), text!(i18n, profile_notify_invoices)),
        (
            "notify_complaints",
            checked("notify_complaints", profile.notify_complaints),
            text!(i18n, profile_notify_complaints),
        ),
    ];
    view! {
        <FormAlert form="profile" />
        <form class="form" method="post" action="/account/profile" novalidate>
            <Field form="profile" name="full_name" autocomplete="name" label=text!(i18n, field_full_name) value=profile.full_name.clone() />
            <p class="field">
                <span class="field__label">{t!(i18n, field_email)}</span>
                <span>{profile.email.clone()} " · " <a href="/account/security">{t!(i18n, profile_change_email)}</a></span>
            </p>
            <Field form="profile" name="phone" kind="tel" autocomplete="tel" required=false label=text!(i18n, field_phone)
                hint=text!(i18n, field_phone_hint) value=profile.phone.clone().unwrap_or_default() />
            <SelectField form="profile" name="language" label=text!(i18n, profile_language) options=languages value=profile.language.clone() />
            <fieldset class="fieldset">
                <legend>{t!(i18n, profile_notifications)}</legend>
                {notifications.into_iter().map(|(name, on, label)| {
                    let id = format!("profile-{name}");
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=id.clone() name=name value="1" checked=on />
                            <label for=id>{move || label.get()}</label>
                        </div>
                    }
                }).collect_view()}
                <p class="field__hint">{t!(i18n, profile_notifications_hint)}</p>
            </fieldset>
            <button type="submit" class="button">{t!(i18n, profile_save)}</button>
        </form>
    }
}

// --- Addresses -----------------------------------------------------------------------------------

#[component]
pub fn AddressesPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, addresses_title);
    if use_viewer().member().is_none() {
        return view! { <SignInRequired title /> }.into_any();
    }
    let book = page_data(|| (), |_| account_addresses());
    let query = leptos_router::hooks::use_query_map();
    let editing = move || query.read_untracked().get("edit");
    view! {
        <Title text=title.get_untracked() />
        <section class="panel">
            <h1>{t!(i18n, addresses_title)}</h1>
            <Notice />
            <FormAlert form="address_remove" />
            <FormAlert form="address_default" />
            <Loaded data=book ready=move |book| view! { <AddressBookView book editing=editing() /> } />
        </section>
    }
    .into_any()
}

fn kind_label(locale: Locale, kind: &str) -> &'static str {
    if kind == "billing" {
        td_string!(locale, address_kind_billing)
    } else {
        td_string!(locale, address_kind_delivery)
    }
}

#[component]
fn AddressBookView(book: AddressBook, editing: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let can_manage = book.can_manage;
    let edited = editing.and_then(|id| book.addresses.iter().find(|a| a.address_id == id).cloned());
    view! {
        {if book.addresses.is_empty() {
            view! { <p class="empty">{t!(i18n, addresses_none)}</p> }.into_any()
        } else {
            view! {
                <ul class="address-list">
                    {book.addresses.into_iter().map(|address| {
                        let kind = address.kind.clone();
                        let country = Country::parse(&address.country);
                        let id = address.address_id.clone();
                        view! {
                            <li class="card">
                                <p class="eyebrow">
                                    {move || kind_label(i18n.get_locale(), &kind)}
                                    {address.is_default.then(|| view! { " " <span class="badge">{t!(i18n, address_default)}</span> })}
                                </p>
                                <address>
                                    {address.recipient.clone()} <br />
                                    {address.line1.clone()} <br />
                                    {address.line2.clone().map(|line| view! { {line} <br /> })}
                                    {address.postal_code.clone()} " " {address.city.clone()} <br />
                                    {move || country.map(|c| country_name(i18n.get_locale(), c)).unwrap_or_default()}
                                </address>
                                {can_manage.then(|| view! {
                                    <div class="actions">
                                        <a class="button button--small button--quiet" href=format!("/account/addresses?edit={id}#address-form")>
                                            {t!(i18n, address_edit)}
                                        </a>
                                        {(!address.is_default).then(|| view! {
                                            <form method="post" action="/account/addresses" class="inline-form">
                                                <input type="hidden" name="form" value="address_default" />
                                                <input type="hidden" name="address" value=id.clone() />
                                                <button type="submit" class="button button--small button--quiet">{t!(i18n, address_make_default)}</button>
                                            </form>
                                        })}
                                        <form method="post" action="/account/addresses" class="inline-form">
                                            <input type="hidden" name="form" value="address_remove" />
                                            <input type="hidden" name="address" value=id.clone() />
                                            <button type="submit" class="button button--small button--quiet">{t!(i18n, address_remove)}</button>
                                        </form>
                                    </div>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {if can_manage {
            view! { <AddressForm edited /> }.into_any()
        } else {
            view! { <p class="muted">{t!(i18n, addresses_read_only)}</p> }.into_any()
        }}
    }
}

#[component]
fn AddressForm(edited: Option<SavedAddress>) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_form_feedback();
    let address_id = feedback
        .value("address_save", "address")
        .or_else(|| edited.as_ref().map(|a| a.address_id.clone()))
        .unwrap_or_default();
    let changing = !address_id.is_empty();
    let value = |pick: fn(&SavedAddress) -> String| edited.as_ref().map(pick).unwrap_or_default();
    let kinds = vec![("delivery", text!(i18n, address_kind_delivery)), ("billing", text!(i18n, address_kind_billing))];
    let countries = Country::ALL
        .into_iter()
        .map(|c| (c.code(), Signal::derive(move || country_name(i18n.get_locale(), c).to_string())))
        .collect::<Vec<_>>();
    view! {
        <section class="panel" id="address-form" aria-labelledby="address-form-title">
            <h2 id="address-form-title">
                {move || if changing { t_string!(i18n, address_change_title) } else { t_string!(i18n, address_add_title) }}
            </h2>
            <FormAlert form="address_save" />
            <form class="form" method="post" action="/account/addresses" novalidate>
                <input type="hidden" name="form" value="address_save" />
                <input type="hidden" name="address" value=address_id />
                <SelectField form="address_save" name="kind" label=text!(i18n, address_kind) options=kinds
                    value=edited.as_ref().map(|a| a.kind.clone()).unwrap_or_else(|| "delivery".into()) />
                <Field form="address_save" name="recipient" autocomplete="organization" label=text!(i18n, address_recipient) value=value(|a| a.recipient.clone()) />
                <Field form="address_save" name="line1" autocomplete="address-line1" label=text!(i18n, address_line1) value=value(|a| a.line1.clone()) />
                <Field form="address_save" name="line2" autocomplete="address-line2" required=false label=text!(i18n, address_line2) value=value(|a| a.line2.clone().unwrap_or_default()) />
                <Field form="address_save" name="postal_code" autocomplete="postal-code" label=text!(i18n, address_postal_code)
                    hint=text!(i18n, address_postal_code_hint) value=value(|a| a.postal_code.clone()) />
                <Field form="address_save" name="city" autocomplete="address-level2" label=text!(i18n, address_city) value=value(|a| a.city.clone()) />
                <SelectField form="address_save" name="country" label=text!(i18n, address_country) options=countries
                    value=edited.as_ref().map(|a| a.country.clone()).unwrap_or_else(|| "PL".into()) />
                <div class="form__actions">
                    <button type="submit" class="button">{t!(i18n, address_save)}</button>
                    {changing.then(|| view! { <a class="button button--quiet" href="/account/addresses">{t!(i18n, address_cancel)}</a> })}
                </div>
            </form>
        </section>
    }
}

// --- Statement of account ------------------------------------------------------------------------

#[component]
pub fn StatementPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = text!(i18n, statement_title);
    if let Some(refusal) = crate::ui::viewer::billing_only(title, text!(i18n, statement_not_allowed)) {
        return refusal;
    }
    let status = PageStatus::capture();
    let query = leptos_router::hooks::use_query_map();
    let params = Memo::new(move |_| {
        let query = query.read();
        StatementParams { from: query.get("from").unwrap_or_default(), to: query.get("to").unwrap_or_default() }
    });
    let statement = page_data(move || params.get(), account_statement);
    view! {
        <Title text=title.get_untracked() />
        <section class="panel">
            <h1>{t!(i18n, statement_title)}</h1>
            <p>{t!(i18n, statement_lead)}</p>
            <Loaded data=statement ready=move |statement: StatementView| {
                if !statement.problems.is_empty() {
                    status.set(422);
                }
                view! { <StatementTable statement /> }
            } />
        </section>
    }
    .into_any()
}

#[component]
fn StatementTable(statement: StatementView) -> impl IntoView {
    let i18n = use_i18n();
    let problem = |field: &str| statement.problems.iter().find(|(f, _)| f == field).map(|(_, r)| r.clone());
    let currency = statement.currency.clone();
    let figure = move |minor: i64| move || if minor == 0 { String::new() } else { amount(i18n.get_locale(), minor) };
    let query = format!("from={}&to={}", statement.from, statement.to);
    let ok = statement.problems.is_empty();
    view! {
        <FormAlert form="statement" code=(!ok).then(|| "fix_fields".to_string()) />
        <form class="filters filters--narrow" method="get" action="/account/statement">
            <Field form="statement" name="from" kind="date" required=false label=text!(i18n, statement_from)
                value=statement.from.clone() problem=problem("from") />
            <Field form="statement" name="to" kind="date" required=false label=text!(i18n, statement_to)
                value=statement.to.clone() problem=problem("to") />
            <div class="filters__actions">
                <button type="submit" class="button">{t!(i18n, statement_show)}</button>
            </div>
        </form>
        {ok.then(|| view! {
            <p class="actions">
                <a class="button button--quiet" href=format!("/account/statement.csv?{query}") rel="external" download>
                    {t!(i18n, statement_download_csv)}
                </a>
                <a class="button button--quiet" href=format!("/account/statement.pdf?{query}") rel="external" download>
                    {t!(i18n, statement_download_pdf)}
                </a>
            </p>
            <div class="table-scroll">
                <table class="table table--statement">
                    <caption class="visually-hidden">{t!(i18n, statement_title)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, statement_col_date)}</th>
                            <th scope="col">{t!(i18n, statement_col_document)}</th>
                            <th scope="col">{t!(i18n, statement_col_description)}</th>
                            <th scope="col" class="num">{t!(i18n, statement_col_debit)}</th>
                            <th scope="col" class="num">{t!(i18n, statement_col_credit)}</th>
                            <th scope="col" class="num">{t!(i18n, statement_col_balance)} " (" {currency.clone()} ")"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr class="row--total">
                            <td>{statement.from.clone()}</td>
                            <th scope="row" colspan="2">{t!(i18n, statement_opening)}</th>
                            <td></td>
                            <td></td>
                            <td class="num">{move || amount(i18n.get_locale(), statement.opening_minor)}</td>
                        </tr>
                        {statement.entries.iter().cloned().map(|entry| {
                            let kind = entry.kind;
                            let for_invoice = entry.for_invoice.clone();
                            view! {
                                <tr>
                                    <td>{entry.date.clone()}</td>
                                    <th scope="row">{entry.document.clone()}</th>
                                    <td>
                                        {move || crate::accounts::api::describe_entry(i18n.get_locale(), kind, for_invoice.as_deref())}
                                    </td>
                                    <td class="num">{figure(entry.debit_minor)}</td>
                                    <td class="num">{figure(entry.credit_minor)}</td>
                                    <td class="num">{move || amount(i18n.get_locale(), entry.balance_minor)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <td>{statement.to.clone()}</td>
                            <th scope="row" colspan="2">{t!(i18n, statement_closing)}</th>
                            <td></td>
                            <td></td>
                            <td class="num">{move || amount(i18n.get_locale(), statement.closing_minor)}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
            {statement.entries.is_empty().then(|| view! { <p class="muted">{t!(i18n, statement_nothing)}</p> })}
        })}
    }
}
