//! A member's own profile.
use super::*;

pub async fn profile(db: &Db, member_id: &str) -> Result<ProfileView, AppError> {
    let row: (String, String, Option<String>, String, i64, i64, i64) = sqlx::query_as(
        "SELECT full_name, email, phone, preferred_language, notify_orders, notify_invoices, notify_complaints
         FROM members WHERE member_id = $1",
    )
    .bind(member_id)
    .fetch_optional(&db.pool)
    .await
    .map_err(db_error)?
    .ok_or(AppError::NotFound)?;
    let (full_name, email, phone, language, orders, invoices, complaints) = row;
    Ok(ProfileView {
        full_name,
        email,
        phone,
        language,
        notify_orders: orders == 1,
        notify_invoices: invoices == 1,
        notify_complaints: complaints == 1,
    })
}

/// A profile as posted, before it is checked.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub notify_orders: Option<String>,
    #[serde(default)]
    pub notify_invoices: Option<String>,
    #[serde(default)]
    pub notify_complaints: Option<String>,
}

/// Checks and saves a profile; every problem at once, as (field, reason).
pub async fn save_profile(db: &Db, member_id: &str, form: &ProfileForm) -> Result<(), Rejection> {
    let mut problems = Vec::new();
    let full_name = required_text(&form.full_name, 100).map_err(|p| problems.push(("full_name", p))).ok();
    let phone = match form.phone.trim() {
        "" => Some(None),
        raw => PhoneNumber::parse(raw, Country::PL).map(Some).map_err(|p| problems.push(("phone", p))).ok(),
    };
    let language = ["en", "pl", "ru"].into_iter().find(|l| *l == form.language);
    if language.is_none() {
        problems.push(("language", "invalid"));
    }
    let (Some(full_name), Some(phone), Some(language)) = (full_name, phone, language) else {
        return Err(Rejection::Fields(problems.into_iter().map(|(f, p)| (f.to_string(), p)).collect()));
    };
    let flag = |value: &Option<String>| i64::from(value.is_some());
    sqlx::query(
        "UPDATE members SET full_name = $1, phone = $2, preferred_language = $3, notify_orders = $4,
                            notify_invoices = $5, notify_complaints = $6, updated_at = $7
         WHERE member_id = $8",
    )
    .bind(full_name)
    .bind(phone.map(|p| p.as_str().to_string()))
    .bind(language)
    .bind(flag(&form.notify_orders))
    .bind(flag(&form.notify_invoices))
    .bind(flag(&form.notify_complaints))
    .bind(now_ms())
    .bind(member_id)
    .execute(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(())
}
