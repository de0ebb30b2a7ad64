//! The touchpoint journal's recorder: nothing waits on the database, nothing acknowledged is lost
//! at a clean shutdown, and what does not fit the queue is counted.
mod common;

use common::TestDatabase;
use styk::config::Backend;
use styk::touchpoints::model::{Channel, Outcome, Signals};
use styk::touchpoints::recorder::{Recorder, Touchpoint};
use tokio::sync::watch;

fn touchpoint(i: usize) -> Touchpoint {
    Touchpoint {
        occurred_at: styk::db::now_ms(),
        account_id: Some("acct".into()),
        member_id: Some(format!("member-{}", i % 50)),
        staff_id: None,
        session_ref: Some("session".into()),
        locale: "pl",
        channel: Channel::Web,
        journey: "sign_in",
        step: if i.is_multiple_of(2) { "page" } else { "submit" },
        route: "/sign-in".into(),
        outcome: if i.is_multiple_of(10) { Outcome::Invalid } else { Outcome::Ok },
        duration_ms: (i % 700) as u32,
        subject_kind: None,
        subject_id: None,
        error_code: None,
        signals: if i.is_multiple_of(10) { Signals::VALIDATION_ERROR } else { Signals::default() },
        ..Touchpoint::default()
    }
}

async fn count(db: &styk::db::Db, sql: &str) -> i64 {
    // PostgreSQL sums BIGINT into NUMERIC, which the Any driver cannot read: cast back.
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT CAST(({sql}) AS BIGINT)")).fetch_one(&db.pool).await.unwrap();
    n
}

on_both_backends! {
    ten_thousand_touchpoints_are_all_stored_after_a_graceful_shutdown => |backend: Backend| async move {
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        let (recorder, writer) = Recorder::new(db.clone(), 20_000, 1_000);
        let (stop, stopped) = watch::channel(false);
        let running = tokio::spawn(writer.run(stopped));
        for i in 0..10_000 {
            assert!(recorder.record(touchpoint(i)));
        }
        // Shut down at once: whatever is still queued must be written before the writer ends.
        stop.send(true).unwrap();
        running.await.unwrap();
        assert_eq!(count(&db, "SELECT COUNT(*) FROM touchpoints").await, 10_000);
        let stats = recorder.stats();
        assert_eq!((stats.accepted, stats.written, stats.dropped, stats.failed), (10_000, 10_000, 0, 0));
        // The rollups agree with the rows they summarise.
        assert_eq!(count(&db, "SELECT SUM(total) FROM touchpoint_rollups").await, 10_000);
        assert_eq!(count(&db, "SELECT SUM(n_invalid) FROM touchpoint_rollups").await, 1_000);
        assert_eq!(count(&db, "SELECT SUM(s_validation_error) FROM touchpoint_rollups").await, 1_000);
        assert_eq!(count(&db, "SELECT SUM(total) FROM touchpoint_rollups WHERE step = 'page'").await, 5_000);
        let histogram = count(&db, "SELECT SUM(d00 + d01 + d02 + d03 + d04 + d05 + d06 + d07 + d08 + d09 + d10 + d11) FROM touchpoint_rollups").await;
        assert_eq!(histogram, 10_000);
        db.pool.close().await;
        database.drop_database().await;
    };

    an_overfilled_queue_counts_exactly_what_it_dropped => |backend: Backend| async move {
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        let (recorder, writer) = Recorder::new(db.clone(), 100, 50);
        // The writer has not started: the queue fills and the rest is dropped, without waiting.
        let started = std::time::Instant::now();
        let accepted = (0..1_000).filter(|i| recorder.record(touchpoint(*i))).count();
        assert!(started.elapsed() < std::time::Duration::from_secs(1), "recording never waits");
        assert_eq!(accepted, 100);
        assert_eq!(recorder.stats().queued, 100);
        let (stop, stopped) = watch::channel(false);
        let running = tokio::spawn(writer.run(stopped));
        stop.send(true).unwrap();
        running.await.unwrap();
        let stored = count(&db, "SELECT COUNT(*) FROM touchpoints").await;
        let stats = recorder.stats();
        assert_eq!(stats.dropped, 900);
        assert_eq!(stored as u64, 1_000 - stats.dropped, "the drop counter equals what was not stored");
        db.pool.close().await;
        database.drop_database().await;
    };

    a_visit_served_by_two_instances_is_judged_on_all_its_steps => |backend: Backend| async move {
        // Each writer keeps the visits it wrote in memory; a visit served by two instances must
        // still be read back whenever the other instance has written it since.
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        let instances: Vec<_> = (0..2)
            .map(|_| {
                let (recorder, writer) = Recorder::new(db.clone(), 100, 10);
                let (stop, stopped) = watch::channel(false);
                (recorder, stop, tokio::spawn(writer.run(stopped)))
            })
            .collect();
        let start = styk::db::now_ms();
        // Steps A, B, A, B of one visit: the fourth goes back and forth. The second is served by
        // the other instance, and before the third the first instance writes a batch without
        // this visit: what it still holds of the visit from before is stale all the same.
        let steps = [
            (0, "visit-on-two-instances", "view"),
            (1, "visit-on-two-instances", "review"),
            (0, "another-visit", "view"),
            (0, "visit-on-two-instances", "view"),
            (0, "visit-on-two-instances", "review"),
        ];
        for (i, (instance, visit, step)) in steps.into_iter().enumerate() {
            let (recorder, _, _) = &instances[instance];
            let written = recorder.stats().written;
            assert!(recorder.record(Touchpoint {
                occurred_at: start + i as i64 * 1_000,
                journey: "reorder",
                step,
                visit_ref: Some(visit.into()),
                ..touchpoint(i)
            }));
            while recorder.stats().written == written {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
        let signals: Vec<(i64,)> = sqlx::query_as(
            "SELECT CAST(signals AS BIGINT) FROM touchpoints WHERE visit_ref = 'visit-on-two-instances' ORDER BY occurred_at",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap();
        let back_and_forth = Signals::BACK_AND_FORTH.0 as i64;
        let flagged: Vec<bool> = signals.iter().map(|(s,)| s & back_and_forth != 0).collect();
        assert_eq!(flagged, [false, false, false, true], "{signals:?}");
        for (_, stop, running) in instances {
            stop.send(true).unwrap();
            running.await.unwrap();
        }
        db.pool.close().await;
        database.drop_database().await;
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_metrics_endpoint_reports_the_queue_and_the_outbox() {
    let app = common::TestApp::spawn(Backend::Sqlite).await;
    let recorded = app.state.touchpoints.record(touchpoint(1));
    assert!(recorded);
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.contains("styk_touchpoints_accepted_total 1"), "{text}");
    assert!(text.contains("styk_touchpoints_dropped_total 0"));
    assert!(text.contains("styk_mail_outbox{status=\"pending\"} 0"));
    app.stop().await;
}

/// Once a token is set, loopback is no longer enough (a reverse proxy on the host would make
/// every request local): only the exact token opens the metrics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_token_the_metrics_ask_it_of_loopback_too() {
    let token = "a-metrics-token-of-some-length";
    let app = common::TestApp::spawn_with(Backend::Sqlite, &[("STYK_METRICS_TOKEN", token)], axum::Router::new()).await;
    let scrape = |bearer: Option<&str>| {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(bearer) = bearer {
            request = request.header("Authorization", format!("Bearer {bearer}"));
        }
        request.send()
    };
    assert_eq!(scrape(None).await.unwrap().status(), 403, "loopback without the token");
    assert_eq!(scrape(Some("a-metrics-token-of-some-lengtH")).await.unwrap().status(), 403);
    assert_eq!(scrape(Some("a-metrics-token")).await.unwrap().status(), 403, "a prefix is not the token");
    assert_eq!(scrape(Some(token)).await.unwrap().status(), 200);
    app.stop().await;
}

/// Every column of every row of `table`, as SQL literals, in a stable order.
async fn rows_of(db: &styk::db::Db, table: &str, columns: &[String], order: &str) -> Vec<String> {
    let quoted: Vec<String> = columns.iter().map(|c| format!("quote({c})")).collect();
    let sql = format!("SELECT {} FROM {table} ORDER BY {order}", quoted.join(" || ',' || "));
    sqlx::query_as::<_, (String,)>(&sql).fetch_all(&db.pool).await.unwrap().into_iter().map(|(row,)| row).collect()
}

/// On SQLite the writer has its own connection and statements; the pool's path (PostgreSQL's)
/// must store the very same rows, rollups and visit steps from the same batches.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_writer_stores_what_the_pool_path_stores() {
    use styk::touchpoints::model::{RowKind, Vitals};
    let start = styk::db::now_ms();
    let batch: Vec<Touchpoint> = (0..60)
        .map(|i| Touchpoint {
            occurred_at: start + (i as i64 % 20) * 1_000,
            account_id: (i % 7 != 0).then(|| format!("account-{}", i % 3)),
            staff_id: (i % 7 == 0).then(|| "staff-1".to_string()),
            journey: "reorder",
            // A, B, A, B within a visit: retries and back-and-forth to derive.
            step: ["view", "review", "confirm"][i % 3],
            visit_ref: Some(format!("visit-{}", i % 4)),
            subject_kind: (i % 5 == 0).then_some("order"),
            subject_id: (i % 5 == 0).then(|| format!("order-{}", i % 2)),
            error_code: (i % 10 == 0).then_some("invalid"),
            route: if i % 9 == 0 { std::borrow::Cow::Owned(format!("/orders/{i}")) } else { "/orders".into() },
            kind: if i % 11 == 0 { RowKind::Signal } else { RowKind::Step },
            element: (i % 11 == 0).then(|| "button#confirm".to_string()),
            vitals: (i % 13 == 0).then_some(Vitals { lcp_ms: Some(1_200), inp_ms: None, cls_milli: Some(3) }),
            ..touchpoint(i)
        })
        .collect();
    let mut stored = Vec::new();
    for through_pool in [true, false] {
        let database = TestDatabase::create(Backend::Sqlite).await;
        let db = database.connect().await;
        assert!(db.sqlite_file.is_some());
        let writer_db = if through_pool { styk::db::Db { sqlite_file: None, ..db.clone() } } else { db.clone() };
        let (recorder, writer) = Recorder::new(writer_db, 1_000, 25);
        assert_eq!(writer.has_own_connection(), !through_pool);
        let writer = writer.with_pseudonyms(styk::touchpoints::pseudonym::Pseudonyms::from_key(
            b"a key of thirty-two characters or more",
        ));
        let (stop, stopped) = watch::channel(false);
        let running = tokio::spawn(writer.run(stopped));
        // In three batches, so that later batches read what earlier ones saved of each visit.
        for chunk in batch.chunks(20) {
            let written = recorder.stats().written;
            for touchpoint in chunk {
                assert!(recorder.record(touchpoint.clone()));
            }
            while recorder.stats().written < written + chunk.len() as u64 {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
        stop.send(true).unwrap();
        running.await.unwrap();
        let columns: Vec<String> = styk::touchpoints::recorder::COLUMNS.iter().map(|c| c.to_string()).collect();
        let mut rollup_columns = vec!["day".to_string(), "journey".to_string(), "step".to_string()];
        rollup_columns.extend(styk::touchpoints::recorder::rollup_columns());
        let visit_columns = ["visit_ref", "recent", "updated_at"].map(String::from);
        stored.push((
            rows_of(&db, "touchpoints", &columns, "touchpoint_id").await,
            rows_of(&db, "touchpoint_rollups", &rollup_columns, "day, journey, step").await,
            rows_of(&db, "touchpoint_visits", &visit_columns, "visit_ref").await,
        ));
        db.pool.close().await;
        database.drop_database().await;
    }
    let (pool, own) = (&stored[0], &stored[1]);
    assert_eq!(pool.0.len(), 60);
    assert!(pool.0.iter().any(|row| row.contains("'/orders/9'")), "an owned route is stored");
    assert!(pool.0.iter().any(|row| row.contains("1200")), "vitals are stored");
    assert_eq!(pool.0, own.0, "the same touchpoint rows");
    assert_eq!(pool.1, own.1, "the same rollups");
    assert_eq!(pool.2, own.2, "the same recent steps of each visit");
    assert_eq!(pool.2.len(), 4);
}
