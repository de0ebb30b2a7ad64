//! Access control, deny by default, in one place: who may see what.
//!
//! - Pages of the customer or staff area, requested by someone not signed in as that kind of user,
//!   redirect to the right sign-in page and back afterwards ([`require_sign_in_for_pages`]).
//! - Every server function and form endpoint asks for the scope it needs here: the member and
//!   their customer account ([`member_of`]), a member who may see the account's money
//!   ([`billing_member_of`]), or staff who handle customers ([`handling_staff_of`]). Queries then
//!   take the account id from that scope, never from the request.
use super::respond::{see_other, sign_in_url};
use super::sessions::{current_principal, Principal, PrincipalKind};
use crate::error::AppError;
use crate::kernel::viewer::MemberRole;
use crate::touchpoints::layer::StepNote;
use axum::extract::Request;
use axum::http::request::Parts;
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
    if let Some(note) = request.extensions().get::<StepNote>() {
        note.denied("sign_in_required");
    }
    let back = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    see_other(&sign_in_url(kind, back, None))
}

/// A form posted or a file asked for without the sign-in it needs (it lapsed, or never was):
/// recorded as denied, answered with the sign-in page, which says the session expired and comes
/// back to `back` afterwards.
pub fn sign_in_again(parts: &Parts, kind: PrincipalKind, back: &str) -> Response {
    if let Some(note) = StepNote::of(parts) {
        note.denied("sign_in_required");
    }
    see_other(&sign_in_url(kind, back, Some("session_expired")))
}

/// The signed-in person of a kind, or the sign-in page for a form posted after the session lapsed.
// The error is the handler's answer itself; boxing it would only add an allocation per request.
#[allow(clippy::result_large_err)]
pub fn signed_in_as(parts: &Parts, kind: PrincipalKind) -> Result<Principal, Response> {
    match principal(parts) {
        Some(principal) if principal.kind() == kind => Ok(principal.clone()),
        _ => Err(sign_in_again(parts, kind, parts.uri.path())),
    }
}

/// The principal of a form post or download.
pub fn principal(parts: &Parts) -> Option<&Principal> {
    parts.extensions.get::<Principal>()
}

/// A signed-in member acting for their customer account: the scope of every query on their behalf.
#[derive(Debug, Clone)]
pub struct MemberScope {
    pub account_id: String,
    pub member_id: String,
    pub email: String,
    pub role: MemberRole,
}

impl MemberScope {
    /// Owners and billing members see the account's money (invoices, balances, statements).
    pub fn sees_invoices(&self) -> bool {
        self.role.sees_invoices()
    }
}

/// The member of a request: `Unauthorized` for visitors, `Forbidden` for staff.
pub fn member_of(principal: Option<&Principal>) -> Result<MemberScope, AppError> {
    let principal = principal.ok_or(AppError::Unauthorized)?;
    let member = principal.viewer.member().ok_or(AppError::Forbidden)?;
    Ok(MemberScope {
        account_id: principal.account_id.clone().ok_or(AppError::Forbidden)?,
        member_id: member.member_id.clone(),
        email: member.email.clone(),
        role: member.role,
    })
}

/// The member who may see the account's money: `Forbidden` for members whose role shows no
/// invoices.
pub fn billing_member_of(principal: Option<&Principal>) -> Result<MemberScope, AppError> {
    let member = member_of(principal)?;
    if !member.sees_invoices() {
        return Err(AppError::Forbidden);
    }
    Ok(member)
}

/// The member behind the server function being served.
pub fn current_member() -> Result<MemberScope, AppError> {
    member_of(current_principal().as_ref())
}

/// The billing member behind the server function being served.
pub fn current_billing_member() -> Result<MemberScope, AppError> {
    billing_member_of(current_principal().as_ref())
}

/// The billing member of a form post or download.
pub fn billing_member(parts: &Parts) -> Result<MemberScope, AppError> {
    billing_member_of(principal(parts))
}

/// Staff who may read the CX views (the CX team, supervisors, admins), behind the server function
/// being served.
pub fn current_cx_reader() -> Result<(), AppError> {
    let principal = current_principal().ok_or(AppError::Unauthorized)?;
    match principal.viewer.staff() {
        Some(staff) if staff.role.reads_cx() => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// The staff id of an admin (who manages staff users).
pub fn admin_of(principal: Option<&Principal>) -> Result<String, AppError> {
    let staff = principal.ok_or(AppError::Unauthorized)?.viewer.staff().ok_or(AppError::Forbidden)?;
    if staff.role != crate::kernel::viewer::StaffRole::Admin {
        return Err(AppError::Forbidden);
    }
    Ok(staff.staff_id.clone())
}

/// The admin behind the server function being served.
pub fn current_admin() -> Result<String, AppError> {
    admin_of(current_principal().as_ref())
}

/// The staff id of whoever is signed in, when they handle customers' requests.
pub fn handling_staff_of(principal: Option<&Principal>) -> Result<String, AppError> {
    let staff = principal.ok_or(AppError::Unauthorized)?.viewer.staff().ok_or(AppError::Forbidden)?;
    if !staff.role.handles_customers() {
        return Err(AppError::Forbidden);
    }
    Ok(staff.staff_id.clone())
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
