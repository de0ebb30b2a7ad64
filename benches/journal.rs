//! What the touchpoint journal costs.
//!
//! 1. Sustained ingest: touchpoints recorded as fast as one producer can, through the real
//!    recorder and writer (the default queue of 65,536, batches of up to half of it, one
//!    transaction per batch with the rollups and the visits' recent steps for retries), into a
//!    SQLite file; and into PostgreSQL when `STYK_TEST_DATABASE_URL` names one. Goal on SQLite:
//!    at least 50,000 a second.
//! 2. Page cost: the signed-in account page served by two server processes (this binary, run
//!    again), one with the journal on and one with it off (`STYK_TOUCHPOINTS=0`), both loaded at
//!    the same time in short rounds. Each round measures each server's requests per second and
//!    its CPU time per request (the process's own CPU time, every thread included, which it
//!    reports through a pipe). On a shared machine one round's throughput swings by a third, and
//!    the CPU time a request costs by up to 15 % with what else runs; loaded at once, both servers
//!    see the same machine, so the ratio of the two keeps little of that. A server that uses all
//!    its cores serves cores / (CPU time per request) requests a second, so the CPU ratio is the
//!    throughput ratio. Both are reported as the median of the rounds' on/off ratios. The journal's
//!    cost differs from one pair of server processes to the next, so the rounds come from three
//!    pairs started one after the other (eight rounds each, every other pair in swapped order),
//!    and each pair's median is printed too. Goal: at most 3 % slower with the journal on. `STYK_BENCH_AA=1` runs both servers with the journal
//!    off, to show the method's own error.
//!
//!   cargo bench --features ssr --bench journal            # both
//!   cargo bench --features ssr --bench journal -- ingest  # or only one: ingest, pages
use std::time::{Duration, Instant};
use styk::config::Config;
use styk::db::Db;
use styk::server::Server;
use styk::touchpoints::model::{Channel, Outcome, Signals};
use styk::touchpoints::pseudonym::Pseudonyms;
use styk::touchpoints::recorder::{Recorder, Touchpoint};

/// Rounds by default; `STYK_BENCH_INGEST_ROUNDS` asks for more, to see whether the rate holds as
/// the file grows (each round adds 200,000 rows).
const INGEST_ROUNDS: usize = 3;
/// The server's default queue (`STYK_TOUCHPOINT_QUEUE`).
const QUEUE: usize = 65_536;
const INGEST_PER_ROUND: usize = 200_000;
/// Server pairs started one after the other (`STYK_BENCH_PAIRS` asks for more), and rounds
/// measured on each: the journal's cost differs from one pair of processes to the next more than
/// the method's error (the A/A check), so one command measures several pairs.
const PAGE_PAIRS: usize = 3;
const PAGE_ROUNDS_PER_PAIR: usize = 8;
const PAGE_ROUND: Duration = Duration::from_millis(1_500);
/// After each round, before the CPU time is read: longer than the journal writer's batch interval
/// (1 s), so the touchpoints of a round are written, and paid for, within it.
const PAGE_SETTLE: Duration = Duration::from_millis(1_200);
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
    let steps: Vec<_> = styk::server::steps::catalogue().steps().collect();
    let rounds = std::env::var("STYK_BENCH_INGEST_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(INGEST_ROUNDS);
    // One producer for all rounds and one round more: the rounds measure the writer while the
    // queue stays full, not the wait for a last batch that is not full (the writer lingers for a
    // second before writing one).
    let producer = tokio::spawn({
        let recorder = recorder.clone();
        async move {
            let mut waits = 0u64;
            for i in 0..(rounds + 1) * INGEST_PER_ROUND {
                let mut touchpoint = sample(&steps, i);
                // A benchmark producer waits for room instead of dropping, so that every
                // touchpoint is written and the rate is the writer's.
                loop {
                    if recorder.record(touchpoint.clone()) {
                        break;
                    }
                    waits += 1;
                    tokio::time::sleep(Duration::from_micros(200)).await;
                    touchpoint.occurred_at = styk::db::now_ms();
                }
            }
            waits
        }
    });
    let mut rates = Vec::new();
    for round in 0..rounds {
        let started = Instant::now();
        let target = ((round + 1) * INGEST_PER_ROUND) as u64;
        while recorder.stats().written < target {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let seconds = started.elapsed().as_secs_f64();
        let rate = INGEST_PER_ROUND as f64 / seconds;
        println!(
            "  {label} round {}: {INGEST_PER_ROUND} touchpoints written in {seconds:.2} s = {rate:.0}/s",
            round + 1
        );
        rates.push(rate);
    }
    let waits = producer.await.expect("producer");
    println!("  {label}: the producer found the queue full {waits} times");
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

/// Set in the environment of the two server processes the page benchmark starts: `on` or `off`.
const SERVE: &str = "STYK_BENCH_SERVE";

/// A server process (this binary, run with `SERVE`): it prints its address, then answers each
/// line on its standard input with its own CPU time in nanoseconds, and stops at end of input.
async fn serve(journal: bool) {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (address, stop, running) = start(data_dir.path(), journal).await;
    println!("{address}");
    let lines = tokio::task::spawn_blocking(|| {
        use std::io::{BufRead, Write};
        for _ in std::io::stdin().lock().lines().map_while(Result::ok) {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", process_cpu_ns());
            let _ = out.flush();
        }
    });
    let _ = lines.await;
    let _ = stop.send(());
    let _ = running.await;
}

/// The parent's handle on one server process.
struct ServerProcess {
    child: std::process::Child,
    input: std::process::ChildStdin,
    output: std::io::BufReader<std::process::ChildStdout>,
    address: String,
}

impl ServerProcess {
    fn start(journal: bool) -> ServerProcess {
        use std::io::BufRead;
        let mut child = std::process::Command::new(std::env::current_exe().expect("this benchmark"))
            .env(SERVE, if journal { "on" } else { "off" })
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("server process");
        let input = child.stdin.take().unwrap();
        let mut output = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut address = String::new();
        output.read_line(&mut address).expect("server address");
        ServerProcess { child, input, output, address: address.trim().to_string() }
    }

    /// The server process's CPU time so far, every thread included, in nanoseconds.
    fn cpu_ns(&mut self) -> u64 {
        use std::io::{BufRead, Write};
        writeln!(self.input, "cpu").and_then(|_| self.input.flush()).expect("server process alive");
        let mut line = String::new();
        self.output.read_line(&mut line).expect("server process answers");
        line.trim().parse().expect("CPU time")
    }

    fn stop(mut self) {
        drop(self.input);
        let _ = self.child.wait();
    }
}

/// One round against one server.
struct PageRound {
    per_second: f64,
    /// The server's CPU time per request, in microseconds.
    server_cpu_us: f64,
}

/// Loads both servers at once for one round, each with its own `CONNECTIONS`, and measures what
/// each server process spent: whatever else the machine does in that second, both see it.
async fn page_round(
    servers: &mut [ServerProcess; 2],
    clients: &[reqwest::Client; 2],
    urls: &[String; 2],
) -> [PageRound; 2] {
    let before = [servers[0].cpu_ns(), servers[1].cpu_ns()];
    let started = Instant::now();
    let (first, second) = tokio::join!(load(&clients[0], &urls[0]), load(&clients[1], &urls[1]));
    let seconds = started.elapsed().as_secs_f64();
    tokio::time::sleep(PAGE_SETTLE).await;
    let after = [servers[0].cpu_ns(), servers[1].cpu_ns()];
    let round = |i: usize, requests: u64| PageRound {
        per_second: requests as f64 / seconds,
        server_cpu_us: (after[i] - before[i]) as f64 / 1_000.0 / requests as f64,
    };
    [round(0, first), round(1, second)]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    if let Ok(journal) = std::env::var(SERVE) {
        return serve(journal == "on").await;
    }
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

/// One server pair's rounds, as (journal on, journal off).
async fn pair_rounds(pair: usize, aa: bool) -> Vec<(PageRound, PageRound)> {
    // Every other pair starts the servers, and loads and reads them, in the other order: whatever
    // favours one of the two places (the first process started, the first future polled) then
    // falls on each side equally often.
    let swapped = pair % 2 == 1;
    let (on, off) = (!aa, false);
    let mut servers = if swapped {
        [ServerProcess::start(off), ServerProcess::start(on)]
    } else {
        [ServerProcess::start(on), ServerProcess::start(off)]
    };
    let mut clients = Vec::new();
    for server in &servers {
        clients.push(signed_in_client(&server.address).await);
    }
    let clients: [reqwest::Client; 2] = clients.try_into().unwrap();
    let urls = [format!("{}/account", servers[0].address), format!("{}/account", servers[1].address)];
    // Warm both up (connections, caches, the first render).
    page_round(&mut servers, &clients, &urls).await;
    let mut rounds = Vec::with_capacity(PAGE_ROUNDS_PER_PAIR);
    for round in 0..PAGE_ROUNDS_PER_PAIR {
        let [first, second] = page_round(&mut servers, &clients, &urls).await;
        let (on, off) = if swapped { (second, first) } else { (first, second) };
        println!(
            "  pair {} round {}: on {:5.0} req/s {:6.0} µs CPU/request, off {:5.0} req/s {:6.0} µs CPU/request ({:+.1} % CPU)",
            pair + 1,
            round + 1,
            on.per_second,
            on.server_cpu_us,
            off.per_second,
            off.server_cpu_us,
            (on.server_cpu_us / off.server_cpu_us - 1.0) * 100.0
        );
        rounds.push((on, off));
    }
    let [first, second] = servers;
    first.stop();
    second.stop();
    rounds
}

async fn pages() {
    // `STYK_BENCH_AA=1` starts both servers with the journal off: the difference it then prints
    // is the method's own error.
    let aa = std::env::var("STYK_BENCH_AA").is_ok_and(|v| v == "1");
    let pairs = std::env::var("STYK_BENCH_PAIRS").ok().and_then(|n| n.parse().ok()).unwrap_or(PAGE_PAIRS);
    let mut rounds = Vec::with_capacity(pairs * PAGE_ROUNDS_PER_PAIR);
    let mut pair_cpu = Vec::with_capacity(pairs);
    for pair in 0..pairs {
        let these = pair_rounds(pair, aa).await;
        pair_cpu
            .push(median(&mut these.iter().map(|(on, off)| on.server_cpu_us / off.server_cpu_us).collect::<Vec<_>>()));
        rounds.extend(these);
    }
    let median_of =
        |figure: fn(&(PageRound, PageRound)) -> f64| median(&mut rounds.iter().map(figure).collect::<Vec<_>>());
    let throughput = median_of(|(on, off)| on.per_second / off.per_second);
    let cpu = median_of(|(on, off)| on.server_cpu_us / off.server_cpu_us);
    let on = if aa { "journal off (A/A check)" } else { "journal on" };
    let per_pair: Vec<String> = pair_cpu.iter().map(|ratio| format!("{:+.1} %", (ratio - 1.0) * 100.0)).collect();
    println!(
        "account page, {CONNECTIONS} connections to each server at once, {pairs} server pairs × {PAGE_ROUNDS_PER_PAIR} rounds of {:.1} s: {on} {:.0} req/s, off {:.0} req/s (median of rounds' on/off {:.3}, {:+.1} %)",
        PAGE_ROUND.as_secs_f64(),
        median_of(|(on, _)| on.per_second),
        median_of(|(_, off)| off.per_second),
        throughput,
        (throughput - 1.0) * 100.0
    );
    println!("CPU per request, on against off, median of each pair's rounds: {}", per_pair.join(", "));
    println!(
        "server CPU per request: {on} {:.0} µs, off {:.0} µs (median of rounds' on/off {:.3}, {:+.1} % CPU, so {:+.1} % throughput when the cores are the limit)",
        median_of(|(on, _)| on.server_cpu_us),
        median_of(|(_, off)| off.server_cpu_us),
        cpu,
        (cpu - 1.0) * 100.0,
        (1.0 / cpu - 1.0) * 100.0
    );
}
