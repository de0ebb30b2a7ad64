//! The journal over HTTP: every page, form and server function records its step; server-side
//! friction signals; the beacon; abandonment; retention; the e-mail channel; "My activity" and the
//! data download; and no password, token or typed text in the store.
mod common;

use common::{demo_app, settle, TestApp, DEMO_PASSWORD};
use reqwest::StatusCode;
use std::collections::BTreeSet;
use std::time::Duration;
use styk::config::Backend;
use styk::touchpoints::catalogue::{is_unrecorded, Endpoint};
use styk::touchpoints::model::Signals;

const OLA: &str = "ola@demo.styk.pl"; // owner, Piekarnia Ola Nowak sp. z o.o.
const ANNA: &str = "anna@demo.styk.pl"; // owner, Northwind Provisions Ltd
const ADMIN: &str = "admin@demo.styk.pl";

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as(&format!("SELECT CAST(({sql}) AS BIGINT)")).fetch_one(&app.state.db.pool).await.unwrap();
    n
}

async fn text(app: &TestApp, sql: &str) -> String {
    let (value,): (String,) = sqlx::query_as(sql).fetch_one(&app.state.db.pool).await.unwrap();
    value
}

/// (journey, step, outcome, signals) of the touchpoints of a route, oldest first.
async fn steps_of(app: &TestApp, route: &str) -> Vec<(String, String, String, i64)> {
    sqlx::query_as(
        "SELECT journey, step, outcome, signals FROM touchpoints WHERE route = $1 AND kind = 'step' ORDER BY occurred_at",
    )
    .bind(route)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

async fn member_id(app: &TestApp, email: &str) -> String {
    let (id,): (String,) = sqlx::query_as("SELECT member_id FROM members WHERE email = $1")
        .bind(email)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id
}

/// The forms a rendered page holds: (action, value of its hidden `form` field).
fn forms_in(html: &str) -> Vec<(String, Option<String>)> {
    let mut forms = Vec::new();
    for chunk in html.split("<form").skip(1) {
        let body = chunk.split("</form>").next().unwrap_or("");
        // Search forms ask for a page; they change nothing and are page views.
        if body.split('>').next().unwrap_or("").contains("method=\"get\"") {
            continue;
        }
        let action = body.split("action=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or("").to_string();
        let which =
            body.split("name=\"form\" value=\"").nth(1).and_then(|rest| rest.split('"').next()).map(str::to_string);
        forms.push((action, which));
    }
    forms
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_form_and_server_function_records_its_step() {
    let app = demo_app(Backend::Sqlite, &[]).await;
    let declared: Vec<Endpoint> = styk::server::steps::catalogue().steps().map(|s| s.endpoint).collect();

    // 1. Every page route and every server function has a catalogue entry.
    let link_pages = styk::auth::handlers::LINK_PAGES;
    let pages: Vec<String> = styk::server::routes::app_routes()
        .iter()
        .map(|route| route.path().to_string())
        .filter(|path| !is_unrecorded(path))
        .collect();
    assert!(pages.len() >= 20, "the route list has the app's pages: {pages:?}");
    for page in &pages {
        let found = declared.iter().any(|e| match e {
            Endpoint::Page(p) => p == page,
            Endpoint::Get(p) => p == page && link_pages.contains(&page.as_str()),
            _ => false,
        });
        assert!(found, "page {page} declares no journey step");
    }
    let server_fns: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .filter(|path| !is_unrecorded(path))
        .collect();
    assert!(server_fns.len() >= 4, "{server_fns:?}");
    for path in &server_fns {
        assert!(declared.contains(&Endpoint::ServerFn(leak(path))), "server function {path} declares no journey step");
    }

    // 2. Loading each of them records a touchpoint of its step.
    let member = TestApp::new_client();
    assert_eq!(app.sign_in_with(&member, OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let staff = TestApp::new_client();
    let signed_in = app
        .post_form_with(&staff, "/staff/sign-in", &[("email", ADMIN), ("password", DEMO_PASSWORD), ("next", "")])
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let anonymous = TestApp::new_client();
    let client_for = |path: &str| match styk::web::access::required_kind(path) {
        Some(styk::web::sessions::PrincipalKind::Member) => &member,
        Some(styk::web::sessions::PrincipalKind::Staff) => &staff,
        None => &anonymous,
    };
    let mut forms = BTreeSet::new();
    // Pages of one item are opened with an item of the signed-in member's own.
    let order_id = text(&app, &format!("SELECT o.order_id FROM orders o JOIN members m ON m.account_id = o.account_id WHERE m.email = '{OLA}' ORDER BY o.order_id LIMIT 1")).await;
    let invoice_id = text(&app, &format!("SELECT i.invoice_id FROM invoices i JOIN members m ON m.account_id = i.account_id WHERE m.email = '{OLA}' ORDER BY i.invoice_id LIMIT 1")).await;
    // A correction request and an invoice archive of hers, for their pages.
    let account_id = text(&app, &format!("SELECT account_id FROM members WHERE email = '{OLA}'")).await;
    let ola_id = member_id(&app, OLA).await;
    let (first_line,): (String,) =
        sqlx::query_as("SELECT description FROM invoice_lines WHERE invoice_id = $1 AND line_no = 1")
            .bind(&invoice_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let lines = styk::corrections::store::invoice_lines(&app.state.db, &invoice_id).await.unwrap();
    let mut changed = lines[0].values.clone();
    changed.quantity += 1;
    let changes = [styk::corrections::domain::LineChange {
        line_no: 1,
        unit: lines[0].unit.clone(),
        before: lines[0].values.clone(),
        after: changed,
    }];
    assert_eq!(lines[0].values.description, first_line);
    let no_mail = |_: &str, _: &str, _: &str| None;
    let correction_id = styk::corrections::store::submit(
        &app.state.db,
        styk::corrections::store::NewCorrection {
            account_id: &account_id,
            member_id: &ola_id,
            invoice_id: &invoice_id,
            key: "journalcoveragekey01",
            changes: &changes,
            buyer: &Default::default(),
            reason: styk::corrections::domain::CorrectionReason::ReturnedGoods,
            explanation: "coverage",
            decision_days: 7,
        },
        &no_mail,
        "styk.test",
    )
    .await
    .unwrap()
    .correction_id;
    let period = styk::invoices::domain::Period::custom("2025-01-01", "2025-01-31").unwrap();
    let archive_id = styk::invoices::archive::enqueue(
        &app.state.db,
        &account_id,
        Some(&ola_id),
        period,
        styk::i18n::Locale::en,
        100,
        3,
    )
    .await
    .unwrap()
    .expect("within the quota");
    let item_of = |page: &str| -> String {
        if page.contains("/corrections/") {
            correction_id.clone()
        } else if page.starts_with("/invoices/archive/") {
            archive_id.clone()
        } else if page.starts_with("/invoices/") {
            invoice_id.clone()
        } else {
            order_id.clone()
        }
    };
    for page in pages.iter().chain(link_pages.iter().map(|p| p.to_string()).collect::<Vec<_>>().iter()) {
        let url = page.replace("{id}", &item_of(page));
        let response = client_for(page).get(app.url(&url)).send().await.unwrap();
        assert!(
            response.status().is_success() || response.status() == StatusCode::GONE,
            "{page}: {}",
            response.status()
        );
        for form in forms_in(&response.text().await.unwrap()) {
            forms.insert(form);
        }
    }
    let with_order = format!("order_id={order_id}");
    let with_invoice = format!("invoice_id={invoice_id}");
    let with_correction = format!("correction_id={correction_id}");
    let with_archive = format!("archive_id={archive_id}");
    for path in &server_fns {
        let client =
            if path.contains("staff") || path.contains("cx_") || path.contains("queue") { &staff } else { &member };
        let body = match path.as_str() {
            "/api/set_language" => "locale=en&next=/",
            "/api/cx_customer_timeline" => "pseudonym=0123456789abcdef",
            "/api/order_detail" | "/api/reorder_plan" => with_order.as_str(),
            "/api/order_history" => "params[q]=zam",
            "/api/invoice_detail" | "/api/correction_form" => with_invoice.as_str(),
            "/api/my_correction" | "/api/staff_correction" => with_correction.as_str(),
            "/api/archive_status" => with_archive.as_str(),
            _ => "",
        };
        let response = client
            .post(app.url(path))
            .header("Origin", &app.address)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success() || response.status().is_redirection(), "{path}: {}", response.status());
    }
    settle(&app).await;
    for page in pages.iter().chain(server_fns.iter()) {
        assert!(!steps_of(&app, page).await.is_empty(), "{page} recorded no touchpoint");
    }
    for page in link_pages {
        let steps = steps_of(&app, page).await;
        assert!(steps.iter().any(|(_, step, _, _)| step == "link_opened"), "{page}: {steps:?}");
    }

    // 3. Every form the pages show is declared, and sending it records its step. (Sent empty:
    //    each is refused or does nothing, and is recorded all the same.)
    let forms: Vec<(String, Option<String>)> = forms.into_iter().filter(|(action, _)| action != "/sign-out").collect();
    assert!(forms.len() >= 10, "the pages hold the identity forms: {forms:?}");
    for (action, which) in &forms {
        // Forms of one item post to its own address; the catalogue names the route.
        let route = [&order_id, &invoice_id, &correction_id, &archive_id]
            .into_iter()
            .fold(action.clone(), |route, id| route.replace(id.as_str(), "{id}"));
        // As the journal's layer finds it: the page's form by name, or the page's one form.
        let entry = styk::server::steps::catalogue()
            .steps()
            .find(|e| matches!((e.endpoint, which), (Endpoint::Form(p, f), Some(w)) if p == route && f == w))
            .or_else(|| styk::server::steps::catalogue().steps().find(|e| e.endpoint == Endpoint::Post(leak(&route))))
            .or_else(|| {
                styk::server::steps::catalogue().steps().find(|e| e.endpoint == Endpoint::ServerFn(leak(&route)))
            })
            .unwrap_or_else(|| panic!("form {action} {which:?} declares no journey step"));
        let action = &route.replace("{id}", &item_of(&route));
        let client = client_for(action);
        let mut fields = vec![("next", "")];
        if let Some(which) = which {
            fields.push(("form", which.as_str()));
        }
        let before = steps_of(&app, &route).await.len();
        app.post_form_with(client, action, &fields).await;
        settle(&app).await;
        let steps = steps_of(&app, &route).await;
        assert_eq!(steps.len(), before + 1, "{action} {which:?}");
        let (journey, step, _, _) = steps.last().unwrap();
        assert_eq!(
            (journey.as_str(), step.as_str()),
            (entry.journey.as_str(), entry.step.as_str()),
            "{action} {which:?}"
        );
    }
    assert_eq!(app.state.touchpoints.stats().dropped, 0);
    app.stop().await;
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_string().into_boxed_str())
}

/// Everything in the journal, every column as text.
async fn whole_journal(app: &TestApp) -> String {
    let columns: Vec<String> =
        styk::touchpoints::recorder::COLUMNS.iter().map(|c| format!("COALESCE(CAST({c} AS TEXT), '')")).collect();
    let rows: Vec<(String,)> = sqlx::query_as(&format!("SELECT {} FROM touchpoints", columns.join(" || '|' || ")))
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    let rollups: Vec<(String, String, String)> = sqlx::query_as("SELECT day, journey, step FROM touchpoint_rollups")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    let mut text: Vec<String> = rows.into_iter().map(|(r,)| r).collect();
    text.extend(rollups.into_iter().map(|(d, j, s)| format!("{d}|{j}|{s}")));
    text.join("\n")
}

on_both_backends! {
    a_password_typed_anywhere_appears_nowhere_in_the_journal => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let wrong = "Wrong-Guess-4417!";
        let typed_address = "typed.by.hand@example.org";
        let new_password = "Brand-New-Secret-8812";
        assert_eq!(app.sign_in(OLA, wrong).await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(app.sign_in(typed_address, wrong).await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(app.sign_in(OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        let changed = app
            .post_form(
                "/account/security",
                &[("form", "change_password"), ("current_password", DEMO_PASSWORD), ("new_password", new_password), ("end_other_sessions", "on")],
            )
            .await;
        assert_eq!(changed.status(), StatusCode::SEE_OTHER);
        let refused = app
            .post_form("/account/security", &[("form", "change_password"), ("current_password", wrong), ("new_password", "short")])
            .await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let reset = app.post_form("/forgot-password", &[("email", typed_address)]).await;
        assert_eq!(reset.status(), StatusCode::SEE_OTHER);
        settle(&app).await;

        let journal = whole_journal(&app).await;
        assert!(count(&app, "SELECT COUNT(*) FROM touchpoints").await >= 5, "{journal}");
        for secret in [DEMO_PASSWORD, wrong, new_password, "short", typed_address, OLA] {
            assert!(!journal.contains(secret), "`{secret}` is in the journal:\n{journal}");
        }
        // The steps are there all the same, with what went wrong as codes.
        let sign_ins = steps_of(&app, "/sign-in").await;
        let outcomes: Vec<&str> = sign_ins.iter().map(|(_, _, o, _)| o.as_str()).collect();
        assert_eq!(outcomes, vec!["denied", "denied", "ok"]);
        app.stop().await;
    };

    server_side_signals_are_derived => |backend| async move {
        let app = demo_app(backend, &[("STYK_TOUCHPOINT_SLOW_MS", "600000")]).await;
        // Denied: a signed-out visitor sent to sign in.
        assert_eq!(app.get("/account").await.status(), StatusCode::SEE_OTHER);
        // Validation error, then a retry of the same form.
        assert_eq!(app.sign_in("", "").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.sign_in(OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        // Back and forth: security, account, security, account.
        for path in ["/account/security", "/account", "/account/security", "/account"] {
            assert_eq!(app.get(path).await.status(), StatusCode::OK, "{path}");
        }
        settle(&app).await;
        let account = steps_of(&app, "/account").await;
        assert_eq!(account[0].2, "denied");
        assert!(Signals(account[0].3 as u32).has(Signals::DENIED));
        let sign_in = steps_of(&app, "/sign-in").await;
        assert!(Signals(sign_in[0].3 as u32).has(Signals::VALIDATION_ERROR));
        assert!(Signals(sign_in[1].3 as u32).has(Signals::RETRY), "{sign_in:?}");
        assert!(!Signals(sign_in[0].3 as u32).has(Signals::RETRY));
        let last = account.last().unwrap();
        assert!(Signals(last.3 as u32).has(Signals::BACK_AND_FORTH), "{account:?}");
        assert!(!Signals(account[1].3 as u32).has(Signals::BACK_AND_FORTH));
        // The visit ties the steps before and after sign-in together.
        let visits = count(&app, "SELECT COUNT(DISTINCT visit_ref) FROM touchpoints").await;
        assert_eq!(visits, 1);
        app.stop().await;

        // Slow, with a threshold every step exceeds.
        let app = demo_app(backend, &[("STYK_TOUCHPOINT_SLOW_MS", "1")]).await;
        assert_eq!(app.sign_in(OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        settle(&app).await;
        let sign_in = steps_of(&app, "/sign-in").await;
        assert!(Signals(sign_in[0].3 as u32).has(Signals::SLOW), "argon2 alone takes longer than 1 ms");
        app.stop().await;
    };

    abandoned_journeys_are_found_once_and_settled_ones_are_not => |backend| async move {
        let app = demo_app(backend, &[]).await;
        // One visitor opens sign-in and leaves; another signs in.
        let leaver = TestApp::new_client();
        assert_eq!(leaver.get(app.url("/sign-in")).send().await.unwrap().status(), StatusCode::OK);
        assert_eq!(app.get("/sign-in").await.status(), StatusCode::OK);
        assert_eq!(app.sign_in(OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        settle(&app).await;
        let db = &app.state.db;
        let later = styk::db::now_ms() + 31 * 60 * 1000;
        let thirty = Duration::from_secs(30 * 60);
        use styk::touchpoints::jobs::sweep_abandoned;
        // Another instance holding the lease sweeps nothing.
        let p = Some(&app.state.pseudonyms);
        assert_eq!(sweep_abandoned(db, later, thirty, "instance-a", p).await.unwrap(), 1);
        assert_eq!(sweep_abandoned(db, later + 1_000, thirty, "instance-b", p).await.unwrap(), 0);
        assert_eq!(sweep_abandoned(db, later + 1_000, thirty, "instance-a", p).await.unwrap(), 0, "each window is swept once");
        let (journey, step, outcome, kind): (String, String, String, String) = sqlx::query_as(
            "SELECT journey, step, outcome, kind FROM touchpoints WHERE outcome = 'abandoned'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!((journey.as_str(), step.as_str(), outcome.as_str(), kind.as_str()), ("sign_in", "view", "abandoned", "signal"));
        // Summed over days: the signal is dated half an hour after the step, which can be the next
        // UTC day (the test failed when run shortly before midnight).
        assert_eq!(count(&app, "SELECT SUM(s_abandoned) FROM touchpoint_rollups WHERE journey = 'sign_in' AND step = 'view'").await, 1);
        app.stop().await;
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_deletes_old_touchpoints_and_keeps_rollups() {
    let app = demo_app(Backend::Sqlite, &[]).await;
    let day = 86_400_000;
    let now = styk::db::now_ms();
    for age_days in [400, 396, 10, 0] {
        app.state.touchpoints.record(styk::touchpoints::recorder::Touchpoint {
            occurred_at: now - age_days * day,
            journey: "browse",
            step: "view",
            route: "/".into(),
            ..Default::default()
        });
    }
    settle(&app).await;
    // The hourly job also runs once at start, so the two old rows may be gone already.
    let deleted = styk::touchpoints::jobs::enforce_retention(&app.state.db, now, Duration::from_secs(395 * 86_400))
        .await
        .unwrap();
    assert!(deleted <= 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM touchpoints").await, 2);
    let deleted =
        styk::touchpoints::jobs::enforce_retention(&app.state.db, now, Duration::from_secs(5 * 86_400)).await.unwrap();
    assert_eq!(deleted, 1, "a shorter retention deletes the ten-day-old row");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM touchpoints").await, 1);
    assert_eq!(count(&app, "SELECT SUM(total) FROM touchpoint_rollups").await, 4, "rollups stay");
    app.stop().await;
}

async fn beacon(app: &TestApp, client: &reqwest::Client, body: String, content_type: &str) -> StatusCode {
    client
        .post(app.url("/api/beacon"))
        .header("Origin", &app.address)
        .header("Sec-Fetch-Site", "same-origin")
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_beacon_stores_browser_signals_and_refuses_hostile_input() {
    let app = demo_app(Backend::Sqlite, &[("STYK_BEACON_PER_MINUTE", "7")]).await;
    assert_eq!(app.sign_in(OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    settle(&app).await;
    let before = count(&app, "SELECT COUNT(*) FROM touchpoints").await;
    let json = "application/json";
    let hostile = [
        ("not json".to_string(), json, StatusCode::UNPROCESSABLE_ENTITY),
        (
            r#"{"events":[{"type":"view","path":"/../../etc/passwd","ms":5}]}"#.to_string(),
            json,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"events":[{"type":"rage_click","path":"/account","element":"Ola's secret note","clicks":5}]}"#
                .to_string(),
            json,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            format!(r#"{{"events":[{{"type":"view","path":"/account","ms":1}}],"pad":"{}"}}"#, "x".repeat(20_000)),
            json,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            r#"{"events":[{"type":"view","path":"/account","ms":1}]}"#.to_string(),
            "application/xml",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ];
    for (body, content_type, expected) in hostile {
        assert_eq!(beacon(&app, &app.client, body, content_type).await, expected);
    }
    // From another site: refused before it is read.
    let cross = app
        .client
        .post(app.url("/api/beacon"))
        .header("Sec-Fetch-Site", "cross-site")
        .header("Content-Type", json)
        .body(r#"{"events":[{"type":"view","path":"/account","ms":1}]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    settle(&app).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM touchpoints").await, before, "hostile beacons store nothing");

    let good = r#"{"events":[
        {"type":"rage_click","path":"/account","element":"h1.account-name","clicks":4},
        {"type":"form_abandoned","path":"/account/security","form":"change_password","fields":["current_password"]},
        {"type":"vitals","path":"/account","lcp_ms":5200,"inp_ms":80,"cls":0.02}
    ]}"#;
    assert_eq!(beacon(&app, &app.client, good.to_string(), "text/plain;charset=UTF-8").await, StatusCode::NO_CONTENT);
    settle(&app).await;
    let ola = member_id(&app, OLA).await;
    let rows: Vec<(String, String, String, i64, String, Option<String>, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT journey, step, outcome, signals, kind, element, member_id, lcp_ms FROM touchpoints WHERE touchpoint_id IN
           (SELECT touchpoint_id FROM touchpoints ORDER BY occurred_at DESC LIMIT 3) ORDER BY journey",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 3);
    let rage = rows.iter().find(|r| Signals(r.3 as u32).has(Signals::RAGE_CLICK)).expect("rage click stored");
    assert_eq!((rage.0.as_str(), rage.4.as_str(), rage.5.as_deref()), ("account", "signal", Some("h1.account-name")));
    assert_eq!(rage.6.as_deref(), Some(ola.as_str()));
    let abandoned =
        rows.iter().find(|r| Signals(r.3 as u32).has(Signals::FORM_ABANDONED)).expect("abandoned form stored");
    assert_eq!(
        (abandoned.0.as_str(), abandoned.1.as_str(), abandoned.2.as_str()),
        ("password_change", "submit", "abandoned")
    );
    let vitals = rows.iter().find(|r| r.7.is_some()).expect("vitals stored");
    assert!(Signals(vitals.3 as u32).has(Signals::SLOW), "an LCP of 5.2 s is poor");
    assert_eq!(
        count(&app, "SELECT s_rage_click FROM touchpoint_rollups WHERE journey = 'account' AND step = 'view'").await,
        1
    );

    // The budget per client address: 7 a minute, 6 used above (the cross-site one never got here).
    assert_eq!(
        beacon(&app, &app.client, r#"{"events":[{"type":"view","path":"/account","ms":1}]}"#.into(), json).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        beacon(&app, &app.client, r#"{"events":[{"type":"view","path":"/account","ms":1}]}"#.into(), json).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_sent_and_links_followed_are_email_touchpoints() {
    let app = demo_app(Backend::Sqlite, &[]).await;
    assert_eq!(app.post_form("/forgot-password", &[("email", OLA)]).await.status(), StatusCode::SEE_OTHER);
    let ola = member_id(&app, OLA).await;
    let mut sent = Vec::new();
    for _ in 0..200 {
        settle(&app).await;
        sent = sqlx::query_as::<_, (String, String, String, Option<String>)>(
            "SELECT journey, channel, outcome, member_id FROM touchpoints WHERE step = 'email_sent'",
        )
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        if !sent.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(sent, vec![("password_reset".into(), "email".into(), "ok".into(), Some(ola))]);
    assert_eq!(app.get("/reset-password?token=forged").await.status(), StatusCode::GONE);
    settle(&app).await;
    let opened: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT channel, outcome, route, error_code FROM touchpoints WHERE step = 'link_opened'")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(opened, vec![("email".into(), "denied".into(), "/reset-password".into(), Some("gone".into()))]);
    assert!(!whole_journal(&app).await.contains("forged"), "a link's token is never stored");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_activity_and_my_data_show_only_my_own_steps() {
    let app = demo_app(Backend::Sqlite, &[]).await;
    let anna = TestApp::new_client();
    assert_eq!(app.sign_in_with(&anna, ANNA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(anna.get(app.url("/account/members")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.sign_in(OLA, "Wrong-Guess-4417!").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.sign_in(OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/account/security").await.status(), StatusCode::OK);
    settle(&app).await;

    let page = app.get("/account/activity").await;
    let status = page.status();
    let html = page.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("timeline__item"), "the page lists steps");
    assert!(html.contains("Sessions") && html.contains("page opened"), "steps are named in words");

    let download = app.get("/account/activity/export").await;
    assert_eq!(download.status(), StatusCode::OK);
    let disposition = download.headers().get("content-disposition").unwrap().to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment; filename=\"styk-my-data-"), "{disposition}");
    let data: serde_json::Value = download.json().await.unwrap();
    assert_eq!(data["member"]["email"], OLA);
    assert_eq!(data["account"]["customer_number"].as_str().map(|s| !s.is_empty()), Some(true));
    let journeys: BTreeSet<&str> =
        data["touchpoints"].as_array().unwrap().iter().filter_map(|t| t["journey"].as_str()).collect();
    assert!(journeys.contains("sign_in") && journeys.contains("sessions"), "{journeys:?}");
    assert!(!journeys.contains("members"), "Anna's steps are not Ola's: {journeys:?}");
    let ola = member_id(&app, OLA).await;
    let mine = count(&app, &format!("SELECT COUNT(*) FROM touchpoints WHERE member_id = '{ola}'")).await;
    // The download itself is recorded after it was built.
    assert!(data["touchpoints"].as_array().unwrap().len() as i64 <= mine);
    assert!(!data.to_string().contains("Wrong-Guess"));

    // Signed out: no activity, no data.
    let stranger = TestApp::new_client();
    assert_eq!(stranger.get(app.url("/account/activity/export")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let api = stranger
        .post(app.url("/api/my_activity"))
        .header("Origin", &app.address)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_instance_derives_the_same_pseudonyms() {
    let app = demo_app(Backend::Sqlite, &[]).await;
    let again = styk::touchpoints::pseudonym::Pseudonyms::load(&app.state.db, None).await.unwrap();
    assert_eq!(app.state.pseudonyms.of("account-1"), again.of("account-1"));
    app.stop().await;
}

async fn call(app: &TestApp, client: &reqwest::Client, path: &str, body: &str) -> reqwest::Response {
    client
        .post(app.url(path))
        .header("Origin", &app.address)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn analysts_see_customers_under_pseudonyms_only() {
    let app = demo_app(Backend::Sqlite, &[]).await;
    assert_eq!(app.sign_in(OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/account/security").await.status(), StatusCode::OK);
    settle(&app).await;
    let (account_id,): (String,) = sqlx::query_as("SELECT account_id FROM members WHERE email = $1")
        .bind(OLA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let pseudonym = app.state.pseudonyms.of(&account_id);
    let ola = member_id(&app, OLA).await;

    let analyst = TestApp::new_client();
    let signed_in = app
        .post_form_with(
            &analyst,
            "/staff/sign-in",
            &[("email", "cx@demo.styk.pl"), ("password", DEMO_PASSWORD), ("next", "")],
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let recent = call(&app, &analyst, "/api/cx_recent_customers", "").await;
    assert_eq!(recent.status(), StatusCode::OK);
    let text = recent.text().await.unwrap();
    assert!(text.contains(&pseudonym), "{text}");
    for identifying in [account_id.as_str(), ola.as_str(), OLA, "Piekarnia"] {
        assert!(!text.contains(identifying), "{identifying} shown to an analyst: {text}");
    }
    let timeline = call(&app, &analyst, "/api/cx_customer_timeline", &format!("pseudonym={pseudonym}")).await;
    assert_eq!(timeline.status(), StatusCode::OK);
    let entries: serde_json::Value = timeline.json().await.unwrap();
    assert!(entries.as_array().unwrap().iter().any(|e| e["journey"] == "sessions"), "{entries}");
    let page = analyst.get(app.url(&format!("/cx?customer={pseudonym}"))).send().await.unwrap();
    let status = page.status();
    let html = page.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("timeline__item") && !html.contains(&account_id) && !html.contains(OLA));

    // Agents work with named customers elsewhere; the cross-customer journal is not theirs.
    let agent = TestApp::new_client();
    let signed_in = app
        .post_form_with(
            &agent,
            "/staff/sign-in",
            &[("email", "agent@demo.styk.pl"), ("password", DEMO_PASSWORD), ("next", "")],
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(call(&app, &agent, "/api/cx_recent_customers", "").await.status(), StatusCode::FORBIDDEN);
    // Customers neither.
    assert_eq!(call(&app, &app.client, "/api/cx_recent_customers", "").await.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}
