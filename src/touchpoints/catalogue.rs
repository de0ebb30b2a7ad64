//! The catalogue of customer journeys and their steps, and the table that says which step each
//! page, form and server function is.
//!
//! A feature declares its table once (its `journeys::STEPS`); the server merges every feature's
//! table into one [`Catalogue`] at start-up, the journal's layer looks every request up in it, and
//! a test fails when a page, form endpoint or server function has no entry. Journeys and steps are
//! closed sets with translated names.
use super::model::Channel;
use serde::{Deserialize, Serialize};

/// A customer journey: what the customer set out to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Journey {
    /// Looking around: the start page and pages that are not part of a task.
    Browse,
    SignIn,
    SignOut,
    PasswordReset,
    Registration,
    Invitation,
    EmailChange,
    PasswordChange,
    Sessions,
    Members,
    Account,
    Profile,
    Addresses,
    Statement,
    Activity,
    Orders,
    Reorder,
    Invoices,
    InvoiceDownload,
    CorrectionRequest,
    Complaints,
    StaffSignIn,
    StaffWork,
    StaffAdmin,
    Cx,
}

/// What a visit must reach for a journey not to count as abandoned. A journey continues
/// elsewhere after some steps (a link sent by e-mail is followed in another visit), so those
/// settle it for this visit too.
pub struct JourneyRule {
    pub journey: Journey,
    pub settled_by: &'static [StepName],
}

/// Journeys whose abandonment is tracked. Browsing journeys (lists, pages) have no end to reach.
pub const TRACKED_JOURNEYS: &[JourneyRule] = &[
    JourneyRule { journey: Journey::SignIn, settled_by: &[StepName::Submit] },
    JourneyRule { journey: Journey::StaffSignIn, settled_by: &[StepName::Submit] },
    JourneyRule { journey: Journey::PasswordReset, settled_by: &[StepName::Request, StepName::SetPassword] },
    JourneyRule { journey: Journey::Registration, settled_by: &[StepName::Request, StepName::Complete] },
    JourneyRule { journey: Journey::Invitation, settled_by: &[StepName::Accept] },
    JourneyRule { journey: Journey::EmailChange, settled_by: &[StepName::Request, StepName::Confirm] },
    JourneyRule { journey: Journey::PasswordChange, settled_by: &[StepName::Submit] },
    JourneyRule { journey: Journey::Reorder, settled_by: &[StepName::Confirm] },
    JourneyRule { journey: Journey::CorrectionRequest, settled_by: &[StepName::Submit] },
];

impl Journey {
    pub const ALL: [Journey; 25] = [
        Journey::Browse,
        Journey::SignIn,
        Journey::SignOut,
        Journey::PasswordReset,
        Journey::Registration,
        Journey::Invitation,
        Journey::EmailChange,
        Journey::PasswordChange,
        Journey::Sessions,
        Journey::Members,
        Journey::Account,
        Journey::Profile,
        Journey::Addresses,
        Journey::Statement,
        Journey::Activity,
        Journey::Orders,
        Journey::Reorder,
        Journey::Invoices,
        Journey::InvoiceDownload,
        Journey::CorrectionRequest,
        Journey::Complaints,
        Journey::StaffSignIn,
        Journey::StaffWork,
        Journey::StaffAdmin,
        Journey::Cx,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Journey::Browse => "browse",
            Journey::SignIn => "sign_in",
            Journey::SignOut => "sign_out",
            Journey::PasswordReset => "password_reset",
            Journey::Registration => "registration",
            Journey::Invitation => "invitation",
            Journey::EmailChange => "email_change",
            Journey::PasswordChange => "password_change",
            Journey::Sessions => "sessions",
            Journey::Members => "members",
            Journey::Account => "account",
            Journey::Profile => "profile",
            Journey::Addresses => "addresses",
            Journey::Statement => "statement",
            Journey::Activity => "activity",
            Journey::Orders => "orders",
            Journey::Reorder => "reorder",
            Journey::Invoices => "invoices",
            Journey::InvoiceDownload => "invoice_download",
            Journey::CorrectionRequest => "correction_request",
            Journey::Complaints => "complaints",
            Journey::StaffSignIn => "staff_sign_in",
            Journey::StaffWork => "staff_work",
            Journey::StaffAdmin => "staff_admin",
            Journey::Cx => "cx",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|j| j.as_str() == raw)
    }

    /// The steps that settle this journey for a visit, if its abandonment is tracked.
    pub fn settled_by(self) -> Option<&'static [StepName]> {
        TRACKED_JOURNEYS.iter().find(|rule| rule.journey == self).map(|rule| rule.settled_by)
    }
}

/// A step of a journey. Names are shared between journeys ("view", "submit", …), so the UI
/// translates each once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepName {
    /// A page was shown.
    View,
    /// The page's form was sent.
    Submit,
    /// A list was loaded into a page.
    List,
    /// A request that continues by e-mail (reset link, verification link).
    Request,
    /// A link from an e-mail was followed.
    LinkOpened,
    /// An e-mail went out.
    EmailSent,
    SetPassword,
    Complete,
    Accept,
    Confirm,
    EndSessions,
    Invite,
    ChangeRole,
    Remove,
    CreateUser,
    ChangeStatus,
    Export,
    ChangeLanguage,
    /// One item of a list was opened (an order, an invoice).
    Detail,
    /// What is about to be sent is shown for a last check.
    Review,
    SetDefault,
    /// A document was downloaded as a PDF.
    Pdf,
    /// A form's effect was shown before sending it (a correction's difference).
    Preview,
    /// A file attached to a request was opened.
    Attachment,
    /// Staff decided on a customer's request.
    Decide,
}

impl StepName {
    pub const ALL: [StepName; 25] = [
        StepName::View,
        StepName::Submit,
        StepName::List,
        StepName::Request,
        StepName::LinkOpened,
        StepName::EmailSent,
        StepName::SetPassword,
        StepName::Complete,
        StepName::Accept,
        StepName::Confirm,
        StepName::EndSessions,
        StepName::Invite,
        StepName::ChangeRole,
        StepName::Remove,
        StepName::CreateUser,
        StepName::ChangeStatus,
        StepName::Export,
        StepName::ChangeLanguage,
        StepName::Detail,
        StepName::Review,
        StepName::SetDefault,
        StepName::Pdf,
        StepName::Preview,
        StepName::Attachment,
        StepName::Decide,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepName::View => "view",
            StepName::Submit => "submit",
            StepName::List => "list",
            StepName::Request => "request",
            StepName::LinkOpened => "link_opened",
            StepName::EmailSent => "email_sent",
            StepName::SetPassword => "set_password",
            StepName::Complete => "complete",
            StepName::Accept => "accept",
            StepName::Confirm => "confirm",
            StepName::EndSessions => "end_sessions",
            StepName::Invite => "invite",
            StepName::ChangeRole => "change_role",
            StepName::Remove => "remove",
            StepName::CreateUser => "create_user",
            StepName::ChangeStatus => "change_status",
            StepName::Export => "export",
            StepName::ChangeLanguage => "change_language",
            StepName::Detail => "detail",
            StepName::Review => "review",
            StepName::SetDefault => "set_default",
            StepName::Pdf => "pdf",
            StepName::Preview => "preview",
            StepName::Attachment => "attachment",
            StepName::Decide => "decide",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Whether the step only shows something. Showing a page again is browsing; sending a form
    /// again is a retry (see the writer's signals).
    pub fn is_view(self) -> bool {
        matches!(self, StepName::View | StepName::List | StepName::LinkOpened | StepName::Detail)
    }
}

/// How a request reaches the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// A page rendered by the app (GET), by its route pattern.
    Page(&'static str),
    /// A form posted to this path.
    Post(&'static str),
    /// One of several forms posted to this path, told apart by their `form` field.
    Form(&'static str, &'static str),
    /// A server function, by its path.
    ServerFn(&'static str),
    /// A GET served by a handler rather than the app (a page opened from an e-mail link, a file).
    Get(&'static str),
}

/// One entry of a feature's table: this endpoint is this step of this journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteStep {
    pub endpoint: Endpoint,
    pub journey: Journey,
    pub step: StepName,
    pub channel: Channel,
}

impl RouteStep {
    pub const fn page(path: &'static str, journey: Journey) -> Self {
        RouteStep { endpoint: Endpoint::Page(path), journey, step: StepName::View, channel: Channel::Web }
    }

    pub const fn post(path: &'static str, journey: Journey, step: StepName) -> Self {
        RouteStep { endpoint: Endpoint::Post(path), journey, step, channel: Channel::Web }
    }

    pub const fn form(path: &'static str, form: &'static str, journey: Journey, step: StepName) -> Self {
        RouteStep { endpoint: Endpoint::Form(path, form), journey, step, channel: Channel::Web }
    }

    pub const fn server_fn(path: &'static str, journey: Journey, step: StepName) -> Self {
        RouteStep { endpoint: Endpoint::ServerFn(path), journey, step, channel: Channel::Web }
    }

    pub const fn get(path: &'static str, journey: Journey, step: StepName) -> Self {
        RouteStep { endpoint: Endpoint::Get(path), journey, step, channel: Channel::Web }
    }

    /// A page opened from a link in an e-mail: a touchpoint of the e-mail channel.
    pub const fn from_email(path: &'static str, journey: Journey) -> Self {
        RouteStep { endpoint: Endpoint::Get(path), journey, step: StepName::LinkOpened, channel: Channel::Email }
    }

    /// The route pattern (or path) the entry is for.
    pub fn pattern(&self) -> &'static str {
        match self.endpoint {
            Endpoint::Page(p) | Endpoint::Get(p) | Endpoint::Post(p) | Endpoint::Form(p, _) | Endpoint::ServerFn(p) => {
                p
            }
        }
    }

    /// What the browser reports about a page happens on the web, even on a page opened from an
    /// e-mail link.
    pub fn channel_for_browser(&self) -> Channel {
        if self.channel == Channel::Email {
            Channel::Web
        } else {
            self.channel
        }
    }

    /// Staff pages and actions happen on the staff channel.
    pub const fn by_staff(self) -> Self {
        RouteStep { channel: Channel::Staff, ..self }
    }
}

/// Paths that are not steps of a customer journey: infrastructure, static files, the beacon
/// (which records the browser's own events), and the demo mailbox (a development aid).
pub fn is_unrecorded(path: &str) -> bool {
    path.starts_with("/pkg/")
        || matches!(
            path,
            "/favicon.svg" | "/beacon.js" | "/health" | "/metrics" | "/api/beacon" | "/demo/mail" | "/api/demo_mailbox"
        )
}

/// Whether a concrete path matches a route pattern whose parameters are written `{name}`.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut pattern_parts = pattern.trim_end_matches('/').split('/');
    let mut path_parts = path.trim_end_matches('/').split('/');
    loop {
        match (pattern_parts.next(), path_parts.next()) {
            (None, None) => return true,
            (Some(p), Some(actual)) if p.starts_with('{') && p.ends_with('}') => {
                if actual.is_empty() {
                    return false;
                }
            }
            (Some(p), Some(actual)) if p == actual => {}
            _ => return false,
        }
    }
}

/// Every feature's steps in one table, looked up on every request. Built once by the server from
/// the features' tables (the journal's machinery knows no feature).
#[cfg(feature = "ssr")]
pub struct Catalogue {
    steps: Vec<&'static RouteStep>,
    /// By route pattern (a server function by its path): (GET or not, form name or "", entry).
    by_route: rustc_hash::FxHashMap<&'static str, Vec<(bool, &'static str, &'static RouteStep)>>,
}

#[cfg(feature = "ssr")]
impl Catalogue {
    pub fn new(tables: &[&'static [RouteStep]]) -> Catalogue {
        let steps: Vec<&'static RouteStep> = tables.iter().flat_map(|table| table.iter()).collect();
        let mut by_route = rustc_hash::FxHashMap::<_, Vec<_>>::default();
        for &entry in &steps {
            let (path, is_get, form) = match entry.endpoint {
                Endpoint::Page(path) | Endpoint::Get(path) => (path, true, ""),
                Endpoint::Post(path) | Endpoint::ServerFn(path) => (path, false, ""),
                Endpoint::Form(path, form) => (path, false, form),
            };
            by_route.entry(path).or_default().push((is_get, form, entry));
        }
        Catalogue { steps, by_route }
    }

    pub fn steps(&self) -> impl Iterator<Item = &'static RouteStep> + '_ {
        self.steps.iter().copied()
    }

    /// The entry of a request: by its route pattern (a server function by its path), and for a
    /// page with several forms by the form that was sent.
    pub fn lookup(
        &self,
        method: &axum::http::Method,
        route: &str,
        path: &str,
        form: Option<&str>,
    ) -> Option<&'static RouteStep> {
        use axum::http::Method;
        let is_get = match *method {
            Method::GET | Method::HEAD => true,
            Method::POST => false,
            _ => return None,
        };
        let route = if path.starts_with("/api/") { path } else { route };
        let entries = self.by_route.get(route)?;
        let find = |form: &str| entries.iter().find(|(g, f, _)| *g == is_get && *f == form).map(|(_, _, e)| *e);
        match form {
            Some(form) if !is_get => find(form).or_else(|| find("")),
            _ => find(""),
        }
    }

    /// The page step a browser path belongs to (client-side navigation and browser signals name
    /// the path, not the pattern).
    pub fn page_step_for_path(&self, path: &str) -> Option<&'static RouteStep> {
        self.steps().find(|entry| match entry.endpoint {
            Endpoint::Page(pattern) | Endpoint::Get(pattern) => path_matches(pattern, path),
            _ => false,
        })
    }

    /// The step a form on a page stands for: the page's multi-form entry, or its single form post.
    pub fn form_step_for_path(&self, path: &str, form: &str) -> Option<&'static RouteStep> {
        self.steps()
            .find(|entry| matches!(entry.endpoint, Endpoint::Form(p, f) if path_matches(p, path) && f == form))
            .or_else(|| self.steps().find(|entry| matches!(entry.endpoint, Endpoint::Post(p) if path_matches(p, path))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_round_trip() {
        for journey in Journey::ALL {
            assert_eq!(Journey::parse(journey.as_str()), Some(journey));
        }
        for step in StepName::ALL {
            assert_eq!(StepName::parse(step.as_str()), Some(step));
        }
        let distinct: HashSet<_> = Journey::ALL.iter().map(|j| j.as_str()).collect();
        assert_eq!(distinct.len(), Journey::ALL.len());
    }

    #[test]
    fn paths_match_patterns() {
        assert!(path_matches("/orders/{id}", "/orders/abc"));
        assert!(!path_matches("/orders/{id}", "/orders"));
        assert!(!path_matches("/orders/{id}", "/orders/abc/lines"));
        assert!(path_matches("/", "/"));
        assert!(path_matches("/account", "/account/"));
    }
}
