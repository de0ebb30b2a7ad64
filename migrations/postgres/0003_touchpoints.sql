-- The touchpoint journal: one row per step of a customer journey, and per-day rollups that the
-- CX dashboards read instead of scanning raw rows. Instants are UTC epoch milliseconds.
CREATE TABLE touchpoints (
    touchpoint_id       TEXT PRIMARY KEY,
    occurred_at         BIGINT NOT NULL,
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
    duration_ms         BIGINT NOT NULL,
    subject_kind        TEXT,
    subject_id          TEXT,
    error_code          TEXT,
    signals             BIGINT NOT NULL DEFAULT 0
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
    total               BIGINT NOT NULL DEFAULT 0,
    n_ok                BIGINT NOT NULL DEFAULT 0,
    n_invalid           BIGINT NOT NULL DEFAULT 0,
    n_denied            BIGINT NOT NULL DEFAULT 0,
    n_failed            BIGINT NOT NULL DEFAULT 0,
    n_abandoned         BIGINT NOT NULL DEFAULT 0,
    s_validation_error  BIGINT NOT NULL DEFAULT 0,
    s_retry             BIGINT NOT NULL DEFAULT 0,
    s_slow              BIGINT NOT NULL DEFAULT 0,
    s_back_and_forth    BIGINT NOT NULL DEFAULT 0,
    s_abandoned         BIGINT NOT NULL DEFAULT 0,
    s_denied            BIGINT NOT NULL DEFAULT 0,
    s_rage_click        BIGINT NOT NULL DEFAULT 0,
    s_dead_click        BIGINT NOT NULL DEFAULT 0,
    s_client_error      BIGINT NOT NULL DEFAULT 0,
    s_form_abandoned    BIGINT NOT NULL DEFAULT 0,
    s_failed            BIGINT NOT NULL DEFAULT 0,
    d00 BIGINT NOT NULL DEFAULT 0, d01 BIGINT NOT NULL DEFAULT 0, d02 BIGINT NOT NULL DEFAULT 0,
    d03 BIGINT NOT NULL DEFAULT 0, d04 BIGINT NOT NULL DEFAULT 0, d05 BIGINT NOT NULL DEFAULT 0,
    d06 BIGINT NOT NULL DEFAULT 0, d07 BIGINT NOT NULL DEFAULT 0, d08 BIGINT NOT NULL DEFAULT 0,
    d09 BIGINT NOT NULL DEFAULT 0, d10 BIGINT NOT NULL DEFAULT 0, d11 BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, journey, step)
);
