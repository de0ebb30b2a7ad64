//! The account's address book: every statement names the account.
use super::*;

type AddressRow = (String, String, String, String, Option<String>, String, String, String, i64);

fn saved(row: AddressRow) -> SavedAddress {
    let (address_id, kind, recipient, line1, line2, postal_code, city, country, is_default) = row;
    SavedAddress { address_id, kind, recipient, line1, line2, postal_code, city, country, is_default: is_default == 1 }
}

/// The account's current addresses: billing first, defaults first.
pub async fn addresses(db: &Db, account_id: &str) -> Result<Vec<SavedAddress>, AppError> {
    let rows: Vec<AddressRow> = sqlx::query_as(
        "SELECT address_id, kind, recipient, line1, line2, postal_code, city, country, is_default
         FROM addresses WHERE account_id = $1 AND archived_at IS NULL
         ORDER BY kind, is_default DESC, created_at, address_id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await
    .map_err(db_error)?;
    Ok(rows.into_iter().map(saved).collect())
}

/// An address as posted, before it is checked.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct AddressForm {
    /// Empty for a new address.
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub recipient: String,
    #[serde(default)]
    pub line1: String,
    #[serde(default)]
    pub line2: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
}

impl AddressForm {
    /// What was typed, to show again.
    pub fn values(&self) -> Vec<(&'static str, String)> {
        vec![
            ("address", self.address.clone()),
            ("kind", self.kind.clone()),
            ("recipient", self.recipient.clone()),
            ("line1", self.line1.clone()),
            ("line2", self.line2.clone()),
            ("postal_code", self.postal_code.clone()),
            ("city", self.city.clone()),
            ("country", self.country.clone()),
        ]
    }
}

/// A checked address.
struct Address {
    kind: &'static str,
    recipient: String,
    line1: String,
    line2: Option<String>,
    postal_code: PostalCode,
    city: String,
    country: Country,
}

fn check_address(form: &AddressForm) -> Result<Address, Rejection> {
    let mut problems = Vec::new();
    let kind = ["billing", "delivery"].into_iter().find(|k| *k == form.kind);
    if kind.is_none() {
        problems.push(("kind", "invalid"));
    }
    let mut text =
        |field: &'static str, result: Result<String, &'static str>| result.map_err(|p| problems.push((field, p))).ok();
    let recipient = text("recipient", required_text(&form.recipient, 100));
    let line1 = text("line1", required_text(&form.line1, 100));
    let city = text("city", required_text(&form.city, 60));
    let line2 = optional_text(&form.line2, 100).map_err(|p| problems.push(("line2", p))).ok();
    let country = Country::parse(&form.country);
    let postal_code = match country {
        Some(country) => {
            PostalCode::parse(country, &form.postal_code).map_err(|p| problems.push(("postal_code", p))).ok()
        }
        None => {
            problems.push(("country", "invalid"));
            None
        }
    };
    match (kind, recipient, line1, line2, postal_code, city, country) {
        (Some(kind), Some(recipient), Some(line1), Some(line2), Some(postal_code), Some(city), Some(country))
            if problems.is_empty() =>
        {
            Ok(Address { kind, recipient, line1, line2, postal_code, city, country })
        }
        _ => Err(Rejection::Fields(problems.into_iter().map(|(f, p)| (f.to_string(), p)).collect())),
    }
}

fn write_error(error: sqlx::Error) -> Rejection {
    Rejection::from(error)
}

/// The kind and default flag of one of the account's current addresses; `NotFound` for any other
/// id (another account's, an archived one, a made-up one), all alike.
async fn current(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account_id: &str,
    address_id: &str,
) -> Result<(String, i64), Rejection> {
    if !crate::db::ids::looks_like_id(address_id) {
        return Err(AppError::NotFound.into());
    }
    sqlx::query_as(
        "SELECT kind, is_default FROM addresses WHERE address_id = $1 AND account_id = $2 AND archived_at IS NULL",
    )
    .bind(address_id)
    .bind(account_id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(write_error)?
    .ok_or(AppError::NotFound.into())
}

async fn is_used_by_orders(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    address_id: &str,
) -> Result<bool, Rejection> {
    let used: Option<(String,)> = sqlx::query_as("SELECT order_id FROM orders WHERE delivery_address_id = $1 LIMIT 1")
        .bind(address_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(write_error)?;
    Ok(used.is_some())
}

/// Adds an address, or changes one: in place when no order points at it, otherwise by archiving
/// it and adding its successor (past orders keep the address they were delivered to). The first
/// address of a kind becomes that kind's default.
pub async fn save_address(db: &Db, account_id: &str, form: &AddressForm) -> Result<String, Rejection> {
    let address = check_address(form)?;
    let now = now_ms();
    let mut tx = db.begin_write().await.map_err(write_error)?;
    let is_default;
    let mut replaces = None;
    if !form.address.trim().is_empty() {
        let (kind, default) = current(&mut tx, account_id, form.address.trim()).await?;
        is_default = if kind == address.kind { default } else { 0 };
        if is_used_by_orders(&mut tx, form.address.trim()).await? {
            replaces = Some(form.address.trim().to_string());
        } else {
            sqlx::query(
                "UPDATE addresses SET kind = $1, recipient = $2, line1 = $3, line2 = $4, postal_code = $5, city = $6,
                                      country = $7, is_default = $8, updated_at = $9
                 WHERE address_id = $10 AND account_id = $11",
            )
            .bind(address.kind)
            .bind(&address.recipient)
            .bind(&address.line1)
            .bind(&address.line2)
            .bind(address.postal_code.as_str())
            .bind(&address.city)
            .bind(address.country.code())
            .bind(is_default)
            .bind(now)
            .bind(form.address.trim())
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .map_err(write_error)?;
            promote_if_none(&mut tx, account_id, address.kind).await?;
            tx.commit().await.map_err(write_error)?;
            return Ok(form.address.trim().to_string());
        }
    } else {
        let (defaults,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM addresses
             WHERE account_id = $1 AND kind = $2 AND is_default = 1 AND archived_at IS NULL",
        )
        .bind(account_id)
        .bind(address.kind)
        .fetch_one(&mut *tx)
        .await
        .map_err(write_error)?;
        is_default = i64::from(defaults == 0);
    }
    if let Some(old) = &replaces {
        sqlx::query("UPDATE addresses SET archived_at = $1, is_default = 0 WHERE address_id = $2 AND account_id = $3")
            .bind(now)
            .bind(old)
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .map_err(write_error)?;
    }
    let address_id = new_id();
    sqlx::query(
        "INSERT INTO addresses (address_id, account_id, kind, recipient, line1, line2, postal_code, city, country,
                                is_default, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
    )
    .bind(&address_id)
    .bind(account_id)
    .bind(address.kind)
    .bind(&address.recipient)
    .bind(&address.line1)
    .bind(&address.line2)
    .bind(address.postal_code.as_str())
    .bind(&address.city)
    .bind(address.country.code())
    .bind(is_default)
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(write_error)?;
    promote_if_none(&mut tx, account_id, address.kind).await?;
    tx.commit().await.map_err(write_error)?;
    Ok(address_id)
}

/// Makes the oldest current address of a kind its default when the kind has none (after a
/// removal, or a change of kind).
async fn promote_if_none(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account_id: &str,
    kind: &str,
) -> Result<(), Rejection> {
    for kind in [kind, if kind == "billing" { "delivery" } else { "billing" }] {
        sqlx::query(
            "UPDATE addresses SET is_default = 1
             WHERE address_id = (SELECT address_id FROM addresses
                                 WHERE account_id = $1 AND kind = $2 AND archived_at IS NULL
                                 ORDER BY created_at, address_id LIMIT 1)
               AND NOT EXISTS (SELECT 1 FROM addresses
                               WHERE account_id = $1 AND kind = $2 AND archived_at IS NULL AND is_default = 1)",
        )
        .bind(account_id)
        .bind(kind)
        .execute(&mut **tx)
        .await
        .map_err(write_error)?;
    }
    Ok(())
}

/// Removes an address from the book (archived: orders that went there keep it).
pub async fn remove_address(db: &Db, account_id: &str, address_id: &str) -> Result<(), Rejection> {
    let mut tx = db.begin_write().await.map_err(write_error)?;
    let (kind, _) = current(&mut tx, account_id, address_id).await?;
    sqlx::query("UPDATE addresses SET archived_at = $1, is_default = 0 WHERE address_id = $2 AND account_id = $3")
        .bind(now_ms())
        .bind(address_id)
        .bind(account_id)
        .execute(&mut *tx)
        .await
        .map_err(write_error)?;
    promote_if_none(&mut tx, account_id, &kind).await?;
    tx.commit().await.map_err(write_error)
}

/// Makes an address its kind's default.
pub async fn make_default(db: &Db, account_id: &str, address_id: &str) -> Result<(), Rejection> {
    let mut tx = db.begin_write().await.map_err(write_error)?;
    let (kind, _) = current(&mut tx, account_id, address_id).await?;
    sqlx::query("UPDATE addresses SET is_default = CASE WHEN address_id = $1 THEN 1 ELSE 0 END WHERE account_id = $2 AND kind = $3")
        .bind(address_id)
        .bind(account_id)
        .bind(&kind)
        .execute(&mut *tx)
        .await
        .map_err(write_error)?;
    tx.commit().await.map_err(write_error)
}
