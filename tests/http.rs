//! The HTTP stack, black-box: pages, languages, health, headers, CSRF, body limits, panics,
//! timeouts. Every test runs on SQLite and on PostgreSQL.
#![cfg(feature = "ssr")]
mod common;

use axum::routing::get;
use common::TestApp;
use futures::StreamExt;
use std::time::{Duration, Instant};
use styk::config::Backend;

async fn page(app: &TestApp, path: &str, accept_language: &str) -> (u16, String) {
    let response =
        app.client.get(app.url(path)).header("Accept-Language", accept_language).send().await.expect("request");
    (response.status().as_u16(), response.text().await.unwrap())
}

on_both_backends! {
    home_page_renders_in_each_language => |backend: Backend| async move {
        let app = TestApp::spawn(backend).await;
        for (language, heading, nav) in [
            ("en-GB,en;q=0.9", "Serve yourself, any time", "Invoices"),
            ("pl-PL,pl;q=0.9", "Obsłuż się sam, o każdej porze", "Faktury"),
            ("ru-RU,ru;q=0.9", "Обслуживайте себя сами в любое время", "Счета"),
        ] {
            let (status, body) = page(&app, "/", language).await;
            assert_eq!(status, 200);
            let lang = &language[..2];
            assert!(body.contains(&format!("<html lang=\"{lang}\"")), "{lang}: {}", &body[..200]);
            assert!(body.contains(heading), "{lang}");
            assert!(body.contains(nav), "{lang}");
            assert!(body.contains("href=\"#main\""), "skip link");
            assert!(body.contains("<main id=\"main\""), "main landmark");
        }
        app.stop().await;
    };

    every_public_page_renders_and_private_ones_ask_for_sign_in => |backend: Backend| async move {
        let app = TestApp::spawn(backend).await;
        for path in ["/", "/sign-in", "/forgot-password", "/register", "/staff/sign-in"] {
            let (status, body) = page(&app, path, "en").await;
            assert_eq!(status, 200, "{path}");
            assert!(body.contains("<h1>"), "{path}");
        }
        for (path, sign_in) in [
            ("/account", "/sign-in"),
            ("/account/security", "/sign-in"),
            ("/orders", "/sign-in"),
            ("/invoices", "/sign-in"),
            ("/corrections", "/sign-in"),
            ("/complaints", "/sign-in"),
            ("/staff", "/staff/sign-in"),
            ("/staff/users", "/staff/sign-in"),
            ("/cx", "/staff/sign-in"),
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status(), 303, "{path}");
            let location = response.headers()["location"].to_str().unwrap().to_string();
            let back: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
            assert_eq!(location, format!("{sign_in}?next={back}"), "{path}");
        }
        app.stop().await;
    };

    unknown_pages_get_a_translated_404 => |backend: Backend| async move {
        let app = TestApp::spawn(backend).await;
        let (status, body) = page(&app, "/no/such/page", "pl").await;
        assert_eq!(status, 404);
        assert!(body.contains("Nie znaleziono strony"));
        app.stop().await;
    };

    health_reports_the_database => |backend: Backend| async move {
        let app = TestApp::spawn(backend).await;
        let response = app.get("/health").await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"]["status"], "ok");
        assert_eq!(body["database"]["backend"], backend.name());
        app.state.db.pool.close().await;
        let response = app.get("/health").await;
        assert_eq!(response.status(), 503);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["database"]["status"], "unreachable");
        app.stop().await;
    };

    security_headers_are_on_every_response => |backend: Backend| async move {
        let app = TestApp::spawn(backend).await;
        for path in ["/", "/health", "/missing", "/favicon.svg"] {
            let response = app.get(path).await;
            let headers = response.headers();
            assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
            assert_eq!(headers["x-frame-options"], "DENY", "{path}");
            assert!(headers.contains_key("referrer-policy"), "{path}");
            assert!(headers.contains_key("x-request-id"), "{path}");
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        }
        let response = app.get("/").await;
        assert_eq!(response.headers()["cross-origin-opener-policy"], "same-origin");
        let csp = response.headers()["content-security-policy"].to_str().unwrap().to_string();
        let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce").to_string();
        let body = response.text().await.unwrap();
        assert!(body.contains(&format!("nonce=\"{nonce}\"")), "scripts carry the response's nonce");
        // Under concurrency too, each response carries its own policy: pages the nonce of their
        // own scripts, files the strict one (a page's policy once landed on a concurrent file).
        // And each its own status: a missing page's 404 stays with it, files are 200.
        let fetches = (0..60).map(|n| {
            let path = ["/", "/favicon.svg", "/missing"][n % 3];
            let url = app.url(path);
            let client = app.client.clone();
            tokio::spawn(async move {
                let response = client.get(url).send().await.unwrap();
                let expected = if path == "/missing" { 404 } else { 200 };
                assert_eq!(response.status().as_u16(), expected, "{path}");
                let csp = response.headers()["content-security-policy"].to_str().unwrap().to_string();
                let html = response.headers()["content-type"].to_str().unwrap().starts_with("text/html");
                (html, csp, response.text().await.unwrap())
            })
        });
        for fetch in fetches.collect::<Vec<_>>() {
            let (html, csp, body) = fetch.await.unwrap();
            if html {
                let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce");
                assert!(body.contains(&format!("nonce=\"{nonce}\"")), "{csp}");
            } else {
                assert!(csp.starts_with("default-src 'none'"), "{csp}");
            }
        }
        app.stop().await;
    };

    language_choice_is_remembered => |backend: Backend| async move {
        let app = TestApp::spawn(backend).await;
        let response = app.post_form("/api/set_language", &[("locale", "ru"), ("next", "/orders?page=2")]).await;
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(response.headers()["location"], "/orders?page=2");
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        assert!(cookie.starts_with("i18n_pref_locale=ru;") && cookie.contains("SameSite=Lax"), "{cookie}");
        // The cookie wins over the browser's language.
        let (_, body) = page(&app, "/", "pl").await;
        assert!(body.contains("<html lang=\"ru\""));
        // No open redirect, and no unknown language.
        let response = app.post_form("/api/set_language", &[("locale", "pl"), ("next", "//evil.example/x")]).await;
        assert_eq!(response.headers()["location"], "/");
        let response = app.post_form("/api/set_language", &[("locale", "xx"), ("next", "/")]).await;
        assert!(response.status().is_client_error() || response.status().is_redirection());
        let (_, body) = page(&app, "/", "en").await;
        assert!(body.contains("<html lang=\"pl\""), "an unknown language changes nothing");
        app.stop().await;
    };

    cross_site_posts_are_refused => |backend: Backend| async move {
        let app = TestApp::spawn(backend).await;
        let form = [("locale", "pl"), ("next", "/")];
        let cases: [&[(&str, &str)]; 4] = [
            &[("Sec-Fetch-Site", "cross-site"), ("Origin", "https://evil.example")],
            &[("Sec-Fetch-Site", "same-site")],
            &[("Origin", "https://evil.example")],
            &[("Referer", "https://evil.example/page")],
        ];
        for headers in cases {
            let mut request = app.client.post(app.url("/api/set_language")).header("Accept-Language", "pl").form(&form);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 403, "{headers:?}");
            assert!(response.headers().get("set-cookie").is_none(), "{headers:?}");
            assert!(response.text().await.unwrap().contains("pochodzi z innej witryny"), "{headers:?}");
        }
        // The same request from our own origin goes through.
        let response = app
            .client
            .post(app.url("/api/set_language"))
            .header("Origin", &app.address)
            .header("Accept", "text/html")
            .form(&form)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_redirection());
        app.stop().await;
    };

    oversize_bodies_get_413_without_being_read => |backend: Backend| async move {
        let app = TestApp::spawn_with(backend, &[("STYK_BODY_LIMIT", "4096")], axum::Router::new()).await;
        // Declares 50 MB but sends only the first chunk, then stalls: the answer must come anyway.
        let stream = futures::stream::once(async { Ok::<_, std::io::Error>(vec![b'a'; 1024]) })
            .chain(futures::stream::pending());
        let started = Instant::now();
        let response = app
            .client
            .post(app.url("/api/set_language"))
            .header("Origin", &app.address)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Content-Length", "52428800")
            .body(reqwest::Body::wrap_stream(stream))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("answered before the body was sent");
        assert_eq!(response.status(), 413);
        assert!(started.elapsed() < Duration::from_secs(5));
        // A chunked body (no declared length) is cut off at the limit, also for server functions. It is
        // only just over the limit so that the client has sent it all before the server answers.
        let chunks = futures::stream::iter((0..5).map(|_| Ok::<_, std::io::Error>(vec![b'a'; 1024])));
        let response = app
            .client
            .post(app.url("/api/set_language"))
            .header("Origin", &app.address)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(reqwest::Body::wrap_stream(chunks))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 413);
        app.stop().await;
    };

    a_panic_becomes_a_500_page => |backend: Backend| async move {
        async fn explode() -> &'static str {
            panic!("database password is hunter2")
        }
        let extra = axum::Router::new().route("/test/panic", get(explode).post(explode));
        let app = TestApp::spawn_with(backend, &[], extra).await;
        let response = app.client.get(app.url("/test/panic")).header("Accept-Language", "pl").send().await.unwrap();
        assert_eq!(response.status(), 500);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let body = response.text().await.unwrap();
        assert!(body.contains("Coś poszło nie tak"));
        assert!(!body.contains("hunter2"));
        let response = app.client.get(app.url("/test/panic")).header("Accept", "application/json").send().await.unwrap();
        assert_eq!(response.status(), 500);
        assert_eq!(response.text().await.unwrap(), r#"{"code":"internal"}"#);
        // The server carries on.
        assert_eq!(app.get("/health").await.status(), 200);
        app.stop().await;
    };

    slow_requests_time_out_with_a_page => |backend: Backend| async move {
        async fn dawdle() -> &'static str {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "too late"
        }
        let extra = axum::Router::new().route("/test/slow", get(dawdle));
        let app = TestApp::spawn_with(backend, &[("STYK_REQUEST_TIMEOUT", "1")], extra).await;
        let started = Instant::now();
        let response = app.client.get(app.url("/test/slow")).header("Accept-Language", "ru").send().await.unwrap();
        assert_eq!(response.status(), 503);
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(response.text().await.unwrap().contains("слишком много времени"));
        app.stop().await;
    };
}

/// Static files have nothing to do with the database, so this runs on the embedded default only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn precompressed_copies_are_sent_and_stale_ones_never() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    let bundle: String = (0..3000).map(|n| format!("export function f{n}() {{ return {n}; }}\n")).collect();
    std::fs::write(site.path().join("pkg/styk.js"), &bundle).unwrap();
    std::fs::write(site.path().join("pkg/styk.css"), "body { margin: 0 }\n".repeat(200)).unwrap();
    styk::server::assets::precompress(site.path()).unwrap();
    // The style sheet is rebuilt after its copies were made: its copies are stale.
    let later = std::time::SystemTime::now() + Duration::from_secs(60);
    std::fs::File::options().write(true).open(site.path().join("pkg/styk.css")).unwrap().set_modified(later).unwrap();
    let stale_copy = std::fs::read(site.path().join("pkg/styk.css.br")).unwrap();

    let root = site.path().display().to_string();
    let app = TestApp::spawn_with(Backend::Sqlite, &[("STYK_SITE_ROOT", &root)], axum::Router::new()).await;
    assert!(!site.path().join("pkg/styk.css.br").exists(), "the server removed the stale copy at start");
    // Setting Accept-Encoding by hand turns reqwest's own decompression off: the bytes are the wire's.
    for (encoding, copy) in [("br", "pkg/styk.js.br"), ("gzip", "pkg/styk.js.gz")] {
        let response =
            app.client.get(app.url("/pkg/styk.js")).header("Accept-Encoding", encoding).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], encoding);
        assert_eq!(response.headers()["vary"], "accept-encoding", "{encoding}: shared caches keep the variants apart");
        assert!(response.headers()["content-type"].to_str().unwrap().contains("javascript"));
        let sent = response.bytes().await.unwrap();
        assert_eq!(&sent[..], &std::fs::read(site.path().join(copy)).unwrap()[..], "{encoding}: the copy itself");
    }
    let plain = app.client.get(app.url("/pkg/styk.js")).header("Accept-Encoding", "identity").send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), bundle);
    // Without a fresh copy, the response is compressed as it is sent, from the current file.
    let css = app.client.get(app.url("/pkg/styk.css")).header("Accept-Encoding", "br").send().await.unwrap();
    assert_eq!(css.headers()["content-encoding"], "br");
    let sent = css.bytes().await.unwrap();
    assert_ne!(&sent[..], &stale_copy[..]);
    let mut decoded = Vec::new();
    brotli::BrotliDecompress(&mut &sent[..], &mut decoded).unwrap();
    assert_eq!(String::from_utf8(decoded).unwrap(), "body { margin: 0 }\n".repeat(200));
    app.stop().await;
}
