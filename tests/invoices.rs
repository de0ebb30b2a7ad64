//! The invoice list over HTTP: the account's own invoices only, billing roles only, filters and
//! keyset pages that walk every invoice once, overdue computed from today, bad input answered.
mod common;

use common::{demo_app, get, TestApp, DEMO_PASSWORD};
use reqwest::StatusCode;

const OLA: &str = "ola@demo.styk.pl"; // owner, Piekarnia Ola Nowak sp. z o.o.
const JEDRZEJ: &str = "jedrzej@demo.styk.pl"; // plain member of the same account
const ANNA: &str = "anna@demo.styk.pl"; // owner, Northwind Provisions Ltd

/// The invoices a list page offers as PDFs (one link a row), in page order.
fn listed(html: &str) -> Vec<String> {
    html.split("href=\"/invoices/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.strip_suffix("/pdf").map(str::to_string))
        .collect()
}

on_both_backends! {
    the_invoice_list_pages_through_the_accounts_own_invoices_once => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let ola = TestApp::new_client();
        assert_eq!(app.sign_in_with(&ola, OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        let (account,): (String,) = sqlx::query_as("SELECT account_id FROM members WHERE email = $1")
            .bind(OLA)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        // More invoices than a page holds, several on one day (the keyset's tie-break).
        for n in 0..30i64 {
            sqlx::query(
                "INSERT INTO invoices (invoice_id, account_id, invoice_number, issue_date, sale_date, due_date, status,
                                       currency, net_minor, vat_minor, gross_minor, paid_minor, buyer_name, buyer_address, created_at)
                 VALUES ($1, $2, $3, $4, $4, '2020-02-01', 'unpaid', 'PLN', 1000, 230, 1230, 0, 'Piekarnia', 'Łódź', 0)",
            )
            .bind(format!("{:0>20}", format!("b{n}")).replace('b', "k"))
            .bind(&account)
            .bind(format!("FV/2020/01/{n:06}"))
            .bind(format!("2020-01-{:02}", 1 + n / 3))
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        }
        let expected: Vec<(String,)> = sqlx::query_as(
            "SELECT invoice_id FROM invoices WHERE account_id = $1 ORDER BY issue_date DESC, invoice_id DESC",
        )
        .bind(&account)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let mut seen = Vec::new();
        let mut url = "/invoices".to_string();
        loop {
            let (status, html) = get(&app, &ola, &url).await;
            assert_eq!(status, StatusCode::OK, "{url}");
            seen.extend(listed(&html));
            let Some(at) = html.find("rel=\"next\"") else { break };
            url = html[at..].split("href=\"").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
        }
        assert_eq!(seen, expected.into_iter().map(|(id,)| id).collect::<Vec<_>>());

        // Overdue: unpaid past the due date, whatever the stored status says.
        let (_, html) = get(&app, &ola, "/invoices?status=overdue&q=fv/2020").await;
        assert_eq!(listed(&html).len(), 25);
        assert!(html.contains("badge--overdue") && !html.contains("badge--paid") && !html.contains("badge--unpaid"));
        // Another account's invoice number finds nothing.
        let (anna_number,): (String,) = sqlx::query_as(
            "SELECT i.invoice_number FROM invoices i JOIN members m ON m.account_id = i.account_id WHERE m.email = $1 LIMIT 1",
        )
        .bind(ANNA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let mine: Vec<(String,)> =
            sqlx::query_as("SELECT invoice_number FROM invoices WHERE account_id = $1").bind(&account).fetch_all(&app.state.db.pool).await.unwrap();
        if !mine.iter().any(|(n,)| *n == anna_number) {
            let (_, html) = get(&app, &ola, &format!("/invoices?q={}", anna_number.replace('/', "%2F"))).await;
            assert!(listed(&html).is_empty() && html.contains("No invoices match these filters."), "{html}");
        }
        // Bad input: beside the field, 422.
        let (status, html) = get(&app, &ola, "/invoices?status=lost&from=2026-02-30").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Enter a date as YYYY-MM-DD"));
        let (status, html) = get(&app, &ola, "/invoices?after=999999999.zzzzzzzzzzzzzzzzzzzz").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("This link to a page of the list no longer works."));

        // A member without the billing role sees no invoices, by page or server function.
        let jedrzej = TestApp::new_client();
        assert_eq!(app.sign_in_with(&jedrzej, JEDRZEJ, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        let (status, html) = get(&app, &jedrzej, "/invoices").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(listed(&html).is_empty() && html.contains("Only the account's owners and billing members see invoices."));
        let response = jedrzej
            .post(app.url("/api/invoice_list"))
            .header("Origin", &app.address)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        app.stop().await;
    };

    an_invoice_shows_its_lines_taxes_and_payments_to_its_own_account_only => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let ola = TestApp::new_client();
        assert_eq!(app.sign_in_with(&ola, OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        let (invoice_id, number, reference): (String, String, String) = sqlx::query_as(
            "SELECT i.invoice_id, i.invoice_number, p.reference FROM invoices i
             JOIN payments p ON p.invoice_id = i.invoice_id JOIN members m ON m.account_id = i.account_id
             WHERE m.email = $1 ORDER BY i.invoice_id LIMIT 1",
        )
        .bind(OLA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let (description,): (String,) = sqlx::query_as("SELECT description FROM invoice_lines WHERE invoice_id = $1 LIMIT 1")
            .bind(&invoice_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let (status, html) = get(&app, &ola, &format!("/invoices/{invoice_id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&number) && html.contains(&description) && html.contains(&reference), "{html}");
        assert!(html.contains("Taxes by rate") && html.contains(&format!("/invoices/{invoice_id}/pdf")));
        // The list links to it.
        let (_, list) = get(&app, &ola, &format!("/invoices?q={}", number.replace('/', "%2F"))).await;
        assert!(list.contains(&format!("href=\"/invoices/{invoice_id}\"")));

        // Another account's invoice, or none at all: the same 404, page and server function alike.
        let (anna_invoice,): (String,) = sqlx::query_as(
            "SELECT i.invoice_id FROM invoices i JOIN members m ON m.account_id = i.account_id WHERE m.email = $1 LIMIT 1",
        )
        .bind(ANNA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let unknown = "0000000000000000zzzz";
        let (foreign_status, foreign) = get(&app, &ola, &format!("/invoices/{anna_invoice}")).await;
        let (unknown_status, unknown_body) = get(&app, &ola, &format!("/invoices/{unknown}")).await;
        assert_eq!((foreign_status, unknown_status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
        assert_eq!(
            common::without_nonces(&foreign).replace(&anna_invoice, "<id>"),
            common::without_nonces(&unknown_body).replace(unknown, "<id>")
        );
        let call = |id: String| {
            let ola = ola.clone();
            let url = app.url("/api/invoice_detail");
            let origin = app.address.clone();
            async move {
                let response = ola
                    .post(url)
                    .header("Origin", origin)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(format!("invoice_id={id}"))
                    .send()
                    .await
                    .unwrap();
                (response.status(), response.text().await.unwrap())
            }
        };
        assert_eq!(call(anna_invoice.clone()).await, call(unknown.to_string()).await);
        assert_eq!(call(anna_invoice).await.0, StatusCode::NOT_FOUND);

        // A member without the billing role: 403 and nothing of the invoice.
        let jedrzej = TestApp::new_client();
        assert_eq!(app.sign_in_with(&jedrzej, JEDRZEJ, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        let (status, html) = get(&app, &jedrzej, &format!("/invoices/{invoice_id}")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(!html.contains(&description));
        app.stop().await;
    };
}

async fn first_invoice(app: &TestApp) -> String {
    let (id,): (String,) = sqlx::query_as(
        "SELECT i.invoice_id FROM invoices i JOIN members m ON m.account_id = i.account_id WHERE m.email = $1 LIMIT 1",
    )
    .bind(OLA)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    id
}

/// The ids of the archive a form post made, from its redirect.
fn archive_of(response: &reqwest::Response) -> String {
    let location = response.headers().get("location").unwrap().to_str().unwrap();
    location.strip_prefix("/invoices/archive/").unwrap().to_string()
}

on_both_backends! {
    a_period_archive_holds_every_invoice_of_the_period_once_and_only_its_owner_gets_it => |backend| async move {
        let smtp = common::smtp::TestMailServer::start();
        // Every archive counts as large here: the page says so and the ready e-mail goes out.
        let app = TestApp::spawn_with(
            backend,
            &[("STYK_DEMO", "1"), ("STYK_ARCHIVE_NOTIFY_OVER", "0"), ("STYK_SMTP_URL", &smtp.url())],
            axum::Router::new(),
        )
        .await;
        let ola = TestApp::new_client();
        assert_eq!(app.sign_in_with(&ola, OLA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        // The year with the account's most invoices.
        let (year, expected): (String, i64) = sqlx::query_as(
            "SELECT substr(i.issue_date, 1, 4) AS y, count(*) AS n FROM invoices i JOIN members m ON m.account_id = i.account_id
             WHERE m.email = $1 GROUP BY substr(i.issue_date, 1, 4) ORDER BY n DESC LIMIT 1",
        )
        .bind(OLA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));

        // Bad dates are refused beside the fields, what was typed kept.
        let response = app.post_form_with(&ola, "/invoices/archive", &[("preset", "custom"), ("from", &from), ("to", "2099-01-01")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("2099-01-01"));

        let response = app.post_form_with(&ola, "/invoices/archive", &[("preset", "custom"), ("from", &from), ("to", &to)]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let archive = archive_of(&response);
        let mut ready = false;
        for _ in 0..600 {
            let (status, html) = get(&app, &ola, &format!("/invoices/archive/{archive}")).await;
            assert_eq!(status, StatusCode::OK);
            if html.contains(&format!("/invoices/archive/{archive}/zip")) {
                ready = true;
                break;
            }
            assert!(html.contains("http-equiv=\"refresh\""), "the page looks again while it works");
            assert!(html.contains("we will e-mail you when it is ready"));
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(ready, "the archive was not built in a minute");
        let response = ola.get(app.url(&format!("/invoices/archive/{archive}/zip"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/zip");
        assert_eq!(
            response.headers()["content-disposition"],
            format!("attachment; filename=\"invoices-{from}-{to}.zip\"").as_str()
        );
        let bytes = response.bytes().await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        assert_eq!(zip.len() as i64, expected);
        let mut names = std::collections::HashSet::new();
        for n in 0..zip.len() {
            let mut file = zip.by_index(n).unwrap();
            assert!(names.insert(file.name().to_string()));
            let mut head = [0u8; 5];
            std::io::Read::read_exact(&mut file, &mut head).unwrap();
            assert_eq!(&head, b"%PDF-", "{}", file.name());
        }

        // Ola reads Polish: the ready e-mail links to the archive.
        let mail = smtp.wait_for(OLA, "Archiwum faktur").await;
        assert!(mail.text.contains(&format!("/invoices/archive/{archive}")), "{}", mail.text);
        // The journal has the invoice_download journey step by step, the refused period included.
        let pdf = ola.get(app.url(&format!("/invoices/{}/pdf", first_invoice(&app).await))).send().await.unwrap();
        assert_eq!(pdf.status(), StatusCode::OK);
        common::settle(&app).await;
        let steps: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT t.step, t.error_code FROM touchpoints t JOIN members m ON m.member_id = t.member_id
             WHERE t.journey = 'invoice_download' AND m.email = $1 ORDER BY t.occurred_at",
        )
        .bind(OLA)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let seen: Vec<String> =
            steps.iter().map(|(s, e)| format!("{s}{}", e.as_deref().map(|e| format!(" ({e})")).unwrap_or_default())).collect();
        for expected in ["request (period_too_long)", "request", "detail", "export", "pdf"] {
            assert!(seen.iter().any(|s| s == expected), "{expected} in {seen:?}");
        }

        // Another account and a member without the billing role get nothing of it.
        let anna = TestApp::new_client();
        assert_eq!(app.sign_in_with(&anna, ANNA, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        let jedrzej = TestApp::new_client();
        assert_eq!(app.sign_in_with(&jedrzej, JEDRZEJ, DEMO_PASSWORD).await.status(), StatusCode::SEE_OTHER);
        for (client, expected) in [(&anna, StatusCode::NOT_FOUND), (&jedrzej, StatusCode::FORBIDDEN)] {
            for path in [format!("/invoices/archive/{archive}"), format!("/invoices/archive/{archive}/zip")] {
                let (status, body) = get(&app, client, &path).await;
                assert_eq!(status, expected, "{path}");
                assert!(!body.contains("/zip"), "{path}");
            }
        }
        app.stop().await;
    };
}
