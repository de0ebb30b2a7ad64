//! What the touchpoint journal costs.
//!
//! 1. Sustained ingest: touchpoints recorded as fast as one producer can, through the real
//!    recorder and writer (the default queue of 65,536, batches of up to half of it, one
//!    transaction per batch with the rollups and the visits' recent steps for retries), into a
//!    SQLite file; and into PostgreSQL when `STYK_TEST_DATABASE_URL` names one. Goal on SQLite:
//!    at least 50,000 a second.
//! 2. Page cost: the signed-in account page served by two servers in this process, one with the
//!    journal on and one with it off (`STYK_TOUCHPOINTS=0`), loaded in alternating short rounds.
//!    Each round measures requests per second and the servers' CPU time per request: the whole
//!    process's CPU time (`getrusage`) less that of the load generator's own threads. On a shared
//!    machine the throughput of one round swings by a third with what else runs, while the CPU
//!    time a request costs does not; a server that uses all its cores serves cores / (CPU time
//!    per request) requests a second, so the CPU ratio is the throughput ratio without that noise.
//!    Both are reported as the median of the rounds' on/off ratios. Goal: at most 3 % slower
//!    with the journal on.
//!
//!   cargo bench --features ssr --bench journal            # both
//!   cargo bench --features ssr --bench journal -- ingest  # or only one: ingest, pages
use std::time::{Duration, Instant};
use styk::config::Config;
use styk::db::Db;
use styk::server::Server;
use styk::touchpoints::catalogue::all_steps;
use styk::touchpoints::model::{Channel, Outcome, Signals};
use styk::touchpoints::pseudonym::Pseudonyms;
use styk::touchpoints::recorder::{Recorder, Touchpoint};

/// Rounds by default; `STYK_BENCH_INGEST_ROUNDS` asks for more, to see whether the rate holds as
/// the file grows (each round adds 200,000 rows).
const INGEST_ROUNDS: usize = 3;
/// The server's default queue (`STYK_TOUCHPOINT_QUEUE`).
const QUEUE: usize = 65_536;
const INGEST_PER_ROUND: usize = 200_000;
const PAGE_ROUNDS: usize = 24;
const PAGE_ROUND: Duration = Duration::from_millis(1_500);
/// After each round, before the CPU time is read: longer than the journal writer's batch interval
/// (200 ms), so the touchpoints of a round are written, and paid for, within it.
const PAGE_SETTLE: Duration = Duration::from_millis(300);
/// The load generator's threads, told apart by name so their CPU time can be left out.
const CLIENT_THREAD: &str = "bench-client";
const CONNECTIONS: usize = 8;
const DEMO_PASSWORD: &str = "Styk-Demo-2026!";

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn sample(steps: &[&'static styk::touchpoints::catalogue::RouteStep], i: usize) -> Touchpoint {
    let step = steps[i % steps.len()];
    Touchpoint {
        account_id: Some(format!("account{:05}", i % 3_000)),
        member_id: Some(format!("member{:06}", i % 10_000)),
        session_ref: Some(format!("session{:06}", i % 10_000)),
        visit_ref: Some(format!("visit{:07}", i % 10_000)),
        locale: ["pl", "en", "ru"][i % 3],
        channel: Channel::Web,
        journey: step.journey.as_str(),
        step: step.step.as_str(),
        route: step.pattern().into(),
        outcome: if i % 11 == 0 { Outcome::Invalid } else { Outcome::Ok },
        duration_ms: (i % 900) as u32,
        signals: if i % 11 == 0 { Signals::VALIDATION_ERROR } else { Signals::default() },
        ..Touchpoint::default()
    }
}

async fn ingest(label: &str, db: Db) {
    let (recorder, writer) = Recorder::new(db.clone(), QUEUE, styk::server::touchpoint_batch(QUEUE));
    // As the server runs it: every row carries its customer's pseudonym (and its index).
    let writer = writer.with_pseudonyms(Pseudonyms::from_key(b"benchmark key of thirty-two chars or more"));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(writer.run(stopped));
    let mut rates = Vec::new();
    let mut written_before = 0;
    let steps: Vec<_> = all_steps().collect();
    let rounds = std::env::var("STYK_BENCH_INGEST_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(INGEST_ROUNDS);
    for round in 0..rounds {
        let started = Instant::now();
        let mut waits = 0u64;
        for i in 0..INGEST_PER_ROUND {
            let mut touchpoint = sample(&steps, round * INGEST_PER_ROUND + i);
            // A benchmark producer waits for room instead of dropping, so that every touchpoint
            // is written and the rate is the writer's.
            loop {
                if recorder.record(touchpoint.clone()) {
                    break;
                }
                waits += 1;
                tokio::time::sleep(Duration::from_micros(200)).await;
                touchpoint.occurred_at = styk::db::now_ms();
            }
        }
        while recorder.stats().written < written_before + INGEST_PER_ROUND as u64 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        written_before += INGEST_PER_ROUND as u64;
        let seconds = started.elapsed().as_secs_f64();
        let rate = INGEST_PER_ROUND as f64 / seconds;
        println!("  {label} round {}: {INGEST_PER_ROUND} touchpoints in {seconds:.2} s = {rate:.0}/s (producer waited {waits}×)", round + 1);
        rates.push(rate);
    }
    let _ = stop.send(true);
    let _ = running.await;
    let stats = recorder.stats();
    assert_eq!(stats.failed, 0, "no batch failed");
    let median = median(&mut rates);
    // (`dropped` counts the producer's attempts on a full queue, each retried until accepted.)
    println!("ingest {label}: median {median:.0} touchpoints/s over {rounds} rounds of {INGEST_PER_ROUND} (written {}, failed {})", stats.written, stats.failed);
}

async fn start(
    data_dir: &std::path::Path,
    journal: bool,
) -> (String, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<std::io::Result<()>>) {
    let vars = [
        ("STYK_ADDR", "127.0.0.1:0".to_string()),
        ("STYK_DATA_DIR", data_dir.display().to_string()),
        ("STYK_DEMO", "1".to_string()),
        ("STYK_LOG", "error".to_string()),
        ("STYK_TOUCHPOINTS", if journal { "1" } else { "0" }.to_string()),
    ];
    let config = Config::from_vars(vars.into_iter().map(|(k, v)| (k.to_string(), v))).expect("configuration");
    let server = Server::build(config).await.expect("server starts");
    let address = format!("http://{}", server.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run_until(async move {
        let _ = stopped.await;
    }));
    (address, stop, running)
}

async fn signed_in_client(address: &str) -> reqwest::Client {
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = client
        .post(format!("{address}/sign-in"))
        .header("Origin", address)
        .form(&[("email", "ola@demo.styk.pl"), ("password", DEMO_PASSWORD), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER, "signed in");
    client
}

/// Requests for the account page over one round, from `CONNECTIONS` clients.
async fn load(client: &reqwest::Client, url: &str) -> u64 {
    let deadline = Instant::now() + PAGE_ROUND;
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (client, url) = (client.clone(), url.to_string());
            tokio::spawn(async move {
                let mut done = 0u64;
                while Instant::now() < deadline {
                    let response = client.get(&url).send().await.unwrap();
                    assert_eq!(response.status(), reqwest::StatusCode::OK);
                    let _ = response.bytes().await.unwrap();
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    total
}

/// CPU time this process has used, every thread it ever ran included, in nanoseconds.
fn process_cpu_ns() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()), 0);
        usage.assume_init()
    };
    let ns = |t: libc::timeval| t.tv_sec as u64 * 1_000_000_000 + t.tv_usec as u64 * 1_000;
    ns(usage.ru_utime) + ns(usage.ru_stime)
}

/// CPU time of the load generator's threads (which live as long as the process), in nanoseconds.
fn client_cpu_ns() -> u64 {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").expect("/proc/self/task").flatten() {
        let name = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
        if name.starts_with(CLIENT_THREAD) {
            let stat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
            total += stat.split_whitespace().next().and_then(|ns| ns.parse::<u64>().ok()).unwrap_or(0);
        }
    }
    total
}

/// One round against one server.
struct PageRound {
    per_second: f64,
    /// The servers' CPU time per request, in microseconds.
    server_cpu_us: f64,
}

/// Loads `url` for one round on the client runtime and measures what the servers spent on it.
async fn page_round(clients: &tokio::runtime::Handle, client: &reqwest::Client, url: &str) -> PageRound {
    let (process, client_cpu) = (process_cpu_ns(), client_cpu_ns());
    let started = Instant::now();
    let (client, url) = (client.clone(), url.to_string());
    let requests = clients.spawn(async move { load(&client, &url).await }).await.unwrap();
    let seconds = started.elapsed().as_secs_f64();
    tokio::time::sleep(PAGE_SETTLE).await;
    let server_ns = (process_cpu_ns() - process).saturating_sub(client_cpu_ns() - client_cpu);
    PageRound { per_second: requests as f64 / seconds, server_cpu_us: server_ns as f64 / 1_000.0 / requests as f64 }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    println!("journal benchmark, {} build", if cfg!(debug_assertions) { "debug" } else { "release" });

    let only: Vec<String> = std::env::args().skip(1).filter(|a| a == "ingest" || a == "pages").collect();
    let runs = |part: &str| only.is_empty() || only.iter().any(|o| o == part);
    let dir = tempfile::tempdir().expect("temp dir");
    if runs("ingest") {
        ingest_all(&dir).await;
    }
    if runs("pages") {
        pages().await;
    }
}

/// Migrates the database `config` names, then ingests through the writer's own connection, as
/// the server opens it.
async fn ingest_into(label: &str, config: &Config) {
    // The portal's pool stays open, as in the server (on SQLite it runs the WAL checkpoints).
    let portal = Db::connect(config).await.expect(label);
    portal.migrate().await.unwrap();
    let journal = Db::connect_journal(&config.database_url).await.expect(label);
    ingest(label, journal.clone()).await;
    journal.pool.close().await;
    portal.pool.close().await;
}

async fn ingest_all(dir: &tempfile::TempDir) {
    let data_dir = ("STYK_DATA_DIR".to_string(), dir.path().display().to_string());
    ingest_into("SQLite", &Config::from_vars([data_dir.clone()]).unwrap()).await;
    let Ok(url) = std::env::var("STYK_TEST_DATABASE_URL") else { return };
    let Ok(admin) = sqlx::any::AnyPoolOptions::new().max_connections(1).connect(&url).await else { return };
    let name = format!("styk_bench_{}", std::process::id());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
    let database = ("STYK_DATABASE_URL".to_string(), format!("{base}/{name}"));
    ingest_into("PostgreSQL", &Config::from_vars([data_dir, database]).unwrap()).await;
    sqlx::query(&format!("DROP DATABASE {name}")).execute(&admin).await.unwrap();
}

async fn pages() {
    // The load generator runs on its own runtime, so its threads can be told apart.
    let clients = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(CLIENT_THREAD)
        .enable_all()
        .build()
        .expect("client runtime");
    let (on_dir, off_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (on_address, on_stop, on_running) = start(on_dir.path(), true).await;
    let (off_address, off_stop, off_running) = start(off_dir.path(), false).await;
    // Signed in from the client runtime: a connection's task stays on the runtime that opened it.
    let sign_in = |address: String| clients.spawn(async move { signed_in_client(&address).await });
    let on_client = sign_in(on_address.clone()).await.unwrap();
    let off_client = sign_in(off_address.clone()).await.unwrap();
    let (on_url, off_url) = (format!("{on_address}/account"), format!("{off_address}/account"));
    let handle = clients.handle().clone();
    // Warm both up (connections, caches, the first render).
    page_round(&handle, &on_client, &on_url).await;
    page_round(&handle, &off_client, &off_url).await;
    let mut rounds = Vec::with_capacity(PAGE_ROUNDS);
    for round in 0..PAGE_ROUNDS {
        // Alternate which goes first, so drift affects both alike.
        let (on, off) = if round % 2 == 0 {
            let on = page_round(&handle, &on_client, &on_url).await;
            (on, page_round(&handle, &off_client, &off_url).await)
        } else {
            let off = page_round(&handle, &off_client, &off_url).await;
            (page_round(&handle, &on_client, &on_url).await, off)
        };
        println!(
            "  round {:2}: on {:5.0} req/s {:6.0} µs CPU/request, off {:5.0} req/s {:6.0} µs CPU/request",
            round + 1,
            on.per_second,
            on.server_cpu_us,
            off.per_second,
            off.server_cpu_us
        );
        rounds.push((on, off));
    }
    let median_of =
        |figure: fn(&(PageRound, PageRound)) -> f64| median(&mut rounds.iter().map(figure).collect::<Vec<_>>());
    let throughput = median_of(|(on, off)| on.per_second / off.per_second);
    let cpu = median_of(|(on, off)| on.server_cpu_us / off.server_cpu_us);
    println!(
        "account page, {CONNECTIONS} connections, {PAGE_ROUNDS} rounds of {:.1} s each way: journal on {:.0} req/s, off {:.0} req/s (median of rounds' on/off {:.3}, {:+.1} %)",
        PAGE_ROUND.as_secs_f64(),
        median_of(|(on, _)| on.per_second),
        median_of(|(_, off)| off.per_second),
        throughput,
        (throughput - 1.0) * 100.0
    );
    println!(
        "server CPU per request: journal on {:.0} µs, off {:.0} µs (median of rounds' on/off {:.3}, {:+.1} % CPU, so {:+.1} % throughput when the cores are the limit)",
        median_of(|(on, _)| on.server_cpu_us),
        median_of(|(_, off)| off.server_cpu_us),
        cpu,
        (cpu - 1.0) * 100.0,
        (1.0 / cpu - 1.0) * 100.0
    );
    let _ = on_stop.send(());
    let _ = off_stop.send(());
    let _ = on_running.await;
    let _ = off_running.await;
    clients.shutdown_background();
}
