//! The pages of the shell, and the narrow panel most single-purpose pages are.
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

/// A single-purpose page (sign-in, a link from an e-mail, a refusal): its title, for the tab and
/// the heading, over a narrow panel of what it holds.
#[component]
pub fn NarrowPage(title: Signal<String>, children: Children) -> impl IntoView {
    view! {
        <Title text=title.get_untracked() />
        <section class="panel panel--narrow">
            <h1>{move || title.get()}</h1>
            {children()}
        </section>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text="" />
        <section class="hero">
            <h1>{t!(i18n, home_title)}</h1>
            <p class="hero__lead">{t!(i18n, home_lead)}</p>
            <a class="button" href="/sign-in">
                {t!(i18n, home_cta)}
            </a>
        </section>
        <section class="cards">
            <article class="card">
                <h2>{t!(i18n, home_card_orders_title)}</h2>
                <p>{t!(i18n, home_card_orders_text)}</p>
            </article>
            <article class="card">
                <h2>{t!(i18n, home_card_invoices_title)}</h2>
                <p>{t!(i18n, home_card_invoices_text)}</p>
            </article>
            <article class="card">
                <h2>{t!(i18n, home_card_complaints_title)}</h2>
                <p>{t!(i18n, home_card_complaints_text)}</p>
            </article>
        </section>
    }
}

/// An area whose feature has not landed yet: it says so to a signed-in user and invites anyone
/// else to sign in.
#[component]
fn SignInRequired(title: Signal<&'static str>) -> impl IntoView {
    let i18n = use_i18n();
    let signed_in = crate::ui::viewer::use_viewer().is_signed_in();
    view! {
        <Title text=title.get_untracked() />
        <section class="panel panel--narrow">
            <h1>{move || title.get()}</h1>
            {if signed_in {
                view! { <p>{t!(i18n, gated_not_yet)}</p> }.into_any()
            } else {
                view! {
                    <p>{t!(i18n, gated_need_sign_in)}</p>
                    <a class="button" href="/sign-in" rel="external">
                        {t!(i18n, nav_sign_in)}
                    </a>
                }
                    .into_any()
            }}
        </section>
    }
}

macro_rules! gated_page {
    ($name:ident, $key:ident) => {
        #[component]
        pub fn $name() -> impl IntoView {
            let i18n = use_i18n();
            view! { <SignInRequired title=Signal::derive(move || t_string!(i18n, $key)) /> }
        }
    };
}

gated_page!(ComplaintsPage, gated_title_complaints);

/// The fallback route: a translated page with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, not_found_title) />
        <section class="panel panel--narrow">
            <h1>{t!(i18n, not_found_title)}</h1>
            <p>{t!(i18n, not_found_text)}</p>
            <a class="button" href="/">
                {t!(i18n, back_home)}
            </a>
        </section>
    }
}
