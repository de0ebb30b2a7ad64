//! Correction requests over HTTP on both backends: a billing member asks for a price correction
//! with a file, a double submit makes one request, staff accept it, a corrective invoice with its
//! own number follows (in the list, as PDF and as KSeF JSON), mail goes out over SMTP; bad files
//! are refused beside the field; another account reaches nothing of it by any route.
mod common;

use common::smtp::TestMailServer;
use common::{demo_app, get, signed_in, staff, TestApp};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;

const PIOTR: &str = "piotr@demo.styk.pl"; // billing member, Piekarnia Ola Nowak sp. z o.o.
const JEDRZEJ: &str = "jedrzej@demo.styk.pl"; // plain member of the same account
const ANNA: &str = "anna@demo.styk.pl"; // owner, Northwind Provisions Ltd
const AGENT: &str = "agent@demo.styk.pl";

async fn get_bytes(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, Vec<u8>) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    (status, response.bytes().await.unwrap().to_vec())
}

/// The multipart post the request form sends.
async fn post_request(
    app: &TestApp,
    client: &reqwest::Client,
    invoice_id: &str,
    fields: &[(&str, &str)],
    files: Vec<(&str, Vec<u8>)>,
) -> (StatusCode, String, Option<String>) {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    for (name, bytes) in files {
        form = form.part("files", Part::bytes(bytes).file_name(name.to_string()));
    }
    let response = client
        .post(app.url(&format!("/invoices/{invoice_id}/correct")))
        .header("Origin", app.url(""))
        .header("Sec-Fetch-Site", "same-origin")
        .header("Accept-Language", "en")
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let location = response.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    (status, response.text().await.unwrap(), location)
}

/// The hidden form key of a rendered request form.
fn form_key(html: &str) -> String {
    html.split("name=\"key\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
}

async fn scalar(app: &TestApp, sql: &str, bind: &str) -> String {
    let (value,): (String,) = sqlx::query_as(sql).bind(bind).fetch_one(&app.state.db.pool).await.unwrap();
    value
}

/// A Piekarnia invoice with at least one line, and that line's unit price.
async fn piekarnia_invoice(app: &TestApp) -> (String, String, i64) {
    let (id, number, price): (String, String, i64) = sqlx::query_as(
        "SELECT i.invoice_id, i.invoice_number, l.unit_price_minor FROM invoices i
         JOIN members m ON m.account_id = i.account_id
         JOIN invoice_lines l ON l.invoice_id = i.invoice_id AND l.line_no = 1
         WHERE m.email = $1 AND i.status <> 'cancelled' ORDER BY i.issue_date DESC LIMIT 1",
    )
    .bind(PIOTR)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    (id, number, price)
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

on_both_backends! {
    a_price_correction_goes_from_request_to_corrective_invoice => |backend| async move {
        let smtp = TestMailServer::start();
        let app = TestApp::spawn_with(
            backend,
            &[("STYK_DEMO", "1"), ("STYK_SMTP_URL", &smtp.url())],
            axum::Router::new(),
        )
        .await;
        let piotr = signed_in(&app, PIOTR).await;
        let (invoice_id, invoice_number, price) = piekarnia_invoice(&app).await;
        let (status, html) = get(&app, &piotr, &format!("/invoices/{invoice_id}/correct")).await;
        assert_eq!(status, StatusCode::OK);
        let key = form_key(&html);
        let lower = format!("{}.{:02}", (price - 100) / 100, (price - 100) % 100);

        // Preview: the difference shows, nothing is stored, the file is kept for the form.
        let preview_fields = [("key", key.as_str()), ("p_1", lower.as_str()), ("action", "preview")];
        let (status, html, _) =
            post_request(&app, &piotr, &invoice_id, &preview_fields, vec![("dowód.pdf", PDF.to_vec())]).await;
        assert_eq!(status, StatusCode::OK, "{html}");
        assert!(html.contains("table--changes") && html.contains("dowód.pdf"));
        let stored = scalar(&app, "SELECT CAST(count(*) AS TEXT) FROM correction_requests WHERE request_key = $1", &key).await;
        assert_eq!(stored, "0");

        // Submitting without a reason keeps everything typed and says what is missing.
        let (status, html, _) = post_request(
            &app, &piotr, &invoice_id,
            &[("key", &key), ("p_1", &lower), ("explanation", "Cena z umowy ramowej"), ("action", "submit")],
            vec![],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("Cena z umowy ramowej") && html.contains(&lower) && html.contains("field__error"));

        // Submit twice (a double click): one request, with its file.
        let submit = [
            ("key", key.as_str()),
            ("p_1", lower.as_str()),
            ("reason", "price_difference"),
            ("explanation", "Cena z umowy ramowej"),
            ("action", "submit"),
        ];
        let (status, _, first) = post_request(&app, &piotr, &invoice_id, &submit, vec![]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, second) = post_request(&app, &piotr, &invoice_id, &submit, vec![]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(first, second, "a second submit of the same form finds the first request");
        let location = first.unwrap();
        let correction_id = location.trim_start_matches("/corrections/").split('?').next().unwrap().to_string();
        let count = scalar(&app, "SELECT CAST(count(*) AS TEXT) FROM correction_requests WHERE invoice_id = $1", &invoice_id).await;
        assert_eq!(count, "1");
        let (status, html) = get(&app, &piotr, &location).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("badge--submitted") && html.contains("dowód.pdf") && html.contains(&invoice_number));
        smtp.wait_for(PIOTR, &invoice_number).await;

        // Staff: the queue lists it; opening it changes nothing (a GET has no side effect); the
        // "Start review" form takes it into review; accepting issues the invoice.
        let agent = staff(&app, AGENT).await;
        let (status, html) = get(&app, &agent, "/staff/corrections").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&format!("/staff/corrections/{correction_id}")));
        let (status, html) = get(&app, &agent, &format!("/staff/corrections/{correction_id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Cena z umowy ramowej") && html.contains("value=\"start_review\""));
        let (_, html) = get(&app, &piotr, &location).await;
        assert!(html.contains("badge--submitted"), "opening the page started nothing");
        let response = app
            .post_form_with(&agent, &format!("/staff/corrections/{correction_id}"), &[("form", "start_review")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (_, html) = get(&app, &piotr, &location).await;
        assert!(html.contains("badge--in_review") && html.contains("Agata Kowalska"));
        let audited = scalar(&app, "SELECT action FROM audit_log WHERE subject_id = $1 AND action = 'correction.review_started'", &correction_id).await;
        assert_eq!(audited, "correction.review_started");
        let attachment = scalar(&app, "SELECT attachment_id FROM correction_attachments WHERE correction_id = $1", &correction_id).await;
        let (status, bytes) = get_bytes(&app, &agent, &format!("/staff/corrections/{correction_id}/attachments/{attachment}")).await;
        assert_eq!((status, bytes.as_slice()), (StatusCode::OK, PDF));

        // Rejecting needs a reason the customer will read.
        let response = app.post_form_with(&agent, &format!("/staff/corrections/{correction_id}"), &[("decision", "reject"), ("note", "")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let response = app.post_form_with(&agent, &format!("/staff/corrections/{correction_id}"), &[("decision", "accept"), ("note", "")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        // A second decision (another tab) changes nothing.
        let response = app.post_form_with(&agent, &format!("/staff/corrections/{correction_id}"), &[("decision", "reject"), ("note", "x")]).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);

        let corrective = scalar(&app, "SELECT corrective_invoice_id FROM correction_requests WHERE correction_id = $1", &correction_id).await;
        let number = scalar(&app, "SELECT invoice_number FROM invoices WHERE invoice_id = $1", &corrective).await;
        assert!(number.starts_with("KOR/"), "{number}");
        let (gross,): (i64,) = sqlx::query_as("SELECT gross_minor FROM invoices WHERE invoice_id = $1")
            .bind(&corrective).fetch_one(&app.state.db.pool).await.unwrap();
        assert!(gross < 0, "a lower price is a credit: {gross}");
        let audit = scalar(&app, "SELECT action FROM audit_log WHERE subject_id = $1 AND actor_kind = 'staff' ORDER BY occurred_at DESC, action LIMIT 1", &correction_id).await;
        assert_eq!(audit, "correction.accepted");
        let mail = smtp.wait_for(PIOTR, "Decyzja").await; // Piotr reads Polish
        assert!(mail.text.contains(&number), "{}", mail.text);

        // The customer sees it: status, the invoice list, the corrective invoice, its PDF and JSON.
        let (_, html) = get(&app, &piotr, &location).await;
        assert!(html.contains("badge--accepted") && html.contains(&number));
        let (_, html) = get(&app, &piotr, "/invoices?q=KOR").await;
        assert!(html.contains(&format!("/invoices/{corrective}")));
        let (status, html) = get(&app, &piotr, &format!("/invoices/{corrective}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains(&invoice_number) && html.contains("table--changes"));
        let (status, pdf) = get_bytes(&app, &piotr, &format!("/invoices/{corrective}/pdf")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(pdf.starts_with(b"%PDF-"));
        let (status, json) = get(&app, &piotr, &format!("/invoices/{corrective}/ksef.json")).await;
        assert_eq!(status, StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["Fa"]["RodzajFaktury"], "KOR");
        assert_eq!(json["Fa"]["TypKorekty"], 2);
        assert_eq!(json["Fa"]["DaneFaKorygowanej"][0]["NrFaKorygowanej"], invoice_number.as_str());
        assert_eq!(json["Fa"]["FaWiersz"][0]["StanPrzed"], 1);
        assert!(json["Fa"]["PrzyczynaKorekty"].as_str().unwrap().starts_with("price_difference"));

        // The journal holds the journey step by step, the refused submit included.
        common::settle(&app).await;
        let member = scalar(&app, "SELECT member_id FROM members WHERE email = $1", PIOTR).await;
        let steps: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT step, channel, error_code FROM touchpoints
             WHERE journey = 'correction_request' AND (member_id = $1 OR staff_id IS NOT NULL) ORDER BY occurred_at",
        )
        .bind(&member)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let seen: Vec<String> = steps.iter().map(|(step, channel, error)| {
            format!("{step}/{channel}{}", error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default())
        }).collect();
        for expected in ["view/web", "preview/web", "submit/web (required)", "submit/web", "detail/web", "review/staff", "decide/staff (required)", "decide/staff"] {
            assert!(seen.iter().any(|s| s == expected), "{expected} in {seen:?}");
        }
        app.stop().await;
    };

    disguised_oversize_and_path_traversal_files_are_refused_beside_the_field => |backend| async move {
        let app = TestApp::spawn_with(backend, &[("STYK_DEMO", "1"), ("STYK_ATTACHMENT_MAX_BYTES", "20000")], axum::Router::new()).await;
        let piotr = signed_in(&app, PIOTR).await;
        let (invoice_id, _, _) = piekarnia_invoice(&app).await;
        let (_, html) = get(&app, &piotr, &format!("/invoices/{invoice_id}/correct")).await;
        let key = form_key(&html);
        let fields = [("key", key.as_str()), ("explanation", "Zwrot"), ("action", "preview")];
        for (name, bytes, message) in [
            ("faktura.pdf", b"<html><body>hi</body></html>".to_vec(), "Only PDF, PNG and JPEG files can be attached"),
            ("duży.pdf", [PDF, &vec![b' '; 30_000]].concat(), "larger than 5 MB"),
            ("../../etc/passwd.pdf", PDF.to_vec(), "This file name is not allowed"),
        ] {
            let (status, html, _) = post_request(&app, &piotr, &invoice_id, &fields, vec![(name, bytes)]).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            assert!(html.contains(message), "{name}: {message}");
            assert!(html.contains("Zwrot"), "what was typed is kept");
        }
        let stored = scalar(&app, "SELECT CAST(count(*) AS TEXT) FROM correction_attachments WHERE request_key = $1", &key).await;
        assert_eq!(stored, "0", "no refused file is stored");

        // A file attached to a form that is never sent is swept a day later.
        let (status, _, _) = post_request(&app, &piotr, &invoice_id, &fields, vec![("umowa.pdf", PDF.to_vec())]).await;
        assert_eq!(status, StatusCode::OK);
        let count = || scalar(&app, "SELECT CAST(count(*) AS TEXT) FROM correction_attachments WHERE request_key = $1", &key);
        let now = styk::db::now_ms();
        styk::invoices::archive::sweep(&app.state.db, now).await.unwrap();
        assert_eq!(count().await, "1", "a fresh draft stays");
        styk::invoices::archive::sweep(&app.state.db, now + 86_400_001).await.unwrap();
        assert_eq!(count().await, "0");
        app.stop().await;
    };

    another_account_reaches_no_correction_by_any_route => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let piotr = signed_in(&app, PIOTR).await;
        let (invoice_id, _, price) = piekarnia_invoice(&app).await;
        let (_, html) = get(&app, &piotr, &format!("/invoices/{invoice_id}/correct")).await;
        let key = form_key(&html);
        let lower = format!("{}.{:02}", (price - 1) / 100, (price - 1) % 100);
        let (status, _, location) = post_request(
            &app, &piotr, &invoice_id,
            &[("key", &key), ("p_1", &lower), ("reason", "discount"), ("explanation", "Rabat"), ("action", "submit")],
            vec![("umowa.pdf", PDF.to_vec())],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let correction_id = location.unwrap().trim_start_matches("/corrections/").split('?').next().unwrap().to_string();
        let attachment = scalar(&app, "SELECT attachment_id FROM correction_attachments WHERE correction_id = $1", &correction_id).await;

        let anna = signed_in(&app, ANNA).await;
        for path in [
            format!("/corrections/{correction_id}"),
            format!("/corrections/{correction_id}/attachments/{attachment}"),
            format!("/invoices/{invoice_id}/correct"),
            format!("/invoices/{invoice_id}/ksef.json"),
            format!("/staff/corrections/{correction_id}"),
            format!("/staff/corrections/{correction_id}/attachments/{attachment}"),
        ] {
            let (status, body) = get(&app, &anna, &path).await;
            // Staff pages send customers to the staff sign-in.
            assert!(
                matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED | StatusCode::SEE_OTHER),
                "{path}: {status}"
            );
            assert!(!body.contains("Rabat") && !body.contains("umowa.pdf"), "{path}");
        }
        let (_, html) = get(&app, &anna, "/corrections").await;
        assert!(!html.contains(&correction_id));
        let response = anna
            .post(app.url("/api/my_correction"))
            .header("Origin", app.url(""))
            .header("Sec-Fetch-Site", "same-origin")
            .form(&[("correction_id", correction_id.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        // Anna cannot submit a request against Piotr's invoice either.
        let (status, _, _) = post_request(
            &app, &anna, &invoice_id,
            &[("key", "aaaaaaaaaaaaaaaaaaaa"), ("p_1", "1.00"), ("reason", "other"), ("explanation", "x"), ("action", "submit")],
            vec![],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // A member without the billing role sees no invoices, requests or files of their own account.
        let jedrzej = signed_in(&app, JEDRZEJ).await;
        for path in [
            format!("/corrections/{correction_id}"),
            format!("/corrections/{correction_id}/attachments/{attachment}"),
            format!("/invoices/{invoice_id}/correct"),
            "/corrections".to_string(),
        ] {
            let (status, body) = get(&app, &jedrzej, &path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            assert!(!body.contains("Rabat"), "{path}");
        }
        // Customers are not staff.
        let (status, _) = get(&app, &piotr, "/staff/corrections").await;
        assert_ne!(status, StatusCode::OK);
        app.stop().await;
    };

    partly_accepting_issues_the_decided_values_and_rejecting_issues_nothing => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let piotr = signed_in(&app, PIOTR).await;
        let (invoice_id, _, price) = piekarnia_invoice(&app).await;
        let mut requests = Vec::new();
        for explanation in ["Zwrot 1 szt.", "Duplikat"] {
            let (_, html) = get(&app, &piotr, &format!("/invoices/{invoice_id}/correct")).await;
            let key = form_key(&html);
            let (status, _, location) = post_request(
                &app, &piotr, &invoice_id,
                &[("key", &key), ("q_1", "0"), ("reason", "returned_goods"), ("explanation", explanation), ("action", "submit")],
                vec![],
            )
            .await;
            assert_eq!(status, StatusCode::SEE_OTHER);
            requests.push(location.unwrap().trim_start_matches("/corrections/").split('?').next().unwrap().to_string());
        }
        let agent = staff(&app, AGENT).await;
        // Partly: one piece back instead of all of them.
        let (quantity,): (i64,) = sqlx::query_as("SELECT quantity FROM invoice_lines WHERE invoice_id = $1 AND line_no = 1")
            .bind(&invoice_id).fetch_one(&app.state.db.pool).await.unwrap();
        let kept = (quantity - 1).to_string();
        let decide = format!("/staff/corrections/{}", requests[0]);
        // Partly accepting with the values asked for is an acceptance: refused, with the reason.
        let response = app.post_form_with(&agent, &decide, &[("decision", "partly_accept"), ("q_1", "0"), ("note", "x")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let response = app.post_form_with(&agent, &decide, &[("decision", "partly_accept"), ("q_1", &kept), ("note", "Zwrot tylko jednej sztuki")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let corrective = scalar(&app, "SELECT corrective_invoice_id FROM correction_requests WHERE correction_id = $1", &requests[0]).await;
        let (net,): (i64,) = sqlx::query_as("SELECT net_minor FROM invoices WHERE invoice_id = $1")
            .bind(&corrective).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(net, -price, "one piece back at the line's price");
        let (_, html) = get(&app, &piotr, &format!("/corrections/{}", requests[0])).await;
        assert!(html.contains("badge--partly_accepted") && html.contains("Zwrot tylko jednej sztuki") && html.contains("What was decided"));

        // Rejected: the reason shows, no invoice is issued.
        let response = app.post_form_with(&agent, &format!("/staff/corrections/{}", requests[1]), &[("decision", "reject"), ("note", "Faktura nie jest duplikatem")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let (issued,): (Option<String>,) = sqlx::query_as("SELECT corrective_invoice_id FROM correction_requests WHERE correction_id = $1")
            .bind(&requests[1]).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(issued, None);
        let (_, html) = get(&app, &piotr, &format!("/corrections/{}", requests[1])).await;
        assert!(html.contains("badge--rejected") && html.contains("Faktura nie jest duplikatem") && html.contains("Agata Kowalska"));
        let (actions,): (i64,) = sqlx::query_as(
            "SELECT count(*) FROM audit_log WHERE action IN ('correction.partly_accepted', 'correction.rejected') AND actor_kind = 'staff'",
        )
        .fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(actions, 2);
        // Both numbers come from one series, one after the other.
        let (_, list) = get(&app, &piotr, "/invoices?q=KOR").await;
        assert!(list.contains(&format!("/invoices/{corrective}")));
        app.stop().await;
    };
}

/// A PDF of exactly `len` bytes whose content differs from byte to byte, so a cut or a shifted
/// copy never matches.
fn pdf_of(len: usize) -> Vec<u8> {
    let mut bytes = PDF.to_vec();
    let mut state = 0x2545_F491u32;
    while bytes.len() < len {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        bytes.push(state as u8);
    }
    bytes.truncate(len);
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

on_both_backends! {
    large_files_are_stored_byte_for_byte_or_refused_with_nothing_stored => |backend| async move {
        let app = demo_app(backend, &[]).await;
        let piotr = signed_in(&app, PIOTR).await;
        let (invoice_id, _, price) = piekarnia_invoice(&app).await;
        let (_, html) = get(&app, &piotr, &format!("/invoices/{invoice_id}/correct")).await;
        let key = form_key(&html);
        let count = |key: String| {
            let app = &app;
            async move { scalar(app, "SELECT CAST(count(*) AS TEXT) FROM correction_attachments WHERE request_key = $1", &key).await }
        };
        let fields = [("key", key.as_str()), ("explanation", "Duże pliki"), ("action", "preview")];

        // 6 MB: over the 5 MB limit, refused beside the field, and not a byte stored.
        let (status, html, _) = post_request(&app, &piotr, &invoice_id, &fields, vec![("skan.pdf", pdf_of(6_000_000))]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("larger than 5 MB") && html.contains("Duże pliki"), "the message, and what was typed");
        assert_eq!(count(key.clone()).await, "0");

        // 4.9 MB (past axum's own 2 MiB default): stored whole, its size and SHA-256 with it.
        let big = pdf_of(4_900_000);
        let (status, html, _) = post_request(&app, &piotr, &invoice_id, &fields, vec![("skan.pdf", big.clone())]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("skan.pdf"));
        let (size, digest, content): (i64, String, Vec<u8>) = sqlx::query_as(
            "SELECT size_bytes, sha256, content FROM correction_attachments WHERE request_key = $1",
        )
        .bind(&key)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!((size, digest.as_str()), (4_900_000, sha256_hex(&big).as_str()));
        assert_eq!(sha256_hex(&content), sha256_hex(&big), "byte for byte");

        // Submitted, it downloads byte for byte; a stored file changed afterwards is not served.
        let lower = format!("{}.{:02}", (price - 1) / 100, (price - 1) % 100);
        let (status, _, location) = post_request(
            &app, &piotr, &invoice_id,
            &[("key", &key), ("p_1", &lower), ("reason", "discount"), ("explanation", "Rabat"), ("action", "submit")],
            vec![],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let correction_id = location.unwrap().trim_start_matches("/corrections/").split('?').next().unwrap().to_string();
        let attachment = scalar(&app, "SELECT attachment_id FROM correction_attachments WHERE correction_id = $1", &correction_id).await;
        let path = format!("/corrections/{correction_id}/attachments/{attachment}");
        let (status, bytes) = get_bytes(&app, &piotr, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(sha256_hex(&bytes), sha256_hex(&big));
        let mut cut = big.clone();
        cut.truncate(2_093_614);
        sqlx::query("UPDATE correction_attachments SET content = $1, size_bytes = $2 WHERE attachment_id = $3")
            .bind(cut).bind(2_093_614i64).bind(&attachment).execute(&app.state.db.pool).await.unwrap();
        let (status, bytes) = get_bytes(&app, &piotr, &path).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "a file that no longer matches its digest");
        assert!(bytes.len() < 100_000 && !bytes.starts_with(b"%PDF"));

        // Six posts at once under one new form key, one file each: five are kept, not six.
        let (_, html) = get(&app, &piotr, &format!("/invoices/{invoice_id}/correct")).await;
        let key = form_key(&html);
        let posts = (0..6).map(|i| {
            let (app, piotr, invoice_id, key) = (&app, &piotr, &invoice_id, &key);
            async move {
                let fields = [("key", key.as_str()), ("action", "preview")];
                post_request(app, piotr, invoice_id, &fields, vec![(&format!("plik{i}.pdf"), PDF.to_vec())]).await.0
            }
        });
        let statuses = futures::future::join_all(posts).await;
        assert!(statuses.iter().all(|s| matches!(*s, StatusCode::OK | StatusCode::UNPROCESSABLE_ENTITY)), "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count(), 1, "{statuses:?}");
        assert_eq!(count(key.clone()).await, "5");
        app.stop().await;
    };

    quotas_refuse_with_a_translated_message_never_a_server_error => |backend| async move {
        let settings = [("STYK_DEMO", "1"), ("STYK_QUOTA_UPLOADS_PER_DAY", "2"), ("STYK_QUOTA_ARCHIVES_QUEUED", "1")];
        let app = TestApp::spawn_with(backend, &settings, axum::Router::new()).await;
        let piotr = signed_in(&app, PIOTR).await;
        let (invoice_id, _, _) = piekarnia_invoice(&app).await;
        // Files: two a day for the account, whatever the form; the third is refused beside the field.
        for (attempt, expected) in [(0, StatusCode::OK), (1, StatusCode::OK), (2, StatusCode::UNPROCESSABLE_ENTITY)] {
            let (_, html) = get(&app, &piotr, &format!("/invoices/{invoice_id}/correct")).await;
            let key = form_key(&html);
            let fields = [("key", key.as_str()), ("explanation", "Limit"), ("action", "preview")];
            let (status, html, _) = post_request(&app, &piotr, &invoice_id, &fields, vec![(&format!("{attempt}.pdf"), PDF.to_vec())]).await;
            assert_eq!(status, expected, "file {attempt}");
            if status != StatusCode::OK {
                assert!(html.contains("the most files allowed in one day") && html.contains("Limit"), "{html}");
            }
        }
        let (stored,): (i64,) = sqlx::query_as("SELECT count(*) FROM correction_attachments").fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(stored, 2);

        // Archives: one waiting at a time. One being built (its lease held elsewhere) blocks a second.
        let account_id = scalar(&app, "SELECT account_id FROM members WHERE email = $1", PIOTR).await;
        sqlx::query(
            "INSERT INTO invoice_archives (archive_id, account_id, period_from, period_to, locale, status, total, holder, lease_until, created_at)
             VALUES ('busyarchive0001', $1, '2025-01-01', '2025-12-31', 'en', 'building', 10, 'elsewhere', $2, $3)",
        )
        .bind(&account_id)
        .bind(styk::db::now_ms() + 3_600_000)
        .bind(styk::db::now_ms())
        .execute(&app.state.db.pool)
        .await
        .unwrap();
        let response = piotr
            .post(app.url("/invoices/archive"))
            .header("Origin", app.url(""))
            .header("Sec-Fetch-Site", "same-origin")
            .header("Accept-Language", "en")
            .form(&[("preset", "last_year")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(response.text().await.unwrap().contains("still being prepared"));
        let (queued,): (i64,) = sqlx::query_as("SELECT count(*) FROM invoice_archives").fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(queued, 1, "nothing more was queued");
        app.stop().await;
    };
}
