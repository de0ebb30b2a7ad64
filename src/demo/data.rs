//! A deterministic demo generator: the same seed and date give the same accounts, orders and
//! invoices, in Polish and English. `make run` loads a handful of accounts (with the personas the
//! README lists); benchmarks load 100,000 with `styk demo --accounts 100000`.

use super::names::*;
use crate::auth::password::{hash_password, PasswordError};
use crate::config::Backend;
use crate::db::batch::{insert_rows, Val};
use crate::db::{ids::id_from, Db};
use crate::kernel::money::vat_of;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use secrecy::SecretString;
use std::collections::HashSet;

/// The password of every demo sign-in; printed at start in demo mode and listed in README.md.
pub const DEMO_PASSWORD: &str = "Styk-Demo-2026!";

/// Who can sign in to the demo, and as what.
pub struct DemoSignIn {
    pub email: &'static str,
    pub who: &'static str,
}

pub const DEMO_SIGN_INS: &[DemoSignIn] = &[
    DemoSignIn { email: "ola@demo.styk.pl", who: "customer owner, Piekarnia Ola Nowak sp. z o.o. (Polish)" },
    DemoSignIn { email: "piotr@demo.styk.pl", who: "customer billing member of the same account (Polish)" },
    DemoSignIn { email: "anna@demo.styk.pl", who: "customer owner, Northwind Provisions Ltd (English)" },
    DemoSignIn { email: "ivan@demo.styk.pl", who: "customer owner, Kawiarnia Samowar s.c. (Russian)" },
    DemoSignIn { email: "admin@demo.styk.pl", who: "staff admin" },
    DemoSignIn { email: "agent@demo.styk.pl", who: "staff agent" },
    DemoSignIn { email: "supervisor@demo.styk.pl", who: "staff supervisor" },
    DemoSignIn { email: "cx@demo.styk.pl", who: "staff CX analyst" },
];

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub accounts: usize,
    pub orders_per_account: usize,
    /// Orders of the first account (Ola's bakery), when it should have more than the others: the
    /// benchmarks give it 10,000 to show the history stays fast at that size.
    pub first_account_orders: Option<usize>,
    pub seed: u64,
    /// The generator's "today": order and invoice dates lie before it.
    pub today: NaiveDate,
}

impl DemoOptions {
    /// What `make run` loads: the personas plus a few more accounts.
    pub fn small(today: NaiveDate) -> Self {
        DemoOptions { accounts: 12, orders_per_account: 24, first_account_orders: None, seed: 2026, today }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub accounts: usize,
    pub members: usize,
    pub staff: usize,
    pub products: usize,
    pub orders: usize,
    pub invoices: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the database already holds accounts or users (staff included); demo data goes into an empty database only"
    )]
    NotEmpty,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Password(#[from] PasswordError),
}

/// Loads the small demo into an empty database: one without customer accounts and without users
/// of any kind, so that demo staff with the published password never join a real installation
/// (one whose first admin was invited before it first started). Returns whether it loaded anything.
pub async fn ensure_demo_data(db: &Db, today: NaiveDate) -> Result<bool, DemoError> {
    if !db.is_empty().await? {
        return Ok(false);
    }
    generate(db, &DemoOptions::small(today)).await?;
    Ok(true)
}

/// Rows waiting to be written, flushed every few hundred accounts so memory stays flat at
/// 100,000 accounts.
#[derive(Default)]
struct Rows {
    accounts: Vec<Vec<Val>>,
    members: Vec<Vec<Val>>,
    addresses: Vec<Vec<Val>>,
    orders: Vec<Vec<Val>>,
    order_lines: Vec<Vec<Val>>,
    order_status: Vec<Vec<Val>>,
    invoices: Vec<Vec<Val>>,
    invoice_lines: Vec<Vec<Val>>,
    payments: Vec<Vec<Val>>,
}

const FLUSH_EVERY_ACCOUNTS: usize = 500;

/// Writes demo data into an empty database.
pub async fn generate(db: &Db, options: &DemoOptions) -> Result<DemoSummary, DemoError> {
    if !db.is_empty().await? {
        return Err(DemoError::NotEmpty);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    // One hash for every demo sign-in: they share a password, and hashing thousands of members
    // would take minutes. Generated members get no password at all (they cannot sign in).
    let password_hash = hash_password(SecretString::from(DEMO_PASSWORD)).await?;
    let created = at_noon(options.today - Duration::days(540));
    let mut summary = DemoSummary::default();

    let mut tx = db.begin_write().await?;
    let staff = [
        ("admin@demo.styk.pl", "Adam Administrator", "admin", "en"),
        ("agent@demo.styk.pl", "Agata Kowalska", "agent", "pl"),
        ("supervisor@demo.styk.pl", "Stanisław Zając", "supervisor", "pl"),
        ("cx@demo.styk.pl", "Claire Xu", "cx_analyst", "en"),
    ];
    let staff_rows = staff
        .iter()
        .map(|(email, name, role, lang)| {
            vec![
                Val::Text(id_from(&mut rng)),
                Val::Text(email.to_string()),
                Val::Text(name.to_string()),
                Val::Text(role.to_string()),
                Val::Text(lang.to_string()),
                Val::Text(password_hash.clone()),
                Val::Int(created),
                Val::Int(created),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        db.backend,
        "staff_users",
        &["staff_id", "email", "full_name", "role", "preferred_language", "password_hash", "created_at", "updated_at"],
        staff_rows,
    )
    .await?;
    summary.staff = staff.len();

    let products: Vec<Product> = PRODUCTS
        .iter()
        .map(|&(sku, name, unit, price, vat, active)| Product {
            id: id_from(&mut rng),
            sku,
            name,
            unit,
            price,
            vat,
            active,
        })
        .collect();
    let product_rows = products
        .iter()
        .map(|p| {
            vec![
                Val::Text(p.id.clone()),
                Val::Text(p.sku.into()),
                Val::Text(p.name.into()),
                Val::Text(p.unit.into()),
                Val::Int(p.price),
                Val::Int(p.vat),
                Val::Int(i64::from(p.active)),
                Val::Int(created),
            ]
        })
        .collect();
    insert_rows(
        &mut tx,
        db.backend,
        "products",
        &["product_id", "sku", "name", "unit", "unit_price_minor", "vat_rate_bp", "active", "created_at"],
        product_rows,
    )
    .await?;
    summary.products = products.len();

    let mut customer_numbers = HashSet::new();
    let mut invoice_sequence: std::collections::HashMap<(i32, u32), u32> = Default::default();
    let mut order_numbers: HashSet<u64> = HashSet::new();
    let mut rows = Rows::default();
    for index in 0..options.accounts {
        let account = make_account(index, &mut rng, &mut customer_numbers, &password_hash, created, &mut rows);
        summary.accounts += 1;
        summary.members += account.members;
        let orders = match index {
            0 => options.first_account_orders.unwrap_or(options.orders_per_account),
            _ => options.orders_per_account,
        };
        for _ in 0..orders {
            let invoiced = make_order(
                &account,
                &products,
                options.today,
                &mut rng,
                &mut invoice_sequence,
                &mut order_numbers,
                &mut rows,
            );
            summary.orders += 1;
            summary.invoices += usize::from(invoiced);
        }
        if (index + 1) % FLUSH_EVERY_ACCOUNTS == 0 {
            flush(&mut tx, db.backend, &mut rows).await?;
            tx.commit().await?;
            tx = db.begin_write().await?;
        }
    }
    flush(&mut tx, db.backend, &mut rows).await?;
    tx.commit().await?;
    Ok(summary)
}

struct Product {
    id: String,
    sku: &'static str,
    name: &'static str,
    unit: &'static str,
    price: i64,
    vat: i64,
    active: bool,
}

struct Account {
    id: String,
    name: String,
    tax_id: String,
    buyer_address: String,
    delivery_address_id: String,
    billing_member_id: String,
    members: usize,
}

/// A member to create: e-mail, full name, role, and whether they get the demo password.
type Person = (String, String, &'static str, bool);

/// The first accounts are the personas README.md names; the rest are drawn at random.
fn make_account(
    index: usize,
    rng: &mut ChaCha8Rng,
    customer_numbers: &mut HashSet<u32>,
    password_hash: &str,
    created: i64,
    rows: &mut Rows,
) -> Account {
    let account_id = id_from(rng);
    let customer_number = loop {
        let candidate = rng.gen_range(10_000_000..100_000_000u32);
        if customer_numbers.insert(candidate) {
            break candidate;
        }
    };
    let (name, language, country, people): (String, &str, &str, Vec<Person>) = match index {
        0 => (
            "Piekarnia Ola Nowak sp. z o.o.".into(),
            "pl",
            "PL",
            vec![
                ("ola@demo.styk.pl".into(), "Aleksandra Nowak".into(), "owner", true),
                ("piotr@demo.styk.pl".into(), "Piotr Wiśniewski".into(), "billing", true),
                ("jedrzej@demo.styk.pl".into(), "Jędrzej Łągiewka".into(), "member", true),
            ],
        ),
        1 => (
            "Northwind Provisions Ltd".into(),
            "en",
            "GB",
            vec![("anna@demo.styk.pl".into(), "Anna Clarke".into(), "owner", true)],
        ),
        2 => (
            "Kawiarnia Samowar s.c.".into(),
            "ru",
            "PL",
            vec![("ivan@demo.styk.pl".into(), "Иван Петров".into(), "owner", true)],
        ),
        _ => {
            let english = rng.gen_ratio(1, 4);
            let (firsts, surnames) =
                if english { (EN_FIRST_NAMES, EN_SURNAMES) } else { (PL_FIRST_NAMES, PL_SURNAMES) };
            let surname = *surnames.choose(rng).unwrap();
            let name = if english {
                format!("{surname} {} {}", EN_TRADES.choose(rng).unwrap(), EN_LEGAL_FORMS.choose(rng).unwrap())
            } else {
                format!("{} {surname} {}", PL_TRADES.choose(rng).unwrap(), PL_LEGAL_FORMS.choose(rng).unwrap())
            };
            let count = rng.gen_range(1..=3);
            let people = (0..count)
                .map(|n| {
                    let first = *firsts.choose(rng).unwrap();
                    let last = *surnames.choose(rng).unwrap();
                    let role = match n {
                        0 => "owner",
                        1 => "billing",
                        _ => "member",
                    };
                    let email = format!("{}.{}.{customer_number}.{n}@example.com", ascii_fold(first), ascii_fold(last));
                    (email, format!("{first} {last}"), role, false)
                })
                .collect();
            let country = if english {
                "GB"
            } else if rng.gen_ratio(1, 10) {
                "DE"
            } else {
                "PL"
            };
            (name, if english { "en" } else { "pl" }, country, people)
        }
    };
    let places = match country {
        "GB" => GB_PLACES,
        "DE" => DE_PLACES,
        _ => PL_PLACES,
    };
    let drawn = *places.choose(rng).unwrap();
    // The first persona's address is fixed, so every one of its invoices prints a Polish name with
    // diacritics (the browser tests read it back from the PDF); drawn anyway, so the rest of the
    // demo data stays the same.
    let (street, postal_code, city) = if index == 0 { ("ul. Piotrkowska", "90-406", "Łódź") } else { drawn };
    let line1 = format!("{street} {}", rng.gen_range(1..180));
    let tax_id = match country {
        "PL" => format!("PL{:010}", rng.gen_range(1_000_000_000u64..10_000_000_000)),
        "DE" => format!("DE{:09}", rng.gen_range(100_000_000u64..1_000_000_000)),
        _ => format!("GB{:09}", rng.gen_range(100_000_000u64..1_000_000_000)),
    };
    rows.accounts.push(vec![
        Val::Text(account_id.clone()),
        Val::Text(customer_number.to_string()),
        Val::Text(name.clone()),
        Val::Text(tax_id.clone()),
        Val::Text(language.into()),
        Val::Text(
            if country == "GB" {
                "GBP"
            } else if country == "DE" {
                "EUR"
            } else {
                "PLN"
            }
            .into(),
        ),
        Val::Int(created),
        Val::Int(created),
    ]);
    let mut delivery_address_id = String::new();
    for kind in ["billing", "delivery"] {
        let address_id = id_from(rng);
        rows.addresses.push(vec![
            Val::Text(address_id.clone()),
            Val::Text(account_id.clone()),
            Val::Text(kind.into()),
            Val::Text(name.clone()),
            Val::Text(line1.clone()),
            Val::NullText,
            Val::Text(postal_code.into()),
            Val::Text(city.into()),
            Val::Text(country.into()),
            Val::Int(1),
            Val::Int(created),
            Val::Int(created),
        ]);
        delivery_address_id = address_id;
    }
    let mut billing_member_id = String::new();
    for (email, full_name, role, can_sign_in) in &people {
        let member_id = id_from(rng);
        if billing_member_id.is_empty() || *role == "billing" {
            billing_member_id = member_id.clone();
        }
        rows.members.push(vec![
            Val::Text(member_id),
            Val::Text(account_id.clone()),
            Val::Text(email.clone()),
            Val::Text(full_name.clone()),
            Val::Text(format!(
                "+48 {} {} {}",
                rng.gen_range(500..900),
                rng.gen_range(100..1000),
                rng.gen_range(100..1000)
            )),
            Val::Text(role.to_string()),
            Val::Text(language.into()),
            if *can_sign_in { Val::Text(password_hash.to_string()) } else { Val::NullText },
            if *can_sign_in { Val::Int(created) } else { Val::NullInt },
            Val::Int(created),
            Val::Int(created),
        ]);
    }
    Account {
        id: account_id,
        buyer_address: format!("{line1}, {postal_code} {city}, {country}"),
        name,
        tax_id,
        delivery_address_id,
        billing_member_id,
        members: people.len(),
    }
}

/// Adds one order with its lines and history and, unless it is cancelled or still new, its
/// invoice with payments. Returns whether an invoice was made.
fn make_order(
    account: &Account,
    products: &[Product],
    today: NaiveDate,
    rng: &mut ChaCha8Rng,
    invoice_sequence: &mut std::collections::HashMap<(i32, u32), u32>,
    order_numbers: &mut HashSet<u64>,
    rows: &mut Rows,
) -> bool {
    let age_days = rng.gen_range(0..540);
    let placed_on = today - Duration::days(age_days);
    // Order numbers are unique; at millions of orders two ids can share their first characters.
    let (order_id, order_number) = loop {
        let order_id = id_from(rng);
        let number = crate::orders::store::order_number(placed_on.year(), &order_id);
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(&number, &mut hasher);
        if order_numbers.insert(std::hash::Hasher::finish(&hasher)) {
            break (order_id, number);
        }
    };
    let placed_at = at_noon(placed_on) + rng.gen_range(-4 * 3_600_000..6 * 3_600_000);
    // Old orders have been delivered (or cancelled); the newest are still on their way.
    let status = match age_days {
        0..=1 => "placed",
        2..=4 => "confirmed",
        5..=9 => "shipped",
        _ if rng.gen_ratio(1, 25) => "cancelled",
        _ => "delivered",
    };
    let line_count = rng.gen_range(1..=5);
    let chosen: Vec<&Product> = products.choose_multiple(rng, line_count).collect();
    let (mut net, mut vat) = (0i64, 0i64);
    let mut lines = Vec::new();
    for (n, product) in chosen.iter().enumerate() {
        let quantity = rng.gen_range(1..=20i64);
        let line_net = quantity * product.price;
        let line_vat = vat_of(line_net, product.vat);
        net += line_net;
        vat += line_vat;
        lines.push((n as i64 + 1, *product, quantity, line_net, line_vat));
    }
    let search_text = crate::orders::store::search_text(&order_number, lines.iter().map(|line| line.1.name));
    rows.orders.push(vec![
        Val::Text(order_id.clone()),
        Val::Text(account.id.clone()),
        Val::Text(order_number),
        Val::Text(status.into()),
        Val::Text("PLN".into()),
        Val::Int(net),
        Val::Int(vat),
        Val::Int(net + vat),
        Val::Text(account.delivery_address_id.clone()),
        Val::Text(account.billing_member_id.clone()),
        Val::Int(placed_at),
        Val::Int(placed_at),
        Val::Int(placed_at),
        Val::Text(search_text),
        Val::Text(lines.first().map(|line| line.1.name).unwrap_or("").to_string()),
        Val::Int(lines.len() as i64),
    ]);
    for (line_no, product, quantity, line_net, line_vat) in &lines {
        rows.order_lines.push(vec![
            Val::Text(id_from(rng)),
            Val::Text(order_id.clone()),
            Val::Int(*line_no),
            Val::Text(product.id.clone()),
            Val::Text(product.name.into()),
            Val::Int(*quantity),
            Val::Int(product.price),
            Val::Int(product.vat),
            Val::Int(*line_net),
            Val::Int(*line_vat),
            Val::Int(line_net + line_vat),
        ]);
    }
    let path: &[&str] = match status {
        "placed" => &["placed"],
        "confirmed" => &["placed", "confirmed"],
        "shipped" => &["placed", "confirmed", "shipped"],
        "cancelled" => &["placed", "cancelled"],
        _ => &["placed", "confirmed", "shipped", "delivered"],
    };
    for (step, state) in path.iter().enumerate() {
        rows.order_status.push(vec![
            Val::Text(id_from(rng)),
            Val::Text(order_id.clone()),
            Val::Text(state.to_string()),
            Val::Int(placed_at + step as i64 * 26 * 3_600_000),
        ]);
    }
    if matches!(status, "placed" | "cancelled") {
        return false;
    }

    let invoice_id = id_from(rng);
    let issue_date = placed_on + Duration::days(1);
    let due_date = issue_date + Duration::days(if rng.gen_bool(0.5) { 14 } else { 30 });
    let gross = net + vat;
    let days_past_due = (today - due_date).num_days();
    // Most invoices past their due date are paid; a few are overdue or partly paid.
    let paid = if days_past_due > 0 {
        match rng.gen_range(0..20) {
            0 => 0,
            1 => gross / 2,
            _ => gross,
        }
    } else if rng.gen_ratio(1, 3) {
        gross
    } else {
        0
    };
    let status = if paid == 0 {
        "unpaid"
    } else if paid < gross {
        "partly_paid"
    } else {
        "paid"
    };
    let key = (issue_date.year(), issue_date.month());
    let sequence = invoice_sequence.entry(key).or_insert(0);
    *sequence += 1;
    let invoice_number = format!("FV/{}/{:02}/{:06}", key.0, key.1, sequence);
    // KSeF became mandatory in February 2026; most invoices since then carry its number.
    let ksef = (issue_date >= NaiveDate::from_ymd_opt(2026, 2, 1).unwrap() && rng.gen_ratio(9, 10)).then(|| {
        format!(
            "5260250274-{}-{:012X}-{:02X}",
            issue_date.format("%Y%m%d"),
            rng.gen_range(0..1u64 << 48),
            rng.gen_range(0..256u32)
        )
    });
    let created_at = at_noon(issue_date);
    rows.invoices.push(vec![
        Val::Text(invoice_id.clone()),
        Val::Text(account.id.clone()),
        Val::Text(invoice_number),
        Val::Text(order_id),
        Val::Text(issue_date.to_string()),
        Val::Text(placed_on.to_string()),
        Val::Text(due_date.to_string()),
        Val::Text(status.into()),
        Val::Text("PLN".into()),
        Val::Int(net),
        Val::Int(vat),
        Val::Int(gross),
        Val::Int(paid),
        ksef.map(Val::Text).unwrap_or(Val::NullText),
        Val::Text(account.name.clone()),
        Val::Text(account.tax_id.clone()),
        Val::Text(account.buyer_address.clone()),
        Val::Int(created_at),
    ]);
    for (line_no, product, quantity, line_net, line_vat) in lines {
        rows.invoice_lines.push(vec![
            Val::Text(id_from(rng)),
            Val::Text(invoice_id.clone()),
            Val::Int(line_no),
            Val::Text(product.id.clone()),
            Val::Text(product.name.into()),
            Val::Int(quantity),
            Val::Text(product.unit.into()),
            Val::Int(product.price),
            Val::Int(product.vat),
            Val::Int(line_net),
            Val::Int(line_vat),
            Val::Int(line_net + line_vat),
        ]);
    }
    if paid > 0 {
        let paid_on = std::cmp::min(due_date - Duration::days(rng.gen_range(0..7)), today);
        rows.payments.push(vec![
            Val::Text(id_from(rng)),
            Val::Text(invoice_id),
            Val::Text(account.id.clone()),
            Val::Int(paid),
            Val::Text(paid_on.to_string()),
            Val::Text(format!("PRZELEW {}", rng.gen_range(100_000..1_000_000))),
            Val::Int(at_noon(paid_on)),
        ]);
    }
    true
}

async fn flush(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    rows: &mut Rows,
) -> Result<(), sqlx::Error> {
    let r = std::mem::take(rows);
    insert_rows(
        tx,
        backend,
        "customer_accounts",
        &[
            "account_id",
            "customer_number",
            "name",
            "tax_id",
            "preferred_language",
            "currency",
            "created_at",
            "updated_at",
        ],
        r.accounts,
    )
    .await?;
    insert_rows(
        tx,
        backend,
        "addresses",
        &[
            "address_id",
            "account_id",
            "kind",
            "recipient",
            "line1",
            "line2",
            "postal_code",
            "city",
            "country",
            "is_default",
            "created_at",
            "updated_at",
        ],
        r.addresses,
    )
    .await?;
    insert_rows(
        tx,
        backend,
        "members",
        &[
            "member_id",
            "account_id",
            "email",
            "full_name",
            "phone",
            "role",
            "preferred_language",
            "password_hash",
            "email_verified_at",
            "created_at",
            "updated_at",
        ],
        r.members,
    )
    .await?;
    insert_rows(
        tx,
        backend,
        "orders",
        &[
            "order_id",
            "account_id",
            "order_number",
            "status",
            "currency",
            "net_minor",
            "vat_minor",
            "gross_minor",
            "delivery_address_id",
            "placed_by_member_id",
            "placed_at",
            "created_at",
            "updated_at",
            "search_text",
            "first_item",
            "line_count",
        ],
        r.orders,
    )
    .await?;
    insert_rows(
        tx,
        backend,
        "order_lines",
        &[
            "order_line_id",
            "order_id",
            "line_no",
            "product_id",
            "description",
            "quantity",
            "unit_price_minor",
            "vat_rate_bp",
            "net_minor",
            "vat_minor",
            "gross_minor",
        ],
        r.order_lines,
    )
    .await?;
    insert_rows(
        tx,
        backend,
        "order_status_history",
        &["order_status_id", "order_id", "status", "changed_at"],
        r.order_status,
    )
    .await?;
    insert_rows(
        tx,
        backend,
        "invoices",
        &[
            "invoice_id",
            "account_id",
            "invoice_number",
            "order_id",
            "issue_date",
            "sale_date",
            "due_date",
            "status",
            "currency",
            "net_minor",
            "vat_minor",
            "gross_minor",
            "paid_minor",
            "ksef_number",
            "buyer_name",
            "buyer_tax_id",
            "buyer_address",
            "created_at",
        ],
        r.invoices,
    )
    .await?;
    insert_rows(
        tx,
        backend,
        "invoice_lines",
        &[
            "invoice_line_id",
            "invoice_id",
            "line_no",
            "product_id",
            "description",
            "quantity",
            "unit",
            "unit_price_minor",
            "vat_rate_bp",
            "net_minor",
            "vat_minor",
            "gross_minor",
        ],
        r.invoice_lines,
    )
    .await?;
    insert_rows(
        tx,
        backend,
        "payments",
        &["payment_id", "invoice_id", "account_id", "amount_minor", "paid_on", "reference", "created_at"],
        r.payments,
    )
    .await?;
    Ok(())
}

fn at_noon(date: NaiveDate) -> i64 {
    Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0).unwrap()).timestamp_millis()
}

/// Polish letters to their ASCII base, for generated e-mail addresses.
fn ascii_fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ą' => 'a',
            'ć' => 'c',
            'ę' => 'e',
            'ł' | 'Ł' => 'l',
            'ń' => 'n',
            'ó' => 'o',
            'ś' | 'Ś' => 's',
            'ź' | 'ż' | 'Ż' | 'Ź' => 'z',
            other => other.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_local_parts_are_ascii() {
        assert_eq!(ascii_fold("Łucja"), "lucja");
        assert_eq!(ascii_fold("Wiśniewska"), "wisniewska");
        assert_eq!(ascii_fold("Żaneta"), "zaneta");
    }
}
