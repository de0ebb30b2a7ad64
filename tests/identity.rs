//! Identity end to end over HTTP: sign-in and sessions, uniform answers, throttling, invitations
//! and resets with mail received by a real SMTP server, members, staff, and the outbox.
mod common;

use common::smtp::{free_port, TestMailServer};
use common::{demo_app, location, session_cookie, staff, without_nonces, TestApp, DEMO_PASSWORD};
use reqwest::StatusCode;
use std::time::Duration;
use styk::config::Backend;

const OLA: &str = "ola@demo.styk.pl"; // owner, Piekarnia Ola Nowak sp. z o.o.
const PIOTR: &str = "piotr@demo.styk.pl"; // billing, same account
const ANNA: &str = "anna@demo.styk.pl"; // owner, Northwind Provisions Ltd

/// A client that keeps no cookies: each request says exactly which session it presents.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    bare_client().get(app.url(path)).header("Cookie", format!("styk_session={cookie}")).send().await.unwrap()
}

async fn post_with_cookie(app: &TestApp, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> reqwest::Response {
    let mut request =
        bare_client().post(app.url(path)).header("Origin", &app.address).header("Accept", "text/html").form(form);
    if let Some(cookie) = cookie {
        request = request.header("Cookie", format!("styk_session={cookie}"));
    }
    request.send().await.unwrap()
}

async fn scalar_text(app: &TestApp, sql: &str, bind: &str) -> Option<String> {
    let row: Option<(Option<String>,)> =
        sqlx::query_as(sql).bind(bind).fetch_optional(&app.state.db.pool).await.unwrap();
    row.and_then(|(v,)| v)
}

on_both_backends! {
    session_id_changes_at_sign_in_and_the_old_one_is_rejected => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let first = post_with_cookie(&app, "/sign-in", None, &[("email", OLA), ("password", DEMO_PASSWORD)]).await;
        assert_eq!(first.status(), StatusCode::SEE_OTHER);
        let first_id = session_cookie(&first).expect("a session cookie after sign-in");
        let set_cookie = first.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax") && set_cookie.contains("Path=/"), "{set_cookie}");
        assert_eq!(get_with_cookie(&app, "/account", &first_id).await.status(), StatusCode::OK);

        // Signing in again on the same browser gives the session a new id.
        let second =
            post_with_cookie(&app, "/sign-in", Some(&first_id), &[("email", OLA), ("password", DEMO_PASSWORD)]).await;
        assert_eq!(second.status(), StatusCode::SEE_OTHER);
        let second_id = session_cookie(&second).expect("a new session cookie");
        assert_ne!(first_id, second_id);
        let old = get_with_cookie(&app, "/account", &first_id).await;
        assert_eq!(old.status(), StatusCode::SEE_OTHER, "the old session id must not work any more");
        assert!(location(&old).starts_with("/sign-in"));
        let page = get_with_cookie(&app, "/account", &second_id).await;
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("Piekarnia Ola Nowak sp. z o.o."));

        // Signing out ends it for good.
        let out = post_with_cookie(&app, "/sign-out", Some(&second_id), &[]).await;
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        assert_eq!(get_with_cookie(&app, "/account", &second_id).await.status(), StatusCode::SEE_OTHER);
        app.stop().await;
    };

    sign_in_reset_and_registration_answer_alike_for_known_and_unknown_emails => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let answer = |response: reqwest::Response, typed: &'static str| async move {
            let status = response.status();
            let location = location(&response);
            // The page shows the typed address again; apart from that echo, nothing may differ.
            let body = without_nonces(&response.text().await.unwrap()).replace(typed, "TYPED");
            (status, location, body)
        };
        let known = answer(post_with_cookie(&app, "/sign-in", None, &[("email", OLA), ("password", "wrong-password-1")]).await, OLA).await;
        let unknown = answer(post_with_cookie(&app, "/sign-in", None, &[("email", "nobody@example.com"), ("password", "wrong-password-1")]).await, "nobody@example.com").await;
        assert_eq!(known.0, StatusCode::UNAUTHORIZED);
        assert_eq!(known, unknown, "sign-in must not tell known from unknown addresses");

        let known = answer(post_with_cookie(&app, "/forgot-password", None, &[("email", OLA)]).await, OLA).await;
        let unknown = answer(post_with_cookie(&app, "/forgot-password", None, &[("email", "nobody@example.com")]).await, "nobody@example.com").await;
        assert_eq!(known.0, StatusCode::SEE_OTHER);
        assert_eq!(known, unknown, "reset must not tell known from unknown addresses");

        let (customer_number, invoice_number) = ola_account_numbers(&app).await;
        let register = |email: &'static str, invoice: String| {
            let customer_number = customer_number.clone();
            let app = &app;
            async move {
                post_with_cookie(app, "/register", None, &[("customer_number", &customer_number), ("invoice_number", &invoice), ("email", email)]).await
            }
        };
        let existing_member = answer(register(PIOTR, invoice_number.clone()).await, PIOTR).await;
        let new_person = answer(register("new.person@example.com", invoice_number.clone()).await, "new.person@example.com").await;
        let wrong_invoice = answer(register("other.person@example.com", "FV/1999/01/000001".into()).await, "other.person@example.com").await;
        assert_eq!(existing_member.0, StatusCode::SEE_OTHER);
        assert_eq!(existing_member, new_person);
        assert_eq!(new_person, wrong_invoice, "a wrong pair must reveal nothing");
        app.stop().await;
    };

    an_invitation_arrives_over_smtp_and_the_invitee_takes_over => |backend| async move {
        let smtp = TestMailServer::start();
        let app = demo_app(backend, &[("STYK_SMTP_URL", &smtp.url()), ("STYK_MAIL_FROM", "Styk <portal@styk.test>")]).await;
        assert_eq!(app.sign_in(OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        let invited = app
            .post_form("/account/members", &[("form", "invite_member"), ("email", "Zofia.Nowak@example.com"), ("full_name", "Zofia Nowak"), ("role", "billing")])
            .await;
        assert_eq!(invited.status(), StatusCode::SEE_OTHER, "{}", invited.text().await.unwrap());

        let mail = smtp.wait_for("zofia.nowak@example.com", "Piekarnia Ola Nowak").await;
        assert_eq!(mail.from, "portal@styk.test");
        assert!(mail.message_id.ends_with("@127.0.0.1"), "stable Message-ID from the outbox row: {}", mail.message_id);
        assert!(mail.html.contains("Aleksandra Nowak"), "HTML part names the inviter");
        let link = mail.link(&format!("{}/invitation?token=", app.address)).expect("an invitation link built from the public URL");
        let token = link.split("token=").nth(1).unwrap().to_string();

        let page = app.client.get(&link).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("Piekarnia Ola Nowak sp. z o.o."));

        // A weak password is refused beside the field; the typed name stays.
        let weak = app.post_form("/invitation", &[("token", &token), ("full_name", "Zofia Nowak-Kowalska"), ("password", "password123")]).await;
        assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = weak.text().await.unwrap();
        assert!(body.contains("field__error") && body.contains("too common"), "{body}");
        assert!(body.contains("value=\"Zofia Nowak-Kowalska\""));
        assert!(!body.contains("password123"), "a password is never echoed");

        let accepted = app.post_form("/invitation", &[("token", &token), ("full_name", "Zofia Nowak"), ("password", "zielony rower nad rzeką")]).await;
        assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&accepted), "/sign-in?notice=password_set");

        // The stored hash is argon2id at OWASP's parameters or stronger.
        let hash = scalar_text(&app, "SELECT password_hash FROM members WHERE lower(email) = $1", "zofia.nowak@example.com").await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let params = hash.split('$').nth(3).unwrap();
        let value = |key: &str| params.split(',').find_map(|p| p.strip_prefix(key)).unwrap().parse::<u32>().unwrap();
        assert!(value("m=") >= 19_456 && value("t=") >= 2, "{hash}");

        // The link works once.
        let again = app.client.get(&link).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::GONE);
        assert!(again.text().await.unwrap().contains("href=\"/forgot-password\""), "the dead link offers a new one");

        let zofia = TestApp::new_client();
        assert_eq!(app.sign_in_with(&zofia, "zofia.nowak@example.com", "zielony rower nad rzeką").await.status(), StatusCode::SEE_OTHER);
        let account = zofia.get(app.url("/account")).send().await.unwrap();
        assert!(account.text().await.unwrap().contains("Piekarnia Ola Nowak sp. z o.o."));
        let audit: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action IN ('member.invited', 'invitation.accepted', 'sign_in.succeeded')")
            .fetch_one(&app.state.db.pool).await.unwrap();
        assert!(audit.0 >= 4, "every authentication event is audited");
        app.stop().await;
    };

    rapid_failed_sign_ins_get_429_and_the_account_recovers_after_the_window => |backend| async move {
        let app = demo_app(backend, &[("STYK_THROTTLE_ACCOUNT_LIMIT", "3"), ("STYK_THROTTLE_WINDOW", "2")]).await;
        for _ in 0..3 {
            assert_eq!(app.sign_in(OLA, "not-the-password").await.status(), StatusCode::UNAUTHORIZED);
        }
        let blocked = app.sign_in(OLA, DEMO_PASSWORD).await;
        assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits out the block");
        assert!(blocked.text().await.unwrap().contains("Too many attempts"));
        // Translated like every message.
        let polish = app
            .client
            .post(app.url("/sign-in"))
            .header("Origin", &app.address)
            .header("Cookie", "i18n_pref_locale=pl")
            .form(&[("email", OLA), ("password", DEMO_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(polish.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(polish.text().await.unwrap().contains("Zbyt wiele prób"));
        tokio::time::sleep(Duration::from_millis(2_200)).await;
        assert_eq!(app.sign_in(OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER, "the account recovers after the window");
        app.stop().await;
    };

    mail_waits_out_an_smtp_outage_and_dead_letters_after_the_limit => |backend| async move {
        let port = free_port();
        let app = demo_app(backend, &[("STYK_SMTP_URL", &format!("smtp://127.0.0.1:{port}"))]).await;
        assert_eq!(app.post_form("/forgot-password", &[("email", ANNA)]).await.status(), StatusCode::SEE_OTHER);
        // Nobody listens: the mail stays in the outbox with the failure recorded.
        let pending = wait_for_outbox(&app, "password_reset", |status, attempts| status == "pending" && attempts >= 1).await;
        assert!(pending.is_some(), "the failed attempt is recorded");
        let smtp = TestMailServer::start_on(port);
        let mail = smtp.wait_for(ANNA, "Reset your Styk password").await;
        assert!(mail.link(&format!("{}/reset-password?token=", app.address)).is_some());
        let sent = wait_for_outbox(&app, "password_reset", |status, _| status == "sent").await;
        assert!(sent.is_some());
        let (text,): (String,) = sqlx::query_as("SELECT body_text FROM mail_outbox WHERE template = 'password_reset'")
            .fetch_one(&app.state.db.pool).await.unwrap();
        assert!(text.is_empty(), "a delivered body (with its one-time link) is not kept");
        app.stop().await;

        let app = demo_app(backend, &[("STYK_SMTP_URL", &format!("smtp://127.0.0.1:{}", free_port())), ("STYK_MAIL_MAX_ATTEMPTS", "1")]).await;
        assert_eq!(app.post_form("/forgot-password", &[("email", ANNA)]).await.status(), StatusCode::SEE_OTHER);
        assert!(wait_for_outbox(&app, "password_reset", |status, _| status == "dead").await.is_some(), "dead-lettered after the limit");
        app.stop().await;
    };

    reset_links_work_once_and_end_every_session => |backend| async move {
        let smtp = TestMailServer::start();
        let app = demo_app(backend, &[("STYK_SMTP_URL", &smtp.url())]).await;
        let other_browser = TestApp::new_client();
        assert_eq!(app.sign_in_with(&other_browser, ANNA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.post_form("/forgot-password", &[("email", "Anna@Demo.Styk.pl")]).await.status(), StatusCode::SEE_OTHER);
        let mail = smtp.wait_for(ANNA, "Reset your Styk password").await;
        let link = mail.link(&format!("{}/reset-password?token=", app.address)).unwrap();
        let token = link.split("token=").nth(1).unwrap().to_string();
        assert_eq!(app.client.get(&link).send().await.unwrap().status(), StatusCode::OK);
        let done = app.post_form("/reset-password", &[("token", &token), ("password", "new kettle by the window")]).await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&done), "/sign-in?notice=password_changed");
        smtp.wait_for(ANNA, "Your password was changed").await;
        let reused = app.post_form("/reset-password", &[("token", &token), ("password", "another kettle by the door")]).await;
        assert_eq!(reused.status(), StatusCode::GONE);
        assert_eq!(other_browser.get(app.url("/account")).send().await.unwrap().status(), StatusCode::SEE_OTHER, "a reset ends every session");
        assert_eq!(app.sign_in(ANNA, DEMO_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(app.sign_in(ANNA, "new kettle by the window").await.status(), StatusCode::SEE_OTHER);
        app.stop().await;
    };
}

async fn ola_account_numbers(app: &TestApp) -> (String, String) {
    sqlx::query_as(
        "SELECT a.customer_number, i.invoice_number FROM customer_accounts a JOIN members m ON m.account_id = a.account_id
         JOIN invoices i ON i.account_id = a.account_id WHERE m.email = $1 ORDER BY i.invoice_number LIMIT 1",
    )
    .bind(OLA)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn wait_for_outbox(app: &TestApp, template: &str, done: impl Fn(&str, i64) -> bool) -> Option<(String, i64)> {
    for _ in 0..400 {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT status, attempts FROM mail_outbox WHERE template = $1")
            .bind(template)
            .fetch_optional(&app.state.db.pool)
            .await
            .unwrap();
        if let Some((status, attempts)) = &row {
            if done(status, *attempts) {
                return row;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_with_proof_of_account_asks_the_owners_and_only_approval_lets_in() {
    let smtp = TestMailServer::start();
    let app = demo_app(Backend::Sqlite, &[("STYK_SMTP_URL", &smtp.url())]).await;
    let (customer_number, invoice_number) = ola_account_numbers(&app).await;
    // Bad input is reported beside each field and what was typed stays.
    let bad = app
        .post_form(
            "/register",
            &[("customer_number", &customer_number), ("invoice_number", ""), ("email", "not-an-email")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.text().await.unwrap();
    assert!(body.contains("register-invoice_number-error") && body.contains("register-email-error"), "{body}");
    assert!(body.contains(&format!("value=\"{customer_number}\"")) && body.contains("value=\"not-an-email\""));

    let sent = app
        .post_form(
            "/register",
            &[
                ("customer_number", &customer_number),
                ("invoice_number", &invoice_number.to_lowercase()),
                ("email", "jan.kowal@example.com"),
            ],
        )
        .await;
    assert_eq!(location(&sent), "/register?notice=registration_sent");
    let mail = smtp.wait_for("jan.kowal@example.com", "Piekarnia").await;
    assert!(mail.text.contains("Piekarnia Ola Nowak"), "in the account's language: {}", mail.subject);
    let link = mail.link(&format!("{}/register/complete?token=", app.address)).unwrap();
    let token = link.split("token=").nth(1).unwrap().to_string();
    let done = app
        .post_form(
            "/register/complete",
            &[("token", &token), ("full_name", "Jan Kowal"), ("password", "chleb z masłem i miodem")],
        )
        .await;
    assert_eq!(location(&done), "/sign-in?notice=access_requested");
    // Knowing two printed numbers is not enough: no member yet, no sign-in, nothing of the account.
    let jan = TestApp::new_client();
    assert_eq!(
        app.sign_in_with(&jan, "jan.kowal@example.com", "chleb z masłem i miodem").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        scalar_text(&app, "SELECT member_id FROM members WHERE email = $1", "jan.kowal@example.com").await,
        None
    );
    assert_eq!(jan.get(app.url("/orders")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    // The owner is told, in the account's language, and sees the request on the members page.
    let asked = smtp.wait_for(OLA, "Jan Kowal").await;
    assert!(asked.text.contains("jan.kowal@example.com") && asked.text.contains("/account/members"), "{}", asked.text);
    let ola = TestApp::new_client();
    app.sign_in_with(&ola, OLA, DEMO_PASSWORD).await;
    let page = ola.get(app.url("/account/members")).send().await.unwrap().text().await.unwrap();
    let page = common::with_page_data(page);
    assert!(page.contains("jan.kowal@example.com"), "{page}");
    let request_id =
        scalar_text(&app, "SELECT request_id FROM access_requests WHERE email = $1", "jan.kowal@example.com")
            .await
            .unwrap();
    // Another account's owner cannot decide it, and learns nothing: the same answer as an unknown id.
    let anna = TestApp::new_client();
    app.sign_in_with(&anna, ANNA, DEMO_PASSWORD).await;
    for id in [request_id.as_str(), "unknownrequestid"] {
        let refused = app
            .post_form_with(
                &anna,
                "/account/members",
                &[("form", "access_decision"), ("request", id), ("decision", "approve")],
            )
            .await;
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{id}");
    }
    // The owner approves: Jan becomes a plain member, is told, and now gets in.
    let approved = app
        .post_form_with(
            &ola,
            "/account/members",
            &[("form", "access_decision"), ("request", &request_id), ("decision", "approve")],
        )
        .await;
    assert_eq!(location(&approved), "/account/members?notice=access_approved");
    smtp.wait_for("jan.kowal@example.com", "Masz już dostęp").await; // in the account's language
    assert_eq!(
        app.sign_in_with(&jan, "jan.kowal@example.com", "chleb z masłem i miodem").await.status(),
        StatusCode::SEE_OTHER
    );
    let role = scalar_text(&app, "SELECT role FROM members WHERE email = $1", "jan.kowal@example.com").await;
    assert_eq!(role.as_deref(), Some("member"));
    let audited = scalar_text(&app, "SELECT actor_id FROM audit_log WHERE action = $1", "access.approved").await;
    assert!(audited.is_some(), "the approval is audited");
    // A decided request cannot be decided again.
    let again = app
        .post_form_with(
            &ola,
            "/account/members",
            &[("form", "access_decision"), ("request", &request_id), ("decision", "decline")],
        )
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_request_lets_nobody_in_and_staff_decide_for_accounts_without_owners() {
    let smtp = TestMailServer::start();
    let app = demo_app(Backend::Sqlite, &[("STYK_SMTP_URL", &smtp.url())]).await;
    let (customer_number, invoice_number) = ola_account_numbers(&app).await;
    let request = |email: &'static str| {
        let (customer_number, invoice_number) = (customer_number.clone(), invoice_number.clone());
        let app = &app;
        let smtp = &smtp;
        async move {
            let sent = app
                .post_form_with(
                    &TestApp::new_client(),
                    "/register",
                    &[("customer_number", &customer_number), ("invoice_number", &invoice_number), ("email", email)],
                )
                .await;
            assert_eq!(location(&sent), "/register?notice=registration_sent");
            let mail = smtp.wait_for(email, "Piekarnia").await;
            let link = mail.link(&format!("{}/register/complete?token=", app.address)).unwrap();
            let token = link.split("token=").nth(1).unwrap().to_string();
            let done = app
                .post_form_with(
                    &TestApp::new_client(),
                    "/register/complete",
                    &[("token", &token), ("full_name", "Obcy Człowiek"), ("password", "chleb z masłem i miodem")],
                )
                .await;
            assert_eq!(location(&done), "/sign-in?notice=access_requested");
            scalar_text(app, "SELECT request_id FROM access_requests WHERE email = $1 AND status = 'pending'", email)
                .await
                .unwrap()
        }
    };
    let first = request("obcy@example.com").await;
    let ola = TestApp::new_client();
    app.sign_in_with(&ola, OLA, DEMO_PASSWORD).await;
    let declined = app
        .post_form_with(
            &ola,
            "/account/members",
            &[("form", "access_decision"), ("request", &first), ("decision", "decline")],
        )
        .await;
    assert_eq!(location(&declined), "/account/members?notice=access_declined");
    smtp.wait_for("obcy@example.com", "została odrzucona").await;
    assert_eq!(
        app.sign_in_with(&TestApp::new_client(), "obcy@example.com", "chleb z masłem i miodem").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let hash = scalar_text(
        &app,
        "SELECT COALESCE(password_hash, 'cleared') FROM access_requests WHERE request_id = $1",
        &first,
    )
    .await;
    assert_eq!(hash.as_deref(), Some("cleared"), "the chosen password's hash does not outlive the decision");

    // While the account has an owner, staff cannot decide; once it has none, they can.
    let second = request("drugi@example.com").await;
    let agent = staff(&app, "agent@demo.styk.pl").await;
    let refused =
        app.post_form_with(&agent, "/staff/access-requests", &[("request", &second), ("decision", "approve")]).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    sqlx::query("UPDATE members SET role = 'member' WHERE email = $1")
        .bind(OLA)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let page = common::with_page_data(
        agent.get(app.url("/staff/access-requests")).send().await.unwrap().text().await.unwrap(),
    );
    assert!(page.contains("drugi@example.com"), "{page}");
    let approved =
        app.post_form_with(&agent, "/staff/access-requests", &[("request", &second), ("decision", "approve")]).await;
    assert_eq!(location(&approved), "/staff/access-requests?notice=access_approved");
    assert_eq!(
        app.sign_in_with(&TestApp::new_client(), "drugi@example.com", "chleb z masłem i miodem").await.status(),
        StatusCode::SEE_OTHER
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions_on_request() {
    let smtp = TestMailServer::start();
    let app = demo_app(Backend::Sqlite, &[("STYK_SMTP_URL", &smtp.url())]).await;
    let laptop = TestApp::new_client();
    assert_eq!(app.sign_in_with(&laptop, ANNA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let before = app.sign_in(ANNA, DEMO_PASSWORD).await;
    let before_id = session_cookie(&before).unwrap();

    let security = app.get("/account/security").await.text().await.unwrap();
    assert_eq!(
        security.matches("name=\"form\" value=\"sessions\"").count(),
        2,
        "one other session to end, and 'everywhere else'"
    );

    let wrong = app
        .post_form(
            "/account/security",
            &[
                ("form", "change_password"),
                ("current_password", "guess"),
                ("new_password", "fresh bread every morning"),
                ("end_other_sessions", "on"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("This is not your current password."));

    let changed = app
        .post_form(
            "/account/security",
            &[
                ("form", "change_password"),
                ("current_password", DEMO_PASSWORD),
                ("new_password", "fresh bread every morning"),
                ("end_other_sessions", "on"),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let after_id = session_cookie(&changed).expect("a password change rotates the session id");
    assert_ne!(before_id, after_id);
    assert_eq!(get_with_cookie(&app, "/account", &before_id).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/account").await.status(), StatusCode::OK, "this session continues");
    assert_eq!(
        laptop.get(app.url("/account")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "the other one ended"
    );
    smtp.wait_for(ANNA, "Your password was changed").await;
    assert_eq!(app.sign_in_with(&TestApp::new_client(), ANNA, DEMO_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_change_is_confirmed_from_the_new_address_and_told_to_the_old() {
    let smtp = TestMailServer::start();
    let app = demo_app(Backend::Sqlite, &[("STYK_SMTP_URL", &smtp.url())]).await;
    app.sign_in(ANNA, DEMO_PASSWORD).await;
    let no_password = app
        .post_form(
            "/account/security",
            &[("form", "change_email"), ("new_email", "anna.new@example.com"), ("password", "")],
        )
        .await;
    assert_eq!(no_password.status(), StatusCode::UNPROCESSABLE_ENTITY, "re-authentication is required");
    let asked = app
        .post_form(
            "/account/security",
            &[("form", "change_email"), ("new_email", "anna.new@example.com"), ("password", DEMO_PASSWORD)],
        )
        .await;
    assert_eq!(location(&asked), "/account/security?notice=email_change_sent");
    let mail = smtp.wait_for("anna.new@example.com", "Confirm your new e-mail").await;
    let link = mail.link(&format!("{}/email-change?token=", app.address)).unwrap();
    let token = link.split("token=").nth(1).unwrap().to_string();
    // Meanwhile: Anna is signed in on a second device too, and a reset link went to the old address.
    let laptop = TestApp::new_client();
    assert_eq!(app.sign_in_with(&laptop, ANNA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let forgot = app.post_form_with(&TestApp::new_client(), "/forgot-password", &[("email", ANNA)]).await;
    assert_eq!(forgot.status(), StatusCode::SEE_OTHER);
    let reset = smtp.wait_for(ANNA, "Reset your Styk password").await;
    let reset_link = reset.link(&format!("{}/reset-password?token=", app.address)).unwrap();
    assert_eq!(app.client.get(&reset_link).send().await.unwrap().status(), StatusCode::OK, "valid before the change");
    // Opening the link changes nothing (mail scanners open links); the button does.
    assert_eq!(app.client.get(&link).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(scalar_text(&app, "SELECT email FROM members WHERE email = $1", ANNA).await.as_deref(), Some(ANNA));
    let confirmed = app.post_form("/email-change", &[("token", &token)]).await;
    assert_eq!(location(&confirmed), "/account/security?notice=email_changed");
    let notice = smtp.wait_for(ANNA, "Your e-mail address was changed").await;
    assert!(notice.text.contains("anna.new@example.com"));
    // The reset link sent to the old address is void, the other device signed out, this one stays.
    assert_eq!(app.client.get(&reset_link).send().await.unwrap().status(), StatusCode::GONE);
    assert_eq!(laptop.get(app.url("/account")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/account").await.status(), StatusCode::OK);
    assert_eq!(
        app.sign_in_with(&TestApp::new_client(), "anna.new@example.com", DEMO_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    app.stop().await;
}

on_both_backends! {
    staff_give_only_the_access_their_role_allows_and_refusals_reveal_nothing => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let (customer_number, _) = ola_account_numbers(&app).await;
        let invite = |client: reqwest::Client, number: String, email: &'static str, role: &'static str| {
            let app = &app;
            async move {
                let response = app
                    .post_form_with(&client, "/staff/invite-member", &[
                        ("customer_number", number.as_str()), ("email", email), ("full_name", "Nowa Osoba"), ("role", role),
                    ])
                    .await;
                let status = response.status();
                (status, common::without_nonces(&response.text().await.unwrap()))
            }
        };
        let refusals = || async {
            let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM audit_log WHERE action = 'member.invite_refused'")
                .fetch_one(&app.state.db.pool).await.unwrap();
            count
        };
        // An agent may not make an owner: refused, audited, nobody invited.
        let agent = staff(&app, "agent@demo.styk.pl").await;
        let (status, _) = invite(agent.clone(), customer_number.clone(), "wlasciciel@example.com", "owner").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(refusals().await, 1);
        assert_eq!(scalar_text(&app, "SELECT member_id FROM members WHERE email = $1", "wlasciciel@example.com").await, None);
        // An agent may add a billing contact; a supervisor may make an owner.
        let (status, _) = invite(agent.clone(), customer_number.clone(), "ksiegowa@example.com", "billing").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let supervisor = staff(&app, "supervisor@demo.styk.pl").await;
        let (status, _) = invite(supervisor, customer_number.clone(), "wlasciciel@example.com", "owner").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let granted: Vec<(String,)> = sqlx::query_as("SELECT detail FROM audit_log WHERE action = 'member.invited' ORDER BY occurred_at")
            .fetch_all(&app.state.db.pool).await.unwrap();
        assert_eq!(granted.len(), 2, "every grant is audited");
        // A CX analyst may invite nobody, and the answer is the same whether the number exists.
        let analyst = staff(&app, "cx@demo.styk.pl").await;
        let known = invite(analyst.clone(), customer_number.clone(), "a@example.com", "member").await;
        let unknown = invite(analyst.clone(), "K-NOSUCH-0".to_string(), "a@example.com", "member").await;
        assert_eq!(known.0, StatusCode::FORBIDDEN);
        assert_eq!(known.0, unknown.0);
        assert_eq!(
            known.1.replace(&customer_number, "NUMBER"),
            unknown.1.replace("K-NOSUCH-0", "NUMBER"),
            "a refusal says nothing about which customer numbers exist"
        );
        assert_eq!(refusals().await, 3);
        app.stop().await;
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owners_manage_members_of_their_own_account_only() {
    let app = demo_app(Backend::Sqlite, &[]).await;
    // A billing member may not invite.
    let piotr = TestApp::new_client();
    app.sign_in_with(&piotr, PIOTR, DEMO_PASSWORD).await;
    let refused = app
        .post_form_with(
            &piotr,
            "/account/members",
            &[("form", "invite_member"), ("email", "x@example.com"), ("full_name", "X"), ("role", "member")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let list = piotr
        .post(app.url("/api/account_members"))
        .header("Origin", &app.address)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::FORBIDDEN);

    // Ola cannot touch Anna's people: their ids are simply not found in her account.
    app.sign_in(OLA, DEMO_PASSWORD).await;
    let anna_id = scalar_text(&app, "SELECT member_id FROM members WHERE email = $1", ANNA).await.unwrap();
    let role =
        app.post_form("/account/members", &[("form", "member_role"), ("member", &anna_id), ("role", "billing")]).await;
    assert_eq!(role.status(), StatusCode::NOT_FOUND);
    let remove = app.post_form("/account/members", &[("form", "member_remove"), ("member", &anna_id)]).await;
    assert_eq!(remove.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        scalar_text(&app, "SELECT role FROM members WHERE member_id = $1", &anna_id).await.as_deref(),
        Some("owner")
    );
    let listed = app
        .client
        .post(app.url("/api/account_members"))
        .header("Origin", &app.address)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    let listed = listed.text().await.unwrap();
    assert!(listed.contains(PIOTR) && !listed.contains(ANNA), "{listed}");

    // The last owner cannot step down.
    let ola_id = scalar_text(&app, "SELECT member_id FROM members WHERE email = $1", OLA).await.unwrap();
    let last =
        app.post_form("/account/members", &[("form", "member_role"), ("member", &ola_id), ("role", "member")]).await;
    assert_eq!(last.status(), StatusCode::CONFLICT);

    // A role change ends the member's sessions; removal ends access.
    let piotr_id = scalar_text(&app, "SELECT member_id FROM members WHERE email = $1", PIOTR).await.unwrap();
    assert_eq!(
        app.post_form("/account/members", &[("form", "member_role"), ("member", &piotr_id), ("role", "member")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(piotr.get(app.url("/account")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.post_form("/account/members", &[("form", "member_remove"), ("member", &piotr_id)]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.sign_in_with(&piotr, PIOTR, DEMO_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_create_and_disable_staff_and_disabling_ends_their_sessions() {
    let smtp = TestMailServer::start();
    let app = demo_app(Backend::Sqlite, &[("STYK_SMTP_URL", &smtp.url())]).await;
    // Staff sign in on their own page; a customer's credentials do not work there.
    assert_eq!(
        app.post_form("/staff/sign-in", &[("email", OLA), ("password", DEMO_PASSWORD)]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let agent = staff(&app, "agent@demo.styk.pl").await;
    assert_eq!(agent.get(app.url("/staff")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        agent.get(app.url("/account")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "staff are not customers"
    );
    let not_admin = app
        .post_form_with(
            &agent,
            "/staff/users",
            &[("form", "create_staff"), ("email", "x@styk.test"), ("full_name", "X"), ("role", "agent")],
        )
        .await;
    assert_eq!(not_admin.status(), StatusCode::FORBIDDEN);

    assert_eq!(
        app.post_form("/staff/sign-in", &[("email", "admin@demo.styk.pl"), ("password", DEMO_PASSWORD)]).await.status(),
        StatusCode::SEE_OTHER
    );
    let created = app
        .post_form(
            "/staff/users",
            &[("form", "create_staff"), ("email", "ewa@styk.test"), ("full_name", "Ewa Lis"), ("role", "supervisor")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let invitation = smtp.wait_for("ewa@styk.test", "staff").await;
    assert!(invitation.link(&format!("{}/invitation?token=", app.address)).is_some());

    let agent_id =
        scalar_text(&app, "SELECT staff_id FROM staff_users WHERE email = $1", "agent@demo.styk.pl").await.unwrap();
    assert_eq!(
        app.post_form("/staff/users", &[("form", "staff_status"), ("staff", &agent_id), ("disabled", "1")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let after = agent.get(app.url("/staff")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "disabling ends every session at once");
    assert!(location(&after).starts_with("/staff/sign-in"));
    assert_eq!(
        app.post_form_with(&agent, "/staff/sign-in", &[("email", "agent@demo.styk.pl"), ("password", DEMO_PASSWORD)])
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let audit = scalar_text(
        &app,
        "SELECT detail FROM audit_log WHERE action = 'staff.disabled' AND subject_id = $1",
        &agent_id,
    )
    .await
    .unwrap();
    assert!(audit.contains("\"before\"") && audit.contains("\"after\""), "{audit}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_absolute_timeouts_end_sessions() {
    let app = demo_app(Backend::Sqlite, &[]).await;
    for (column, reason) in [("last_seen_at", "idle_timeout"), ("created_at", "absolute_timeout")] {
        let client = TestApp::new_client();
        app.sign_in_with(&client, ANNA, DEMO_PASSWORD).await;
        assert_eq!(client.get(app.url("/account")).send().await.unwrap().status(), StatusCode::OK);
        let long_ago = styk::db::now_ms() - 13 * 3_600_000;
        sqlx::query(&format!("UPDATE auth_sessions SET {column} = $1 WHERE ended_at IS NULL"))
            .bind(long_ago)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(client.get(app.url("/account")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
        let ended: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM auth_sessions WHERE end_reason = $1")
            .bind(reason)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(ended.0, 1, "{reason}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashes_with_older_parameters_are_upgraded_at_sign_in() {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let app = demo_app(Backend::Sqlite, &[]).await;
    let weak = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(4096, 1, 1, None).unwrap(),
    )
    .hash_password(DEMO_PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
    .unwrap()
    .to_string();
    sqlx::query("UPDATE members SET password_hash = $1 WHERE email = $2")
        .bind(&weak)
        .bind(ANNA)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(app.sign_in(ANNA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let hash = scalar_text(&app, "SELECT password_hash FROM members WHERE email = $1", ANNA).await.unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_from_one_address_gets_429() {
    let app = demo_app(Backend::Sqlite, &[("STYK_THROTTLE_IP_LIMIT", "3")]).await;
    for _ in 0..3 {
        assert_eq!(
            app.post_form("/forgot-password", &[("email", "someone@example.com")]).await.status(),
            StatusCode::SEE_OTHER
        );
    }
    assert_eq!(
        app.post_form("/forgot-password", &[("email", "someone@example.com")]).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    app.stop().await;
}

/// Guessing invoice numbers for one customer number is held back, but the counter forgets a day
/// after the run began: nobody can block a company's registrations for good.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guessed_customer_number_is_held_back_for_a_while_never_for_good() {
    let app = demo_app(Backend::Sqlite, &[("STYK_THROTTLE_ACCOUNT_LIMIT", "2")]).await;
    let (customer_number, _) = ola_account_numbers(&app).await;
    let guess = || async {
        app.post_form_with(
            &TestApp::new_client(),
            "/register",
            &[
                ("customer_number", customer_number.as_str()),
                ("invoice_number", "FV/1999/01/000001"),
                ("email", "zgadywacz@example.com"),
            ],
        )
        .await
        .status()
    };
    assert_eq!(guess().await, StatusCode::SEE_OTHER);
    assert_eq!(guess().await, StatusCode::SEE_OTHER);
    assert_eq!(guess().await, StatusCode::TOO_MANY_REQUESTS, "held back past the limit");
    // A long run of failures (more than the 100 after which a sign-in needs a reset) that began
    // over a day ago and whose last block has run out: allowed again, and counted afresh.
    let key = format!("customer:{}", customer_number.to_lowercase());
    let day_ago = styk::db::now_ms() - 25 * 3_600_000;
    sqlx::query(
        "UPDATE auth_throttle SET attempts = 150, window_started_at = $1, blocked_until = $2 WHERE throttle_key = $3",
    )
    .bind(day_ago)
    .bind(styk::db::now_ms() - 1)
    .bind(&key)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(guess().await, StatusCode::SEE_OTHER);
    let attempts =
        scalar_text(&app, "SELECT CAST(attempts AS TEXT) FROM auth_throttle WHERE throttle_key = $1", &key).await;
    assert_eq!(attempts.as_deref(), Some("1"));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_forged_links_answer_410_with_a_way_forward() {
    let app = demo_app(Backend::Sqlite, &[]).await;
    for (path, again) in [
        ("/invitation", "/forgot-password"),
        ("/reset-password", "/forgot-password"),
        ("/register/complete", "/register"),
        ("/email-change", "/account/security"),
    ] {
        for token in ["", "abc", &"x".repeat(5000)] {
            let response = app.get(&format!("{path}?token={token}")).await;
            assert_eq!(response.status(), StatusCode::GONE, "{path}");
            assert!(response.text().await.unwrap().contains(&format!("href=\"{again}\"")), "{path}");
        }
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_a_demo_lists_its_mail_on_a_page() {
    let app = demo_app(Backend::Sqlite, &[]).await;
    assert_eq!(app.post_form("/forgot-password", &[("email", ANNA)]).await.status(), StatusCode::SEE_OTHER);
    let mut page = String::new();
    for _ in 0..100 {
        page = app.get("/demo/mail").await.text().await.unwrap();
        if page.contains("Reset your Styk password") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(page.contains("Reset your Styk password") && page.contains(ANNA), "{page}");
    assert!(page.contains(&format!("href=\"{}/reset-password?token=", app.address)), "links can be followed");
    app.stop().await;

    // Not a demo: there is no such page.
    let app = TestApp::spawn(Backend::Sqlite).await;
    let listed = app.client.post(app.url("/api/demo_mailbox")).header("Origin", &app.address).send().await.unwrap();
    assert_eq!(listed.status(), StatusCode::NOT_FOUND);
    let page = app.client.get(app.url("/demo/mail")).header("Accept-Language", "en").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(!page.text().await.unwrap().contains("Demo mailbox"), "the mailbox page does not exist");
    app.stop().await;
}

/// An installation whose first admin was invited is not empty: started in demo mode by mistake,
/// it gets no demo accounts and no demo staff with the published password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_loads_nothing_into_a_database_that_has_a_user() {
    let database = common::TestDatabase::create(Backend::Sqlite).await;
    let db = database.connect().await;
    let config =
        styk::config::Config::from_vars([("STYK_PUBLIC_URL".to_string(), "http://127.0.0.1:3000".to_string())])
            .unwrap();
    let actor = styk::staff::service::StaffActor { kind: "system", id: None, name: "Styk", ip: None };
    styk::staff::service::insert_staff(&db, &config, actor, "root@example.com", "Ada Admin", "admin", "en")
        .await
        .unwrap();
    assert!(!db.is_empty().await.unwrap());
    assert!(!styk::demo::ensure_demo_data(&db, chrono::Utc::now().date_naive()).await.unwrap());
    let (staff,): (i64,) = sqlx::query_as("SELECT count(*) FROM staff_users").fetch_one(&db.pool).await.unwrap();
    let (accounts,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM customer_accounts").fetch_one(&db.pool).await.unwrap();
    assert_eq!((staff, accounts), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_client_address_comes_from_its_header() {
    let app =
        demo_app(Backend::Sqlite, &[("STYK_THROTTLE_IP_LIMIT", "2"), ("STYK_CLIENT_IP_HEADER", "x-forwarded-for")])
            .await;
    let reset_from = |address: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/forgot-password"))
                .header("Origin", &app.address)
                .header("X-Forwarded-For", format!("198.51.100.7, {address}"))
                .form(&[("email", "someone@example.com")])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(reset_from("203.0.113.1").await, StatusCode::SEE_OTHER);
    assert_eq!(reset_from("203.0.113.1").await, StatusCode::SEE_OTHER);
    assert_eq!(reset_from("203.0.113.1").await, StatusCode::TOO_MANY_REQUESTS, "the proxy's last entry is the client");
    assert_eq!(reset_from("203.0.113.2").await, StatusCode::SEE_OTHER, "another client has its own count");
    let ip = sqlx::query_as::<_, (String,)>("SELECT ip FROM audit_log WHERE action LIKE 'password_reset%' LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert!(ip.0.starts_with("203.0.113."), "{}", ip.0);
    app.stop().await;
}
