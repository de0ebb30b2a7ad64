-- The touchpoint journal: one row per step of a customer journey, and per-day rollups that the
-- CX dashboards read instead of scanning raw rows. Instants are UTC epoch milliseconds.
CREATE TABLE touchpoints (
    touchpoint_id       TEXT PRIMARY KEY,
    occurred_at         INTEGER NOT NULL,
    account_id          TEXT,
    member_id           TEXT,
    staff_id            TEXT,
    -- A reference to the sign-in (auth_sessions), never the session cookie itself.
    session_ref         TEXT,
    locale              TEXT NOT NULL,
    channel             TEXT NOT NULL,
    journey             TEXT NOT NULL,
    step                TEXT NOT NULL,
    route               TEXT NOT NULL,
    outcome             TEXT NOT NULL,
    duration_ms         INTEGER NOT NULL,
    subject_kind        TEXT,
    subject_id          TEXT,
    error_code          TEXT,
    signals             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX touchpoints_time_idx ON touchpoints (occurred_at);
CREATE INDEX touchpoints_member_idx ON touchpoints (member_id, occurred_at);
CREATE INDEX touchpoints_account_idx ON touchpoints (account_id, occurred_at);

-- Per day x journey x step: counts by outcome, by signal, and a duration histogram (bucket upper
-- bounds in ms: 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, above) from which
-- percentiles are read.
CREATE TABLE touchpoint_rollups (
    day                 TEXT NOT NULL,
    journey             TEXT NOT NULL,
    step                TEXT NOT NULL,
    total               INTEGER NOT NULL DEFAULT 0,
    n_ok                INTEGER NOT NULL DEFAULT 0,
    n_invalid           INTEGER NOT NULL DEFAULT 0,
    n_denied            INTEGER NOT NULL DEFAULT 0,
    n_failed            INTEGER NOT NULL DEFAULT 0,
    n_abandoned         INTEGER NOT NULL DEFAULT 0,
    s_validation_error  INTEGER NOT NULL DEFAULT 0,
    s_retry             INTEGER NOT NULL DEFAULT 0,
    s_slow              INTEGER NOT NULL DEFAULT 0,
    s_back_and_forth    INTEGER NOT NULL DEFAULT 0,
    s_abandoned         INTEGER NOT NULL DEFAULT 0,
    s_denied            INTEGER NOT NULL DEFAULT 0,
    s_rage_click        INTEGER NOT NULL DEFAULT 0,
    s_dead_click        INTEGER NOT NULL DEFAULT 0,
    s_client_error      INTEGER NOT NULL DEFAULT 0,
    s_form_abandoned    INTEGER NOT NULL DEFAULT 0,
    s_failed            INTEGER NOT NULL DEFAULT 0,
    d00 INTEGER NOT NULL DEFAULT 0, d01 INTEGER NOT NULL DEFAULT 0, d02 INTEGER NOT NULL DEFAULT 0,
    d03 INTEGER NOT NULL DEFAULT 0, d04 INTEGER NOT NULL DEFAULT 0, d05 INTEGER NOT NULL DEFAULT 0,
    d06 INTEGER NOT NULL DEFAULT 0, d07 INTEGER NOT NULL DEFAULT 0, d08 INTEGER NOT NULL DEFAULT 0,
    d09 INTEGER NOT NULL DEFAULT 0, d10 INTEGER NOT NULL DEFAULT 0, d11 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, journey, step)
);
