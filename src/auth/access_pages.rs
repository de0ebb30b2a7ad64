//! Requests for access (see `access`): the owners' panel on the members page and the staff page
//! for accounts without an owner. Each request is decided with a plain form.
use super::api::{access_requests, staff_access_requests, AccessRequestView};
use crate::i18n::*;
use crate::kernel::viewer::Viewer;
use crate::ui::form::{FormAlert, Notice};
use crate::ui::format::utc_minute;
use crate::ui::loaded::{page_data, Loaded};
use crate::ui::pages::NarrowPage;
use crate::ui::text;
use crate::ui::viewer::{use_viewer, SignInRequired};
use leptos::prelude::*;

/// The owners' panel: who asked for access to their account, to approve or decline. Shows
/// nothing when nobody is waiting.
#[component]
pub fn AccessRequestsPanel() -> impl IntoView {
    let requests = page_data(|| (), |_| access_requests());
    let ready = |list: Vec<AccessRequestView>| {
        (!list.is_empty()).then(|| {
            view! { <AccessRequestsTable list action="/account/members" form=Some("access_decision") show_account=false /> }
        })
    };
    view! { <Loaded data=requests ready /> }
}

#[component]
fn AccessRequestsTable(
    list: Vec<AccessRequestView>,
    action: &'static str,
    /// The `form` field the page's multi-form endpoint needs, if any.
    form: Option<&'static str>,
    show_account: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" id="access-requests">
            <h2>{t!(i18n, access_requests_title)}</h2>
            <p>{t!(i18n, access_requests_lead)}</p>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, field_full_name)}</th>
                        <th scope="col">{t!(i18n, field_email)}</th>
                        {show_account.then(|| view! { <th scope="col">{t!(i18n, access_requests_account)}</th> })}
                        <th scope="col">{t!(i18n, access_requests_asked)}</th>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, sessions_actions)}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|request| view! {
                        <tr>
                            <td>{request.full_name.clone()}</td>
                            <td>{request.email.clone()}</td>
                            {show_account.then(|| view! { <td>{request.account_name.clone()}</td> })}
                            <td>{utc_minute(request.created_at)}</td>
                            <td>
                                <form method="post" action=action class="inline-form">
                                    {form.map(|form| view! { <input type="hidden" name="form" value=form /> })}
                                    <input type="hidden" name="request" value=request.request_id.clone() />
                                    <button type="submit" name="decision" value="approve" class="button button--small">
                                        {t!(i18n, access_requests_approve)} <span class="visually-hidden">" " {request.full_name.clone()}</span>
                                    </button>
                                    " "
                                    <button type="submit" name="decision" value="decline" class="button button--small button--danger">
                                        {t!(i18n, access_requests_decline)} <span class="visually-hidden">" " {request.full_name.clone()}</span>
                                    </button>
                                </form>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// Staff decide requests for accounts that have no owner to ask.
#[component]
pub fn StaffAccessRequestsPage() -> impl IntoView {
    let i18n = use_i18n();
    let allowed = matches!(use_viewer(), Viewer::Staff(staff) if staff.role.handles_customers());
    if !allowed {
        return view! { <SignInRequired title=text!(i18n, access_requests_title) href="/staff/sign-in" /> }.into_any();
    }
    let requests = page_data(|| (), |_| staff_access_requests());
    let ready = move |list: Vec<AccessRequestView>| {
        if list.is_empty() {
            view! { <p class="panel">{t!(i18n, access_requests_none)}</p> }.into_any()
        } else {
            view! { <AccessRequestsTable list action="/staff/access-requests" form=None show_account=true /> }
                .into_any()
        }
    };
    view! {
        <NarrowPage title=text!(i18n, access_requests_title)>
            <Notice />
            <FormAlert form="access_requests" />
            <p>{t!(i18n, access_requests_staff_lead)}</p>
        </NarrowPage>
        <Loaded data=requests ready />
    }
    .into_any()
}
