//! The account overview: the landing page after sign-in.
use super::api::{account_overview, AccountSummary};
use crate::auth::model::Viewer;
use crate::auth::pages::{member_role_label, use_viewer, SignInRequired, SignOutButton};
use crate::i18n::*;
use crate::ui::form::Notice;
use crate::ui::format::{money, utc_date};
use crate::ui::loaded::Loaded;
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
    let overview = Resource::new(|| (), |_| account_overview());
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
                    <a href="/invoices">{t!(i18n, account_open_invoices)} " (" {overview.open_invoices} ")"</a>
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
