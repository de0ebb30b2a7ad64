//! The journal's catalogue: every feature's table of journey steps, merged.
use crate::touchpoints::catalogue::{Catalogue, Journey, RouteStep, StepName};

/// Pages that belong to no feature's task yet (the start page and the areas later features fill).
const SHELL_STEPS: &[RouteStep] = &[
    RouteStep::page("/", Journey::Browse),
    RouteStep::server_fn("/api/set_language", Journey::Browse, StepName::ChangeLanguage),
    RouteStep::page("/complaints", Journey::Complaints),
];

/// Every feature's table.
pub fn tables() -> [&'static [RouteStep]; 8] {
    [
        SHELL_STEPS,
        crate::auth::journeys::STEPS,
        crate::cx::journeys::STEPS,
        crate::accounts::journeys::STEPS,
        crate::orders::journeys::STEPS,
        crate::invoices::journeys::STEPS,
        crate::corrections::journeys::STEPS,
        crate::staff::journeys::STEPS,
    ]
}

pub fn catalogue() -> Catalogue {
    Catalogue::new(&tables())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Method;
    use std::collections::HashSet;

    #[test]
    fn every_endpoint_has_one_step() {
        let mut seen = HashSet::new();
        for entry in catalogue().steps() {
            assert!(seen.insert(entry.endpoint), "{:?} is declared twice", entry.endpoint);
        }
    }

    #[test]
    fn paths_find_their_steps() {
        let catalogue = catalogue();
        assert_eq!(catalogue.page_step_for_path("/account/security").map(|s| s.journey), Some(Journey::Sessions));
        assert_eq!(
            catalogue.form_step_for_path("/account/security", "change_password").map(|s| (s.journey, s.step)),
            Some((Journey::PasswordChange, StepName::Submit))
        );
        assert_eq!(catalogue.form_step_for_path("/sign-in", "sign_in").map(|s| s.journey), Some(Journey::SignIn));
        assert!(catalogue.page_step_for_path("/nowhere").is_none());
    }

    #[test]
    fn requests_find_their_steps() {
        let catalogue = catalogue();
        let step = |method: Method, route: &str, form: Option<&str>| {
            catalogue.lookup(&method, route, route, form).map(|e| (e.journey.as_str(), e.step.as_str()))
        };
        assert_eq!(step(Method::GET, "/sign-in", None), Some(("sign_in", "view")));
        assert_eq!(step(Method::POST, "/sign-in", None), Some(("sign_in", "submit")));
        assert_eq!(
            step(Method::POST, "/account/security", Some("change_password")),
            Some(("password_change", "submit"))
        );
        assert_eq!(step(Method::POST, "/account/security", Some("nonsense")), None);
        assert_eq!(step(Method::POST, "/api/my_sessions", None), Some(("sessions", "list")));
        assert_eq!(step(Method::GET, "/reset-password", None), Some(("password_reset", "link_opened")));
        assert_eq!(step(Method::DELETE, "/sign-in", None), None);
    }
}
