//! Multi-row inserts for bulk loads (the demo generator writes millions of rows for benchmarks).
use crate::config::Backend;
use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments};

/// One value of a row in a bulk insert.
#[derive(Debug, Clone)]
pub enum Val {
    Text(String),
    /// Our own names (journeys, steps, outcomes): no copy to make.
    Static(&'static str),
    Int(i64),
    NullText,
    NullInt,
}

/// What a failing multi-row insert leaves behind (SQLite; on PostgreSQL a failed statement ends
/// the transaction's usefulness either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnFailure {
    /// The statement undoes its own rows and the transaction goes on, for callers that handle a
    /// failed insert. SQLite keeps a statement journal for it: a copy of every page the statement
    /// changes.
    UndoStatement,
    /// The caller rolls the whole transaction back on any error, so the statement need not undo
    /// itself (`INSERT OR FAIL`, no statement journal): the journal writer's batches.
    RollBackTransaction,
}

/// Both backends cap bound parameters per statement (SQLite at 32,766, PostgreSQL at 65,535).
const MAX_PARAMS: usize = 30_000;

/// Inserts `rows` into `table` in statements of a power of two rows each, as large as the
/// parameter limit allows: 300 rows go in as 256 + 32 + 8 + 4.
///
/// Parsing a multi-row insert costs more than running it (on SQLite about 18,000 instructions a
/// row of 23 values, against 5,000 to insert the row with its indexes). With a statement per
/// batch size, each size was a new text to parse, and the journal's batches come in every size.
/// Powers of two give each table at most a dozen statement texts, which the connection keeps
/// prepared (sqlx's statement cache), so each is parsed once.
///
/// SQLite gets positional `?` placeholders: it resolves each named one (`$17`) by a linear search
/// through the names seen so far, which makes a 30,000-parameter statement quadratic (the demo
/// loader ran at 16 accounts a second with `$N`).
pub async fn insert_rows(
    tx: &mut sqlx::Transaction<'static, Any>,
    backend: Backend,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
) -> Result<(), sqlx::Error> {
    insert_rows_then(tx, backend, table, columns, rows, OnFailure::UndoStatement, "").await
}

fn power_of_two_at_most(n: usize) -> usize {
    debug_assert!(n > 0);
    1 << (usize::BITS - 1 - n.leading_zeros())
}

/// [`insert_rows`] with a clause after the values, e.g. `ON CONFLICT (…) DO UPDATE SET …`.
pub async fn insert_rows_then(
    tx: &mut sqlx::Transaction<'static, Any>,
    backend: Backend,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
    on_failure: OnFailure,
    clause: &str,
) -> Result<(), sqlx::Error> {
    let verb = match (backend, on_failure) {
        (Backend::Sqlite, OnFailure::RollBackTransaction) => "INSERT OR FAIL",
        _ => "INSERT",
    };
    let mut rows = rows.into_iter();
    let mut remaining = rows.len();
    let largest = power_of_two_at_most((MAX_PARAMS / columns.len().max(1)).max(1));
    while remaining > 0 {
        let size = power_of_two_at_most(remaining.min(largest));
        remaining -= size;
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(size).collect();
        let mut sql = format!("{verb} INTO {table} ({}) VALUES ", columns.join(", "));
        let mut args = AnyArguments::default();
        let mut n = 0;
        // Texts are bound as `&str` borrowed from `chunk`, which outlives the statement: a `String`
        // given by value is cloned by sqlx's `Any` encoder (and then copied again by SQLite).
        for (r, row) in chunk.iter().enumerate() {
            debug_assert_eq!(row.len(), columns.len());
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for (c, value) in row.iter().enumerate() {
                n += 1;
                if c > 0 {
                    sql.push_str(", ");
                }
                match backend {
                    Backend::Sqlite => sql.push('?'),
                    Backend::Postgres => {
                        sql.push('$');
                        sql.push_str(&n.to_string());
                    }
                }
                let bound = match value {
                    Val::Text(s) => args.add(s.as_str()),
                    Val::Static(s) => args.add(*s),
                    Val::Int(i) => args.add(*i),
                    Val::NullText => args.add(Option::<String>::None),
                    Val::NullInt => args.add(Option::<i64>::None),
                };
                bound.map_err(sqlx::Error::Encode)?;
            }
            sql.push(')');
        }
        if !clause.is_empty() {
            sql.push(' ');
            sql.push_str(clause);
        }
        sqlx::query_with(&sql, args).execute(&mut **tx).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::power_of_two_at_most;

    #[test]
    fn batches_split_into_powers_of_two() {
        let sizes: Vec<usize> = [1, 2, 3, 300, 1_024, 1_025].into_iter().map(power_of_two_at_most).collect();
        assert_eq!(sizes, vec![1, 2, 2, 256, 1_024, 1_024]);
    }
}
