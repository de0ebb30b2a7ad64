//! A list page's rows fetched as one JSON value that the database builds.
//!
//! Through sqlx's `Any` driver each value of each row is copied three times on its way to the
//! page: by SQLite on its connection's thread (`sqlite3_value_dup`), into an `Any` value on the
//! request's thread, and into the row's own type, and most of those copies are freed on another
//! thread than the one that made them. Aggregated by the database into one JSON array of arrays,
//! a page crosses as one text and is decoded in one pass on the request's thread, with far fewer
//! allocations and less CPU a page.
//!
//! An aggregate takes its rows in no promised order (both databases' manuals say so), and asking
//! for one inside it (`json_group_array(… ORDER BY …)`) made SQLite sort the page a second time,
//! which cost more than the aggregate saved. So the caller, which knows the query's order, puts
//! the few rows back in it. Integers stay integers (a JSON number holds any `i64`, and
//! `serde_json` reads it back exactly), texts are escaped by the database's own JSON functions,
//! and a query without rows gives an empty list.
use crate::config::Backend;
use crate::db::Db;
use serde::de::DeserializeOwned;
use sqlx::any::AnyArguments;
use std::cmp::Ordering;

/// A query whose rows are wanted as values of a type that deserializes from a JSON array of its
/// fields (a tuple of the columns, in their order).
pub struct JsonRows<'q> {
    /// The query, `ORDER BY` and `LIMIT` included.
    pub query: &'q str,
    /// Its result's columns, by name, in the order of the row type's fields.
    pub columns: &'q [&'q str],
}

impl JsonRows<'_> {
    /// The statement that returns the rows as one JSON text.
    pub fn sql(&self, backend: Backend) -> String {
        let (columns, query) = (self.columns.join(", "), self.query);
        match backend {
            Backend::Sqlite => format!("SELECT json_group_array(json_array({columns})) FROM ({query}) AS page"),
            // `json_agg` of no rows is NULL, and the `Any` driver reads no `json` values: text.
            Backend::Postgres => {
                format!("SELECT COALESCE(json_agg(json_build_array({columns})), '[]')::text FROM ({query}) AS page")
            }
        }
    }

    /// Runs the query with `arguments`, decodes its rows and puts them in the query's order, which
    /// `order` must give (a total order, as the query's `ORDER BY` with its tie-breaker is). A row
    /// that does not fit `T` is a decoding error, as a column of the wrong type is for sqlx.
    pub async fn fetch<T: DeserializeOwned>(
        &self,
        db: &Db,
        arguments: AnyArguments<'_>,
        order: impl FnMut(&T, &T) -> Ordering,
    ) -> Result<Vec<T>, sqlx::Error> {
        let sql = self.sql(db.backend);
        let (json,): (String,) = sqlx::query_as_with(&sql, arguments).fetch_one(&db.pool).await?;
        let mut rows: Vec<T> = serde_json::from_str(&json).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
        rows.sort_unstable_by(order);
        Ok(rows)
    }
}
