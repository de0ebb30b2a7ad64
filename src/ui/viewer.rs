//! Who is looking, as components see it: the viewer the server rendered the page for, and the
//! pieces every gated page shows.
use crate::i18n::*;
use crate::kernel::viewer::Viewer;
use leptos::prelude::*;
use leptos_meta::Title;

/// The signed-in person the page was rendered for (provided by the app for every page).
pub fn use_viewer() -> Viewer {
    use_context::<Viewer>().unwrap_or_default()
}

/// The sign-out button (a form: signing out changes state, so it is never a link).
#[component]
pub fn SignOutButton() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form method="post" action="/sign-out" class="inline-form">
            <button type="submit" class="button button--small button--quiet">
                {t!(i18n, sign_out)}
            </button>
        </form>
    }
}

/// Shown instead of a page when nobody (or the wrong kind of user) is signed in.
#[component]
pub fn SignInRequired(
    #[prop(into)] title: Signal<String>,
    #[prop(default = "/sign-in")] href: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=title.get_untracked() />
        <section class="panel panel--narrow">
            <h1>{move || title.get()}</h1>
            <p>{t!(i18n, gated_need_sign_in)}</p>
            <a class="button" href=href rel="external">
                {t!(i18n, nav_sign_in)}
            </a>
        </section>
    }
}
