//! The `styk` binary as an operator meets it: bad settings, a busy port, an unreachable database,
//! SIGTERM, and the demo loader.
#![cfg(feature = "ssr")]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn styk(vars: &[(&str, &str)], args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_styk"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    // Start from a clean slate: only what the test sets.
    for (name, _) in std::env::vars().filter(|(k, _)| k.starts_with("STYK_")) {
        command.env_remove(name);
    }
    command.envs(vars.iter().copied());
    command
}

fn assert_one_clear_line(stderr: &str, setting: &str) {
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("styk:")).collect();
    assert_eq!(lines.len(), 1, "one line, got: {stderr}");
    assert!(lines[0].contains(setting), "names {setting}: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
}

#[test]
fn bad_settings_stop_start_up_with_one_line_and_exit_2() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    for (setting, value) in [
        ("STYK_DATABASE_URL", "postgres//missing-colon"),
        ("STYK_DATABASE_URL", "mysql://db/styk"),
        ("STYK_ADDR", "not-an-address"),
        ("STYK_BODY_LIMIT", "lots"),
        ("STYK_LOG_FORMAT", "xml"),
        ("STYK_TYPO", "1"),
    ] {
        let output = styk(&[(setting, value), ("STYK_DATA_DIR", data_dir)], &[]).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{setting}={value}");
        assert_one_clear_line(&String::from_utf8_lossy(&output.stderr), setting);
    }
}

#[test]
fn a_port_in_use_is_named() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let data = tempfile::tempdir().unwrap();
    let output = styk(&[("STYK_ADDR", &addr), ("STYK_DATA_DIR", data.path().to_str().unwrap())], &[]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_one_clear_line(&stderr, "STYK_ADDR");
    assert!(stderr.contains(&addr), "{stderr}");
}

#[test]
fn an_unreachable_database_is_named_without_its_password() {
    // Nothing listens on port 9 (discard) here: the connection is refused.
    let output = styk(&[("STYK_DATABASE_URL", "postgres://styk:hunter2@127.0.0.1:9/styk")], &[]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_one_clear_line(&stderr, "STYK_DATABASE_URL");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn sigterm_stops_the_server_cleanly_within_ten_seconds() {
    let data = tempfile::tempdir().unwrap();
    let mut child = styk(&[("STYK_ADDR", "127.0.0.1:0"), ("STYK_DATA_DIR", data.path().to_str().unwrap())], &[])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first_line).unwrap();
    assert!(first_line.contains("serving"), "{first_line}");
    let started = Instant::now();
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "still running 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    eprintln!("exited {} ms after SIGTERM", started.elapsed().as_millis());
}

#[test]
fn the_demo_command_loads_an_empty_database_once() {
    let data = tempfile::tempdir().unwrap();
    let vars = [("STYK_DATA_DIR", data.path().to_str().unwrap())];
    let args = ["demo", "--accounts", "20", "--orders-per-account", "3", "--today", "2026-11-20"];
    let output = styk(&vars, &args).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("loaded 20 accounts"), "{stdout}");
    assert!(data.path().join("styk.db").exists());
    let again = styk(&vars, &args).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("empty database"));
}

#[test]
fn a_new_installation_gets_its_first_administrator_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let vars = [("STYK_DATA_DIR", data.path().to_str().unwrap()), ("STYK_PUBLIC_URL", "https://portal.example.com")];
    let args = ["invite-admin", "--email", "Root@Example.com", "--name", "Ada Admin", "--language", "pl"];
    let output = styk(&vars, &args).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("https://portal.example.com/invitation?token="), "{stdout}");
    // The same address twice is refused with one line naming the option.
    let again = styk(&vars, &args).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("--email: email_taken"), "{stderr}");
    let bad = styk(&vars, &["invite-admin", "--email", "nope", "--name", " "]).output().unwrap();
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("--email: email_invalid") && stderr.contains("--name: required"), "{stderr}");
}

#[test]
fn demo_mode_refuses_an_address_beyond_this_machine_with_one_line() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    for vars in [
        [("STYK_DEMO", "1"), ("STYK_ADDR", "0.0.0.0:3000"), ("STYK_DATA_DIR", data_dir)],
        [("STYK_DEMO", "1"), ("STYK_PUBLIC_URL", "https://portal.example.com"), ("STYK_DATA_DIR", data_dir)],
    ] {
        let output = styk(&vars, &[]).output().unwrap();
        assert_ne!(output.status.code(), Some(0), "{vars:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_one_clear_line(&stderr, "STYK_DEMO");
        assert!(stderr.contains("0.0.0.0:3000") || stderr.contains("https://portal.example.com"), "{stderr}");
    }
    assert!(!data.path().join("styk.db").exists(), "refused before touching the database");
}

#[test]
fn demo_data_never_joins_an_installation_that_has_its_first_admin() {
    let data = tempfile::tempdir().unwrap();
    let vars = [("STYK_DATA_DIR", data.path().to_str().unwrap())];
    let invited =
        styk(&vars, &["invite-admin", "--email", "root@example.com", "--name", "Ada Admin"]).output().unwrap();
    assert!(invited.status.success(), "{}", String::from_utf8_lossy(&invited.stderr));
    let output = styk(&vars, &["demo", "--accounts", "2", "--orders-per-account", "1"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("users (staff included)"));
}
