//! Identity domain types that validate on construction: an e-mail address, a new password, roles.
//!
//! A value of these types is valid by construction, so the code after the form boundary never
//! re-checks. Each rejection carries a stable reason code that the form translates beside the field.
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// Why a field was rejected; the code is the suffix of a translation key (`field_error_<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldProblem {
    Required,
    TooLong,
    EmailInvalid,
    PasswordTooShort,
    PasswordTooLong,
    PasswordCommon,
    PasswordContainsEmail,
    RoleInvalid,
    EmailTaken,
}

impl crate::web::forms::Problem for FieldProblem {
    fn code(&self) -> &'static str {
        FieldProblem::code(*self)
    }
}

impl FieldProblem {
    pub fn code(self) -> &'static str {
        match self {
            FieldProblem::Required => "required",
            FieldProblem::TooLong => "too_long",
            FieldProblem::EmailInvalid => "email_invalid",
            FieldProblem::PasswordTooShort => "password_too_short",
            FieldProblem::PasswordTooLong => "password_too_long",
            FieldProblem::PasswordCommon => "password_common",
            FieldProblem::PasswordContainsEmail => "password_contains_email",
            FieldProblem::RoleInvalid => "role_invalid",
            FieldProblem::EmailTaken => "email_taken",
        }
    }
}

/// A syntactically plausible e-mail address, trimmed, compared case-insensitively.
///
/// Deliberately not a full RFC 5322 parser: the address is proven by the link we send to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, FieldProblem> {
        let email = raw.trim();
        if email.is_empty() {
            return Err(FieldProblem::Required);
        }
        if email.len() > Self::MAX_LEN {
            return Err(FieldProblem::TooLong);
        }
        let Some((local, domain)) = email.rsplit_once('@') else { return Err(FieldProblem::EmailInvalid) };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ',' | ';'));
        if !domain_ok || !local_ok {
            return Err(FieldProblem::EmailInvalid);
        }
        // lettre must be able to address it, or the outbox would hold mail it can never send.
        if email.parse::<lettre::Address>().is_err() {
            return Err(FieldProblem::EmailInvalid);
        }
        Ok(EmailAddress(email.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key under which the address is unique and throttled.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }

    fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(local, _)| local).unwrap_or(&self.0)
    }
}

/// A password that meets the policy (ASVS 5.0 V6.2, NIST SP 800-63B): 8 to 128 characters, no
/// composition rules, not a common password, not the e-mail's local part.
pub struct NewPassword(SecretString);

impl NewPassword {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str, email: Option<&EmailAddress>) -> Result<Self, FieldProblem> {
        let length = raw.chars().count();
        if length == 0 {
            return Err(FieldProblem::Required);
        }
        if length < Self::MIN_CHARS {
            return Err(FieldProblem::PasswordTooShort);
        }
        if length > Self::MAX_CHARS {
            return Err(FieldProblem::PasswordTooLong);
        }
        let lowered = raw.to_lowercase();
        if passwords::analyzer::is_common_password(raw) || passwords::analyzer::is_common_password(&lowered) {
            return Err(FieldProblem::PasswordCommon);
        }
        if let Some(email) = email {
            let local = email.local_part().to_lowercase();
            if local.chars().count() >= 3 && lowered.contains(&local) {
                return Err(FieldProblem::PasswordContainsEmail);
            }
        }
        Ok(NewPassword(SecretString::from(raw.to_string())))
    }

    pub fn secret(&self) -> SecretString {
        SecretString::from(self.0.expose_secret().to_string())
    }
}

/// A person's name as shown to staff and in e-mails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(raw: &str) -> Result<Self, FieldProblem> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(FieldProblem::Required);
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(FieldProblem::TooLong);
        }
        Ok(PersonName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub use crate::kernel::viewer::{MemberRole, StaffRole};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_checked() {
        assert_eq!(EmailAddress::parse("  Ola@Piekarnia.pl ").unwrap().as_str(), "Ola@Piekarnia.pl");
        assert_eq!(EmailAddress::parse("Ola@Piekarnia.pl").unwrap().normalized(), "ola@piekarnia.pl");
        assert_eq!(EmailAddress::parse("").unwrap_err(), FieldProblem::Required);
        for bad in ["ola", "ola@", "@x.pl", "ola@x", "o la@x.pl", "ola@x..pl", "<ola@x.pl>", "ola@.x.pl"] {
            assert_eq!(EmailAddress::parse(bad).unwrap_err(), FieldProblem::EmailInvalid, "{bad}");
        }
        assert_eq!(EmailAddress::parse(&format!("{}@x.pl", "a".repeat(300))).unwrap_err(), FieldProblem::TooLong);
    }

    #[test]
    fn password_policy_follows_nist() {
        let email = EmailAddress::parse("jan.kowalski@firma.pl").unwrap();
        let check = |p: &str| NewPassword::parse(p, Some(&email)).err();
        assert_eq!(check(""), Some(FieldProblem::Required));
        assert_eq!(check("short"), Some(FieldProblem::PasswordTooShort));
        assert_eq!(check(&"x".repeat(129)), Some(FieldProblem::PasswordTooLong));
        assert_eq!(check("password1"), Some(FieldProblem::PasswordCommon));
        assert_eq!(check("Password1"), Some(FieldProblem::PasswordCommon));
        assert_eq!(check("qwertyuiop"), Some(FieldProblem::PasswordCommon));
        assert_eq!(check("jan.kowalski-2026"), Some(FieldProblem::PasswordContainsEmail));
        // No composition rules: a long passphrase of lowercase words is fine, and so is Unicode.
        assert_eq!(check("zielony rower nad wisłą"), None);
        assert_eq!(check("пароль-для-styk-2026"), None);
        assert_eq!(check(&"y".repeat(128)), None);
    }

    #[test]
    fn the_bundled_list_is_large() {
        // OWASP asks for at least the 3,000 most common; the bundled list holds far more.
        for common in ["123456", "iloveyou", "sunshine", "football", "letmein1", "monkey123"] {
            assert!(passwords::analyzer::is_common_password(common), "{common}");
        }
    }

    #[test]
    fn names_collapse_whitespace() {
        assert_eq!(PersonName::parse("  Ola \n Nowak ").unwrap().as_str(), "Ola Nowak");
        assert_eq!(PersonName::parse("   ").unwrap_err(), FieldProblem::Required);
    }
}
