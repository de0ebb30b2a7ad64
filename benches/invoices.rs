//! Invoice documents on SQLite (the embedded default), through the portal's own code paths.
//!
//! Prints:
//! 1. PDF generation per second on one core: layout and writing only (the invoice already read),
//!    and reading plus writing (what a download does), medians of 5 rounds of 200 invoices;
//! 2. the time to build the ZIP of a period with about 250 and with 1,000 invoices (the archive
//!    worker's `build`: read, print, zip, store in chunks), medians of 3 runs, and the process's
//!    peak memory during each build above what it held before (Linux `VmHWM`, reset per run);
//!    the goal is that the peak does not grow with the number of invoices.
//!
//!   cargo bench --features ssr --bench invoices
use std::time::Instant;
use styk::config::{Config, Seller};
use styk::db::{ids::new_id, Db};
use styk::invoices::archive;
use styk::invoices::domain::Period;
use styk::invoices::pdf::invoice_pdf;
use styk::invoices::store::printed_invoice;
use styk::kernel::dates::Date;

const INVOICES: usize = 1_000;
const LINES: usize = 8;
const PDF_ROUND: usize = 200;

/// Kilobytes of a `/proc/self/status` field (`VmRSS`, `VmHWM`).
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// Makes the kernel's peak-RSS mark start again from the current RSS.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn day(n: usize) -> String {
    let date = Date { year: 2025, month: 1, day: 1 };
    let days = date.days_since_epoch() + n as i64;
    styk::ui::format::utc_date(days * 86_400_000)
}

/// One account with `INVOICES` invoices of `LINES` lines each, four a day from 2025-01-01.
async fn seed(db: &Db) -> (String, Vec<String>) {
    let account = new_id();
    let now = 0i64;
    sqlx::query(
        "INSERT INTO customer_accounts (account_id, customer_number, name, tax_id, created_at, updated_at)
         VALUES ($1, '90000001', 'Piekarnia Żytnia Łęczyca sp. z o.o.', 'PL7251234567', $2, $2)",
    )
    .bind(&account)
    .bind(now)
    .execute(&db.pool)
    .await
    .unwrap();
    let mut ids = Vec::with_capacity(INVOICES);
    let mut tx = db.pool.begin().await.unwrap();
    for n in 0..INVOICES {
        let id = new_id();
        let date = day(n / 4);
        let lines: Vec<(i64, i64, i64, i64, i64)> = (0..LINES)
            .map(|line| {
                let quantity = 1 + (n + line) as i64 % 7;
                let price = 1_250 + 317 * line as i64;
                let rate = [2300, 800, 500][line % 3];
                let net = quantity * price;
                (quantity, price, rate, net, styk::kernel::money::vat_of(net, rate))
            })
            .collect();
        let net: i64 = lines.iter().map(|l| l.3).sum();
        let vat: i64 = lines.iter().map(|l| l.4).sum();
        sqlx::query(
            "INSERT INTO invoices (invoice_id, account_id, invoice_number, issue_date, sale_date, due_date, status,
                                   currency, net_minor, vat_minor, gross_minor, paid_minor, buyer_name, buyer_tax_id,
                                   buyer_address, created_at)
             VALUES ($1, $2, $3, $4, $4, $4, 'paid', 'PLN', $5, $6, $7, $7, 'Piekarnia Żytnia Łęczyca sp. z o.o.',
                     'PL7251234567', 'ul. Ogrodowa 5, 99-100 Łęczyca, Polska', 0)",
        )
        .bind(&id)
        .bind(&account)
        .bind(format!("FV/2025/{:06}", n + 1))
        .bind(&date)
        .bind(net)
        .bind(vat)
        .bind(net + vat)
        .execute(&mut *tx)
        .await
        .unwrap();
        for (line, (quantity, price, rate, line_net, line_vat)) in lines.into_iter().enumerate() {
            sqlx::query(
                "INSERT INTO invoice_lines (invoice_line_id, invoice_id, line_no, description, quantity, unit,
                                            unit_price_minor, vat_rate_bp, net_minor, vat_minor, gross_minor)
                 VALUES ($1, $2, $3, $4, $5, 'szt.', $6, $7, $8, $9, $10)",
            )
            .bind(new_id())
            .bind(&id)
            .bind(line as i64 + 1)
            .bind(format!("Mąka żytnia razowa typ 2000, {} kg — partia {}", 5 + line, n * LINES + line))
            .bind(quantity)
            .bind(price)
            .bind(rate)
            .bind(line_net)
            .bind(line_vat)
            .bind(line_net + line_vat)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        ids.push(id);
    }
    tx.commit().await.unwrap();
    (account, ids)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::from_vars([("STYK_DATA_DIR".to_string(), dir.path().display().to_string())]).unwrap();
    let db = Db::connect(&config).await.expect("database");
    db.migrate().await.expect("migrations");
    let started = Instant::now();
    let (account, ids) = seed(&db).await;
    println!("seeded {INVOICES} invoices of {LINES} lines in {:.1} s", started.elapsed().as_secs_f64());
    let seller = Seller::demo();
    let locale = styk::i18n::Locale::pl;

    // 1. PDFs per second.
    let mut loaded = Vec::with_capacity(PDF_ROUND);
    for id in ids.iter().take(PDF_ROUND) {
        loaded.push(printed_invoice(&db, &account, id).await.unwrap());
    }
    let mut render_only = Vec::new();
    let mut read_and_render = Vec::new();
    let mut bytes = 0usize;
    for round in 0..5 {
        let start = Instant::now();
        for invoice in &loaded {
            bytes = invoice_pdf(invoice, &seller, locale).unwrap().len();
        }
        render_only.push(PDF_ROUND as f64 / start.elapsed().as_secs_f64());
        let start = Instant::now();
        for id in ids.iter().skip(round * PDF_ROUND).take(PDF_ROUND) {
            let invoice = printed_invoice(&db, &account, id).await.unwrap();
            std::hint::black_box(invoice_pdf(&invoice, &seller, locale).unwrap());
        }
        read_and_render.push(PDF_ROUND as f64 / start.elapsed().as_secs_f64());
    }
    println!(
        "PDF generation (one core, {LINES}-line invoice of {:.1} kB): {:.0} PDFs/s layout and writing, {:.0} PDFs/s with reading the invoice (medians of 5 rounds of {PDF_ROUND})",
        bytes as f64 / 1024.0,
        median(render_only),
        median(read_and_render)
    );

    // 2. The ZIP of a period, and the memory it takes.
    let first = Date::parse(&day(0)).unwrap();
    for (label, last_day) in [("~250", 62usize), ("1,000", INVOICES / 4 - 1)] {
        let period = Period { from: first, to: Date::parse(&day(last_day)).unwrap() };
        let mut times = Vec::new();
        let mut peaks = Vec::new();
        let mut size = 0i64;
        let mut count = 0i64;
        for _ in 0..3 {
            let archive_id =
                archive::enqueue(&db, &account, None, period, locale, i64::MAX, i64::MAX).await.unwrap().unwrap();
            let holder = new_id();
            assert_eq!(archive::claim(&db, &holder).await.unwrap().as_deref(), Some(archive_id.as_str()));
            reset_peak();
            let before = status_kb("VmRSS:");
            let start = Instant::now();
            archive::build(&db, &seller, &archive_id, &holder).await.unwrap();
            times.push(start.elapsed().as_secs_f64());
            peaks.push(status_kb("VmHWM:").saturating_sub(before) as f64 / 1024.0);
            let (total, bytes): (i64, i64) =
                sqlx::query_as("SELECT total, size_bytes FROM invoice_archives WHERE archive_id = $1")
                    .bind(&archive_id)
                    .fetch_one(&db.pool)
                    .await
                    .unwrap();
            count = total;
            size = bytes;
            sqlx::query("DELETE FROM invoice_archives WHERE archive_id = $1")
                .bind(&archive_id)
                .execute(&db.pool)
                .await
                .unwrap();
        }
        println!(
            "ZIP of {label} invoices ({count} PDFs, {:.1} MB): built in {:.2} s (median of 3, {:.0} invoices/s); peak memory above the start of the build: {:.1} MB (runs: {})",
            size as f64 / 1_048_576.0,
            median(times.clone()),
            count as f64 / median(times),
            median(peaks.clone()),
            peaks.iter().map(|p| format!("{p:.1}")).collect::<Vec<_>>().join(", ")
        );
    }
}
