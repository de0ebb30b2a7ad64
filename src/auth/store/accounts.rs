//! Customer accounts as identity finds them: by id, by customer number, by a number pair.
use sqlx::{Any, Executor};

/// An account's name and language.
pub async fn name_and_language<'e>(
    executor: impl Executor<'e, Database = Any>,
    account_id: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT name, preferred_language FROM customer_accounts WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(executor)
        .await
}

/// The account with this customer number (any letter case).
pub async fn by_customer_number<'e>(
    executor: impl Executor<'e, Database = Any>,
    customer_number: &str,
) -> Result<Option<String>, sqlx::Error> {
    let account: Option<(String,)> =
        sqlx::query_as("SELECT account_id FROM customer_accounts WHERE upper(customer_number) = upper($1)")
            .bind(customer_number)
            .fetch_optional(executor)
            .await?;
    Ok(account.map(|(account_id,)| account_id))
}

/// The account whose customer number and one of whose invoice numbers are these (the proof a
/// registration asks for): (id, name, language).
pub async fn by_customer_and_invoice<'e>(
    executor: impl Executor<'e, Database = Any>,
    customer_number: &str,
    invoice_number: &str,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.account_id, a.name, a.preferred_language FROM customer_accounts a
         JOIN invoices i ON i.account_id = a.account_id
         WHERE upper(a.customer_number) = upper($1) AND upper(i.invoice_number) = upper($2)",
    )
    .bind(customer_number)
    .bind(invoice_number)
    .fetch_optional(executor)
    .await
}
