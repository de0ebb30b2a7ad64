//! The identity pages: sign-in, links from e-mails, registration, security, members, staff admin.
//! Every form is a plain form (see `ui::form`), so each page works before and without hydration.
use super::api::my_sessions;
use crate::i18n::*;
use crate::kernel::viewer::{MemberRole, Viewer};
use crate::ui::form::{Field, FormAlert, Notice, SelectField};
use crate::ui::format::utc_minute;
use crate::ui::link::use_link_view;
use crate::ui::loaded::{page_data, Loaded};
use crate::ui::pages::NarrowPage;
use crate::ui::text;
use crate::ui::viewer::{member_role_options, use_viewer, SignInRequired};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

// --- Sign-in --------------------------------------------------------------------------------------

#[component]
fn SignInForm(form: &'static str, action: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = query.read_untracked().get("next").unwrap_or_default();
    view! {
        <FormAlert form=form />
        <form class="form" method="post" action=action novalidate>
            <input type="hidden" name="next" value=next />
            <Field form=form name="email" kind="email" autocomplete="username" label=text!(i18n, field_email) />
            <Field form=form name="password" kind="password" autocomplete="current-password" label=text!(i18n, field_password) />
            <button type="submit" class="button">
                {t!(i18n, sign_in_submit)}
            </button>
        </form>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    view! {
        <NarrowPage title=text!(i18n, sign_in_title)>
            <Notice />
            {viewer.member().map(|m| {
                let name = m.full_name.clone();
                view! {
                    <p class="notice">
                        {t!(i18n, sign_in_already)} " " <strong>{name}</strong> ". "
                        <a href="/account">{t!(i18n, nav_account)}</a>
                    </p>
                }
            })}
            <p>{t!(i18n, sign_in_lead)}</p>
            <SignInForm form="sign_in" action="/sign-in" />
            <ul class="link-list">
                <li><a href="/forgot-password">{t!(i18n, forgot_password_link)}</a></li>
                <li><a href="/register">{t!(i18n, register_link)}</a></li>
            </ul>
        </NarrowPage>
    }
}

#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <NarrowPage title=text!(i18n, staff_sign_in_title)>
            <Notice />
            <p>{t!(i18n, staff_sign_in_lead)}</p>
            <SignInForm form="staff_sign_in" action="/staff/sign-in" />
            <ul class="link-list">
                <li><a href="/forgot-password">{t!(i18n, forgot_password_link)}</a></li>
            </ul>
        </NarrowPage>
    }
}

// --- Password reset -------------------------------------------------------------------------------

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <NarrowPage title=text!(i18n, forgot_password_title)>
            <Notice />
            <p>{t!(i18n, forgot_password_lead)}</p>
            <FormAlert form="forgot_password" />
            <form class="form" method="post" action="/forgot-password" novalidate>
                <Field form="forgot_password" name="email" kind="email" autocomplete="email" label=text!(i18n, field_email) />
                <button type="submit" class="button">
                    {t!(i18n, forgot_password_submit)}
                </button>
            </form>
            <p><a href="/sign-in">{t!(i18n, back_to_sign_in)}</a></p>
        </NarrowPage>
    }
}

/// What a page opened from an expired or used link shows: what happened and how to get a new one.
#[component]
fn LinkExpired(#[prop(into)] again_href: String, #[prop(into)] again_label: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <NarrowPage title=text!(i18n, link_expired_title)>
            <p>{t!(i18n, link_expired_text)}</p>
            <a class="button" href=again_href>
                {move || again_label.get()}
            </a>
        </NarrowPage>
    }
}

/// The form of a page opened from a one-time link: the link's token, the address for password
/// managers, optionally the person's name, and the new password.
#[component]
fn LinkPasswordForm(
    form: &'static str,
    action: &'static str,
    #[prop(into)] submit: Signal<String>,
    /// Ask for the name too, pre-filled with this.
    #[prop(optional)]
    name: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let link = use_link_view();
    view! {
        <FormAlert form=form />
        <form class="form" method="post" action=action novalidate>
            <input type="hidden" name="token" value=link.token.clone() />
            <input type="hidden" name="username" autocomplete="username" value=link.email.clone() />
            {name.map(|name| view! { <Field form=form name="full_name" autocomplete="name" label=text!(i18n, field_full_name) value=name /> })}
            <Field
                form=form
                name="password"
                kind="password"
                autocomplete="new-password"
                label=text!(i18n, field_new_password)
                hint=text!(i18n, password_policy_hint)
            />
            <button type="submit" class="button">
                {move || submit.get()}
            </button>
        </form>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let link = use_link_view();
    if !link.valid {
        return view! {
            <LinkExpired again_href="/forgot-password" again_label=text!(i18n, link_request_new) />
        }
        .into_any();
    }
    view! {
        <NarrowPage title=text!(i18n, reset_password_title)>
            <p>{t!(i18n, reset_password_lead)} " " <strong>{link.email.clone()}</strong></p>
            <LinkPasswordForm form="reset_password" action="/reset-password" submit=text!(i18n, reset_password_submit) />
        </NarrowPage>
    }
    .into_any()
}

// --- Invitation and registration ----------------------------------------------------------------

#[component]
pub fn InvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let link = use_link_view();
    if !link.valid {
        return view! {
            <LinkExpired again_href="/forgot-password" again_label=text!(i18n, link_request_new) />
        }
        .into_any();
    }
    let welcome = match (&link.account_name, link.staff) {
        (Some(account), _) => {
            view! { <p>{t!(i18n, invitation_lead_account)} " " <strong>{account.clone()}</strong></p> }.into_any()
        }
        (None, _) => view! { <p>{t!(i18n, invitation_lead_staff)}</p> }.into_any(),
    };
    view! {
        <NarrowPage title=text!(i18n, invitation_title)>
            {welcome}
            <p class="muted">{link.email.clone()}</p>
            <LinkPasswordForm
                form="invitation"
                action="/invitation"
                submit=text!(i18n, invitation_submit)
                name=link.full_name.clone().unwrap_or_default()
            />
        </NarrowPage>
    }
    .into_any()
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <NarrowPage title=text!(i18n, register_title)>
            <Notice />
            <p>{t!(i18n, register_lead)}</p>
            <FormAlert form="register" />
            <form class="form" method="post" action="/register" novalidate>
                <Field form="register" name="customer_number" label=text!(i18n, field_customer_number) hint=text!(i18n, field_customer_number_hint) />
                <Field form="register" name="invoice_number" label=text!(i18n, field_invoice_number) hint=text!(i18n, field_invoice_number_hint) />
                <Field form="register" name="email" kind="email" autocomplete="email" label=text!(i18n, field_email) />
                <button type="submit" class="button">
                    {t!(i18n, register_submit)}
                </button>
            </form>
            <p><a href="/sign-in">{t!(i18n, back_to_sign_in)}</a></p>
        </NarrowPage>
    }
}

#[component]
pub fn RegisterCompletePage() -> impl IntoView {
    let i18n = use_i18n();
    let link = use_link_view();
    if !link.valid {
        return view! {
            <LinkExpired again_href="/register" again_label=text!(i18n, link_register_again) />
        }
        .into_any();
    }
    view! {
        <NarrowPage title=text!(i18n, register_complete_title)>
            <p>{t!(i18n, invitation_lead_account)} " " <strong>{link.account_name.clone().unwrap_or_default()}</strong></p>
            <p class="muted">{link.email.clone()}</p>
            <LinkPasswordForm
                form="register_complete"
                action="/register/complete"
                submit=text!(i18n, register_complete_submit)
                name=String::new()
            />
        </NarrowPage>
    }
    .into_any()
}

#[component]
pub fn EmailChangePage() -> impl IntoView {
    let i18n = use_i18n();
    let link = use_link_view();
    if !link.valid {
        return view! {
            <LinkExpired again_href="/account/security" again_label=text!(i18n, link_change_email_again) />
        }
        .into_any();
    }
    view! {
        <NarrowPage title=text!(i18n, email_change_title)>
            <p>{t!(i18n, email_change_lead)} " " <strong>{link.email.clone()}</strong></p>
            <form class="form" method="post" action="/email-change">
                <input type="hidden" name="token" value=link.token.clone() />
                <button type="submit" class="button">
                    {t!(i18n, email_change_submit)}
                </button>
            </form>
        </NarrowPage>
    }
    .into_any()
}

// --- Signed-in pages --------------------------------------------------------------------------------

/// The security page of whoever is signed in: staff have their own area.
fn security_path() -> &'static str {
    if use_viewer().staff().is_some() {
        "/staff/security"
    } else {
        "/account/security"
    }
}

#[component]
fn SessionsList() -> impl IntoView {
    let i18n = use_i18n();
    let action = security_path();
    let sessions = page_data(|| (), |_| my_sessions());
    view! {
        <section class="panel">
            <h2>{t!(i18n, sessions_title)}</h2>
            <FormAlert form="sessions" />
            <Loaded data=sessions ready=move |list| {
                let others = list.iter().filter(|s| !s.current).count();
                view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, sessions_device)}</th>
                                <th scope="col">{t!(i18n, sessions_address)}</th>
                                <th scope="col">{t!(i18n, sessions_signed_in)}</th>
                                <th scope="col">{t!(i18n, sessions_last_seen)}</th>
                                <th scope="col"><span class="visually-hidden">{t!(i18n, sessions_actions)}</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {list
                                .into_iter()
                                .map(|s| {
                                    view! {
                                        <tr>
                                            <td>{s.device.clone()}</td>
                                            <td>{s.ip.clone()}</td>
                                            <td>{utc_minute(s.created_at)}</td>
                                            <td>{utc_minute(s.last_seen_at)}</td>
                                            <td>
                                                {if s.current {
                                                    view! { <span class="badge">{t!(i18n, sessions_this_one)}</span> }.into_any()
                                                } else {
                                                    view! {
                                                        <form method="post" action=action class="inline-form">
                                                            <input type="hidden" name="form" value="sessions" />
                                                            <input type="hidden" name="session" value=s.id.clone() />
                                                            <button type="submit" class="button button--small button--quiet">
                                                                {t!(i18n, sessions_end_one)}
                                                            </button>
                                                        </form>
                                                    }
                                                        .into_any()
                                                }}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    {(others > 0).then(|| view! {
                        <form method="post" action=action>
                            <input type="hidden" name="form" value="sessions" />
                            <button type="submit" class="button button--quiet">
                                {t!(i18n, sessions_end_others)}
                            </button>
                        </form>
                    })}
                }
                .into_any()
            } />
        </section>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = security_path();
    let feedback = crate::ui::form::use_form_feedback();
    // Ending other sessions is offered and on by default; a rejected form keeps the choice.
    let end_others = feedback.form != "change_password"
        || feedback.value("change_password", "end_other_sessions").is_some_and(|v| !v.is_empty());
    view! {
        <section class="panel">
            <h2>{t!(i18n, change_password_title)}</h2>
            <FormAlert form="change_password" />
            <form class="form" method="post" action=action novalidate>
                <input type="hidden" name="form" value="change_password" />
                <Field form="change_password" name="current_password" kind="password" autocomplete="current-password" label=text!(i18n, field_current_password) />
                <Field
                    form="change_password"
                    name="new_password"
                    kind="password"
                    autocomplete="new-password"
                    label=text!(i18n, field_new_password)
                    hint=text!(i18n, password_policy_hint)
                />
                <div class="checkbox">
                    <input type="checkbox" id="change_password-end_other_sessions" name="end_other_sessions" value="on" checked=end_others />
                    <label for="change_password-end_other_sessions">{t!(i18n, change_password_end_others)}</label>
                </div>
                <button type="submit" class="button">
                    {t!(i18n, change_password_submit)}
                </button>
            </form>
        </section>
    }
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    if !viewer.is_signed_in() {
        return view! { <SignInRequired title=text!(i18n, security_title) /> }.into_any();
    }
    let email = match &viewer {
        Viewer::Member(m) => m.email.clone(),
        Viewer::Staff(s) => s.email.clone(),
        Viewer::Anonymous => String::new(),
    };
    let is_member = viewer.member().is_some();
    view! {
        <Title text=t_string!(i18n, security_title) />
        <section class="panel">
            <h1>{t!(i18n, security_title)}</h1>
            <Notice />
            <p>{t!(i18n, security_email)} " " <strong>{email}</strong></p>
        </section>
        <ChangePasswordForm />
        {is_member.then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, change_email_title)}</h2>
                <p>{t!(i18n, change_email_lead)}</p>
                <FormAlert form="change_email" />
                <form class="form" method="post" action="/account/security" novalidate>
                    <input type="hidden" name="form" value="change_email" />
                    <Field form="change_email" name="new_email" kind="email" autocomplete="email" label=text!(i18n, field_new_email) />
                    <Field form="change_email" name="password" kind="password" autocomplete="current-password" label=text!(i18n, field_current_password) />
                    <button type="submit" class="button">
                        {t!(i18n, change_email_submit)}
                    </button>
                </form>
            </section>
        })}
        <SessionsList />
    }
    .into_any()
}

#[component]
pub fn StaffSecurityPage() -> impl IntoView {
    let i18n = use_i18n();
    if use_viewer().staff().is_none() {
        return view! { <SignInRequired title=text!(i18n, security_title) href="/staff/sign-in" /> }.into_any();
    }
    view! { <SecurityPage /> }.into_any()
}

#[component]
pub fn StaffInviteMemberPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(staff_role) = use_viewer().staff().map(|s| s.role).filter(|role| role.invites_customers()) else {
        return view! { <SignInRequired title=text!(i18n, staff_invite_member_title) href="/staff/sign-in" /> }
            .into_any();
    };
    // Only the access this staff member may give is offered.
    let roles: Vec<_> = member_role_options()
        .into_iter()
        .filter(|(code, _)| MemberRole::parse(code).is_some_and(|role| staff_role.may_grant(role)))
        .collect();
    view! {
        <Title text=t_string!(i18n, staff_invite_member_title) />
        <section class="panel">
            <h1>{t!(i18n, staff_invite_member_title)}</h1>
            <Notice />
            <p>{t!(i18n, staff_invite_member_lead)}</p>
            <FormAlert form="staff_invite_member" />
            <form class="form" method="post" action="/staff/invite-member" novalidate>
                <Field form="staff_invite_member" name="customer_number" label=text!(i18n, field_customer_number) />
                <Field form="staff_invite_member" name="full_name" label=text!(i18n, field_full_name) />
                <Field form="staff_invite_member" name="email" kind="email" label=text!(i18n, field_email) />
                <SelectField form="staff_invite_member" name="role" label=text!(i18n, field_role) options=roles value="member" />
                <button type="submit" class="button">{t!(i18n, members_invite_submit)}</button>
            </form>
        </section>
    }
    .into_any()
}
