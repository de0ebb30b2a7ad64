//! Black-box test harness: the real server on port 0 with a fresh database of either backend.
//!
//! SQLite tests use a temporary file. PostgreSQL tests run when `STYK_TEST_DATABASE_URL` points at
//! a server (scripts/test.sh sets it): each test creates its own database there and drops it after.
#![allow(dead_code)] // Each test binary uses a different part of the harness.

pub mod smtp;

use std::sync::Once;
use std::time::Duration;
use styk::config::{Backend, Config, DatabaseUrl};
use styk::db::Db;
use styk::server::Server;
use styk::web::AppState;
use tokio::sync::oneshot;

/// Generates `mod $name { sqlite, postgres }` tests from one async body taking a `Backend`.
/// Without a PostgreSQL URL the postgres variant prints that it was skipped, so the output
/// always says which backend ran.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident => $body:expr;)+) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    eprintln!("backend: sqlite");
                    ($body)(styk::config::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if !$crate::common::postgres_configured() {
                        // Written past the test harness's output capture, so a skip is never silent.
                        use std::io::Write as _;
                        let _ = writeln!(
                            std::io::stderr(),
                            "{}::postgres SKIPPED (set STYK_TEST_DATABASE_URL to run it)",
                            stringify!($name)
                        );
                        return;
                    }
                    eprintln!("backend: postgres");
                    ($body)(styk::config::Backend::Postgres).await;
                }
            }
        )+
    };
}

pub fn postgres_configured() -> bool {
    std::env::var("STYK_TEST_DATABASE_URL").is_ok_and(|v| !v.trim().is_empty())
}

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    admin_url: Option<String>,
    name: Option<String>,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("styk.db").display());
                TestDatabase { url, _dir: Some(dir), admin_url: None, name: None }
            }
            Backend::Postgres => {
                let admin_url = std::env::var("STYK_TEST_DATABASE_URL").expect("STYK_TEST_DATABASE_URL");
                let name = format!("styk_test_{}", styk::db::ids::new_id());
                let admin = admin_pool(&admin_url).await;
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create test database");
                admin.close().await;
                let mut url = url::Url::parse(&admin_url).expect("STYK_TEST_DATABASE_URL is a URL");
                url.set_path(&name);
                TestDatabase { url: url.to_string(), _dir: None, admin_url: Some(admin_url), name: Some(name) }
            }
        }
    }

    pub async fn connect(&self) -> Db {
        let db = Db::connect_url(&DatabaseUrl::parse(&self.url).unwrap(), 5).await.expect("connect");
        db.migrate().await.expect("migrate");
        db
    }

    pub async fn drop_database(&self) {
        if let (Some(admin_url), Some(name)) = (&self.admin_url, &self.name) {
            let admin = admin_pool(admin_url).await;
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
            admin.close().await;
        }
    }
}

async fn admin_pool(url: &str) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::any::AnyPoolOptions::new().max_connections(1).connect(url).await.expect("connect to the test PostgreSQL")
}

/// A running server and a client that keeps cookies and does not follow redirects.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub database: TestDatabase,
    /// Mail written without SMTP goes here, not into the checkout's data/ folder.
    _files: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

static TRACING: Once = Once::new();

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, &[], axum::Router::new()).await
    }

    /// Starts a server with extra settings and extra routes.
    pub async fn spawn_with(backend: Backend, settings: &[(&str, &str)], extra: axum::Router<AppState>) -> Self {
        TRACING.call_once(|| {
            // Quiet unless a test run asks for logs with TEST_LOG=1.
            if std::env::var("TEST_LOG").is_ok() {
                let _ = tracing_subscriber::fmt().with_env_filter("info,sqlx=error").with_test_writer().try_init();
            }
        });
        let database = TestDatabase::create(backend).await;
        let files = tempfile::tempdir().expect("temp dir");
        let mut vars = vec![
            ("STYK_DATA_DIR".to_string(), files.path().display().to_string()),
            ("STYK_ADDR".to_string(), "127.0.0.1:0".to_string()),
            ("STYK_DATABASE_URL".to_string(), database.url.clone()),
            ("STYK_DB_MAX_CONNECTIONS".to_string(), "5".to_string()),
        ];
        vars.extend(settings.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let config = Config::from_vars(vars).expect("test configuration");
        let server = Server::build_with_routes(config, extra).await.expect("server starts");
        let address = format!("http://{}", server.local_addr());
        let state = server.state().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run_until(async move {
            let _ = stopped.await;
        }));
        let client =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        TestApp { address, client, state, database, _files: files, stop: Some(stop), task: Some(task) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    /// A same-origin form post, as the portal's own pages send it.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("Origin", &self.address)
            .header("Sec-Fetch-Site", "same-origin")
            .header("Accept", "text/html,application/xhtml+xml")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// A client of its own (its own cookies), for a second browser.
    pub fn new_client() -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    /// A same-origin form post from a given client.
    pub async fn post_form_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .header("Origin", &self.address)
            .header("Sec-Fetch-Site", "same-origin")
            .header("Accept", "text/html,application/xhtml+xml")
            .form(form)
            .send()
            .await
            .expect("request")
    }

    pub async fn sign_in_with(&self, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
        self.post_form_with(client, "/sign-in", &[("email", email), ("password", password), ("next", "")]).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.sign_in_with(&self.client, email, password).await
    }

    /// Stops the server gracefully and drops its database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.database.drop_database().await;
    }
}

/// The demo password of every demo person.
pub const DEMO_PASSWORD: &str = "Styk-Demo-2026!";

/// A server with demo data (and any extra settings).
pub async fn demo_app(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    let mut settings = vec![("STYK_DEMO", "1")];
    settings.extend_from_slice(extra);
    TestApp::spawn_with(backend, &settings, axum::Router::new()).await
}

/// A browser of its own, signed in as a demo customer.
pub async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = TestApp::new_client();
    assert_eq!(app.sign_in_with(&client, email, DEMO_PASSWORD).await.status(), reqwest::StatusCode::SEE_OTHER);
    client
}

/// A browser of its own, signed in as demo staff.
pub async fn staff(app: &TestApp, email: &str) -> reqwest::Client {
    let client = TestApp::new_client();
    let response =
        app.post_form_with(&client, "/staff/sign-in", &[("email", email), ("password", DEMO_PASSWORD)]).await;
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER, "{email}");
    client
}

/// A page in English, with the data it hands the browser decoded in place ([`with_page_data`]).
pub async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (reqwest::StatusCode, String) {
    let response = client.get(app.url(path)).header("Accept-Language", "en").send().await.unwrap();
    let status = response.status();
    (status, with_page_data(response.text().await.unwrap()))
}

/// Where a redirect points ("" for none).
pub fn location(response: &reqwest::Response) -> String {
    response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

/// The session cookie a response sets, if any.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("styk_session=").map(|rest| rest.split(';').next().unwrap_or("").to_string()))
        .filter(|v| !v.is_empty())
}

/// A page body with what differs between any two responses (the per-response CSP nonce) masked.
pub fn without_nonces(body: &str) -> String {
    let body = &with_page_data(body.to_string());
    let Some(at) = body.find("nonce=\"") else { return body.to_string() };
    let value = &body[at + 7..];
    let value = &value[..value.find('"').unwrap_or(value.len())];
    if value.is_empty() {
        return body.to_string();
    }
    body.replace(value, "NONCE")
}

/// Waits until the writer has written everything recorded so far.
pub async fn settle(app: &TestApp) {
    for _ in 0..200 {
        let stats = app.state.touchpoints.stats();
        if stats.queued == 0 && stats.written + stats.failed + stats.dropped >= stats.accepted {
            // Responses record when their body has been sent; give the last ones a moment.
            tokio::time::sleep(Duration::from_millis(30)).await;
            let again = app.state.touchpoints.stats();
            if again.accepted == stats.accepted && again.queued == 0 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the touchpoint writer did not catch up: {:?}", app.state.touchpoints.stats());
}

/// A page with the data it hands the browser for hydration decoded in place, as JSON between
/// `<!-- page data:` and ` -->`. The data travels as base64 (see `styk::ui::loaded::PageData`),
/// where a search for another customer's name or number would never find it and an id could not
/// be masked; decoded, every check of what a page holds sees it too.
pub fn with_page_data(html: String) -> String {
    use codee::Decoder;
    use leptos::server::FromEncodedStr;
    let mut text = String::with_capacity(html.len());
    let mut rest = html.as_str();
    const MARK: &str = "__RESOLVED_RESOURCES[";
    while let Some(at) = rest.find(MARK) {
        let after = &rest[at + MARK.len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let open = at + MARK.len() + digits + 5;
        let Some(close) = after[digits..].strip_prefix("] = \"").and_then(|data| data.find('"')).map(|i| open + i)
        else {
            // Not (or no longer) an encoded value.
            text.push_str(&rest[..at + MARK.len()]);
            rest = after;
            continue;
        };
        let encoded = &rest[open..close];
        let bytes = <[u8]>::from_encoded_str(encoded).unwrap_or_else(|e| panic!("page data is base64: {e:?}"));
        let value: serde_json::Value =
            styk::ui::loaded::PageData::decode(&bytes).unwrap_or_else(|e| panic!("page data is MessagePack: {e}"));
        text.push_str(&rest[..open - 1]);
        text.push_str(&format!("<!-- page data: {value} -->"));
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    text
}

/// The page data of a page that went through [`with_page_data`].
pub fn page_data_of(page: &str) -> Vec<&str> {
    page.split("<!-- page data: ").skip(1).filter_map(|part| part.split(" -->").next()).collect()
}
