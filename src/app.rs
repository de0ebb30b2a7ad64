//! The HTML shell and the route table.
use crate::accounts::members::MembersPage;
use crate::accounts::pages::{AccountPage, AddressesPage, ProfilePage, StatementPage};
use crate::auth::access_pages::StaffAccessRequestsPage;
use crate::auth::pages::{
    EmailChangePage, ForgotPasswordPage, InvitationPage, RegisterCompletePage, RegisterPage, ResetPasswordPage,
    SecurityPage, SignInPage, StaffInviteMemberPage, StaffSecurityPage, StaffSignInPage,
};
use crate::corrections::pages::{
    CorrectionFormPage, CorrectionPage, CorrectionsPage, StaffCorrectionPage, StaffCorrectionsPage,
};
use crate::cx::pages::{ActivityPage, CxPage};
use crate::demo::mailbox::DemoMailPage;
use crate::i18n::I18nContextProvider;
use crate::invoices::pages::{ArchivePage, ArchiveStatusPage, InvoiceDetailPage, InvoicesPage};
use crate::orders::pages::{OrderDetailPage, OrdersPage, ReorderPage, ReorderReviewPage};
use crate::staff::pages::{StaffHomePage, StaffUsersPage};
use crate::ui::form::provide_form_feedback;
use crate::ui::layout::Layout;
use crate::ui::link::provide_link_view;
use crate::ui::pages::{ComplaintsPage, HomePage, NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The document around every server-rendered page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // A fresh nonce per response lets the hydration scripts run under a CSP without 'unsafe-inline'.
    #[cfg(feature = "ssr")]
    crate::server::headers::attach_page_csp();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // The touchpoint journal's beacon: plain JavaScript, so it reports even when the
                // WebAssembly bundle does not load.
                <script src="/beacon.js" defer></script>
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Server-rendered facts the browser must hydrate identically, always in this order.
    provide_viewer();
    provide_form_feedback();
    provide_link_view();
    #[cfg(feature = "ssr")]
    provide_language_without_effects();
    view! {
        <I18nContextProvider>
            <Stylesheet id="styk" href="/pkg/styk.css" />
            // Page titles are plain strings taken when a page renders, never closures: the
            // language changes only with a page load, and leptos_meta reads titles after the
            // page's reactive owner may be gone, where a signal read panicked under load.
            <Title formatter=|page: String| if page.is_empty() { "Styk".to_string() } else { format!("{page} · Styk") } />
            <Router>
                <Layout>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage />
                        <Route path=path!("/sign-in") view=SignInPage />
                        <Route path=path!("/forgot-password") view=ForgotPasswordPage />
                        <Route path=path!("/reset-password") view=ResetPasswordPage />
                        <Route path=path!("/invitation") view=InvitationPage />
                        <Route path=path!("/register") view=RegisterPage />
                        <Route path=path!("/register/complete") view=RegisterCompletePage />
                        <Route path=path!("/email-change") view=EmailChangePage />
                        <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                        <Route path=path!("/account/profile") view=ProfilePage ssr=SsrMode::Async />
                        <Route path=path!("/account/addresses") view=AddressesPage ssr=SsrMode::Async />
                        <Route path=path!("/account/statement") view=StatementPage ssr=SsrMode::Async />
                        <Route path=path!("/account/security") view=SecurityPage ssr=SsrMode::Async />
                        <Route path=path!("/account/members") view=MembersPage ssr=SsrMode::Async />
                        <Route path=path!("/account/activity") view=ActivityPage ssr=SsrMode::Async />
                        <Route path=path!("/demo/mail") view=DemoMailPage ssr=SsrMode::Async />
                        <Route path=path!("/orders") view=OrdersPage ssr=SsrMode::Async />
                        <Route path=path!("/orders/:id") view=OrderDetailPage ssr=SsrMode::Async />
                        <Route path=path!("/orders/:id/reorder") view=ReorderPage ssr=SsrMode::Async />
                        <Route path=path!("/orders/:id/reorder/review") view=ReorderReviewPage ssr=SsrMode::Async />
                        <Route path=path!("/invoices") view=InvoicesPage ssr=SsrMode::Async />
                        <Route path=path!("/invoices/archive") view=ArchivePage ssr=SsrMode::Async />
                        <Route path=path!("/invoices/archive/:id") view=ArchiveStatusPage ssr=SsrMode::Async />
                        <Route path=path!("/invoices/:id") view=InvoiceDetailPage ssr=SsrMode::Async />
                        <Route path=path!("/invoices/:id/correct") view=CorrectionFormPage ssr=SsrMode::Async />
                        <Route path=path!("/corrections") view=CorrectionsPage ssr=SsrMode::Async />
                        <Route path=path!("/corrections/:id") view=CorrectionPage ssr=SsrMode::Async />
                        <Route path=path!("/complaints") view=ComplaintsPage />
                        <Route path=path!("/staff") view=StaffHomePage />
                        <Route path=path!("/staff/sign-in") view=StaffSignInPage />
                        <Route path=path!("/staff/security") view=StaffSecurityPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/users") view=StaffUsersPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/invite-member") view=StaffInviteMemberPage />
                        <Route path=path!("/staff/access-requests") view=StaffAccessRequestsPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/corrections") view=StaffCorrectionsPage ssr=SsrMode::Async />
                        <Route path=path!("/staff/corrections/:id") view=StaffCorrectionPage ssr=SsrMode::Async />
                        <Route path=path!("/cx") view=CxPage ssr=SsrMode::Async />
                    </Routes>
                </Layout>
            </Router>
        </I18nContextProvider>
    }
}

/// Who is signed in, as the server saw it when it rendered the page.
fn provide_viewer() {
    let viewer = crate::ui::loaded::shared_value(|| {
        #[cfg(feature = "ssr")]
        {
            crate::web::sessions::current_principal().map(|p| p.viewer).unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            crate::kernel::viewer::Viewer::Anonymous
        }
    });
    provide_context(viewer);
}

/// The language context, made on the server before `I18nContextProvider` (which finds it and makes
/// none of its own), in an owner whose effects are paused.
///
/// leptos_i18n's context has an effect that writes the language cookie. On the server that effect
/// is a task of its own, and when that task ran on the other thread while the page's owner was
/// being disposed, its read of the disposed language signal panicked, now and then under load.
/// The server needs none of it: the page reads the language once, and only `set_language` writes
/// the cookie.
#[cfg(feature = "ssr")]
fn provide_language_without_effects() {
    let owner = Owner::current().map(|page| page.child()).unwrap_or_else(Owner::new);
    let i18n = owner.with(leptos_i18n::context::init_i18n_context::<crate::i18n::Locale>);
    owner.pause();
    provide_context(i18n);
    // The context's signals belong to `owner`, which must last as long as the page.
    on_cleanup(move || drop(owner));
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    /// The race that `provide_language_without_effects` ends showed only at random (see there); a
    /// unit test could not make it happen on purpose. Here: the context it makes is there, in the
    /// request's language, from the cookie the portal writes.
    #[tokio::test(flavor = "current_thread")]
    async fn the_server_provides_the_language_from_the_cookie() {
        let _ = any_spawner::Executor::init_tokio();
        let request = axum::http::Request::get("/orders")
            .header(axum::http::header::COOKIE, format!("{}=pl", crate::i18n::LOCALE_COOKIE))
            .body(())
            .unwrap();
        let page = Owner::new();
        page.with(|| {
            provide_context(request.into_parts().0);
            provide_language_without_effects();
            let i18n = use_context::<leptos_i18n::I18nContext<crate::i18n::Locale>>();
            assert_eq!(i18n.map(|i18n| i18n.get_locale_untracked()), Some(crate::i18n::Locale::pl));
        });
        drop(page);
        // What the page spawned runs now, after the page, as it did on a busy server.
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }
}
