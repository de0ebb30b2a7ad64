//! "My activity": a customer's own recent steps, and a download of everything we hold about them.
use super::api::{cx_customer_timeline, cx_recent_customers, my_activity};
use super::timeline::Timeline;
use crate::i18n::*;
use crate::ui::loaded::{page_data, Loaded};
use crate::ui::pages::NarrowPage;
use crate::ui::viewer::{use_viewer, SignInRequired};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ActivityPage() -> impl IntoView {
    let i18n = use_i18n();
    if use_viewer().member().is_none() {
        return view! { <SignInRequired title=Signal::derive(move || t_string!(i18n, activity_title).to_string()) /> }
            .into_any();
    }
    let activity = page_data(|| (), |_| my_activity());
    view! {
        <Title text=t_string!(i18n, activity_title) />
        <section class="panel">
            <h1>{t!(i18n, activity_title)}</h1>
            <p>{t!(i18n, activity_lead)}</p>
            <p>
                <a class="button button--quiet" href="/account/activity/export" rel="external" download>
                    {t!(i18n, activity_download)}
                </a>
            </p>
            <Loaded data=activity ready=|entries| view! { <Timeline entries /> } />
        </section>
    }
    .into_any()
}

/// The CX team's way into real journeys: the customers with the latest touchpoints, under
/// pseudonyms, and one customer's timeline (`?customer=<pseudonym>`).
#[component]
pub fn CxPage() -> impl IntoView {
    let i18n = use_i18n();
    let title = Signal::derive(move || t_string!(i18n, nav_cx).to_string());
    let crate::kernel::viewer::Viewer::Staff(staff) = use_viewer() else {
        return view! { <SignInRequired title href="/staff/sign-in" /> }.into_any();
    };
    if !staff.role.reads_cx() {
        return view! {
            <NarrowPage title>
                <p>{t!(i18n, cx_not_allowed)}</p>
            </NarrowPage>
        }
        .into_any();
    }
    let query = leptos_router::hooks::use_query_map();
    let customer = move || query.read().get("customer");
    let customers = page_data(|| (), |_| cx_recent_customers());
    let timeline = page_data(customer, |customer| async move {
        match customer {
            Some(pseudonym) => cx_customer_timeline(pseudonym).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Title text=title.get_untracked() />
        <section class="panel">
            <h1>{move || title.get()}</h1>
            <p>{t!(i18n, cx_lead)}</p>
        </section>
        <Loaded data=timeline ready=move |entries| entries.map(|entries| view! {
            <section class="panel">
                <h2>{t!(i18n, cx_customer_title)} " " <code>{customer()}</code></h2>
                <p><a href="/cx">{t!(i18n, cx_back)}</a></p>
                <Timeline entries />
            </section>
        }) />
        <section class="panel">
            <h2>{t!(i18n, cx_recent_title)}</h2>
            <Loaded data=customers ready=move |list| {
                if list.is_empty() {
                    return view! { <p>{t!(i18n, timeline_empty)}</p> }.into_any();
                }
                view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, cx_col_customer)}</th>
                                <th scope="col">{t!(i18n, cx_col_steps)}</th>
                                <th scope="col">{t!(i18n, cx_col_friction)}</th>
                                <th scope="col">{t!(i18n, cx_col_last)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|c| view! {
                                <tr>
                                    <td><a href=format!("/cx?customer={}", c.pseudonym)><code>{c.pseudonym.clone()}</code></a></td>
                                    <td>{c.steps}</td>
                                    <td>{c.friction}</td>
                                    <td>{crate::ui::format::utc_minute(c.last_at)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            } />
        </section>
    }
    .into_any()
}
