//! The order history under load, on 100,000-account demo data (SQLite, the embedded default).
//!
//! Prints, for the signed-in history page (25 rows) of an account with 10,000 orders:
//! 1. the SQL statements one page runs (and which);
//! 2. requests per second and p50/p99 latency at 50 concurrent connections, and the same for a
//!    trivial handler in the same server (same layers: session, sign-in, the journal's, which
//!    records no touchpoint for a route outside its catalogue; the handler itself returns a
//!    constant), in alternating rounds, and the ratio of the two; and, for
//!    reference, the same ratio for a page that is only the app's shell (what every page of the app
//!    costs) and for two pages that are leptos alone: the smallest page leptos renders with its
//!    hydration scripts, and the same with 25 rows of the history's table from constants (no
//!    database, no app shell), so a run shows how the history's cost divides;
//! 3. one connection's p50/p99 for deeper views: a page in the middle of the 10,000 orders, the
//!    oldest first, a product search and a status filter.
//! Goals: ratio at least 0.35, p99 at most 50 ms, at most 5 statements.
//!
//! The data is generated once into `target/bench-data/orders-100k` and reused
//! (`STYK_BENCH_REGENERATE=1` makes it again; it takes about 25 minutes on a 2-core machine).
//! `STYK_BENCH_ACCOUNTS=2000` uses fewer accounts (in `target/bench-data/orders-2000`), for a
//! quick look while changing the page; the figures that count are the 100,000 accounts'.
//! `STYK_BENCH_ONLY=history` (or `trivial`, `shell`, `bare`, `rows`) loads only that one for three
//! rounds, for a profiler; `STYK_BENCH_SERVE=1` only serves (address on standard output) until
//! standard input ends, for an instruction counter with the client outside it.
//!
//!   cargo bench --features ssr --bench orders
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use styk::config::Config;
use styk::db::Db;
use styk::demo::{self, DemoOptions};
use styk::server::Server;
use tracing::subscriber::Interest;
use tracing::{Metadata, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

const ACCOUNTS: usize = 100_000;
const ORDERS_PER_ACCOUNT: usize = 24;
const BIG_ACCOUNT_ORDERS: usize = 10_000;
const CONNECTIONS: usize = 50;
const ROUNDS: usize = 3;
const ROUND: Duration = Duration::from_secs(5);
const DEMO_PASSWORD: &str = "Styk-Demo-2026!";

/// Counts the SQL statements sqlx runs while switched on, and keeps their summaries.
#[derive(Clone, Default)]
struct StatementCounter {
    on: Arc<AtomicBool>,
    count: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<String>>>,
}

impl<S: Subscriber> Layer<S> for StatementCounter {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if metadata.target() == "sqlx::query" {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.target() == "sqlx::query" && self.on.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        struct Summary(String);
        impl tracing::field::Visit for Summary {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "summary" {
                    self.0 = format!("{value:?}");
                }
            }
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                if field.name() == "summary" {
                    self.0 = value.to_string();
                }
            }
        }
        let mut summary = Summary(String::new());
        event.record(&mut summary);
        self.count.fetch_add(1, Ordering::Relaxed);
        self.seen.lock().unwrap().push(summary.0);
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

struct Round {
    per_second: f64,
    latencies_ms: Vec<f64>,
}

/// `CONNECTIONS` clients requesting `url` for one round.
async fn round(client: &reqwest::Client, url: &str) -> Round {
    let deadline = Instant::now() + ROUND;
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (client, url) = (client.clone(), url.to_string());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let started = Instant::now();
                    let response = client.get(&url).send().await.unwrap();
                    assert_eq!(response.status(), reqwest::StatusCode::OK, "{url}");
                    let _ = response.bytes().await.unwrap();
                    latencies.push(started.elapsed().as_secs_f64() * 1000.0);
                }
                latencies
            })
        })
        .collect();
    let mut latencies_ms = Vec::new();
    for task in tasks {
        latencies_ms.extend(task.await.unwrap());
    }
    latencies_ms.sort_by(|a, b| a.total_cmp(b));
    Round { per_second: latencies_ms.len() as f64 / ROUND.as_secs_f64(), latencies_ms }
}

/// One connection's latencies for `url`, `n` requests.
async fn sequential(client: &reqwest::Client, url: &str, n: usize) -> (f64, f64) {
    let mut latencies = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        let response = client.get(url).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "{url}");
        let body = response.text().await.unwrap();
        assert!(body.contains("table--orders"), "{url} lists orders");
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    (percentile(&latencies, 0.5), percentile(&latencies, 0.99))
}

async fn prepare_data(dir: &std::path::Path, accounts: usize) -> Config {
    // The pool's size can be tried from the environment, as the server reads it.
    let pool_size = std::env::var("STYK_DB_MAX_CONNECTIONS").ok().map(|n| ("STYK_DB_MAX_CONNECTIONS".to_string(), n));
    let config = Config::from_vars(
        [
            ("STYK_DATA_DIR".to_string(), dir.display().to_string()),
            ("STYK_ADDR".to_string(), "127.0.0.1:0".to_string()),
            ("STYK_LOG".to_string(), "error".to_string()),
        ]
        .into_iter()
        .chain(pool_size),
    )
    .expect("configuration");
    let ready = dir.join("ready");
    if ready.exists() && std::env::var("STYK_BENCH_REGENERATE").is_err() {
        println!("data: reusing {}", dir.display());
        forget_statistics(&config).await;
        return config;
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let db = Db::connect(&config).await.expect("database");
    db.migrate().await.expect("migrations");
    let started = Instant::now();
    let summary = demo::generate(
        &db,
        &DemoOptions {
            accounts,
            orders_per_account: ORDERS_PER_ACCOUNT,
            first_account_orders: Some(BIG_ACCOUNT_ORDERS),
            seed: 2026,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        },
    )
    .await
    .expect("demo data");
    db.pool.close().await;
    println!(
        "data: generated {} accounts, {} orders, {} invoices in {:.0} s",
        summary.accounts,
        summary.orders,
        summary.invoices,
        started.elapsed().as_secs_f64()
    );
    std::fs::write(&ready, "").unwrap();
    config
}

/// The portal never runs ANALYZE, so the benchmark's data has no planner statistics either
/// (data sets made by earlier versions of this benchmark had them). With the bundled SQLite's
/// STAT4 samples, SQLite plans again, on every execution, each statement whose parameters meet an
/// indexed column (5 % of the CPU here); every query's plan is the same without them.
async fn forget_statistics(config: &Config) {
    let db = Db::connect(config).await.expect("database");
    for table in ["sqlite_stat1", "sqlite_stat4"] {
        sqlx::query(&format!("DROP TABLE IF EXISTS {table}")).execute(&db.pool).await.unwrap();
    }
    db.pool.close().await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    println!("orders benchmark, {} build", if cfg!(debug_assertions) { "debug" } else { "release" });
    let counter = StatementCounter::default();
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(counter.clone())).unwrap();

    let accounts = std::env::var("STYK_BENCH_ACCOUNTS").ok().and_then(|n| n.parse().ok()).unwrap_or(ACCOUNTS);
    let name = if accounts == ACCOUNTS { "orders-100k".to_string() } else { format!("orders-{accounts}") };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data").join(name);
    let config = prepare_data(&dir, accounts).await;
    let reference = axum::Router::new()
        .route("/bench/trivial", axum::routing::get(|| async { "ok" }))
        .merge(leptos_alone::routes(&config));
    let server = Server::build_with_routes(config, reference).await.expect("server starts");
    let address = format!("http://{}", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run_until(async move {
        let _ = stopped.await;
    }));

    // For an instruction counter: serve until standard input ends, and let an outside client
    // (which the counter does not count) drive the pages.
    if std::env::var("STYK_BENCH_SERVE").is_ok() {
        println!("serving {address}");
        let _ = tokio::task::spawn_blocking(|| std::io::copy(&mut std::io::stdin(), &mut std::io::sink())).await;
        let _ = stop.send(());
        let _ = running.await;
        return;
    }

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .unwrap();
    let signed_in = client
        .post(format!("{address}/sign-in"))
        .header("Origin", &address)
        .form(&[("email", "ola@demo.styk.pl"), ("password", DEMO_PASSWORD), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), reqwest::StatusCode::SEE_OTHER, "signed in");
    let history = format!("{address}/orders");
    let trivial = format!("{address}/bench/trivial");
    let shell = format!("{address}/complaints");
    let bare = format!("{address}{}", leptos_alone::BARE);
    let rows_alone = format!("{address}{}", leptos_alone::ROWS);
    let first_page = client.get(&history).send().await.unwrap().text().await.unwrap();
    let rows = first_page.matches("<tr><th scope=\"row\"><a href=\"/orders/").count();
    assert_eq!(rows, 25, "the page shows 25 orders");

    // 1. Statements per page: the fewest seen over a few quiet requests (the journal's writer
    //    and the WAL checkpoints run beside them and can only add).
    let mut fewest: Option<Vec<String>> = None;
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        counter.seen.lock().unwrap().clear();
        counter.on.store(true, Ordering::SeqCst);
        let _ = client.get(&history).send().await.unwrap().text().await.unwrap();
        counter.on.store(false, Ordering::SeqCst);
        let seen = counter.seen.lock().unwrap().clone();
        if fewest.as_ref().is_none_or(|f| seen.len() < f.len()) {
            fewest = Some(seen);
        }
    }
    let statements = fewest.unwrap_or_default();
    println!("SQL statements per history page: {}", statements.len());
    for statement in &statements {
        println!("  {statement}");
    }

    // For a profiler: load only one of the two, then stop.
    if let Ok(only) = std::env::var("STYK_BENCH_ONLY") {
        let url = match only.as_str() {
            "trivial" => &trivial,
            "shell" => &shell,
            "bare" => &bare,
            "rows" => &rows_alone,
            _ => &history,
        };
        for _ in 0..ROUNDS {
            let loaded = round(&client, url).await;
            println!("  {only}: {:.0} req/s, p99 {:.1} ms", loaded.per_second, percentile(&loaded.latencies_ms, 0.99));
        }
        let _ = stop.send(());
        let _ = running.await;
        return;
    }

    // 2. Throughput and latency, alternating with the trivial handler. For reference, beside
    //    them: a page with nothing but the app's shell (the complaints placeholder: layout,
    //    navigation, i18n, router, hydration), and leptos alone, without and with the history's
    //    25 rows (see `leptos_alone`).
    let pages = [
        ("history", &history),
        ("trivial", &trivial),
        ("shell page", &shell),
        ("leptos alone", &bare),
        ("leptos alone with 25 rows", &rows_alone),
    ];
    for (_, url) in pages {
        round(&client, url).await;
    }
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); pages.len()];
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); pages.len()];
    let mut page_latencies = Vec::new();
    for n in 0..ROUNDS {
        // Rotate which goes first, so drift affects all alike.
        let mut loaded: Vec<Option<Round>> = (0..pages.len()).map(|_| None).collect();
        for k in 0..pages.len() {
            let which = (n + k) % pages.len();
            loaded[which] = Some(round(&client, pages[which].1).await);
        }
        let loaded: Vec<Round> = loaded.into_iter().map(|l| l.expect("every page was loaded")).collect();
        let (page, plain) = (&loaded[0], &loaded[1]);
        let references: Vec<String> = pages
            .iter()
            .zip(&loaded)
            .skip(2)
            .map(|((name, _), r)| {
                format!("{name} {:.0} req/s, ratio {:.3}", r.per_second, r.per_second / plain.per_second)
            })
            .collect();
        println!(
            "  round {}: history {:.0} req/s (p50 {:.1} ms, p99 {:.1} ms), trivial {:.0} req/s (p50 {:.1} ms, p99 {:.1} ms), ratio {:.3}; {}",
            n + 1,
            page.per_second,
            percentile(&page.latencies_ms, 0.5),
            percentile(&page.latencies_ms, 0.99),
            plain.per_second,
            percentile(&plain.latencies_ms, 0.5),
            percentile(&plain.latencies_ms, 0.99),
            page.per_second / plain.per_second,
            references.join("; ")
        );
        for (k, r) in loaded.iter().enumerate() {
            rates[k].push(r.per_second);
            ratios[k].push(r.per_second / plain.per_second);
        }
        page_latencies.extend(loaded[0].latencies_ms.iter().copied());
    }
    page_latencies.sort_by(|a, b| a.total_cmp(b));
    println!(
        "history page, {CONNECTIONS} connections, {ROUNDS} rounds of {} s: median {:.0} req/s, p50 {:.1} ms, p99 {:.1} ms; trivial handler median {:.0} req/s; ratio (median of rounds) {:.3}",
        ROUND.as_secs(),
        median(&mut rates[0]),
        percentile(&page_latencies, 0.5),
        percentile(&page_latencies, 0.99),
        median(&mut rates[1]),
        median(&mut ratios[0])
    );
    for (k, (name, _)) in pages.iter().enumerate().skip(2) {
        println!(
            "for reference, {name}: median {:.0} req/s; to the trivial handler, ratio (median of rounds) {:.3}",
            median(&mut rates[k]),
            median(&mut ratios[k])
        );
    }

    // 3. Deeper views, one connection.
    let (middle_key, middle_id): (i64, String) = sqlx::query_as(
        "SELECT o.placed_at, o.order_id FROM orders o JOIN members m ON m.account_id = o.account_id
         WHERE m.email = 'ola@demo.styk.pl' ORDER BY o.placed_at DESC, o.order_id DESC LIMIT 1 OFFSET 5000",
    )
    .fetch_one(&connect_again(&dir).await.pool)
    .await
    .unwrap();
    for (label, query) in [
        ("first page", String::new()),
        ("page after 5,000 orders", format!("?after={middle_key}.{middle_id}")),
        ("oldest first", "?sort=oldest".to_string()),
        ("largest first", "?sort=largest".to_string()),
        ("search a product (10,000 orders)", "?q=m%C4%85ka".to_string()),
        ("status delivered", "?status=delivered".to_string()),
    ] {
        let (p50, p99) = sequential(&client, &format!("{history}{query}"), 200).await;
        println!("  1 connection, {label}: p50 {p50:.1} ms, p99 {p99:.1} ms");
    }

    let _ = stop.send(());
    let _ = running.await;
}

async fn connect_again(dir: &std::path::Path) -> Db {
    let config = Config::from_vars([("STYK_DATA_DIR".to_string(), dir.display().to_string())]).unwrap();
    Db::connect(&config).await.unwrap()
}

/// Two pages of leptos alone, references for the history page: the smallest page leptos renders
/// the way it renders the history (awaited whole, with its hydration scripts), and the same page
/// with 25 rows of the history's table made from constants. Neither reads the database, renders
/// the app's shell (layout, navigation, router, i18n), carries hydration data or records a
/// touchpoint (as the trivial handler, they are not in the journal's catalogue); both pass the
/// same layers as every route (sessions, sign-in, security headers). The difference to the
/// history is what the app itself adds.
mod leptos_alone {
    use axum::extract::Request;
    use axum::response::IntoResponse;
    use leptos::prelude::*;
    use styk::config::Config;
    use styk::i18n::Locale;
    use styk::ui::format::{money, utc_date};
    use styk::web::AppState;

    pub const BARE: &str = "/bench/leptos";
    pub const ROWS: &str = "/bench/leptos-rows";

    pub fn routes(config: &Config) -> axum::Router<AppState> {
        let options = LeptosOptions::builder()
            .output_name("styk")
            .site_root(config.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .build();
        let bare = options.clone();
        axum::Router::new()
            .route(BARE, axum::routing::get(move |request: Request| page(bare.clone(), request, || "ok")))
            .route(ROWS, axum::routing::get(move |request: Request| page(options.clone(), request, rows)))
    }

    async fn page<V: IntoView + 'static>(
        options: LeptosOptions,
        request: Request,
        body: fn() -> V,
    ) -> axum::response::Response {
        let render = leptos_axum::render_app_async(move || {
            let options = options.clone();
            view! {
                <!DOCTYPE html>
                <html lang="en">
                    <head>
                        <meta charset="utf-8" />
                        <HydrationScripts options />
                    </head>
                    <body>{body()}</body>
                </html>
            }
        });
        render(request).await.into_response()
    }

    /// The history's table markup, with its formatting of dates and amounts.
    fn rows() -> impl IntoView {
        let placed_at = 1_795_132_800_000; // 2026-11-20
        view! {
            <table class="table table--orders">
                <tbody>
                    {(0..25_i64)
                        .map(|i| {
                            let order_id = format!("k2j3h4k5j6h7m8n{i:02}");
                            let more = i % 3;
                            view! {
                                <tr>
                                    <th scope="row"><a href=["/orders/", order_id.as_str()].concat()>{format!("ZAM/2026/{i:05}")}</a></th>
                                    <td>{utc_date(placed_at - i * 86_400_000)}</td>
                                    <td>
                                        {"Mąka pszenna typ 650, 1 kg".to_string()}
                                        {(more > 0).then(|| view! { <span class="muted">" +" {more}</span> })}
                                    </td>
                                    <td><span class=["badge badge--", "delivered"].concat()>{"Delivered"}</span></td>
                                    <td class="num">{money(Locale::en, 123_456 + i, "PLN")}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
    }
}
