//! What every handler, layer and server function can reach: the application's services.
use super::beacon::BeaconLimiter;
use super::session_store::AppSessionStore;
use crate::config::Config;
use crate::db::Db;
use crate::error::AppError;
use crate::touchpoints::catalogue::Catalogue;
use crate::touchpoints::pseudonym::Pseudonyms;
use crate::touchpoints::recorder::Recorder;
use axum::extract::FromRef;
use leptos::prelude::*;
use std::sync::Arc;
use tokio::sync::Notify;

/// What every handler and server function can reach. Every layer that takes it, every page
/// render and every server function clones it for each request, so it is one shared pointer:
/// cloning the fields one by one (pools, stores, senders, the leptos options' strings) was a few
/// percent of the CPU a page costs.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The parts of the state a layer or handler may take on its own (`State<Recorder>`); leptos_axum
/// takes the options.
impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for Recorder {
    fn from_ref(state: &AppState) -> Self {
        state.touchpoints.clone()
    }
}

impl FromRef<AppState> for Arc<Catalogue> {
    fn from_ref(state: &AppState) -> Self {
        state.catalogue.clone()
    }
}

impl FromRef<AppState> for Arc<Config> {
    fn from_ref(state: &AppState) -> Self {
        state.config.clone()
    }
}

/// The services behind [`AppState`].
pub struct Services {
    pub leptos_options: LeptosOptions,
    /// Renders a page of the app for a handler (see `respond::page`). The app sees every
    /// feature; the state only carries its renderer, so that handlers need not.
    pub render_page: PageRenderer,
    /// Which journey step every page, form and server function is.
    pub catalogue: Arc<Catalogue>,
    pub db: Db,
    pub config: Arc<Config>,
    pub sessions: AppSessionStore,
    /// Wakes the mail relay as soon as a transaction with outbox rows has committed.
    pub mail_wakeup: Arc<Notify>,
    /// Wakes the invoice archive worker when an archive is asked for.
    pub archive_wakeup: ArchiveWakeup,
    /// Queues touchpoints for the journal's writer.
    pub touchpoints: Recorder,
    /// Budgets browser beacons per client address.
    pub beacons: BeaconLimiter,
    /// Turns account ids into the pseudonyms the CX team sees.
    pub pseudonyms: Pseudonyms,
}

/// Renders the app's page for a request, with a rejected form's feedback or a one-time link's
/// state provided to it.
pub type PageRenderer = fn(
    AppState,
    axum::http::request::Parts,
    Option<crate::ui::form::FormFeedback>,
    Option<crate::ui::link::LinkView>,
) -> futures::future::BoxFuture<'static, axum::response::Response>;

/// Wakes the invoice archive worker (its own type: the state's fields are told apart by type).
#[derive(Clone, Default)]
pub struct ArchiveWakeup(pub Arc<Notify>);

impl AppState {
    pub fn new(services: Services) -> AppState {
        AppState(Arc::new(services))
    }

    pub fn wake_mail_relay(&self) {
        self.mail_wakeup.notify_one();
    }

    pub fn wake_archive_worker(&self) {
        self.archive_wakeup.0.notify_one();
    }
}

/// The state inside a server function or component. Fallible on purpose: route collection runs
/// components with no request and no state.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("application state missing from the reactive context");
        AppError::Internal
    })
}
