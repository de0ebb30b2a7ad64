//! E-mail templates: subject, plain text and HTML in the recipient's language.
//!
//! Wording lives with the other translations (`mail_*` keys); `%name%` placeholders are filled
//! here, HTML-escaped in the HTML part.
use crate::i18n::locale_from_code;
use crate::i18n::{td_string, Locale};

/// Which e-mail this is; recorded in the outbox for operations and the CX journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Template {
    /// An account owner or staff invited a member to a customer account.
    MemberInvitation {
        account_name: String,
        inviter_name: String,
        link: String,
        days: u64,
    },
    /// An admin created a staff user.
    StaffInvitation {
        inviter_name: String,
        link: String,
        days: u64,
    },
    PasswordReset {
        link: String,
    },
    /// Someone registered with this address and proved the customer and invoice numbers.
    RegistrationVerify {
        account_name: String,
        link: String,
    },
    /// Someone tried to register an address that already belongs to a member.
    RegistrationExisting {
        sign_in_link: String,
        reset_link: String,
    },
    PasswordChanged {
        reset_link: String,
    },
    EmailChangeVerify {
        link: String,
    },
    /// Sent to the old address after the e-mail changed.
    EmailChanged {
        new_email: String,
    },
    /// A member confirmed a reorder; staff will turn the request into an order.
    ReorderRequested {
        order_number: String,
        /// The gross total, already formatted in the recipient's language.
        total: String,
        link: String,
    },
    /// A member asked for a correction of an invoice.
    CorrectionReceived {
        invoice_number: String,
        /// The date a decision is promised by.
        decide_by: String,
        link: String,
    },
    /// A large invoice archive the member asked for is ready to download.
    ArchiveReady {
        from: String,
        to: String,
        link: String,
    },
    /// Sent to an account's owners: someone proved they deal with the account and asks for access.
    AccessRequested {
        account_name: String,
        requester_name: String,
        requester_email: String,
        link: String,
    },
    /// Sent to the person who asked for access: the owners (or staff) decided.
    AccessDecided {
        account_name: String,
        approved: bool,
        link: String,
    },
    /// Staff decided on a correction request.
    CorrectionDecided {
        invoice_number: String,
        decision: Decided,
        /// The corrective invoice's number, when one was issued.
        corrective_number: Option<String>,
        /// Why it was rejected or only partly accepted.
        note: Option<String>,
        link: String,
    },
}

impl Template {
    pub fn name(&self) -> &'static str {
        match self {
            Template::MemberInvitation { .. } => "member_invitation",
            Template::StaffInvitation { .. } => "staff_invitation",
            Template::PasswordReset { .. } => "password_reset",
            Template::RegistrationVerify { .. } => "registration_verify",
            Template::RegistrationExisting { .. } => "registration_existing",
            Template::PasswordChanged { .. } => "password_changed",
            Template::EmailChangeVerify { .. } => "email_change_verify",
            Template::EmailChanged { .. } => "email_changed",
            Template::ReorderRequested { .. } => "reorder_requested",
            Template::CorrectionReceived { .. } => "correction_received",
            Template::ArchiveReady { .. } => "archive_ready",
            Template::CorrectionDecided { .. } => "correction_decided",
            Template::AccessRequested { .. } => "access_requested",
            Template::AccessDecided { .. } => "access_decided",
        }
    }
}

/// What was decided on a customer's request, as a decision e-mail tells it. Templates take plain
/// values like this rather than a feature's own types, so mail depends on no feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decided {
    Accepted,
    PartlyAccepted,
    Rejected,
}

/// A rendered e-mail, ready for the outbox.
#[derive(Debug, Clone)]
pub struct Mail {
    pub template: &'static str,
    pub locale: Locale,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_string(), |text, (name, value)| text.replace(&format!("%{name}%"), value))
}

/// The pieces every e-mail is made of: paragraphs, an optional button, closing lines.
struct Parts {
    subject: String,
    paragraphs: Vec<String>,
    action: Option<(String, String)>,
    after: Vec<String>,
}

impl Template {
    pub fn render(&self, locale: Locale, to: &str) -> Mail {
        let parts = self.parts(locale);
        let mut text = String::new();
        let mut html = String::from(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>\
             <body style=\"font-family:system-ui,sans-serif;color:#1d2430;line-height:1.5;max-width:36rem;margin:0 auto;padding:1.5rem\">\
             <p style=\"font-weight:700;color:#0b5c4b;font-size:1.2rem\">◆ Styk</p>",
        );
        for paragraph in &parts.paragraphs {
            text.push_str(paragraph);
            text.push_str("\n\n");
            html.push_str(&format!("<p>{}</p>", escape_html(paragraph)));
        }
        if let Some((label, link)) = &parts.action {
            text.push_str(&format!("{label}:\n{link}\n\n"));
            html.push_str(&format!(
                "<p><a href=\"{0}\" style=\"display:inline-block;background:#0b5c4b;color:#fff;padding:.6rem 1.1rem;border-radius:.4rem;text-decoration:none\">{1}</a></p>\
                 <p style=\"font-size:.85rem;color:#5a6474\">{2}<br><a href=\"{0}\">{0}</a></p>",
                escape_html(link),
                escape_html(label),
                escape_html(td_string!(locale, mail_link_fallback)),
            ));
        }
        for paragraph in &parts.after {
            text.push_str(paragraph);
            text.push_str("\n\n");
            html.push_str(&format!("<p>{}</p>", escape_html(paragraph)));
        }
        let footer = td_string!(locale, mail_footer);
        text.push_str("-- \n");
        text.push_str(footer);
        text.push('\n');
        html.push_str(&format!(
            "<hr style=\"border:none;border-top:1px solid #d8dde5\"><p style=\"font-size:.85rem;color:#5a6474\">{}</p></body></html>",
            escape_html(footer)
        ));
        Mail { template: self.name(), locale, to: to.to_string(), subject: parts.subject, text, html }
    }

    fn parts(&self, locale: Locale) -> Parts {
        let t = |s: &'static str| s.to_string();
        match self {
            Template::MemberInvitation { account_name, inviter_name, link, days } => {
                let days = days.to_string();
                let values = [("account", account_name.as_str()), ("inviter", inviter_name.as_str()), ("days", &days)];
                Parts {
                    subject: fill(td_string!(locale, mail_member_invitation_subject), &values),
                    paragraphs: vec![fill(td_string!(locale, mail_member_invitation_body), &values)],
                    action: Some((t(td_string!(locale, mail_action_set_password)), link.clone())),
                    after: vec![fill(td_string!(locale, mail_link_valid_days), &values)],
                }
            }
            Template::StaffInvitation { inviter_name, link, days } => {
                let days = days.to_string();
                let values = [("inviter", inviter_name.as_str()), ("days", &days)];
                Parts {
                    subject: t(td_string!(locale, mail_staff_invitation_subject)),
                    paragraphs: vec![fill(td_string!(locale, mail_staff_invitation_body), &values)],
                    action: Some((t(td_string!(locale, mail_action_set_password)), link.clone())),
                    after: vec![fill(td_string!(locale, mail_link_valid_days), &values)],
                }
            }
            Template::PasswordReset { link } => Parts {
                subject: t(td_string!(locale, mail_password_reset_subject)),
                paragraphs: vec![t(td_string!(locale, mail_password_reset_body))],
                action: Some((t(td_string!(locale, mail_action_choose_password)), link.clone())),
                after: vec![t(td_string!(locale, mail_link_valid_minutes)), t(td_string!(locale, mail_not_you_ignore))],
            },
            Template::RegistrationVerify { account_name, link } => {
                let values = [("account", account_name.as_str())];
                Parts {
                    subject: fill(td_string!(locale, mail_registration_subject), &values),
                    paragraphs: vec![fill(td_string!(locale, mail_registration_body), &values)],
                    action: Some((t(td_string!(locale, mail_action_confirm_email)), link.clone())),
                    after: vec![
                        t(td_string!(locale, mail_link_valid_minutes)),
                        t(td_string!(locale, mail_not_you_ignore)),
                    ],
                }
            }
            Template::RegistrationExisting { sign_in_link, reset_link } => Parts {
                subject: t(td_string!(locale, mail_registration_existing_subject)),
                paragraphs: vec![
                    t(td_string!(locale, mail_registration_existing_body)),
                    format!("{}: {sign_in_link}", td_string!(locale, nav_sign_in)),
                ],
                action: Some((t(td_string!(locale, mail_action_choose_password)), reset_link.clone())),
                after: vec![t(td_string!(locale, mail_not_you_ignore))],
            },
            Template::PasswordChanged { reset_link } => Parts {
                subject: t(td_string!(locale, mail_password_changed_subject)),
                paragraphs: vec![t(td_string!(locale, mail_password_changed_body))],
                action: Some((t(td_string!(locale, mail_action_choose_password)), reset_link.clone())),
                after: vec![],
            },
            Template::EmailChangeVerify { link } => Parts {
                subject: t(td_string!(locale, mail_email_change_subject)),
                paragraphs: vec![t(td_string!(locale, mail_email_change_body))],
                action: Some((t(td_string!(locale, mail_action_confirm_email)), link.clone())),
                after: vec![t(td_string!(locale, mail_link_valid_minutes)), t(td_string!(locale, mail_not_you_ignore))],
            },
            Template::EmailChanged { new_email } => {
                let values = [("email", new_email.as_str())];
                Parts {
                    subject: t(td_string!(locale, mail_email_changed_subject)),
                    paragraphs: vec![
                        fill(td_string!(locale, mail_email_changed_body), &values),
                        t(td_string!(locale, mail_contact_support_if_not_you)),
                    ],
                    action: None,
                    after: vec![],
                }
            }
            Template::ReorderRequested { order_number, total, link } => {
                let values = [("number", order_number.as_str()), ("total", total.as_str())];
                Parts {
                    subject: fill(td_string!(locale, mail_reorder_subject), &values),
                    paragraphs: vec![fill(td_string!(locale, mail_reorder_body), &values)],
                    action: Some((t(td_string!(locale, mail_action_view_order)), link.clone())),
                    after: vec![t(td_string!(locale, mail_reorder_next))],
                }
            }
            Template::CorrectionReceived { invoice_number, decide_by, link } => {
                let values = [("number", invoice_number.as_str()), ("date", decide_by.as_str())];
                Parts {
                    subject: fill(td_string!(locale, mail_correction_received_subject), &values),
                    paragraphs: vec![fill(td_string!(locale, mail_correction_received_body), &values)],
                    action: Some((t(td_string!(locale, mail_action_view_correction)), link.clone())),
                    after: vec![],
                }
            }
            Template::ArchiveReady { from, to, link } => {
                let values = [("from", from.as_str()), ("to", to.as_str())];
                Parts {
                    subject: t(td_string!(locale, mail_archive_subject)),
                    paragraphs: vec![fill(td_string!(locale, mail_archive_body), &values)],
                    action: Some((t(td_string!(locale, mail_action_download_archive)), link.clone())),
                    after: vec![t(td_string!(locale, mail_archive_kept))],
                }
            }
            Template::AccessRequested { account_name, requester_name, requester_email, link } => {
                let values = [
                    ("account", account_name.as_str()),
                    ("name", requester_name.as_str()),
                    ("email", requester_email.as_str()),
                ];
                Parts {
                    subject: fill(td_string!(locale, mail_access_requested_subject), &values),
                    paragraphs: vec![fill(td_string!(locale, mail_access_requested_body), &values)],
                    action: Some((t(td_string!(locale, mail_action_review_access)), link.clone())),
                    after: vec![t(td_string!(locale, mail_access_requested_unknown))],
                }
            }
            Template::AccessDecided { account_name, approved, link } => {
                let values = [("account", account_name.as_str())];
                let (subject, body) = if *approved {
                    (td_string!(locale, mail_access_approved_subject), td_string!(locale, mail_access_approved_body))
                } else {
                    (td_string!(locale, mail_access_declined_subject), td_string!(locale, mail_access_declined_body))
                };
                Parts {
                    subject: fill(subject, &values),
                    paragraphs: vec![fill(body, &values)],
                    action: Some((t(td_string!(locale, nav_sign_in)), link.clone())),
                    after: vec![],
                }
            }
            Template::CorrectionDecided { invoice_number, decision, corrective_number, note, link } => {
                let values =
                    [("number", invoice_number.as_str()), ("corrective", corrective_number.as_deref().unwrap_or(""))];
                let mut paragraphs = vec![fill(
                    match decision {
                        Decided::Accepted => td_string!(locale, mail_correction_accepted_body),
                        Decided::PartlyAccepted => td_string!(locale, mail_correction_partly_body),
                        Decided::Rejected => td_string!(locale, mail_correction_rejected_body),
                    },
                    &values,
                )];
                if let Some(note) = note {
                    paragraphs.push(format!("{}: {note}", td_string!(locale, correction_decision_note)));
                }
                Parts {
                    subject: fill(td_string!(locale, mail_correction_decided_subject), &values),
                    paragraphs,
                    action: Some((t(td_string!(locale, mail_action_view_correction)), link.clone())),
                    after: vec![],
                }
            }
        }
    }
}

/// The language a member reads e-mail in; English when it cannot be read.
#[cfg(feature = "ssr")]
pub async fn member_locale(db: &crate::db::Db, member_id: &str) -> Locale {
    let language: Option<(String,)> = sqlx::query_as("SELECT preferred_language FROM members WHERE member_id = $1")
        .bind(member_id)
        .fetch_optional(&db.pool)
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(%error, "cannot read the member's language; the e-mail goes out in English");
            None
        });
    locale_from_code(language.as_ref().map(|(l,)| l.as_str()).unwrap_or("en"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos_i18n::Locale as _;

    fn every_template() -> Vec<Template> {
        let link = "https://portal.example/x?token=abc".to_string();
        vec![
            Template::MemberInvitation {
                account_name: "Piekarnia <Ola>".into(),
                inviter_name: "Ola".into(),
                link: link.clone(),
                days: 7,
            },
            Template::StaffInvitation { inviter_name: "Admin".into(), link: link.clone(), days: 7 },
            Template::PasswordReset { link: link.clone() },
            Template::RegistrationVerify { account_name: "Northwind".into(), link: link.clone() },
            Template::RegistrationExisting { sign_in_link: link.clone(), reset_link: link.clone() },
            Template::PasswordChanged { reset_link: link.clone() },
            Template::EmailChangeVerify { link: link.clone() },
            Template::EmailChanged { new_email: "new@example.com".into() },
            Template::ReorderRequested {
                order_number: "ZAM/2026/AB12CD34".into(),
                total: "1 234,56 PLN".into(),
                link: link.clone(),
            },
            Template::CorrectionReceived {
                invoice_number: "FV/2026/11/000001".into(),
                decide_by: "2026-12-01".into(),
                link: link.clone(),
            },
            Template::CorrectionDecided {
                invoice_number: "FV/2026/11/000001".into(),
                decision: Decided::PartlyAccepted,
                corrective_number: Some("KOR/2026/11/000001".into()),
                note: Some("Rabat tylko na pozycję 1".into()),
                link: link.clone(),
            },
            Template::ArchiveReady { from: "2026-01-01".into(), to: "2026-03-31".into(), link: link.clone() },
            Template::AccessRequested {
                account_name: "Piekarnia".into(),
                requester_name: "Jan Obcy".into(),
                requester_email: "jan@example.com".into(),
                link: link.clone(),
            },
            Template::AccessDecided { account_name: "Piekarnia".into(), approved: true, link: link.clone() },
            Template::AccessDecided { account_name: "Piekarnia".into(), approved: false, link: link.clone() },
        ]
    }

    #[test]
    fn every_template_renders_in_every_language_with_no_placeholder_left() {
        for locale in Locale::get_all() {
            for template in every_template() {
                let mail = template.render(*locale, "to@example.com");
                assert!(!mail.subject.is_empty());
                for part in [&mail.subject, &mail.text, &mail.html] {
                    assert!(!part.contains('%'), "{:?} {locale:?}: {part}", template.name());
                }
                if let Some(link) = match &template {
                    Template::EmailChanged { .. } => None,
                    _ => Some("https://portal.example/x?token=abc"),
                } {
                    assert!(mail.text.contains(link), "{}", template.name());
                }
            }
        }
    }

    #[test]
    fn html_part_escapes_what_people_typed() {
        let mail = every_template()[0].render(Locale::pl, "to@example.com");
        assert!(mail.html.contains("Piekarnia &lt;Ola&gt;"));
        assert!(!mail.html.contains("<Ola>"));
        assert!(mail.text.contains("Piekarnia <Ola>"));
    }
}
