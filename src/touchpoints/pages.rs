//! "My activity": a customer's own recent steps, and a download of everything we hold about them.
use super::api::my_activity;
use super::timeline::Timeline;
use crate::auth::pages::{use_viewer, SignInRequired};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ActivityPage() -> impl IntoView {
    let i18n = use_i18n();
    if use_viewer().member().is_none() {
        return view! { <SignInRequired title=Signal::derive(move || t_string!(i18n, activity_title).to_string()) /> }.into_any();
    }
    let activity = Resource::new(|| (), |_| my_activity());
    view! {
        <Title text=move || t_string!(i18n, activity_title) />
        <section class="panel">
            <h1>{t!(i18n, activity_title)}</h1>
            <p>{t!(i18n, activity_lead)}</p>
            <p>
                <a class="button button--quiet" href="/account/activity/export" rel="external" download>
                    {t!(i18n, activity_download)}
                </a>
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match activity.await {
                        Err(_) => view! { <p class="alert" role="alert">{t!(i18n, err_unavailable)}</p> }.into_any(),
                        Ok(entries) => view! { <Timeline entries /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}
