//! Who is looking, as components see it: the viewer the server rendered the page for, and the
//! pieces every gated page shows.
use crate::i18n::*;
use crate::kernel::viewer::{MemberRole, StaffRole, Viewer};
use crate::ui::loaded::PageStatus;
use crate::ui::pages::NarrowPage;
use leptos::prelude::*;

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
        <NarrowPage title>
            <p>{t!(i18n, gated_need_sign_in)}</p>
            <a class="button" href=href rel="external">
                {t!(i18n, nav_sign_in)}
            </a>
        </NarrowPage>
    }
}

/// The page for anyone who may not see the account's money: the sign-in panel for visitors, a 403
/// with `why` for members whose role shows no invoices. `None` for owners and billing members.
pub fn billing_only(title: Signal<String>, why: Signal<String>) -> Option<AnyView> {
    let Viewer::Member(member) = use_viewer() else {
        return Some(view! { <SignInRequired title /> }.into_any());
    };
    if member.role.sees_invoices() {
        return None;
    }
    PageStatus::capture().set(403);
    Some(
        view! {
            <NarrowPage title>
                <p>{move || why.get()}</p>
            </NarrowPage>
        }
        .into_any(),
    )
}

pub fn member_role_label(locale: Locale, role: MemberRole) -> &'static str {
    match role {
        MemberRole::Owner => td_string!(locale, role_owner),
        MemberRole::Member => td_string!(locale, role_member),
        MemberRole::Billing => td_string!(locale, role_billing),
    }
}

pub fn staff_role_label(locale: Locale, role: StaffRole) -> &'static str {
    match role {
        StaffRole::Agent => td_string!(locale, staff_role_agent),
        StaffRole::Supervisor => td_string!(locale, staff_role_supervisor),
        StaffRole::CxAnalyst => td_string!(locale, staff_role_cx_analyst),
        StaffRole::Admin => td_string!(locale, staff_role_admin),
    }
}

/// The member roles as a select's options.
pub fn member_role_options() -> Vec<(&'static str, Signal<String>)> {
    let i18n = use_i18n();
    MemberRole::ALL
        .into_iter()
        .map(|role| (role.as_str(), Signal::derive(move || member_role_label(i18n.get_locale(), role).to_string())))
        .collect()
}
