//! Deny by default for pages: a page of the customer or staff area, requested by someone who is
//! not signed in as that kind of user, redirects to the right sign-in page and back afterwards.
//! (Pages also check the viewer themselves, for navigation inside the hydrated app; server
//! functions and form endpoints check the principal on every call.)
use super::sessions::{Principal, PrincipalKind};
use crate::server::render::see_other;
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

/// Which kind of user a page path needs, if any.
pub fn required_kind(path: &str) -> Option<PrincipalKind> {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if path == "/staff/sign-in" {
        None
    } else if under("/staff") || under("/cx") {
        Some(PrincipalKind::Staff)
    } else if ["/account", "/orders", "/invoices", "/corrections", "/complaints"].iter().any(|p| under(p)) {
        Some(PrincipalKind::Member)
    } else {
        None
    }
}

pub async fn require_sign_in_for_pages(request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let Some(kind) = required_kind(request.uri().path()) else { return next.run(request).await };
    let signed_in_as = request.extensions().get::<Principal>().map(Principal::kind);
    if signed_in_as == Some(kind) {
        return next.run(request).await;
    }
    if let Some(note) = request.extensions().get::<crate::touchpoints::layer::StepNote>() {
        note.denied("sign_in_required");
    }
    let back = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let next_param: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    let sign_in = match kind {
        PrincipalKind::Member => "/sign-in",
        PrincipalKind::Staff => "/staff/sign-in",
    };
    see_other(&format!("{sign_in}?next={next_param}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_need_their_kind_of_user() {
        assert_eq!(required_kind("/account/security"), Some(PrincipalKind::Member));
        assert_eq!(required_kind("/orders"), Some(PrincipalKind::Member));
        assert_eq!(required_kind("/staff/users"), Some(PrincipalKind::Staff));
        assert_eq!(required_kind("/cx"), Some(PrincipalKind::Staff));
        assert_eq!(required_kind("/staff/sign-in"), None);
        assert_eq!(required_kind("/sign-in"), None);
        assert_eq!(required_kind("/accounting"), None);
        assert_eq!(required_kind("/"), None);
    }
}

/// The signed-in member who may see the account's money (an owner or billing member).
pub struct BillingMember {
    pub account_id: String,
    pub member_id: String,
    pub email: String,
}

/// The billing member of a request: `Unauthorized` for visitors, `Forbidden` for staff and for
/// members whose role shows no invoices.
pub fn billing_member(parts: &axum::http::request::Parts) -> Result<BillingMember, crate::error::AppError> {
    billing_member_of(parts.extensions.get::<Principal>())
}

/// The same for whoever is signed in (a server function passes `current_principal()`).
pub fn billing_member_of(principal: Option<&Principal>) -> Result<BillingMember, crate::error::AppError> {
    use crate::error::AppError;
    let principal = principal.ok_or(AppError::Unauthorized)?;
    let member = principal.viewer.member().ok_or(AppError::Forbidden)?;
    if !member.role.sees_invoices() {
        return Err(AppError::Forbidden);
    }
    Ok(BillingMember {
        account_id: principal.account_id.clone().ok_or(AppError::Forbidden)?,
        member_id: member.member_id.clone(),
        email: member.email.clone(),
    })
}

/// The staff id of whoever is signed in, when they handle customers' requests.
pub fn handling_staff_of(principal: Option<&Principal>) -> Result<String, crate::error::AppError> {
    use crate::error::AppError;
    let staff = principal.ok_or(AppError::Unauthorized)?.viewer.staff().ok_or(AppError::Forbidden)?;
    if !staff.role.handles_customers() {
        return Err(AppError::Forbidden);
    }
    Ok(staff.staff_id.clone())
}
