//! Forms that work with and without JavaScript.
//!
//! Every form is a plain HTML form that posts to the server. When the server rejects it, it
//! renders the same page again with a [`FormFeedback`]: the reason beside each field, an alert at
//! the top, and everything the person typed except passwords. The feedback travels to the browser
//! with the page, so hydration renders exactly what the server did.
use crate::i18n::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the server said about the form that was just posted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFeedback {
    /// Which form on the page the feedback is for.
    pub form: String,
    /// Field name and reason code.
    pub errors: Vec<(String, String)>,
    /// Field name and the value to show again (never a password).
    pub values: Vec<(String, String)>,
    /// A form-level problem code (see [`alert_text`]).
    pub alert: Option<String>,
}

impl FormFeedback {
    pub fn for_form(form: &str) -> Self {
        FormFeedback { form: form.to_string(), ..Default::default() }
    }

    pub fn error(&self, form: &str, field: &str) -> Option<String> {
        (self.form == form).then(|| self.errors.iter().find(|(f, _)| f == field).map(|(_, r)| r.clone())).flatten()
    }

    pub fn value(&self, form: &str, field: &str) -> Option<String> {
        (self.form == form).then(|| self.values.iter().find(|(f, _)| f == field).map(|(_, v)| v.clone())).flatten()
    }

    pub fn alert(&self, form: &str) -> Option<String> {
        (self.form == form).then(|| self.alert.clone()).flatten()
    }
}

/// The feedback the server renders a posted form with (set by the form handler on the server).
#[derive(Debug, Clone)]
pub struct PostedForm(pub FormFeedback);

/// Makes the posted form's feedback available to the page, identical on server and browser.
pub fn provide_form_feedback() {
    let feedback =
        crate::ui::loaded::shared_value(|| use_context::<PostedForm>().map(|posted| posted.0).unwrap_or_default());
    provide_context(feedback);
}

pub fn use_form_feedback() -> FormFeedback {
    use_context::<FormFeedback>().unwrap_or_default()
}

/// The translated text for a field problem code.
pub fn field_error_text(locale: Locale, code: &str) -> &'static str {
    match code {
        "required" => td_string!(locale, field_error_required),
        "too_long" => td_string!(locale, field_error_too_long),
        "email_invalid" => td_string!(locale, field_error_email_invalid),
        "password_too_short" => td_string!(locale, field_error_password_too_short),
        "password_too_long" => td_string!(locale, field_error_password_too_long),
        "password_common" => td_string!(locale, field_error_password_common),
        "password_contains_email" => td_string!(locale, field_error_password_contains_email),
        "password_wrong" => td_string!(locale, field_error_password_wrong),
        "role_invalid" => td_string!(locale, field_error_role_invalid),
        "email_taken" => td_string!(locale, field_error_email_taken),
        "email_same" => td_string!(locale, field_error_email_same),
        "customer_unknown" => td_string!(locale, field_error_customer_unknown),
        "date_invalid" => td_string!(locale, field_error_date_invalid),
        "date_before_start" => td_string!(locale, field_error_date_before_start),
        "quantity_invalid" => td_string!(locale, field_error_quantity_invalid),
        "phone_invalid" => td_string!(locale, field_error_phone_invalid),
        "period_too_long" => td_string!(locale, field_error_period_too_long),
        "postal_code_invalid" => td_string!(locale, field_error_postal_code_invalid),
        "quantity_negative" => td_string!(locale, field_error_quantity_negative),
        "quantity_too_large" => td_string!(locale, field_error_quantity_too_large),
        "amount_invalid" => td_string!(locale, field_error_amount_invalid),
        "amount_too_large" => td_string!(locale, field_error_amount_too_large),
        "vat_rate_invalid" => td_string!(locale, field_error_vat_rate_invalid),
        "file_name_invalid" => td_string!(locale, field_error_file_name_invalid),
        "file_too_large" => td_string!(locale, field_error_file_too_large),
        "file_empty" => td_string!(locale, field_error_file_empty),
        "file_type_not_allowed" => td_string!(locale, field_error_file_type_not_allowed),
        "too_many_files" => td_string!(locale, field_error_too_many_files),
        "upload_quota_reached" => td_string!(locale, field_error_upload_quota_reached),
        "partly_same_as_asked" => td_string!(locale, field_error_partly_same_as_asked),
        _ => td_string!(locale, field_error_invalid),
    }
}

/// The translated text for a form-level alert code.
pub fn alert_text(locale: Locale, code: &str) -> &'static str {
    match code {
        "sign_in_failed" => td_string!(locale, alert_sign_in_failed),
        "rate_limited" => td_string!(locale, err_rate_limited),
        "needs_reset" => td_string!(locale, alert_needs_reset),
        "last_owner" => td_string!(locale, alert_last_owner),
        "not_allowed" => td_string!(locale, err_forbidden),
        "not_found" => td_string!(locale, err_not_found),
        "unavailable" => td_string!(locale, err_unavailable),
        "fix_fields" => td_string!(locale, alert_fix_fields),
        "nothing_to_order" => td_string!(locale, alert_nothing_to_order),
        "nothing_available" => td_string!(locale, alert_nothing_available),
        "stale_form" => td_string!(locale, alert_stale_form),
        "nothing_to_correct" => td_string!(locale, alert_nothing_to_correct),
        "not_correctable" => td_string!(locale, alert_not_correctable),
        "already_decided" => td_string!(locale, alert_already_decided),
        "archive_quota_reached" => td_string!(locale, alert_archive_quota_reached),
        "access_request_taken" => td_string!(locale, alert_access_request_taken),
        _ => td_string!(locale, err_internal),
    }
}

/// The translated text of a success notice shown after a redirect (`?notice=`).
pub fn notice_text(locale: Locale, code: &str) -> Option<&'static str> {
    Some(match code {
        "signed_out" => td_string!(locale, notice_signed_out),
        "password_set" => td_string!(locale, notice_password_set),
        "password_changed" => td_string!(locale, notice_password_changed),
        "reset_sent" => td_string!(locale, notice_reset_sent),
        "registration_sent" => td_string!(locale, notice_registration_sent),
        "email_change_sent" => td_string!(locale, notice_email_change_sent),
        "email_changed" => td_string!(locale, notice_email_changed),
        "sessions_ended" => td_string!(locale, notice_sessions_ended),
        "member_invited" => td_string!(locale, notice_member_invited),
        "member_updated" => td_string!(locale, notice_member_updated),
        "member_removed" => td_string!(locale, notice_member_removed),
        "staff_created" => td_string!(locale, notice_staff_created),
        "staff_updated" => td_string!(locale, notice_staff_updated),
        "session_expired" => td_string!(locale, notice_session_expired),
        "reorder_requested" => td_string!(locale, notice_reorder_requested),
        "profile_saved" => td_string!(locale, notice_profile_saved),
        "address_saved" => td_string!(locale, notice_address_saved),
        "address_removed" => td_string!(locale, notice_address_removed),
        "address_default_set" => td_string!(locale, notice_address_default_set),
        "correction_submitted" => td_string!(locale, notice_correction_submitted),
        "correction_decided" => td_string!(locale, notice_correction_decided),
        "review_started" => td_string!(locale, notice_review_started),
        "access_requested" => td_string!(locale, notice_access_requested),
        "access_approved" => td_string!(locale, notice_access_approved),
        "access_declined" => td_string!(locale, notice_access_declined),
        _ => return None,
    })
}

/// A success notice from the `notice` query parameter, announced politely to screen readers.
#[component]
pub fn Notice() -> impl IntoView {
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    move || {
        let code = query.read().get("notice")?;
        let text = notice_text(i18n.get_locale(), &code)?;
        Some(view! {
            <p class="notice notice--success" role="status">
                {text}
            </p>
        })
    }
}

/// A form-level alert for `form`, when the server sent one.
#[component]
pub fn FormAlert(
    form: &'static str,
    /// An alert found without a form post (a GET form's query, a value computed on the server).
    #[prop(default = None)]
    code: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_form_feedback();
    let has_field_errors = feedback.form == form && !feedback.errors.is_empty();
    let code = code.or_else(|| feedback.alert(form)).or_else(|| has_field_errors.then(|| "fix_fields".to_string()));
    code.map(|code| {
        view! {
            <div class="alert" role="alert" tabindex="-1">
                {move || alert_text(i18n.get_locale(), &code)}
            </div>
        }
    })
}

/// A labelled input with its error beside it. Passwords are never refilled.
#[component]
pub fn Field(
    form: &'static str,
    #[prop(into)] name: String,
    #[prop(into)] label: Signal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
    /// A problem found without a form post (a GET form's query, a value computed on the server).
    #[prop(default = None)]
    problem: Option<String>,
    /// Attributes for number inputs: (min, max).
    #[prop(optional)]
    range: Option<(i64, i64)>,
    /// An id to tell several fields of one name apart (a row of a table).
    #[prop(optional, into)]
    id: Option<String>,
    /// A label read by screen readers only (the table's header says it for sighted readers).
    #[prop(optional)]
    label_hidden: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_form_feedback();
    let id = id.unwrap_or_else(|| format!("{form}-{name}"));
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = problem.or_else(|| feedback.error(form, &name));
    let shown = if kind == "password" { None } else { feedback.value(form, &name).or(value) };
    let described_by = [hint.is_some().then(|| hint_id.clone()), error.is_some().then(|| error_id.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let invalid = error.is_some().then_some("true");
    view! {
        <div class="field" class:field--invalid=error.is_some()>
            <label class="field__label" class:visually-hidden=label_hidden for=id.clone()>
                {move || label.get()}
            </label>
            {hint.map(|hint| view! { <p class="field__hint" id=hint_id.clone()>{move || hint.get()}</p> })}
            {error.clone().map(|code| {
                view! {
                    <p class="field__error" id=error_id.clone()>
                        <span class="visually-hidden">{move || t_string!(i18n, field_error_prefix)}</span>
                        {move || field_error_text(i18n.get_locale(), &code)}
                    </p>
                }
            })}
            <input
                class="field__input"
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                value=shown
                aria-invalid=invalid
                aria-describedby=(!described_by.is_empty()).then_some(described_by)
                spellcheck=(kind == "email" || kind == "password").then_some("false")
                min=range.map(|(min, _)| min)
                max=range.map(|(_, max)| max)
                inputmode=range.map(|_| "numeric")
            />
        </div>
    }
}

/// A select with its error beside it.
#[component]
pub fn SelectField(
    form: &'static str,
    name: &'static str,
    #[prop(into)] label: Signal<String>,
    /// Value and translated label of each option.
    options: Vec<(&'static str, Signal<String>)>,
    #[prop(optional, into)] value: Option<String>,
    /// A problem found without a form post (a GET form's query).
    #[prop(default = None)]
    problem: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_form_feedback();
    let id = format!("{form}-{name}");
    let error_id = format!("{id}-error");
    let error = problem.or_else(|| feedback.error(form, name));
    let chosen = feedback.value(form, name).or(value).unwrap_or_default();
    view! {
        <div class="field" class:field--invalid=error.is_some()>
            <label class="field__label" for=id.clone()>
                {move || label.get()}
            </label>
            {error.clone().map(|code| {
                view! {
                    <p class="field__error" id=error_id.clone()>
                        {move || field_error_text(i18n.get_locale(), &code)}
                    </p>
                }
            })}
            <select
                class="field__input"
                id=id
                name=name
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=error.is_some().then_some(error_id)
            >
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        view! {
                            <option value=value selected=chosen == value>
                                {move || text.get()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
