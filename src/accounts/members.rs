//! The people with access to an account, for its owners: members and their roles, invitations,
//! requests for access. The page's forms post to `members_forms`.
use crate::error::AppError;
use crate::i18n::*;
use crate::kernel::viewer::{MemberRole, Viewer};
use crate::ui::form::{Field, FormAlert, Notice, SelectField};
use crate::ui::loaded::{page_data, Loaded};
use crate::ui::pages::NarrowPage;
use crate::ui::text;
use crate::ui::viewer::{member_role_label, member_role_options, use_viewer, SignInRequired};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub member_id: String,
    pub full_name: String,
    pub email: String,
    pub role: MemberRole,
    /// Invited, not yet accepted.
    pub pending: bool,
    pub is_me: bool,
}

#[cfg(feature = "ssr")]
mod server {
    use super::MemberView;
    use crate::error::AppError;
    use crate::web::access::current_member;
    use crate::web::app_state;

    pub async fn account_members() -> Result<Vec<MemberView>, AppError> {
        let me = current_member()?;
        if !me.role.manages_members() {
            return Err(AppError::Forbidden);
        }
        let rows = crate::accounts::store::members(&app_state()?.db, &me.account_id).await?;
        Ok(rows
            .into_iter()
            .map(|(member_id, full_name, email, role, verified)| MemberView {
                is_me: member_id == me.member_id,
                member_id,
                full_name,
                email,
                role,
                pending: verified.is_none(),
            })
            .collect())
    }
}

/// The members of the caller's account (owners only).
#[server(prefix = "/api", endpoint = "account_members")]
pub async fn account_members() -> Result<Vec<MemberView>, AppError> {
    server::account_members().await
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let i18n = use_i18n();
    let Viewer::Member(me) = use_viewer() else {
        return view! { <SignInRequired title=text!(i18n, members_title) /> }.into_any();
    };
    if !me.role.manages_members() {
        return view! {
            <NarrowPage title=text!(i18n, members_title)>
                <p>{t!(i18n, members_owner_only)}</p>
            </NarrowPage>
        }
        .into_any();
    }
    let members = page_data(|| (), |_| account_members());
    view! {
        <Title text=t_string!(i18n, members_title) />
        <section class="panel">
            <h1>{t!(i18n, members_title)}</h1>
            <Notice />
            <FormAlert form="members" />
            <Loaded data=members ready=move |list| view! {
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, field_full_name)}</th>
                            <th scope="col">{t!(i18n, field_email)}</th>
                            <th scope="col">{t!(i18n, field_role)}</th>
                            <th scope="col"><span class="visually-hidden">{t!(i18n, sessions_actions)}</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {list.into_iter().map(|m| {
                            let role_id = format!("role-{}", m.member_id);
                            let current_role = m.role;
                            view! {
                                <tr>
                                    <td>
                                        {m.full_name.clone()}
                                        {m.pending.then(|| view! { " " <span class="badge">{t!(i18n, members_pending)}</span> })}
                                    </td>
                                    <td>{m.email.clone()}</td>
                                    <td>
                                        <form method="post" action="/account/members" class="inline-form">
                                            <input type="hidden" name="form" value="member_role" />
                                            <input type="hidden" name="member" value=m.member_id.clone() />
                                            <label class="visually-hidden" for=role_id.clone()>{t!(i18n, field_role)} " " {m.full_name.clone()}</label>
                                            <select id=role_id name="role">
                                                {MemberRole::ALL.into_iter().map(|role| view! {
                                                    <option value=role.as_str() selected=role == current_role>
                                                        {move || member_role_label(i18n.get_locale(), role)}
                                                    </option>
                                                }).collect_view()}
                                            </select>
                                            <button type="submit" class="button button--small button--quiet">{t!(i18n, members_save_role)}</button>
                                        </form>
                                    </td>
                                    <td>
                                        {(!m.is_me).then(|| view! {
                                            <form method="post" action="/account/members" class="inline-form">
                                                <input type="hidden" name="form" value="member_remove" />
                                                <input type="hidden" name="member" value=m.member_id.clone() />
                                                <button type="submit" class="button button--small button--danger">{t!(i18n, members_remove)}</button>
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
        <crate::auth::access_pages::AccessRequestsPanel />
        <section class="panel">
            <h2>{t!(i18n, members_invite_title)}</h2>
            <p>{t!(i18n, members_invite_lead)}</p>
            <FormAlert form="invite_member" />
            <form class="form" method="post" action="/account/members" novalidate>
                <input type="hidden" name="form" value="invite_member" />
                <Field form="invite_member" name="full_name" label=text!(i18n, field_full_name) />
                <Field form="invite_member" name="email" kind="email" label=text!(i18n, field_email) />
                <SelectField form="invite_member" name="role" label=text!(i18n, field_role) options=member_role_options() value="member" />
                <button type="submit" class="button">{t!(i18n, members_invite_submit)}</button>
            </form>
        </section>
    }
    .into_any()
}
