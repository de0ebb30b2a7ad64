//! The `styk` binary: serves the portal, applies migrations, or loads demo data.
use clap::{Parser, Subcommand};
use std::process::ExitCode;
use styk::config::Config;
use styk::db::Db;
use styk::demo::{self, DemoOptions};
use styk::server::{shutdown, telemetry, Server};

#[derive(Parser)]
#[command(name = "styk", version, about = "Styk customer portal. Settings come from STYK_* variables (see README.md).")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Load generated demo data into an empty database (sized for demos or benchmarks).
    Demo {
        #[arg(long, default_value_t = 12)]
        accounts: usize,
        #[arg(long, default_value_t = 24)]
        orders_per_account: usize,
        /// Orders of the first account (Ola's bakery), if it should have more than the others.
        #[arg(long)]
        first_account_orders: Option<usize>,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// The generator's today (YYYY-MM-DD); dates in the data lie before it.
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// Write compressed copies (.br, .gz) of the site's static files beside them, for the file
    /// service to send instead of compressing them for every request; run it after building.
    Precompress,
    /// Create an administrator (the first staff user of a new installation) and print their
    /// invitation link; the running portal also e-mails it.
    InviteAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Language of the invitation e-mail: en, pl or ru.
        #[arg(long, default_value = "en")]
        language: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("styk: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("styk: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(config).await,
            Command::Migrate => migrate(config).await,
            Command::Demo { accounts, orders_per_account, first_account_orders, seed, today } => {
                let today = today.unwrap_or_else(|| chrono::Utc::now().date_naive());
                let options = DemoOptions { accounts, orders_per_account, first_account_orders, seed, today };
                load_demo(config, options).await
            }
            Command::Precompress => precompress(&config),
            Command::InviteAdmin { email, name, language } => invite_admin(config, &email, &name, &language).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("styk: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let demo = config.demo;
    let backend = config.database_url.backend().name();
    let stop = shutdown::signal();
    let server = Server::build(config).await.map_err(|e| format!("cannot start: {e}"))?;
    let url = server.state().config.public_url.clone();
    tracing::info!(%url, backend, "serving");
    println!("Styk is serving {url} (database: {backend})");
    if demo {
        println!("Demo sign-ins (password {}):", demo::DEMO_PASSWORD);
        for sign_in in demo::DEMO_SIGN_INS {
            println!("  {:<26} {}", sign_in.email, sign_in.who);
        }
        if server.state().config.mail.smtp.is_none() {
            println!("E-mail the portal sends (invitations, resets): {url}/demo/mail");
        }
    }
    server.run_until(stop).await.map_err(|e| format!("server stopped: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate(config: Config) -> Result<(), String> {
    let db = Db::connect(&config).await.map_err(|e| format!("STYK_DATABASE_URL: {e}"))?;
    db.migrate().await.map_err(|e| format!("STYK_DATABASE_URL: {e}"))?;
    println!("migrations applied ({})", db.backend.name());
    Ok(())
}

fn precompress(config: &Config) -> Result<(), String> {
    let started = std::time::Instant::now();
    let root = &config.site_root;
    let done =
        styk::server::assets::precompress(root).map_err(|e| format!("STYK_SITE_ROOT ({}): {e}", root.display()))?;
    println!(
        "compressed copies: {} written, {} up to date; {} bytes compressed to {} with Brotli, in {:.1} s",
        done.written,
        done.up_to_date,
        done.source_bytes,
        done.brotli_bytes,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn load_demo(config: Config, options: DemoOptions) -> Result<(), String> {
    let db = Db::connect(&config).await.map_err(|e| format!("STYK_DATABASE_URL: {e}"))?;
    db.migrate().await.map_err(|e| format!("STYK_DATABASE_URL: {e}"))?;
    let started = std::time::Instant::now();
    let summary = demo::generate(&db, &options).await.map_err(|e| format!("demo data: {e}"))?;
    println!(
        "loaded {} accounts, {} members, {} orders, {} invoices, {} products, {} staff in {:.1} s",
        summary.accounts,
        summary.members,
        summary.orders,
        summary.invoices,
        summary.products,
        summary.staff,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn invite_admin(config: Config, email: &str, name: &str, language: &str) -> Result<(), String> {
    use styk::staff::service::{insert_staff, StaffActor};
    use styk::web::forms::Rejection;
    let db = Db::connect(&config).await.map_err(|e| format!("STYK_DATABASE_URL: {e}"))?;
    db.migrate().await.map_err(|e| format!("STYK_DATABASE_URL: {e}"))?;
    let actor = StaffActor { kind: "system", id: None, name: "Styk", ip: None };
    match insert_staff(&db, &config, actor, email, name, "admin", language).await {
        Ok(link) => {
            println!(
                "Administrator {email} created. Invitation (valid {} days):",
                config.invitation_ttl.as_secs() / 86_400
            );
            println!("  {link}");
            println!("The portal e-mails it as well once it runs.");
            Ok(())
        }
        Err(Rejection::Fields(fields)) => Err(fields
            .iter()
            .map(|(field, problem)| format!("--{}: {problem}", field.replace("full_name", "name")))
            .collect::<Vec<_>>()
            .join(", ")),
        Err(other) => Err(format!("cannot create the administrator ({other:?})")),
    }
}
