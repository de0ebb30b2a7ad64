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

/// Inserts `rows` into `table` in as few statements as the parameter limit allows.
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
    let per_statement = (MAX_PARAMS / columns.len().max(1)).max(1);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_statement).collect();
        let mut sql = format!("{verb} INTO {table} ({}) VALUES ", columns.join(", "));
        let mut args = AnyArguments::default();
        let mut n = 0;
        for (r, row) in chunk.into_iter().enumerate() {
            debug_assert_eq!(row.len(), columns.len());
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for (c, value) in row.into_iter().enumerate() {
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
                    Val::Text(s) => args.add(s),
                    Val::Static(s) => args.add(s),
                    Val::Int(i) => args.add(i),
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
