//! Profile and address book over HTTP: validation beside the fields with what was typed kept,
//! postal codes and phone numbers checked by country, addresses that orders point at kept for
//! them, roles, and one account never reaching another's addresses.
mod common;

use common::{demo_app, get as page, signed_in, without_nonces, TestApp};
use reqwest::StatusCode;

const OLA: &str = "ola@demo.styk.pl"; // owner, Piekarnia Ola Nowak sp. z o.o.
const JEDRZEJ: &str = "jedrzej@demo.styk.pl"; // plain member of the same account
const ANNA: &str = "anna@demo.styk.pl"; // owner, Northwind Provisions Ltd

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let response = app.post_form_with(client, path, form).await;
    let status = response.status();
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, location, response.text().await.unwrap())
}

/// (address id, postal code, archived) of an account's addresses, by a member's e-mail.
async fn addresses_of(app: &TestApp, email: &str) -> Vec<(String, String, Option<i64>)> {
    sqlx::query_as(
        "SELECT a.address_id, a.postal_code, a.archived_at FROM addresses a
         JOIN members m ON m.account_id = a.account_id WHERE m.email = $1 ORDER BY a.created_at, a.address_id",
    )
    .bind(email)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

fn address_form<'a>(id: &'a str, postal: &'a str, country: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("form", "address_save"),
        ("address", id),
        ("kind", "delivery"),
        ("recipient", "Piekarnia Ola — magazyn"),
        ("line1", "ul. Żytnia 12"),
        ("line2", ""),
        ("postal_code", postal),
        ("city", "Łódź"),
        ("country", country),
    ]
}

on_both_backends! {
    the_profile_checks_each_field_and_keeps_what_was_typed => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let ola = signed_in(&app, OLA).await;
        let (status, html) = page(&app, &ola, "/account/profile").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Aleksandra Nowak"));

        let bad = [("full_name", "Aleksandra Nowak-Kowalska"), ("phone", "601 23"), ("language", "pl"), ("notify_orders", "1")];
        let (status, _, html) = post(&app, &ola, "/account/profile", &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("This is not a phone number we can call."), "{html}");
        assert!(html.contains("value=\"Aleksandra Nowak-Kowalska\"") && html.contains("value=\"601 23\""));
        assert!(html.contains("id=\"profile-notify_orders\" name=\"notify_orders\" value=\"1\" checked"), "ticked boxes stay ticked");
        assert!(!html.contains("id=\"profile-notify_invoices\" name=\"notify_invoices\" value=\"1\" checked"), "and unticked ones unticked");

        let good = [("full_name", "Aleksandra Nowak-Kowalska"), ("phone", "601 234 567"), ("language", "pl"), ("notify_orders", "1")];
        let (status, location, _) = post(&app, &ola, "/account/profile", &good).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/account/profile?notice=profile_saved"));
        let saved: (String, Option<String>, String, i64, i64) = sqlx::query_as(
            "SELECT full_name, phone, preferred_language, notify_orders, notify_invoices FROM members WHERE email = $1",
        )
        .bind(OLA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(saved, ("Aleksandra Nowak-Kowalska".into(), Some("+48601234567".into()), "pl".into(), 1, 0));

        // Empty name, unknown language: each beside its field, in the visitor's language.
        let response = ola
            .post(app.url("/account/profile"))
            .header("Origin", &app.address)
            .header("Accept-Language", "ru")
            .form(&[("full_name", " "), ("phone", ""), ("language", "xx")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("profile-full_name-error") && html.contains("profile-language-error"), "{html}");
        app.stop().await;
    };

    addresses_are_checked_by_country_and_orders_keep_theirs => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let ola = signed_in(&app, OLA).await;
        let before = addresses_of(&app, OLA).await;

        // A Dutch postal code for Poland: refused beside the field, everything typed kept.
        let (status, _, html) = post(&app, &ola, "/account/addresses", &address_form("", "1012 AB", "PL")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("This postal code does not fit the chosen country"), "{html}");
        assert!(html.contains("value=\"ul. Żytnia 12\"") && html.contains("value=\"Łódź\"") && html.contains("value=\"1012 AB\""));
        assert_eq!(addresses_of(&app, OLA).await.len(), before.len());

        // Written without the dash, stored the Polish way.
        let (status, location, _) = post(&app, &ola, "/account/addresses", &address_form("", "90420", "PL")).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/account/addresses?notice=address_saved"));
        let after = addresses_of(&app, OLA).await;
        let added = after.iter().find(|a| !before.contains(a)).unwrap().clone();
        assert_eq!(added.1, "90-420");
        let (_, html) = page(&app, &ola, "/account/addresses").await;
        assert!(html.contains("ul. Żytnia 12") && html.contains("90-420") && html.contains("Łódź"));

        // Not used by any order: changed in place.
        let (status, _, _) = post(&app, &ola, "/account/addresses", &address_form(&added.0, "91-001", "PL")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(addresses_of(&app, OLA).await.iter().any(|a| a.0 == added.0 && a.1 == "91-001" && a.2.is_none()));

        // The demo's delivery address is on past orders: a change archives it and adds a successor,
        // and the orders still show where they went.
        let (used, old_postal): (String, String) = sqlx::query_as(
            "SELECT a.address_id, a.postal_code FROM addresses a JOIN orders o ON o.delivery_address_id = a.address_id
             JOIN members m ON m.account_id = a.account_id WHERE m.email = $1 LIMIT 1",
        )
        .bind(OLA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let (status, _, _) = post(&app, &ola, "/account/addresses", &address_form(&used, "00-950", "PL")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let now = addresses_of(&app, OLA).await;
        assert!(now.iter().any(|a| a.0 == used && a.1 == old_postal && a.2.is_some()), "the old one is archived, unchanged");
        assert!(now.iter().any(|a| a.0 != used && a.1 == "00-950" && a.2.is_none()), "its successor is current");
        let (order,): (String,) = sqlx::query_as("SELECT order_id FROM orders WHERE delivery_address_id = $1 LIMIT 1")
            .bind(&used)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let (_, html) = page(&app, &ola, &format!("/orders/{order}")).await;
        assert!(html.contains(&old_postal), "the order keeps its address");

        // Removing archives; the list no longer shows it.
        let (status, location, _) = post(&app, &ola, "/account/addresses", &[("form", "address_remove"), ("address", &added.0)]).await;
        assert_eq!((status, location.as_str()), (StatusCode::SEE_OTHER, "/account/addresses?notice=address_removed"));
        let (_, html) = page(&app, &ola, "/account/addresses").await;
        assert!(!html.contains("91-001"));

        // A plain member reads the addresses but changes none.
        let jedrzej = signed_in(&app, JEDRZEJ).await;
        let (status, html) = page(&app, &jedrzej, "/account/addresses").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("00-950") && !html.contains("address_save"));
        let (status, _, _) = post(&app, &jedrzej, "/account/addresses", &address_form("", "00-950", "PL")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        app.stop().await;
    };

    another_accounts_addresses_answer_exactly_as_unknown_ones => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let ola = signed_in(&app, OLA).await;
        let anna_address = addresses_of(&app, ANNA).await.remove(0).0;
        let unknown = "0000000000000000zzzz";
        let anna_before = addresses_of(&app, ANNA).await;
        for form in ["address_remove", "address_default"] {
            let (foreign_status, _, foreign) = post(&app, &ola, "/account/addresses", &[("form", form), ("address", &anna_address)]).await;
            let (unknown_status, _, unknown_body) = post(&app, &ola, "/account/addresses", &[("form", form), ("address", unknown)]).await;
            assert_eq!(foreign_status, StatusCode::NOT_FOUND, "{form}");
            assert_eq!(unknown_status, StatusCode::NOT_FOUND, "{form}");
            assert_eq!(without_nonces(&foreign), without_nonces(&unknown_body), "{form}");
        }
        let (foreign_status, _, foreign) = post(&app, &ola, "/account/addresses", &address_form(&anna_address, "00-950", "PL")).await;
        let (unknown_status, _, unknown_body) = post(&app, &ola, "/account/addresses", &address_form(unknown, "00-950", "PL")).await;
        assert_eq!((foreign_status, unknown_status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
        assert_eq!(
            without_nonces(&foreign).replace(&anna_address, "<id>"),
            without_nonces(&unknown_body).replace(unknown, "<id>")
        );
        assert_eq!(addresses_of(&app, ANNA).await, anna_before, "nothing of Anna's changed");

        // The list, the edit link and the server function show Ola's own addresses only.
        let (_, html) = page(&app, &ola, &format!("/account/addresses?edit={anna_address}")).await;
        assert!(!html.contains(&format!("value=\"{anna_address}\"")) && html.contains("Add an address"));
        let response = ola
            .post(app.url("/api/account_addresses"))
            .header("Origin", &app.address)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap();
        let body = response.text().await.unwrap();
        let mine: Vec<String> = addresses_of(&app, OLA).await.into_iter().map(|a| a.0).collect();
        let listed: Vec<&str> = body.split("\"address_id\":\"").skip(1).map(|s| &s[..20]).collect();
        assert!(!listed.is_empty() && listed.iter().all(|id| mine.iter().any(|m| m == id)), "{body}");

        // Signed out, the forms lead to sign-in and change nothing.
        let anonymous = TestApp::new_client();
        let (status, location, _) = post(&app, &anonymous, "/account/addresses", &[("form", "address_remove"), ("address", &anna_address)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(location.starts_with("/sign-in?next="));
        assert_eq!(addresses_of(&app, ANNA).await, anna_before);
        app.stop().await;
    };

    the_statement_adds_up_and_downloads_as_csv_and_a_pdf_a_reader_opens => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let ola = signed_in(&app, OLA).await;
        let (status, html) = page(&app, &ola, "/account/statement?from=2025-01-01&to=2025-12-31").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Balance brought forward") && html.contains("Balance at the end"));

        // The CSV: opening balance plus every line equals the closing balance, line by line.
        let response = ola.get(app.url("/account/statement.csv?from=2025-01-01&to=2025-12-31")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_string();
        assert!(disposition.starts_with("attachment; filename=\"statement-") && disposition.ends_with("-2025-01-01-2025-12-31.csv\""), "{disposition}");
        let csv = response.text().await.unwrap();
        let cents = |text: &str| -> i64 {
            if text.is_empty() { return 0; }
            let (units, fraction) = text.split_once('.').unwrap();
            let negative = units.starts_with('-');
            let value = units.trim_start_matches('-').parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap();
            if negative { -value } else { value }
        };
        let rows: Vec<Vec<String>> = csv.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect();
        assert!(rows.len() > 2, "{csv}");
        let mut balance = cents(&rows[0][5]);
        for row in &rows[1..rows.len() - 1] {
            balance += cents(&row[3]) - cents(&row[4]);
            assert_eq!(balance, cents(&row[5]), "{row:?}");
        }
        assert_eq!(balance, cents(&rows.last().unwrap()[5]));
        // It matches the database, and holds only this account's invoices.
        let (expected,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(i.gross_minor), 0) AS BIGINT) FROM invoices i JOIN members m ON m.account_id = i.account_id
             WHERE m.email = $1 AND i.issue_date <= '2025-12-31' AND i.status <> 'cancelled'",
        )
        .bind(OLA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let (paid,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(p.amount_minor), 0) AS BIGINT) FROM payments p JOIN members m ON m.account_id = p.account_id
             WHERE m.email = $1 AND p.paid_on <= '2025-12-31'",
        )
        .bind(OLA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(balance, expected - paid);
        let anna_invoices: Vec<(String,)> = sqlx::query_as(
            "SELECT i.invoice_number FROM invoices i JOIN members m ON m.account_id = i.account_id WHERE m.email = $1",
        )
        .bind(ANNA)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        for (number,) in &anna_invoices {
            assert!(!csv.contains(number.as_str()), "{number} is Anna's");
        }

        // A payment reference from outside that a spreadsheet would run as a formula opens as
        // text (negative amounts stay numbers: `documents::spreadsheet`'s tests).
        let (invoice_id, account_id): (String, String) = sqlx::query_as(
            "SELECT i.invoice_id, i.account_id FROM invoices i JOIN members m ON m.account_id = i.account_id
             WHERE m.email = $1 AND i.issue_date <= '2025-12-31' ORDER BY i.issue_date LIMIT 1",
        )
        .bind(OLA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO payments (payment_id, invoice_id, account_id, amount_minor, paid_on, reference, created_at)
             VALUES ('formulapayment1', $1, $2, 1, '2025-12-30', '=HYPERLINK(\"http://evil.example\",\"x\")', 0)",
        )
        .bind(&invoice_id)
        .bind(&account_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
        let csv = ola.get(app.url("/account/statement.csv?from=2025-01-01&to=2025-12-31")).send().await.unwrap().text().await.unwrap();
        let row = csv.lines().find(|line| line.contains("HYPERLINK")).expect("the payment's row");
        assert!(row.contains("\"'=HYPERLINK(\"\"http://evil.example\"\""), "{row}");
        assert!(!csv.lines().any(|line| line.split(',').any(|cell| cell.starts_with('='))), "{csv}");

        // The PDF: a real PDF, whose text a reader extracts with the Polish letters intact.
        let response = ola
            .get(app.url("/account/statement.pdf?from=2025-01-01&to=2025-12-31"))
            .header("Accept-Language", "pl")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        // Its length is announced (the journal's layer wraps the body and must keep its size),
        // so a browser can show the download's progress.
        let announced: Option<usize> =
            response.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
        let pdf = response.bytes().await.unwrap();
        assert_eq!(announced, Some(pdf.len()));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("statement.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let text = std::process::Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().expect("pdftotext runs");
        assert!(text.status.success());
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(text.contains("Wyciąg z konta") && text.contains("Piekarnia Ola Nowak sp. z o.o."), "{text}");
        assert!(text.contains("Saldo końcowe"), "{text}");
        let first_invoice = rows.iter().find(|r| !r[1].is_empty()).map(|r| r[1].clone()).unwrap();
        assert!(text.contains(&first_invoice), "{first_invoice} in {text}");
        let fonts = std::process::Command::new("pdffonts").arg(&path).output().expect("pdffonts runs");
        let fonts = String::from_utf8(fonts.stdout).unwrap();
        assert!(fonts.contains("DejaVuSans") && fonts.lines().skip(2).all(|l| l.contains(" yes ")), "fonts embedded: {fonts}");

        // Bad periods: beside the field, 422; the files refuse them too.
        let (status, html) = page(&app, &ola, "/account/statement?from=2024-01-01&to=2025-12-31").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("A statement covers at most a year"));
        let (status, html) = page(&app, &ola, "/account/statement?from=2025-02-30").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("value=\"2025-02-30\""));
        assert_eq!(ola.get(app.url("/account/statement.csv?from=nope")).send().await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);

        // Members without the billing role get neither the page's figures nor the files.
        let jedrzej = signed_in(&app, JEDRZEJ).await;
        let (status, html) = page(&app, &jedrzej, "/account/statement").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!html.contains("Balance brought forward"));
        assert_eq!(jedrzej.get(app.url("/account/statement.pdf")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
        assert_eq!(jedrzej.get(app.url("/account/statement.csv")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
        // Signed out: to sign-in.
        let anonymous = TestApp::new_client();
        assert_eq!(anonymous.get(app.url("/account/statement.pdf")).send().await.unwrap().status(), StatusCode::SEE_OTHER);
        app.stop().await;
    };
}
