//! Typed configuration from the environment plus an optional TOML file, validated at start.
//!
//! Every setting is named `STYK_*`. The file (`STYK_CONFIG=path`) uses the same names in lower case
//! without the prefix (`database_url = "…"`); the environment wins over the file. A bad value fails
//! start-up with one line naming the setting; an unknown `STYK_*` name is an error too, because a
//! misspelt setting that is silently ignored is worse than one that stops the server.
use secrecy::{ExposeSecret, SecretString};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The settings an operator can give, with what each one means. README.md lists the same table.
pub const SETTINGS: &[(&str, &str)] = &[
    ("STYK_CONFIG", "path of an optional TOML file with the settings below"),
    ("STYK_ADDR", "listen address (default 127.0.0.1:3000)"),
    ("STYK_DATA_DIR", "folder for the embedded database and local files (default data/)"),
    ("STYK_DATABASE_URL", "sqlite://… or postgres://… (default: SQLite file in STYK_DATA_DIR)"),
    ("STYK_PUBLIC_URL", "the address customers reach, used for links and the origin check"),
    (
        "STYK_DEMO",
        "1 to load demo data into a database without users and print demo sign-ins; only on a loopback address over http",
    ),
    ("STYK_SITE_ROOT", "folder with the built front end (default target/site)"),
    ("STYK_LOG", "log filter, e.g. debug or styk=debug,sqlx=warn (default info,sqlx=error)"),
    ("STYK_LOG_FORMAT", "text or json (default text)"),
    ("STYK_REQUEST_TIMEOUT", "seconds before a request is answered 503 (default 30)"),
    ("STYK_BODY_LIMIT", "largest request body in bytes (default 1048576)"),
    ("STYK_ATTACHMENT_MAX_BYTES", "largest file a customer may attach (default 5242880)"),
    ("STYK_QUOTA_UPLOADS_PER_DAY", "files one customer account may attach within 24 hours (default 50)"),
    ("STYK_QUOTA_ARCHIVES_QUEUED", "invoice archives one customer account may have waiting or building at once (default 3)"),
    ("STYK_ARCHIVE_NOTIFY_OVER", "invoice archives with more invoices than this are e-mailed about when ready (default 100)"),
    ("STYK_CORRECTION_DECISION_DAYS", "days within which a correction request is promised a decision (default 7)"),
    ("STYK_SHUTDOWN_GRACE", "seconds in-flight requests get on shutdown (default 8)"),
    ("STYK_DB_MAX_CONNECTIONS", "database pool size (default: SQLite twice the cores, 4 to 16; PostgreSQL 16)"),
    (
        "STYK_SMTP_URL",
        "smtp://[user:password@]host[:port] (plain), smtp+starttls://… or smtps://…; unset: mail goes to STYK_MAIL_DIR",
    ),
    ("STYK_MAIL_FROM", "sender of portal e-mail (default Styk <no-reply@styk.localhost>)"),
    ("STYK_MAIL_DIR", "folder that receives e-mail when no SMTP server is set (default STYK_DATA_DIR/mail)"),
    ("STYK_MAIL_DIR_RETENTION_DAYS", "days e-mail written to STYK_MAIL_DIR is kept; it holds sign-in links (default 7)"),
    ("STYK_MAIL_MAX_ATTEMPTS", "delivery attempts before an e-mail is dead-lettered (default 8)"),
    ("STYK_CUSTOMER_IDLE_MINUTES", "customer session idle timeout (default 30)"),
    ("STYK_CUSTOMER_ABSOLUTE_HOURS", "customer session absolute timeout (default 12)"),
    ("STYK_STAFF_IDLE_MINUTES", "staff session idle timeout (default 15)"),
    ("STYK_STAFF_ABSOLUTE_HOURS", "staff session absolute timeout (default 8)"),
    ("STYK_THROTTLE_WINDOW", "seconds over which sign-in, registration and reset attempts are counted (default 900)"),
    ("STYK_THROTTLE_IP_LIMIT", "attempts per client address and action within the window (default 30)"),
    ("STYK_THROTTLE_ACCOUNT_LIMIT", "failed sign-ins per e-mail before growing delays (default 5)"),
    (
        "STYK_CLIENT_IP_HEADER",
        "header a trusted proxy sets to the client address, e.g. x-forwarded-for (default: the socket address)",
    ),
    ("STYK_INVITATION_DAYS", "days an invitation link stays valid (default 7)"),
    ("STYK_TOUCHPOINTS", "1 to record touchpoints, 0 to switch the journal off (default 1)"),
    ("STYK_TOUCHPOINT_QUEUE", "touchpoints held in memory before the writer takes them; beyond it they are dropped and counted (default 65536)"),
    ("STYK_TOUCHPOINT_SLOW_MS", "a step that takes this long or longer carries the `slow` signal (default 1500)"),
    ("STYK_TOUCHPOINT_ABANDON_MINUTES", "minutes after its last step that an unfinished journey counts as abandoned (default 30)"),
    ("STYK_TOUCHPOINT_RETENTION_DAYS", "days raw touchpoints are kept; daily rollups stay (default 395)"),
    ("STYK_BEACON_PER_MINUTE", "browser beacons accepted per client address and minute (default 120)"),
    ("STYK_PSEUDONYM_KEY", "secret that turns customer ids into the pseudonyms analysts see (default: made once and kept in the database)"),
    (
        "STYK_METRICS_TOKEN",
        "bearer token /metrics asks of every scraper once set (default: none, and only loopback clients may read it)",
    ),
    ("STYK_SELLER_NAME", "the invoicing company's name as printed on invoices (demo: a demo wholesaler)"),
    ("STYK_SELLER_TAX_ID", "the invoicing company's tax id (NIP), printed on invoices"),
    ("STYK_SELLER_ADDRESS", "the invoicing company's address on one line, printed on invoices"),
];

/// sqlx reports every statement over a second at WARN with its full text, which for the bulk
/// inserts of the demo loader is pages of placeholders; its errors still show.
const DEFAULT_LOG_FILTER: &str = "info,sqlx=error";

/// Variables the test harness reads; they share the prefix but are not server settings.
const TEST_HARNESS_PREFIX: &str = "STYK_TEST_";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub setting: String,
    pub problem: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.setting, self.problem)
    }
}

impl std::error::Error for ConfigError {}

fn bad(setting: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError { setting: setting.to_string(), problem: problem.into() }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A database URL whose password never reaches a log line: `Debug` and `Display` show it redacted.
#[derive(Clone)]
pub struct DatabaseUrl {
    url: SecretString,
    backend: Backend,
    redacted: String,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let scheme = raw.split_once(':').map(|(s, _)| s).unwrap_or("");
        let backend = match scheme {
            "sqlite" => Backend::Sqlite,
            "postgres" | "postgresql" => Backend::Postgres,
            "" => return Err("not a URL; expected sqlite://path or postgres://host/database".into()),
            other => return Err(format!("unknown database backend `{other}`; use sqlite or postgres")),
        };
        let redacted = match backend {
            Backend::Sqlite => {
                if raw.trim_start_matches("sqlite:").trim_start_matches("//").is_empty() {
                    return Err("no file given; expected sqlite://path/to/file.db".into());
                }
                raw.to_string()
            }
            Backend::Postgres => {
                let mut parsed = url::Url::parse(raw).map_err(|e| format!("malformed PostgreSQL URL ({e})"))?;
                if parsed.host_str().unwrap_or("").is_empty() {
                    return Err("malformed PostgreSQL URL (no host)".into());
                }
                if parsed.password().is_some() {
                    let _ = parsed.set_password(Some("***"));
                }
                parsed.to_string()
            }
        };
        Ok(DatabaseUrl { url: SecretString::from(raw.to_string()), backend, redacted })
    }

    pub fn sqlite_file(path: &std::path::Path) -> Self {
        let url = format!("sqlite://{}?mode=rwc", path.display());
        DatabaseUrl { redacted: url.clone(), url: SecretString::from(url), backend: Backend::Sqlite }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The full URL, password included: for the database driver only.
    pub fn expose(&self) -> &str {
        self.url.expose_secret()
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted)
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: DatabaseUrl,
    /// Scheme, host and port customers use, without a trailing slash.
    pub public_url: String,
    pub demo: bool,
    pub site_root: PathBuf,
    pub log_filter: String,
    pub log_format: LogFormat,
    pub request_timeout: Duration,
    pub body_limit: usize,
    pub shutdown_grace: Duration,
    pub db_max_connections: u32,
    pub mail: MailConfig,
    pub sessions: SessionConfig,
    pub throttle: ThrottleConfig,
    /// A header set by a trusted reverse proxy that carries the client address.
    pub client_ip_header: Option<String>,
    pub invitation_ttl: Duration,
    pub touchpoints: TouchpointConfig,
    /// Lets a scraper on another host read /metrics; without it only loopback clients may.
    pub metrics_token: Option<SecretString>,
    /// Who issues the invoices; invoices cannot be printed without it.
    pub seller: Option<Seller>,
    /// The largest file a customer may attach; upload forms take a few of them in one body.
    pub attachment_max_bytes: usize,
    /// Days within which a correction request is promised a decision.
    pub correction_decision_days: i64,
    /// Invoice archives with more invoices than this are built "in the background" as far as the
    /// customer is told, and announced by e-mail when ready.
    pub archive_notify_over: i64,
    pub quotas: Quotas,
}

/// What one customer account may use up, so that one member cannot fill the disk or the queue.
#[derive(Debug, Clone, Copy)]
pub struct Quotas {
    /// Files attached within 24 hours, drafts included.
    pub uploads_per_day: i64,
    /// Invoice archives queued or being built at once.
    pub archives_queued: i64,
}

/// The company that issues the invoices, as printed on them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seller {
    pub name: String,
    pub tax_id: String,
    pub address: String,
}

impl Seller {
    /// The demo's wholesaler (its tax id is the one in the demo's KSeF numbers).
    pub fn demo() -> Self {
        Seller {
            name: "Styk Hurt sp. z o.o.".into(),
            tax_id: "5260250274".into(),
            address: "ul. Prosta 20, 00-850 Warszawa, Polska".into(),
        }
    }
}

/// The touchpoint journal's settings.
#[derive(Debug, Clone)]
pub struct TouchpointConfig {
    pub enabled: bool,
    pub queue: usize,
    pub slow_ms: u32,
    pub abandon_after: Duration,
    pub retention: Duration,
    pub beacons_per_minute: u32,
    pub pseudonym_key: Option<SecretString>,
}

/// Where e-mail goes and who it comes from.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub smtp: Option<SmtpUrl>,
    pub from: String,
    pub dir: PathBuf,
    /// How long mail files in `dir` are kept: they hold reset and invitation links.
    pub dir_retention: Duration,
    pub max_attempts: u32,
}

/// How long sessions live without activity (idle) and at most (absolute).
#[derive(Debug, Clone, Copy)]
pub struct SessionConfig {
    pub customer_idle: Duration,
    pub customer_absolute: Duration,
    pub staff_idle: Duration,
    pub staff_absolute: Duration,
}

#[derive(Debug, Clone, Copy)]
pub struct ThrottleConfig {
    pub window: Duration,
    pub ip_limit: u32,
    pub account_limit: u32,
}

/// How the relay reaches the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain SMTP, for a relay on the same host or network (and the tests' loopback server).
    None,
    StartTls,
    Tls,
}

/// An SMTP server address whose password never appears in logs or errors.
#[derive(Clone)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
}

impl SmtpUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let parsed = url::Url::parse(raw.trim()).map_err(|e| format!("malformed SMTP URL ({e})"))?;
        let (security, default_port) = match parsed.scheme() {
            "smtp" => (SmtpSecurity::None, 25),
            "smtp+starttls" => (SmtpSecurity::StartTls, 587),
            "smtps" => (SmtpSecurity::Tls, 465),
            other => return Err(format!("unknown scheme `{other}`; use smtp, smtp+starttls or smtps")),
        };
        let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or("malformed SMTP URL (no host)")?;
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        let username = Some(parsed.username()).filter(|u| !u.is_empty()).map(decode);
        let password = parsed.password().map(|p| SecretString::from(decode(p)));
        Ok(SmtpUrl {
            host: host.trim_matches(['[', ']']).to_string(),
            port: parsed.port().unwrap_or(default_port),
            security,
            username,
            password,
        })
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let user = self.username.as_deref().map(|u| format!("{u}:***@")).unwrap_or_default();
        write!(f, "{:?} {user}{}:{}", self.security, self.host, self.port)
    }
}

impl Config {
    /// The host part of the public URL, used in e-mails' Message-IDs.
    pub fn mail_domain(&self) -> String {
        url::Url::parse(&self.public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "styk".into())
    }

    /// Reads the process environment (and the file it names).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// Builds the configuration from `STYK_*` variables; other variables are ignored.
    pub fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        let env: BTreeMap<String, String> =
            vars.into_iter().filter(|(k, _)| k.starts_with("STYK_") && !k.starts_with(TEST_HARNESS_PREFIX)).collect();
        for name in env.keys() {
            if !SETTINGS.iter().any(|(known, _)| known == name) {
                return Err(bad(name, "unknown setting (see README.md for the list)"));
            }
        }
        if let Some(path) = env.get("STYK_CONFIG").filter(|p| !p.trim().is_empty()) {
            values.extend(read_file(path)?);
        }
        values.extend(env);
        Self::from_values(&values)
    }

    fn from_values(values: &BTreeMap<String, String>) -> Result<Self, ConfigError> {
        let get = |name: &str| values.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());

        let addr: SocketAddr = match get("STYK_ADDR") {
            Some(v) => {
                v.parse().map_err(|_| bad("STYK_ADDR", format!("`{v}` is not an address like 127.0.0.1:3000")))?
            }
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let data_dir = PathBuf::from(get("STYK_DATA_DIR").unwrap_or("data"));
        let database_url = match get("STYK_DATABASE_URL") {
            Some(v) => DatabaseUrl::parse(v).map_err(|problem| bad("STYK_DATABASE_URL", problem))?,
            None => DatabaseUrl::sqlite_file(&data_dir.join("styk.db")),
        };
        let public_url = match get("STYK_PUBLIC_URL") {
            Some(v) => {
                let parsed = url::Url::parse(v)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
                    .ok_or_else(|| bad("STYK_PUBLIC_URL", format!("`{v}` is not an http(s) address")))?;
                parsed.origin().ascii_serialization()
            }
            None => format!("http://{addr}"),
        };
        let switch = |name: &str, default: bool| match get(name) {
            None => Ok(default),
            Some("0") | Some("false") | Some("no") => Ok(false),
            Some("1") | Some("true") | Some("yes") => Ok(true),
            Some(v) => Err(bad(name, format!("`{v}` is not 1 or 0"))),
        };
        let demo = switch("STYK_DEMO", false)?;
        // Demo data comes with published passwords and the demo mailbox shows every sign-in link:
        // a demo must never be reachable from another machine or pose as a real site.
        if demo && !addr.ip().is_loopback() {
            return Err(bad("STYK_DEMO", format!("demo mode serves only a loopback address, not {addr}")));
        }
        if demo && public_url.starts_with("https://") {
            return Err(bad("STYK_DEMO", format!("demo mode cannot serve the https address {public_url}")));
        }
        let log_format = match get("STYK_LOG_FORMAT") {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(v) => return Err(bad("STYK_LOG_FORMAT", format!("`{v}` is not text or json"))),
        };
        let number = |name: &str, default: u64, min: u64, max: u64| -> Result<u64, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| bad(name, format!("`{v}` is not a whole number from {min} to {max}"))),
            }
        };
        let smtp = match get("STYK_SMTP_URL") {
            Some(v) => Some(SmtpUrl::parse(v).map_err(|problem| bad("STYK_SMTP_URL", problem))?),
            None => None,
        };
        let from = get("STYK_MAIL_FROM").unwrap_or("Styk <no-reply@styk.localhost>").to_string();
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(bad("STYK_MAIL_FROM", format!("`{from}` is not an address like Styk <portal@example.com>")));
        }
        let mail = MailConfig {
            smtp,
            from,
            dir: get("STYK_MAIL_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("mail")),
            dir_retention: Duration::from_secs(number("STYK_MAIL_DIR_RETENTION_DAYS", 7, 1, 365)? * 86_400),
            max_attempts: number("STYK_MAIL_MAX_ATTEMPTS", 8, 1, 100)? as u32,
        };
        let minutes =
            |name: &str, default: u64, max: u64| number(name, default, 1, max).map(|m| Duration::from_secs(m * 60));
        let sessions = SessionConfig {
            customer_idle: minutes("STYK_CUSTOMER_IDLE_MINUTES", 30, 24 * 60)?,
            customer_absolute: minutes("STYK_CUSTOMER_ABSOLUTE_HOURS", 12, 24 * 30)? * 60,
            staff_idle: minutes("STYK_STAFF_IDLE_MINUTES", 15, 24 * 60)?,
            staff_absolute: minutes("STYK_STAFF_ABSOLUTE_HOURS", 8, 24 * 30)? * 60,
        };
        let throttle = ThrottleConfig {
            window: Duration::from_secs(number("STYK_THROTTLE_WINDOW", 900, 1, 86_400)?),
            ip_limit: number("STYK_THROTTLE_IP_LIMIT", 30, 1, 100_000)? as u32,
            account_limit: number("STYK_THROTTLE_ACCOUNT_LIMIT", 5, 1, 100)? as u32,
        };
        let client_ip_header = match get("STYK_CLIENT_IP_HEADER") {
            Some(v) if axum::http::HeaderName::from_bytes(v.as_bytes()).is_err() => {
                return Err(bad("STYK_CLIENT_IP_HEADER", format!("`{v}` is not a header name")))
            }
            other => other.map(|v| v.to_ascii_lowercase()),
        };
        let touchpoints = TouchpointConfig {
            enabled: switch("STYK_TOUCHPOINTS", true)?,
            queue: number("STYK_TOUCHPOINT_QUEUE", 65_536, 16, 10_000_000)? as usize,
            slow_ms: number("STYK_TOUCHPOINT_SLOW_MS", 1_500, 1, 600_000)? as u32,
            abandon_after: Duration::from_secs(number("STYK_TOUCHPOINT_ABANDON_MINUTES", 30, 1, 24 * 60)? * 60),
            retention: Duration::from_secs(number("STYK_TOUCHPOINT_RETENTION_DAYS", 395, 1, 3_650)? * 86_400),
            beacons_per_minute: number("STYK_BEACON_PER_MINUTE", 120, 1, 100_000)? as u32,
            pseudonym_key: match get("STYK_PSEUDONYM_KEY") {
                Some(key) if key.len() < 32 => {
                    return Err(bad("STYK_PSEUDONYM_KEY", "use at least 32 characters".to_string()))
                }
                key => key.map(|k| SecretString::from(k.to_string())),
            },
        };
        let seller = match (get("STYK_SELLER_NAME"), get("STYK_SELLER_TAX_ID"), get("STYK_SELLER_ADDRESS")) {
            (Some(name), Some(tax_id), Some(address)) => {
                Some(Seller { name: name.into(), tax_id: tax_id.into(), address: address.into() })
            }
            (None, None, None) => demo.then(Seller::demo),
            (name, tax_id, _) => {
                let missing = if name.is_none() {
                    "STYK_SELLER_NAME"
                } else if tax_id.is_none() {
                    "STYK_SELLER_TAX_ID"
                } else {
                    "STYK_SELLER_ADDRESS"
                };
                return Err(bad(missing, "set the seller's name, tax id and address together".to_string()));
            }
        };
        let db_max_connections =
            number("STYK_DB_MAX_CONNECTIONS", default_pool_size(database_url.backend()), 1, 1000)? as u32;
        Ok(Config {
            seller,
            mail,
            sessions,
            throttle,
            client_ip_header,
            invitation_ttl: Duration::from_secs(number("STYK_INVITATION_DAYS", 7, 1, 60)? * 86_400),
            touchpoints,
            metrics_token: get("STYK_METRICS_TOKEN").map(|t| SecretString::from(t.to_string())),
            addr,
            data_dir,
            database_url,
            public_url,
            demo,
            site_root: PathBuf::from(get("STYK_SITE_ROOT").unwrap_or("target/site")),
            log_filter: get("STYK_LOG").unwrap_or(DEFAULT_LOG_FILTER).to_string(),
            log_format,
            request_timeout: Duration::from_secs(number("STYK_REQUEST_TIMEOUT", 30, 1, 3600)?),
            body_limit: number("STYK_BODY_LIMIT", 1024 * 1024, 1024, 1 << 30)? as usize,
            attachment_max_bytes: number("STYK_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, 1024, 100 << 20)? as usize,
            correction_decision_days: number("STYK_CORRECTION_DECISION_DAYS", 7, 1, 90)? as i64,
            archive_notify_over: number("STYK_ARCHIVE_NOTIFY_OVER", 100, 0, 1_000_000)? as i64,
            quotas: Quotas {
                uploads_per_day: number("STYK_QUOTA_UPLOADS_PER_DAY", 50, 1, 1_000_000)? as i64,
                archives_queued: number("STYK_QUOTA_ARCHIVES_QUEUED", 3, 1, 1_000)? as i64,
            },
            shutdown_grace: Duration::from_secs(number("STYK_SHUTDOWN_GRACE", 8, 0, 600)?),
            db_max_connections,
        })
    }
}

/// The database pool's size when `STYK_DB_MAX_CONNECTIONS` does not set it.
///
/// sqlx runs each SQLite connection's queries on a thread of its own, and under load every
/// connection of the pool is busy, so a pool much larger than the machine has cores only makes
/// those threads take turns on the CPU with the ones serving requests (measured with the orders
/// benchmark: less CPU a page and a lower p99 at twice the cores than at 16; fewer were no
/// better). A PostgreSQL connection is a socket to a server that does the work, so its pool stays
/// at 16.
fn default_pool_size(backend: Backend) -> u64 {
    match backend {
        Backend::Sqlite => std::thread::available_parallelism().map_or(4, |cores| cores.get() as u64 * 2).clamp(4, 16),
        Backend::Postgres => 16,
    }
}

fn read_file(path: &str) -> Result<BTreeMap<String, String>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| bad("STYK_CONFIG", format!("cannot read `{path}` ({e})")))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| bad("STYK_CONFIG", format!("`{path}` is not valid TOML ({})", e.message())))?;
    let mut values = BTreeMap::new();
    for (key, value) in table {
        let name = format!("STYK_{}", key.to_ascii_uppercase());
        if name == "STYK_CONFIG" || !SETTINGS.iter().any(|(known, _)| *known == name) {
            return Err(bad("STYK_CONFIG", format!("`{key}` in `{path}` is not a setting")));
        }
        let text = match value {
            toml::Value::String(s) => s,
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => if b { "1" } else { "0" }.to_string(),
            _ => return Err(bad("STYK_CONFIG", format!("`{key}` in `{path}` must be a string, number or boolean"))),
        };
        values.insert(name, text);
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_serve_sqlite_under_data() {
        let config = Config::from_vars(vars(&[("PATH", "/bin")])).unwrap();
        assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database_url.backend(), Backend::Sqlite);
        assert!(config.database_url.expose().contains("data/styk.db"));
        assert_eq!(config.public_url, "http://127.0.0.1:3000");
        assert!(!config.demo);
        let cores = std::thread::available_parallelism().unwrap().get() as u32;
        assert_eq!(config.db_max_connections, (cores * 2).clamp(4, 16), "SQLite's pool follows the cores");
    }

    #[test]
    fn the_pool_size_is_settable_and_postgres_keeps_sixteen() {
        let postgres = Config::from_vars(vars(&[("STYK_DATABASE_URL", "postgres://localhost/styk")])).unwrap();
        assert_eq!(postgres.db_max_connections, 16);
        let set = Config::from_vars(vars(&[("STYK_DB_MAX_CONNECTIONS", "3")])).unwrap();
        assert_eq!(set.db_max_connections, 3);
    }

    #[test]
    fn bad_values_name_their_setting() {
        for (name, value) in [
            ("STYK_ADDR", "localhost"),
            ("STYK_DATABASE_URL", "mysql://x/y"),
            ("STYK_DATABASE_URL", "postgres://"),
            ("STYK_DATABASE_URL", "nonsense"),
            ("STYK_DEMO", "maybe"),
            ("STYK_BODY_LIMIT", "-5"),
            ("STYK_PUBLIC_URL", "ftp://x"),
            ("STYK_NOPE", "1"),
        ] {
            let err = Config::from_vars(vars(&[(name, value)])).unwrap_err();
            assert_eq!(err.setting, name, "{err}");
        }
    }

    #[test]
    fn smtp_password_never_shows() {
        let config =
            Config::from_vars(vars(&[("STYK_SMTP_URL", "smtp+starttls://mailer:s%40cret@mail.example.com")])).unwrap();
        let smtp = config.mail.smtp.clone().unwrap();
        assert_eq!((smtp.host.as_str(), smtp.port, smtp.security), ("mail.example.com", 587, SmtpSecurity::StartTls));
        assert_eq!(smtp.password.as_ref().unwrap().expose_secret(), "s@cret");
        assert!(!format!("{config:?}").contains("cret"));
        for bad_url in ["http://x", "smtp://", "nonsense"] {
            assert_eq!(Config::from_vars(vars(&[("STYK_SMTP_URL", bad_url)])).unwrap_err().setting, "STYK_SMTP_URL");
        }
        assert_eq!(Config::from_vars(vars(&[("STYK_MAIL_FROM", "no at sign")])).unwrap_err().setting, "STYK_MAIL_FROM");
    }

    #[test]
    fn demo_mode_stays_on_loopback_and_off_https() {
        let open = Config::from_vars(vars(&[("STYK_DEMO", "1"), ("STYK_ADDR", "0.0.0.0:3000")])).unwrap_err();
        assert_eq!(open.setting, "STYK_DEMO");
        assert!(open.problem.contains("0.0.0.0:3000"), "{open}");
        let https = Config::from_vars(vars(&[("STYK_DEMO", "1"), ("STYK_PUBLIC_URL", "https://portal.example.com")]))
            .unwrap_err();
        assert_eq!(https.setting, "STYK_DEMO");
        assert!(Config::from_vars(vars(&[("STYK_DEMO", "1"), ("STYK_ADDR", "[::1]:3000")])).is_ok());
        assert!(Config::from_vars(vars(&[("STYK_ADDR", "0.0.0.0:3000")])).is_ok(), "without demo mode it may");
    }

    #[test]
    fn quotas_have_defaults_and_can_be_set() {
        let config = Config::from_vars(vars(&[])).unwrap();
        assert_eq!((config.quotas.uploads_per_day, config.quotas.archives_queued), (50, 3));
        assert_eq!(config.mail.dir_retention, Duration::from_secs(7 * 86_400));
        let set = Config::from_vars(vars(&[("STYK_QUOTA_UPLOADS_PER_DAY", "2"), ("STYK_QUOTA_ARCHIVES_QUEUED", "1")]))
            .unwrap();
        assert_eq!((set.quotas.uploads_per_day, set.quotas.archives_queued), (2, 1));
    }

    #[test]
    fn test_harness_variables_are_not_settings() {
        assert!(Config::from_vars(vars(&[("STYK_TEST_DATABASE_URL", "postgres://x/y")])).is_ok());
    }

    #[test]
    fn database_password_never_shows() {
        let url = DatabaseUrl::parse("postgres://styk:hunter2@db.internal:5432/styk").unwrap();
        assert_eq!(url.backend(), Backend::Postgres);
        assert!(!format!("{url} {url:?}").contains("hunter2"));
        assert!(url.expose().contains("hunter2"));
        let config = Config::from_vars(vars(&[("STYK_DATABASE_URL", "postgres://styk:hunter2@db/styk")])).unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn file_values_yield_to_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("styk.toml");
        std::fs::write(&path, "addr = \"127.0.0.1:4000\"\ndemo = true\nbody_limit = 2048\n").unwrap();
        let config =
            Config::from_vars(vars(&[("STYK_CONFIG", path.to_str().unwrap()), ("STYK_ADDR", "127.0.0.1:5000")]))
                .unwrap();
        assert_eq!(config.addr.port(), 5000);
        assert!(config.demo);
        assert_eq!(config.body_limit, 2048);
        std::fs::write(&path, "colour = \"red\"\n").unwrap();
        let err = Config::from_vars(vars(&[("STYK_CONFIG", path.to_str().unwrap())])).unwrap_err();
        assert_eq!(err.setting, "STYK_CONFIG");
    }
}
