//! The data layer on both backends: migrations, constraints, write transactions, demo data.
#![cfg(feature = "ssr")]
mod common;

use chrono::NaiveDate;
use common::TestDatabase;
use styk::config::Backend;
use styk::db::Db;
use styk::demo::{self, DemoOptions};

fn small_demo() -> DemoOptions {
    DemoOptions {
        accounts: 6,
        orders_per_account: 8,
        first_account_orders: None,
        seed: 7,
        today: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
    }
}

async fn count(db: &Db, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&db.pool).await.unwrap();
    n
}

on_both_backends! {
    demo_data_is_complete_and_consistent => |backend: Backend| async move {
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        let summary = demo::generate(&db, &small_demo()).await.expect("demo data loads");
        assert_eq!(summary.accounts, 6);
        assert_eq!(summary.orders, 48);
        assert_eq!(count(&db, "customer_accounts").await, 6);
        assert_eq!(count(&db, "orders").await, 48);
        assert_eq!(count(&db, "invoices").await, summary.invoices as i64);
        assert_eq!(count(&db, "staff_users").await, 4);
        assert!(summary.invoices > 30, "most orders are invoiced");

        // The README's personas exist, can sign in (have a hash) and belong where it says.
        let (account_name, role, hash): (String, String, Option<String>) = sqlx::query_as(
            "SELECT a.name, m.role, m.password_hash FROM members m JOIN customer_accounts a ON a.account_id = m.account_id \
             WHERE lower(m.email) = lower($1)",
        )
        .bind("OLA@demo.styk.pl")
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(account_name, "Piekarnia Ola Nowak sp. z o.o.");
        assert_eq!(role, "owner");
        assert!(hash.unwrap().starts_with("$argon2id$"));
        let (staff_role,): (String,) = sqlx::query_as("SELECT role FROM staff_users WHERE email = $1")
            .bind("admin@demo.styk.pl")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(staff_role, "admin");

        // Invoice totals equal the sum of their lines, and gross = net + VAT everywhere.
        let mismatched: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM invoices i WHERE i.gross_minor <> i.net_minor + i.vat_minor \
             OR i.net_minor <> (SELECT SUM(l.net_minor) FROM invoice_lines l WHERE l.invoice_id = i.invoice_id) \
             OR i.vat_minor <> (SELECT SUM(l.vat_minor) FROM invoice_lines l WHERE l.invoice_id = i.invoice_id)",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(mismatched.0, 0);
        // Payments add up to what each invoice records as paid.
        let unpaid_mismatch: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM invoices i WHERE i.paid_minor <> \
             (SELECT COALESCE(SUM(p.amount_minor), 0) FROM payments p WHERE p.invoice_id = i.invoice_id)",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(unpaid_mismatch.0, 0);
        // Every order has a status history ending in its current status.
        let (orphans,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_status_history h \
             WHERE h.order_id = o.order_id AND h.status = o.status)",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(orphans, 0);
        // KSeF numbers only on invoices issued since KSeF became mandatory.
        let (early_ksef,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM invoices WHERE ksef_number IS NOT NULL AND issue_date < '2026-02-01'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(early_ksef, 0);

        // A second load is refused rather than mixed in.
        assert!(matches!(demo::generate(&db, &small_demo()).await, Err(demo::DemoError::NotEmpty)));
        db.pool.close().await;
        database.drop_database().await;
    };

    the_demo_is_reproducible => |backend: Backend| async move {
        let mut snapshots = Vec::new();
        for _ in 0..2 {
            let database = TestDatabase::create(backend).await;
            let db = database.connect().await;
            demo::generate(&db, &small_demo()).await.unwrap();
            let rows: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT a.customer_number, i.invoice_number, i.gross_minor FROM invoices i \
                 JOIN customer_accounts a ON a.account_id = i.account_id ORDER BY i.invoice_number",
            )
            .fetch_all(&db.pool)
            .await
            .unwrap();
            snapshots.push(rows);
            db.pool.close().await;
            database.drop_database().await;
        }
        assert!(!snapshots[0].is_empty());
        assert_eq!(snapshots[0], snapshots[1]);
    };

    emails_are_unique_regardless_of_case => |backend: Backend| async move {
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        demo::generate(&db, &small_demo()).await.unwrap();
        let (account_id,): (String,) =
            sqlx::query_as("SELECT account_id FROM customer_accounts ORDER BY name LIMIT 1").fetch_one(&db.pool).await.unwrap();
        let insert = "INSERT INTO members (member_id, account_id, email, full_name, role, created_at, updated_at) \
                      VALUES ($1, $2, $3, 'X', 'member', 0, 0)";
        let duplicate = sqlx::query(insert)
            .bind(styk::db::ids::new_id())
            .bind(&account_id)
            .bind("Ola@Demo.Styk.PL")
            .execute(&db.pool)
            .await;
        assert!(duplicate.is_err());
        // A role outside the allowed set is refused by the schema too.
        let bad_role = sqlx::query(&insert.replace("'member'", "'superuser'"))
            .bind(styk::db::ids::new_id())
            .bind(&account_id)
            .bind("new@example.com")
            .execute(&db.pool)
            .await;
        assert!(bad_role.is_err());
        db.pool.close().await;
        database.drop_database().await;
    };

    concurrent_write_transactions_all_commit => |backend: Backend| async move {
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        let tasks: Vec<_> = (0..16)
            .map(|n| {
                let db = db.clone();
                tokio::spawn(async move {
                    let mut tx = db.begin_write().await?;
                    // Read, then write, in the same transaction: the pattern that fails with
                    // "database is locked" on SQLite without BEGIN IMMEDIATE.
                    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM products").fetch_one(&mut *tx).await?;
                    sqlx::query(
                        "INSERT INTO products (product_id, sku, name, unit_price_minor, vat_rate_bp, created_at) \
                         VALUES ($1, $2, 'Test', 100, 2300, $3)",
                    )
                    .bind(styk::db::ids::new_id())
                    .bind(format!("SKU-{n}"))
                    .bind(existing)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().expect("every write commits");
        }
        assert_eq!(count(&db, "products").await, 16);
        db.pool.close().await;
        database.drop_database().await;
    };
}

#[tokio::test]
async fn sqlite_connections_are_durable_and_enforce_foreign_keys() {
    let database = TestDatabase::create(Backend::Sqlite).await;
    let db = database.connect().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&mut *conn).await.unwrap();
    let (sync,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(&mut *conn).await.unwrap();
    let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys").fetch_one(&mut *conn).await.unwrap();
    let (busy,): (i64,) = sqlx::query_as("PRAGMA busy_timeout").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(sync, 2, "synchronous = FULL");
    assert_eq!(fk, 1);
    assert!(busy >= 5000);
    let orphan = sqlx::query(
        "INSERT INTO members (member_id, account_id, email, full_name, role, created_at, updated_at) \
         VALUES ('m', 'no-such-account', 'x@example.com', 'X', 'member', 0, 0)",
    )
    .execute(&mut *conn)
    .await;
    assert!(orphan.is_err(), "foreign keys are enforced");
}

on_both_backends! {
    json_rows_come_back_whole_and_in_order => |backend: Backend| async move {
        use styk::db::json_rows::JsonRows;
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        sqlx::query("CREATE TABLE json_rows_probe (id TEXT NOT NULL, label TEXT NOT NULL, amount BIGINT NOT NULL)")
            .execute(&db.pool)
            .await
            .unwrap();
        let rows: Vec<(String, String, i64)> = vec![
            ("a".into(), "quote \" backslash \\ newline \n tab \t end".into(), i64::MAX),
            ("b".into(), "Zażółć gęślą jaźń · Съешь 🍞 </script><b>".into(), i64::MIN),
            ("c".into(), String::new(), -1),
            ("d".into(), "\u{1}\u{1f} control".into(), 0),
        ];
        for (id, label, amount) in &rows {
            sqlx::query("INSERT INTO json_rows_probe (id, label, amount) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(label)
                .bind(amount)
                .execute(&db.pool)
                .await
                .unwrap();
        }
        type Probe = (String, String, i64);
        let query = |sql: &'static str| JsonRows { query: sql, columns: &["id", "label", "amount"] };
        let largest_first = |a: &Probe, b: &Probe| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0));
        let args = || sqlx::any::AnyArguments::default();

        // Every value as it was written, in the order asked, as many as the query's limit lets through.
        let top: Vec<Probe> = query("SELECT id, label, amount FROM json_rows_probe ORDER BY amount DESC, id LIMIT 3")
            .fetch(&db, args(), largest_first)
            .await
            .unwrap();
        assert_eq!(top, vec![rows[0].clone(), rows[3].clone(), rows[2].clone()]);
        let bottom: Vec<Probe> = query("SELECT id, label, amount FROM json_rows_probe ORDER BY amount ASC LIMIT 2")
            .fetch(&db, args(), |a: &Probe, b: &Probe| a.2.cmp(&b.2))
            .await
            .unwrap();
        assert_eq!(bottom, vec![rows[1].clone(), rows[2].clone()]);

        // With arguments, and with no rows at all.
        let mut one = args();
        sqlx::Arguments::add(&mut one, "b").unwrap();
        let found: Vec<Probe> =
            query("SELECT id, label, amount FROM json_rows_probe WHERE id = $1").fetch(&db, one, largest_first).await.unwrap();
        assert_eq!(found, vec![rows[1].clone()]);
        let none: Vec<Probe> = query("SELECT id, label, amount FROM json_rows_probe WHERE amount > 0 AND amount < 0")
            .fetch(&db, args(), largest_first)
            .await
            .unwrap();
        assert!(none.is_empty());

        // A row that does not fit the type is a decoding error, not a panic or a wrong value.
        let wrong = query("SELECT id, label, amount FROM json_rows_probe")
            .fetch::<(i64, String, i64)>(&db, args(), |a, b| a.cmp(b))
            .await;
        assert!(matches!(wrong, Err(sqlx::Error::Decode(_))), "{wrong:?}");

        db.pool.close().await;
        database.drop_database().await;
    };
}
