//! The state of a one-time link (invitation, registration, reset, e-mail change) as the page
//! that the link opens sees it.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    pub valid: bool,
    pub token: String,
    pub email: String,
    pub full_name: Option<String>,
    pub account_name: Option<String>,
    pub staff: bool,
}

/// Set by the server handler that checked the link.
#[derive(Debug, Clone)]
pub struct ServerLinkView(pub LinkView);

/// Makes the link's state available to the page, identical on server and browser.
pub fn provide_link_view() {
    let link = crate::ui::loaded::shared_value(|| use_context::<ServerLinkView>().map(|l| l.0).unwrap_or_default());
    provide_context(link);
}

pub fn use_link_view() -> LinkView {
    use_context::<LinkView>().unwrap_or_default()
}
