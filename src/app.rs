//! The HTML shell and the route table.
use crate::i18n::I18nContextProvider;
use crate::ui::layout::Layout;
use crate::ui::pages::{
    AccountPage, ComplaintsPage, CorrectionsPage, CxPage, HomePage, InvoicesPage, NotFound, OrdersPage, SignInPage,
    StaffPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

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
    view! {
        <I18nContextProvider>
            <Stylesheet id="styk" href="/pkg/styk.css" />
            <Title formatter=|page: String| if page.is_empty() { "Styk".to_string() } else { format!("{page} · Styk") } />
            <Router>
                <Layout>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage />
                        <Route path=path!("/sign-in") view=SignInPage />
                        <Route path=path!("/account") view=AccountPage />
                        <Route path=path!("/orders") view=OrdersPage />
                        <Route path=path!("/invoices") view=InvoicesPage />
                        <Route path=path!("/corrections") view=CorrectionsPage />
                        <Route path=path!("/complaints") view=ComplaintsPage />
                        <Route path=path!("/staff") view=StaffPage />
                        <Route path=path!("/cx") view=CxPage />
                    </Routes>
                </Layout>
            </Router>
        </I18nContextProvider>
    }
}
