//! Do sign-in, password reset and registration take as long for an e-mail that belongs to
//! someone as for one that does not? A timing difference would tell an attacker which addresses
//! have accounts (ASVS 5.0 6.3.8).
//!
//! Runs the real server on a fresh SQLite database with demo data, sends 200 requests of each
//! kind for a known and an unknown address (interleaved, so drift affects both alike) and prints
//! the median latency of each and their difference. Goal: under 5 ms.
//!
//!   cargo bench --features ssr --bench auth_timing
use std::time::{Duration, Instant};
use styk::config::Config;
use styk::server::Server;

const TRIES: usize = 200;
const KNOWN: &str = "ola@demo.styk.pl";
const UNKNOWN: &str = "nobody.here@example.com";

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let vars = [
        ("STYK_ADDR", "127.0.0.1:0".to_string()),
        ("STYK_DATA_DIR", dir.path().display().to_string()),
        ("STYK_DEMO", "1".to_string()),
        ("STYK_LOG", "error".to_string()),
        // Counters are cleared between requests below; the limits only keep them out of the way.
        ("STYK_THROTTLE_IP_LIMIT", "100000".to_string()),
        ("STYK_THROTTLE_ACCOUNT_LIMIT", "100".to_string()),
    ];
    let config = Config::from_vars(vars.into_iter().map(|(k, v)| (k.to_string(), v))).expect("configuration");
    let server = Server::build(config).await.expect("server starts");
    let address = format!("http://{}", server.local_addr());
    let state = server.state().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run_until(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let (customer_number, invoice_number): (String, String) = sqlx::query_as(
        "SELECT a.customer_number, i.invoice_number FROM customer_accounts a JOIN members m ON m.account_id = a.account_id
         JOIN invoices i ON i.account_id = a.account_id WHERE m.email = $1 LIMIT 1",
    )
    .bind(KNOWN)
    .fetch_one(&state.db.pool)
    .await
    .unwrap();

    println!(
        "auth_timing: {TRIES} tries per case, SQLite, {} build",
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    println!("{:<14} {:>14} {:>14} {:>12}", "flow", "known (ms)", "unknown (ms)", "diff (ms)");
    let mut worst = 0.0f64;
    for flow in ["sign-in", "reset", "registration"] {
        let mut known = Vec::with_capacity(TRIES);
        let mut unknown = Vec::with_capacity(TRIES);
        for i in 0..TRIES * 2 {
            // Clear attempt counters outside the timed part, so every request takes the full path.
            sqlx::query("DELETE FROM auth_throttle").execute(&state.db.pool).await.unwrap();
            let is_known = i % 2 == 0;
            let form: Vec<(&str, String)> = match (flow, is_known) {
                ("sign-in", true) => vec![("email", KNOWN.into()), ("password", "wrong-password".into())],
                ("sign-in", false) => vec![("email", UNKNOWN.into()), ("password", "wrong-password".into())],
                ("reset", true) => vec![("email", KNOWN.into())],
                ("reset", false) => vec![("email", UNKNOWN.into())],
                (_, true) => vec![
                    ("customer_number", customer_number.clone()),
                    ("invoice_number", invoice_number.clone()),
                    ("email", format!("new.person.{i}@example.com")),
                ],
                (_, false) => vec![
                    ("customer_number", customer_number.clone()),
                    ("invoice_number", "FV/1999/01/000001".into()),
                    ("email", format!("new.person.{i}@example.com")),
                ],
            };
            let path = match flow {
                "sign-in" => "/sign-in",
                "reset" => "/forgot-password",
                _ => "/register",
            };
            let started = Instant::now();
            let response =
                client.post(format!("{address}{path}")).header("Origin", &address).form(&form).send().await.unwrap();
            let status = response.status();
            let _ = response.bytes().await.unwrap();
            let took = started.elapsed();
            assert!(status.as_u16() == 401 || status.as_u16() == 303, "{flow}: {status}");
            if is_known {
                known.push(took)
            } else {
                unknown.push(took)
            }
        }
        let (k, u) = (median_ms(&mut known), median_ms(&mut unknown));
        let diff = (k - u).abs();
        worst = worst.max(diff);
        println!("{flow:<14} {k:>14.2} {u:>14.2} {diff:>12.2}");
    }
    println!("largest median difference: {worst:.2} ms (goal: < 5 ms) {}", if worst < 5.0 { "OK" } else { "OVER" });
    let _ = stop.send(());
    let _ = running.await;
}

fn median_ms(samples: &mut [Duration]) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}
