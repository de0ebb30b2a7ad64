//! Account overview and orders over HTTP: one account never reaches another's orders (by URL, by
//! server function, by guessing ids), the history's search, filters and keyset pages, bad input,
//! and reorder from review to one requested order, its e-mail over SMTP and its journey.
mod common;

use common::smtp::TestMailServer;
use common::{demo_app, get, page_data_of, settle, signed_in, without_nonces, TestApp};
use reqwest::StatusCode;
use std::collections::HashSet;

const OLA: &str = "ola@demo.styk.pl"; // owner, Piekarnia Ola Nowak sp. z o.o.
const PIOTR: &str = "piotr@demo.styk.pl"; // billing member of the same account
const ANNA: &str = "anna@demo.styk.pl"; // owner, Northwind Provisions Ltd

/// An id of the right shape that no order has.
const UNKNOWN_ID: &str = "0000000000000000zzzz";

/// The order ids of a member's account, newest first.
async fn orders_of(app: &TestApp, email: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT o.order_id FROM orders o JOIN members m ON m.account_id = o.account_id
         WHERE m.email = $1 ORDER BY o.placed_at DESC, o.order_id DESC",
    )
    .bind(email)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    rows.into_iter().map(|(id,)| id).collect()
}

async fn server_fn(app: &TestApp, client: &reqwest::Client, path: &str, body: &str) -> (StatusCode, String) {
    let response = client
        .post(app.url(path))
        .header("Origin", &app.address)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// A body with the two ids (and the per-response nonce) masked, to compare two answers.
fn masked(body: &str, ids: &[&str]) -> String {
    ids.iter().fold(without_nonces(body), |body, id| body.replace(id, "<id>"))
}

/// The order ids a history page links to, in page order.
fn listed_orders(html: &str) -> Vec<String> {
    html.split("href=\"/orders/")
        .skip(1)
        .filter_map(|rest| {
            let id = rest.split('"').next()?;
            (id.len() == 20 && !id.contains('/')).then(|| id.to_string())
        })
        .collect()
}

fn next_page(html: &str) -> Option<String> {
    let at = html.find("rel=\"next\"")?;
    let rest = &html[at..];
    let href = rest.split("href=\"").nth(1)?.split('"').next()?;
    Some(href.replace("&amp;", "&"))
}

on_both_backends! {
    another_accounts_orders_answer_exactly_as_unknown_ones => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let ola = signed_in(&app, OLA).await;
        let foreign = orders_of(&app, ANNA).await.remove(0);
        let own = orders_of(&app, OLA).await.remove(0);
        let form = format!("q_1=1&key={UNKNOWN_ID}");

        // Pages, by URL.
        for template in ["/orders/{}", "/orders/{}/reorder", "/orders/{}/reorder/review?q_1=2"] {
            let (foreign_status, foreign_body) = get(&app, &ola, &template.replace("{}", &foreign)).await;
            let (unknown_status, unknown_body) = get(&app, &ola, &template.replace("{}", UNKNOWN_ID)).await;
            assert_eq!(foreign_status, StatusCode::NOT_FOUND, "{template}");
            assert_eq!(unknown_status, StatusCode::NOT_FOUND, "{template}");
            assert_eq!(masked(&foreign_body, &[&foreign, UNKNOWN_ID]), masked(&unknown_body, &[&foreign, UNKNOWN_ID]), "{template}");
            assert!(foreign_body.contains("We could not find what you asked for."), "{template}");
            let (own_status, _) = get(&app, &ola, &template.replace("{}", &own)).await;
            // (Its own order answers: the page, or the page with the missing quantities beside their fields.)
            assert!(matches!(own_status, StatusCode::OK | StatusCode::UNPROCESSABLE_ENTITY), "{template}: {own_status}");
        }
        // A malformed id is not found either, in the visitor's language.
        let response = ola.get(app.url("/orders/..%2F..%2Fetc")).header("Accept-Language", "pl").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(response.text().await.unwrap().contains("Nie znaleźliśmy"));

        // Server functions.
        for path in ["/api/order_detail", "/api/reorder_plan"] {
            let foreign_answer = server_fn(&app, &ola, path, &format!("order_id={foreign}")).await;
            let unknown_answer = server_fn(&app, &ola, path, &format!("order_id={UNKNOWN_ID}")).await;
            assert_eq!(foreign_answer.0, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(foreign_answer, unknown_answer, "{path}");
            assert_eq!(server_fn(&app, &ola, path, &format!("order_id={own}")).await.0, StatusCode::OK, "{path}");
        }

        // The reorder confirmation, by form post.
        let post = |id: String| {
            let ola = ola.clone();
            let url = app.url(&format!("/orders/{id}/reorder/review"));
            let origin = app.address.clone();
            let form = form.clone();
            async move {
                let response = ola
                    .post(url)
                    .header("Origin", origin)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(form)
                    .send()
                    .await
                    .unwrap();
                (response.status(), response.text().await.unwrap())
            }
        };
        let anna_orders = orders_of(&app, ANNA).await.len();
        let (foreign_status, foreign_body) = post(foreign.clone()).await;
        let (unknown_status, unknown_body) = post(UNKNOWN_ID.to_string()).await;
        assert_eq!(foreign_status, StatusCode::NOT_FOUND);
        assert_eq!(unknown_status, StatusCode::NOT_FOUND);
        assert_eq!(masked(&foreign_body, &[&foreign, UNKNOWN_ID]), masked(&unknown_body, &[&foreign, UNKNOWN_ID]));
        assert_eq!(orders_of(&app, ANNA).await.len(), anna_orders);

        // The history and the overview show the account's own orders only, whatever is searched.
        let anna_number: (String,) = sqlx::query_as("SELECT order_number FROM orders WHERE order_id = $1")
            .bind(&foreign)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let (status, html) = get(&app, &ola, &format!("/orders?q={}", anna_number.0)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(listed_orders(&html).is_empty() && html.contains("No orders match these filters"), "{html}");
        let (_, history) = server_fn(&app, &ola, "/api/order_history", "").await;
        let mine: HashSet<String> = orders_of(&app, OLA).await.into_iter().collect();
        let listed: Vec<String> = history.split("\"order_id\":\"").skip(1).map(|s| s[..20].to_string()).collect();
        assert!(!listed.is_empty() && listed.iter().all(|id| mine.contains(id)), "{history}");
        // The page hands the same rows to the browser as data (which `get` decodes): Ola's only.
        let (_, page) = get(&app, &ola, "/orders").await;
        let data = page_data_of(&page).concat();
        let shown = listed_orders(&page);
        assert!(!shown.is_empty() && shown.iter().all(|id| data.contains(id.as_str())), "{data}");
        assert!(!data.contains(&foreign) && !data.contains("Northwind"), "{data}");
        let (_, overview) = get(&app, &ola, "/account").await;
        assert!(overview.contains("Piekarnia Ola Nowak") && !overview.contains("Northwind"));
        for id in listed_orders(&overview) {
            assert!(mine.contains(&id));
        }

        // Signed out, nothing answers with data.
        let anonymous = TestApp::new_client();
        assert_eq!(server_fn(&app, &anonymous, "/api/order_detail", &format!("order_id={own}")).await.0, StatusCode::UNAUTHORIZED);
        let response = anonymous.get(app.url(&format!("/orders/{own}"))).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        app.stop().await;
    };

    the_history_searches_filters_and_pages_through_every_order_once => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let ola = signed_in(&app, OLA).await;
        // More orders than one page holds: copies of the account's orders, a day apart.
        let account: (String,) = sqlx::query_as("SELECT account_id FROM members WHERE email = $1")
            .bind(OLA)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        for n in 0..40i64 {
            let id = format!("{:0>20}", format!("x{n}")).replace('x', "a");
            sqlx::query(
                "INSERT INTO orders (order_id, account_id, order_number, status, currency, net_minor, vat_minor,
                                     gross_minor, placed_at, created_at, updated_at, search_text)
                 VALUES ($1, $2, $3, 'delivered', 'PLN', $4, 0, $4, $5, $5, $5, $6)",
            )
            .bind(&id)
            .bind(&account.0)
            .bind(format!("ZAM/2025/COPY{n:04}"))
            .bind(1_000 + (n % 7) * 100)
            .bind(1_740_000_000_000 + n * 86_400_000)
            .bind(format!("zam/2025/copy{n:04}"))
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        }
        let all = orders_of(&app, OLA).await;
        assert!(all.len() > 50);

        // Each sort walks every order exactly once, in the order the database sorts them.
        for (sort, order_by) in [
            ("newest", "o.placed_at DESC, o.order_id DESC"),
            ("oldest", "o.placed_at ASC, o.order_id ASC"),
            ("largest", "o.gross_minor DESC, o.order_id DESC"),
            ("smallest", "o.gross_minor ASC, o.order_id ASC"),
        ] {
            let expected: Vec<(String,)> = sqlx::query_as(&format!(
                "SELECT o.order_id FROM orders o WHERE o.account_id = $1 ORDER BY {order_by}"
            ))
            .bind(&account.0)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
            let mut seen = Vec::new();
            let mut url = format!("/orders?sort={sort}");
            let mut pages = 0;
            loop {
                let (status, html) = get(&app, &ola, &url).await;
                assert_eq!(status, StatusCode::OK, "{url}");
                let rows = listed_orders(&html);
                assert!(rows.len() <= 25);
                seen.extend(rows);
                pages += 1;
                match next_page(&html) {
                    Some(next) => {
                        assert!(next.contains(&format!("sort={sort}")), "the next page keeps the sort: {next}");
                        url = next;
                    }
                    None => break,
                }
            }
            assert_eq!(seen, expected.into_iter().map(|(id,)| id).collect::<Vec<_>>(), "{sort}");
            assert_eq!(pages, all.len().div_ceil(25), "{sort}");
        }

        // Search by product, in any letter case, finds exactly the orders with that product.
        let (product,): (String,) = sqlx::query_as(
            "SELECT l.description FROM order_lines l JOIN orders o ON o.order_id = l.order_id
             WHERE o.account_id = $1 ORDER BY l.description DESC LIMIT 1",
        )
        .bind(&account.0)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let (expected,): (i64,) = sqlx::query_as(
            "SELECT COUNT(DISTINCT o.order_id) FROM orders o JOIN order_lines l ON l.order_id = o.order_id
             WHERE o.account_id = $1 AND l.description = $2",
        )
        .bind(&account.0)
        .bind(&product)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let typed: String = url::form_urlencoded::byte_serialize(product.to_uppercase().as_bytes()).collect();
        let (status, html) = get(&app, &ola, &format!("/orders?q={typed}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed_orders(&html).len() as i64, expected.min(25), "{product}");
        assert!(html.contains(&format!("value=\"{}\"", product.to_uppercase())), "the search stays in its field");

        // By order number, status and dates.
        let (_, html) = get(&app, &ola, "/orders?q=copy0007").await;
        assert_eq!(listed_orders(&html).len(), 1);
        let (_, html) = get(&app, &ola, "/orders?status=cancelled&sort=oldest").await;
        for id in listed_orders(&html) {
            let (status,): (String,) = sqlx::query_as("SELECT status FROM orders WHERE order_id = $1")
                .bind(&id)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
            assert_eq!(status, "cancelled");
        }
        // 2025-02-19 .. 2025-02-21 holds the copies placed on those three days.
        let (_, html) = get(&app, &ola, "/orders?from=2025-02-20&to=2025-02-22&q=copy").await;
        assert_eq!(listed_orders(&html).len(), 3, "{html}");

        // Bad input: each problem beside its field, translated, with what was typed kept; 422.
        let (status, html) = get(&app, &ola, "/orders?from=2026-02-30&to=2026-01-01&status=lost&q=m%C4%85ka").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Enter a date as YYYY-MM-DD"), "{html}");
        assert!(html.contains("value=\"2026-02-30\"") && html.contains("value=\"mąka\""));
        let response = ola.get(app.url("/orders?to=2026-13-45")).header("Accept-Language", "ru").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("ГГГГ-ММ-ДД"));
        // A page number (cursor) beyond any order, or garbage, is answered, never a crash.
        let (status, html) = get(&app, &ola, "/orders?after=999999999999999.zzzzzzzzzzzzzzzzzzzz").await;
        assert_eq!(status, StatusCode::OK);
        assert!(listed_orders(&html).len() == 25, "a cursor past every order from the future starts at the top");
        let (status, html) = get(&app, &ola, "/orders?after=99999999999999999999999999.x").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("This link to a page of the list no longer works."));
        let (status, _) = get(&app, &ola, &format!("/orders?q={}", "x".repeat(5000))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        app.stop().await;
    };

    reorder_makes_one_requested_order_mails_it_and_journals_each_step => |backend| async move {
        let smtp = TestMailServer::start();
        let app = demo_app(backend, &[("STYK_SMTP_URL", &smtp.url()), ("STYK_MAIL_FROM", "Styk <portal@styk.test>")]).await;
        let ola = signed_in(&app, OLA).await;
        // An order of two lines or more whose products are all still sold.
        let (source,): (String,) = sqlx::query_as(
            "SELECT o.order_id FROM orders o JOIN members m ON m.account_id = o.account_id
             WHERE m.email = $1
               AND (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.order_id) >= 2
               AND NOT EXISTS (SELECT 1 FROM order_lines l JOIN products p ON p.product_id = l.product_id
                               WHERE l.order_id = o.order_id AND p.active = 0)
             ORDER BY o.order_id LIMIT 1",
        )
        .bind(OLA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let lines: Vec<(i64, i64)> =
            sqlx::query_as("SELECT line_no, quantity FROM order_lines WHERE order_id = $1 ORDER BY line_no")
                .bind(&source)
                .fetch_all(&app.state.db.pool)
                .await
                .unwrap();

        let (status, html) = get(&app, &ola, &format!("/orders/{source}/reorder")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("name=\"q_1\"") && html.contains(&format!("value=\"{}\"", lines[0].1)));

        // A negative quantity: refused beside the field, the typed value kept.
        let (status, html) = get(&app, &ola, &format!("/orders/{source}/reorder/review?q_1=-3&q_2=1")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("A quantity cannot be negative") && html.contains("value=\"-3\""), "{html}");
        // Every quantity 0: nothing to order.
        let zeros: String = lines.iter().map(|(n, _)| format!("q_{n}=0&")).collect();
        let (status, html) = get(&app, &ola, &format!("/orders/{source}/reorder/review?{zeros}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Every quantity is 0"));

        // Changed quantity, reviewed, confirmed twice: one order.
        let mut quantities: Vec<(String, String)> = lines.iter().map(|(n, q)| (format!("q_{n}"), q.to_string())).collect();
        quantities[0].1 = "7".into();
        let query: String = quantities.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
        let (status, html) = get(&app, &ola, &format!("/orders/{source}/reorder/review?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        let key = html.split("name=\"key\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let mut form: Vec<(String, String)> = quantities.clone();
        form.push(("key".into(), key.clone()));
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let first = app.post_form_with(&ola, &format!("/orders/{source}/reorder/review"), &form).await;
        assert_eq!(first.status(), StatusCode::SEE_OTHER);
        let location = first.headers()["location"].to_str().unwrap().to_string();
        assert!(location.ends_with("?notice=reorder_requested"), "{location}");
        let second = app.post_form_with(&ola, &format!("/orders/{source}/reorder/review"), &form).await;
        assert_eq!(second.headers()["location"].to_str().unwrap(), location, "a second submit leads to the same order");
        let (made,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orders WHERE request_key = $1")
            .bind(&key)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(made, 1);
        let new_id = location.trim_start_matches("/orders/").split('?').next().unwrap().to_string();
        let (status, quantity): (String, i64) = sqlx::query_as(
            "SELECT o.status, l.quantity FROM orders o JOIN order_lines l ON l.order_id = o.order_id
             WHERE o.order_id = $1 AND l.line_no = 1",
        )
        .bind(&new_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!((status.as_str(), quantity), ("requested", 7));

        // The new order page thanks them; the history shows the request.
        let (status, html) = get(&app, &ola, &location).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("your order request is in"));
        let (_, html) = get(&app, &ola, "/orders?status=requested").await;
        assert_eq!(listed_orders(&html), vec![new_id.clone()]);
        // Its row says what was ordered, from the summary kept on the order when it was written.
        let (first_item, line_count, lines, first_line): (String, i64, i64, String) = sqlx::query_as(
            "SELECT o.first_item, o.line_count,
                    (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.order_id),
                    (SELECT l.description FROM order_lines l WHERE l.order_id = o.order_id AND l.line_no = 1)
             FROM orders o WHERE o.order_id = $1",
        )
        .bind(&new_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!((first_item.as_str(), line_count), (first_line.as_str(), lines));
        assert!(html.contains(&first_item), "{first_item}");

        // The confirmation e-mail arrives over SMTP, once.
        let (number,): (String,) = sqlx::query_as("SELECT order_number FROM orders WHERE order_id = $1")
            .bind(&new_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let mail = smtp.wait_for(OLA, &number).await;
        assert!(mail.text.contains(&format!("/orders/{new_id}")), "{}", mail.text);
        assert_eq!(smtp.received().iter().filter(|m| m.subject.contains(&number)).count(), 1);

        // A product no longer sold is flagged and cannot be ordered.
        sqlx::query("UPDATE products SET active = 0 WHERE product_id = (SELECT product_id FROM order_lines WHERE order_id = $1 AND line_no = 1)")
            .bind(&source)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        let (_, html) = get(&app, &ola, &format!("/orders/{source}/reorder")).await;
        assert!(html.contains("No longer sold") && !html.contains("name=\"q_1\""));

        // The journal holds the reorder journey step by step, with the refused review.
        settle(&app).await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        settle(&app).await;
        let steps: Vec<(String, String)> = sqlx::query_as(
            "SELECT step, outcome FROM touchpoints WHERE journey = 'reorder' AND kind = 'step' ORDER BY occurred_at",
        )
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let steps: Vec<(&str, &str)> = steps.iter().map(|(s, o)| (s.as_str(), o.as_str())).collect();
        for expected in [("view", "ok"), ("review", "invalid"), ("review", "ok"), ("confirm", "ok"), ("email_sent", "ok")] {
            assert!(steps.contains(&expected), "{expected:?} in {steps:?}");
        }
        app.stop().await;
    };

    members_without_the_billing_role_see_orders_but_no_invoices_or_balance => |backend| async move {
        let app = demo_app(backend, &[]).await;
        // Piotr is billing: he sees the balance. Make him a plain member and he does not.
        let piotr = signed_in(&app, PIOTR).await;
        let (_, html) = get(&app, &piotr, "/account").await;
        assert!(html.contains("Oldest due date"), "{html}");
        sqlx::query("UPDATE members SET role = 'member' WHERE email = $1").bind(PIOTR).execute(&app.state.db.pool).await.unwrap();
        let (status, html) = get(&app, &piotr, "/account").await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("Oldest due date") && html.contains("Recent orders"));
        let own = orders_of(&app, PIOTR).await;
        let invoiced: (String,) = sqlx::query_as("SELECT order_id FROM invoices WHERE order_id IN (SELECT order_id FROM orders WHERE account_id = (SELECT account_id FROM members WHERE email = $1)) LIMIT 1")
            .bind(PIOTR)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert!(own.contains(&invoiced.0));
        let (_, detail) = server_fn(&app, &piotr, "/api/order_detail", &format!("order_id={}", invoiced.0)).await;
        assert!(detail.contains("\"invoices\":[]") && detail.contains("\"sees_invoices\":false"), "{detail}");
        app.stop().await;
    };

    invoices_download_as_pdf_for_their_own_account_and_billing_roles_only => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let ola = signed_in(&app, OLA).await;
        let (invoice_id, number, ksef): (String, String, Option<String>) = sqlx::query_as(
            "SELECT i.invoice_id, i.invoice_number, i.ksef_number FROM invoices i JOIN members m ON m.account_id = i.account_id
             WHERE m.email = $1 ORDER BY i.ksef_number IS NULL, i.issue_date DESC LIMIT 1",
        )
        .bind(OLA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        // The order page links to it.
        let (order_id,): (String,) = sqlx::query_as("SELECT order_id FROM invoices WHERE invoice_id = $1")
            .bind(&invoice_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let (_, html) = get(&app, &ola, &format!("/orders/{order_id}")).await;
        assert!(html.contains(&format!("href=\"/invoices/{invoice_id}/pdf\"")), "the order links its invoice");

        let response = ola.get(app.url(&format!("/invoices/{invoice_id}/pdf"))).header("Accept-Language", "pl").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_string();
        assert_eq!(disposition, format!("attachment; filename=\"{}.pdf\"", number.replace('/', "-")));
        let pdf = response.bytes().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("invoice.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let text = std::process::Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().unwrap();
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(text.contains("Faktura VAT") && text.contains(&number), "{text}");
        assert!(text.contains("Piekarnia Ola Nowak sp. z o.o.") && text.contains("Styk Hurt sp. z o.o."), "{text}");
        assert!(text.contains("Razem do zapłaty") && text.contains("Sprzedawca") && text.contains("Nabywca"), "{text}");
        if let Some(ksef) = ksef {
            assert!(text.contains(&ksef), "the KSeF number is printed: {text}");
        }
        let info = std::process::Command::new("pdfinfo").arg(&path).output().unwrap();
        let info = String::from_utf8(info.stdout).unwrap();
        let title = info.lines().find(|l| l.starts_with("Title:")).unwrap_or_default();
        assert!(title.contains("Faktura VAT") && title.contains(&number), "{info}");

        // Another account's invoice answers as an unknown one; a plain member gets none.
        let anna_invoice: (String,) = sqlx::query_as(
            "SELECT i.invoice_id FROM invoices i JOIN members m ON m.account_id = i.account_id WHERE m.email = $1 LIMIT 1",
        )
        .bind(ANNA)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let (foreign_status, foreign_body) = get(&app, &ola, &format!("/invoices/{}/pdf", anna_invoice.0)).await;
        let (unknown_status, unknown_body) = get(&app, &ola, &format!("/invoices/{UNKNOWN_ID}/pdf")).await;
        assert_eq!((foreign_status, unknown_status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
        assert_eq!(foreign_body, unknown_body);
        let (status, _) = get(&app, &ola, "/invoices/..%2F..%2Fetc%2Fpasswd/pdf").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        sqlx::query("UPDATE members SET role = 'member' WHERE email = $1").bind(PIOTR).execute(&app.state.db.pool).await.unwrap();
        let piotr = signed_in(&app, PIOTR).await;
        let (status, _) = get(&app, &piotr, &format!("/invoices/{invoice_id}/pdf")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, html) = get(&app, &piotr, &format!("/orders/{order_id}")).await;
        assert!(!html.contains("/pdf\""), "no invoice link for a plain member");

        // The journal has the download as invoice_download/pdf, the refusals too.
        settle(&app).await;
        let steps: Vec<(String, String)> = sqlx::query_as(
            "SELECT step, outcome FROM touchpoints WHERE journey = 'invoice_download' AND kind = 'step' ORDER BY occurred_at",
        )
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let steps: Vec<(&str, &str)> = steps.iter().map(|(s, o)| (s.as_str(), o.as_str())).collect();
        assert!(steps.contains(&("pdf", "ok")) && steps.contains(&("pdf", "denied")), "{steps:?}");
        app.stop().await;
    };
}
