//! One person's journey as a timeline: steps, outcomes, signals and durations, newest first.
//! Customers see their own ("My activity"); staff and the CX team reuse it.
use super::api::TimelineEntry;
use crate::i18n::*;
use crate::touchpoints::catalogue::{Journey, StepName};
use crate::touchpoints::model::{Channel, Outcome, RowKind, Signals, SIGNALS};
use crate::ui::format::utc_minute;
use leptos::prelude::*;

pub fn journey_label(locale: Locale, journey: Journey) -> &'static str {
    match journey {
        Journey::Browse => td_string!(locale, journey_browse),
        Journey::SignIn => td_string!(locale, journey_sign_in),
        Journey::SignOut => td_string!(locale, journey_sign_out),
        Journey::PasswordReset => td_string!(locale, journey_password_reset),
        Journey::Registration => td_string!(locale, journey_registration),
        Journey::Invitation => td_string!(locale, journey_invitation),
        Journey::EmailChange => td_string!(locale, journey_email_change),
        Journey::PasswordChange => td_string!(locale, journey_password_change),
        Journey::Sessions => td_string!(locale, journey_sessions),
        Journey::Members => td_string!(locale, journey_members),
        Journey::Account => td_string!(locale, journey_account),
        Journey::Profile => td_string!(locale, journey_profile),
        Journey::Addresses => td_string!(locale, journey_addresses),
        Journey::Statement => td_string!(locale, journey_statement),
        Journey::Activity => td_string!(locale, journey_activity),
        Journey::Orders => td_string!(locale, journey_orders),
        Journey::Reorder => td_string!(locale, journey_reorder),
        Journey::Invoices => td_string!(locale, journey_invoices),
        Journey::InvoiceDownload => td_string!(locale, journey_invoice_download),
        Journey::CorrectionRequest => td_string!(locale, journey_correction_request),
        Journey::Complaints => td_string!(locale, journey_complaints),
        Journey::StaffSignIn => td_string!(locale, journey_staff_sign_in),
        Journey::StaffWork => td_string!(locale, journey_staff_work),
        Journey::StaffAdmin => td_string!(locale, journey_staff_admin),
        Journey::Cx => td_string!(locale, journey_cx),
    }
}

pub fn step_label(locale: Locale, step: StepName) -> &'static str {
    match step {
        StepName::View => td_string!(locale, step_view),
        StepName::Submit => td_string!(locale, step_submit),
        StepName::List => td_string!(locale, step_list),
        StepName::Request => td_string!(locale, step_request),
        StepName::LinkOpened => td_string!(locale, step_link_opened),
        StepName::EmailSent => td_string!(locale, step_email_sent),
        StepName::SetPassword => td_string!(locale, step_set_password),
        StepName::Complete => td_string!(locale, step_complete),
        StepName::Accept => td_string!(locale, step_accept),
        StepName::Confirm => td_string!(locale, step_confirm),
        StepName::EndSessions => td_string!(locale, step_end_sessions),
        StepName::Invite => td_string!(locale, step_invite),
        StepName::ChangeRole => td_string!(locale, step_change_role),
        StepName::Remove => td_string!(locale, step_remove),
        StepName::CreateUser => td_string!(locale, step_create_user),
        StepName::ChangeStatus => td_string!(locale, step_change_status),
        StepName::Export => td_string!(locale, step_export),
        StepName::ChangeLanguage => td_string!(locale, step_change_language),
        StepName::Detail => td_string!(locale, step_detail),
        StepName::Review => td_string!(locale, step_review),
        StepName::SetDefault => td_string!(locale, step_set_default),
        StepName::Pdf => td_string!(locale, step_pdf),
        StepName::Preview => td_string!(locale, step_preview),
        StepName::Attachment => td_string!(locale, step_attachment),
        StepName::Decide => td_string!(locale, step_decide),
    }
}

pub fn outcome_label(locale: Locale, outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Ok => td_string!(locale, outcome_ok),
        Outcome::Invalid => td_string!(locale, outcome_invalid),
        Outcome::Denied => td_string!(locale, outcome_denied),
        Outcome::Failed => td_string!(locale, outcome_failed),
        Outcome::Abandoned => td_string!(locale, outcome_abandoned),
    }
}

pub fn channel_label(locale: Locale, channel: Channel) -> &'static str {
    match channel {
        Channel::Web => td_string!(locale, channel_web),
        Channel::Email => td_string!(locale, channel_email),
        Channel::Staff => td_string!(locale, channel_staff),
        Channel::Api => td_string!(locale, channel_api),
    }
}

pub fn signal_label(locale: Locale, name: &str) -> &'static str {
    match name {
        "validation_error" => td_string!(locale, signal_validation_error),
        "retry" => td_string!(locale, signal_retry),
        "slow" => td_string!(locale, signal_slow),
        "back_and_forth" => td_string!(locale, signal_back_and_forth),
        "abandoned" => td_string!(locale, signal_abandoned),
        "denied" => td_string!(locale, signal_denied),
        "rage_click" => td_string!(locale, signal_rage_click),
        "dead_click" => td_string!(locale, signal_dead_click),
        "client_error" => td_string!(locale, signal_client_error),
        "form_abandoned" => td_string!(locale, signal_form_abandoned),
        "failed" => td_string!(locale, signal_failed),
        _ => "",
    }
}

/// "35 ms", "1.2 s", "3 min".
pub fn format_duration(ms: u32) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", f64::from(ms) / 1000.0),
        _ => format!("{} min", ms / 60_000),
    }
}

#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    let i18n = use_i18n();
    if entries.is_empty() {
        return view! { <p class="timeline__empty">{t!(i18n, timeline_empty)}</p> }.into_any();
    }
    view! {
        <ol class="timeline">
            {entries.into_iter().map(|entry| view! { <TimelineItem entry /> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn TimelineItem(entry: TimelineEntry) -> impl IntoView {
    let i18n = use_i18n();
    let journey = Journey::parse(&entry.journey);
    let step = StepName::parse(&entry.step);
    let (raw_journey, raw_step) = (entry.journey.clone(), entry.step.clone());
    let what = move || {
        let locale = i18n.get_locale();
        let journey = journey.map_or(raw_journey.clone(), |j| journey_label(locale, j).to_string());
        let step = step.map_or(raw_step.clone(), |s| step_label(locale, s).to_string());
        format!("{journey} · {step}")
    };
    let outcome = entry.outcome;
    let channel = entry.channel;
    let signal_names: Vec<&'static str> =
        SIGNALS.iter().filter(|(bit, _, _)| entry.signals.has(Signals(*bit))).map(|(_, name, _)| *name).collect();
    let is_step = entry.kind == RowKind::Step;
    view! {
        <li class=format!("timeline__item timeline__item--{}", outcome.as_str())>
            <time class="timeline__time">{utc_minute(entry.at)}</time>
            <span class="timeline__what">{what}</span>
            <span class=format!("badge badge--{}", outcome.as_str())>{move || outcome_label(i18n.get_locale(), outcome)}</span>
            <span class="timeline__channel">{move || channel_label(i18n.get_locale(), channel)}</span>
            {is_step.then(|| view! { <span class="timeline__duration">{format_duration(entry.duration_ms)}</span> })}
            {(!signal_names.is_empty()).then(|| view! {
                <ul class="timeline__signals">
                    {signal_names.into_iter().map(|name| view! {
                        <li class="chip">{move || signal_label(i18n.get_locale(), name)}</li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(format_duration(35), "35 ms");
        assert_eq!(format_duration(1_234), "1.2 s");
        assert_eq!(format_duration(180_000), "3 min");
    }

    #[test]
    fn every_signal_has_a_label_in_every_language() {
        for locale in Locale::get_all() {
            for (_, name, _) in SIGNALS {
                assert!(!signal_label(*locale, name).is_empty(), "{name} in {}", locale.as_str());
            }
        }
    }
}
