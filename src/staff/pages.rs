//! The staff console's home and the staff administration page (admins only).
use super::api::staff_users;
use crate::i18n::*;
use crate::kernel::viewer::{StaffRole, Viewer};
use crate::ui::form::{Field, FormAlert, Notice, SelectField};
use crate::ui::loaded::{page_data, Loaded};
use crate::ui::text;
use crate::ui::viewer::{staff_role_label, use_viewer, SignInRequired, SignOutButton};
use leptos::prelude::*;
use leptos_meta::Title;

fn staff_role_options() -> Vec<(&'static str, Signal<String>)> {
    let i18n = use_i18n();
    StaffRole::ALL
        .into_iter()
        .map(|role| (role.as_str(), Signal::derive(move || staff_role_label(i18n.get_locale(), role).to_string())))
        .collect()
}

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let Viewer::Staff(me) = use_viewer() else {
        return view! { <SignInRequired title=text!(i18n, gated_title_staff) href="/staff/sign-in" /> }.into_any();
    };
    let role = me.role;
    view! {
        <Title text=t_string!(i18n, gated_title_staff) />
        <section class="panel">
            <Notice />
            <h1>{t!(i18n, gated_title_staff)}</h1>
            <p>
                {t!(i18n, account_signed_in_as)} " " <strong>{me.full_name.clone()}</strong> " · "
                {move || staff_role_label(i18n.get_locale(), role)}
            </p>
            <ul class="link-list">
                {role.handles_customers().then(|| view! { <li><a href="/staff/corrections">{t!(i18n, staff_corrections_title)}</a></li> })}
                {role.invites_customers().then(|| view! { <li><a href="/staff/invite-member">{t!(i18n, staff_invite_member_title)}</a></li> })}
                {role.handles_customers().then(|| view! { <li><a href="/staff/access-requests">{t!(i18n, access_requests_title)}</a></li> })}
                {(role == StaffRole::Admin).then(|| view! { <li><a href="/staff/users">{t!(i18n, staff_users_title)}</a></li> })}
                <li><a href="/staff/security">{t!(i18n, security_title)}</a></li>
            </ul>
            <SignOutButton />
        </section>
    }
    .into_any()
}

#[component]
pub fn StaffUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_viewer().staff().is_some_and(|s| s.role == StaffRole::Admin);
    if !admin {
        return view! { <SignInRequired title=text!(i18n, staff_users_title) href="/staff/sign-in" /> }.into_any();
    }
    let users = page_data(|| (), |_| staff_users());
    view! {
        <Title text=t_string!(i18n, staff_users_title) />
        <section class="panel">
            <h1>{t!(i18n, staff_users_title)}</h1>
            <Notice />
            <FormAlert form="staff_users" />
            <Loaded data=users ready=move |list| view! {
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, field_full_name)}</th>
                            <th scope="col">{t!(i18n, field_email)}</th>
                            <th scope="col">{t!(i18n, field_role)}</th>
                            <th scope="col">{t!(i18n, staff_users_status)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {list.into_iter().map(|u| {
                            let role = u.role;
                            let status = if u.disabled { "disabled" } else if u.pending { "pending" } else { "active" };
                            view! {
                                <tr>
                                    <td>{u.full_name.clone()}</td>
                                    <td>{u.email.clone()}</td>
                                    <td>{move || staff_role_label(i18n.get_locale(), role)}</td>
                                    <td>
                                        <span class="badge">{move || match status {
                                            "disabled" => t_string!(i18n, staff_users_disabled),
                                            "pending" => t_string!(i18n, members_pending),
                                            _ => t_string!(i18n, staff_users_active),
                                        }}</span>
                                        {(!u.is_me).then(|| view! {
                                            <form method="post" action="/staff/users" class="inline-form">
                                                <input type="hidden" name="form" value="staff_status" />
                                                <input type="hidden" name="staff" value=u.staff_id.clone() />
                                                <input type="hidden" name="disabled" value=if u.disabled { "0" } else { "1" } />
                                                <button type="submit" class="button button--small button--quiet">
                                                    {if u.disabled { t!(i18n, staff_users_enable).into_any() } else { t!(i18n, staff_users_disable).into_any() }}
                                                </button>
                                            </form>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            } />
        </section>
        <section class="panel">
            <h2>{t!(i18n, staff_users_create_title)}</h2>
            <FormAlert form="create_staff" />
            <form class="form" method="post" action="/staff/users" novalidate>
                <input type="hidden" name="form" value="create_staff" />
                <Field form="create_staff" name="full_name" label=text!(i18n, field_full_name) />
                <Field form="create_staff" name="email" kind="email" label=text!(i18n, field_email) />
                <SelectField form="create_staff" name="role" label=text!(i18n, field_role) options=staff_role_options() value="agent" />
                <button type="submit" class="button">{t!(i18n, staff_users_create_submit)}</button>
            </form>
        </section>
    }
    .into_any()
}
