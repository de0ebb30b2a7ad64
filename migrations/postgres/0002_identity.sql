-- Identity: signed-in sessions, one-time tokens, throttling, the audit log and the mail outbox.
-- Instants are UTC epoch milliseconds.

-- One row per sign-in. The tower-sessions record (table tower_sessions) holds only this row's id;
-- the row says who signed in, from what device, and whether the sign-in still stands, so a
-- person can list and end their sessions and disabling a user ends all of theirs.
CREATE TABLE auth_sessions (
    auth_session_id     TEXT PRIMARY KEY,
    principal_kind      TEXT NOT NULL CHECK (principal_kind IN ('member', 'staff')),
    principal_id        TEXT NOT NULL,
    user_agent          TEXT NOT NULL,
    ip                  TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    last_seen_at        BIGINT NOT NULL,
    ended_at            BIGINT,
    end_reason          TEXT
);
CREATE INDEX auth_sessions_principal_idx ON auth_sessions (principal_kind, principal_id, ended_at);

-- Invitation, registration, password-reset and e-mail-change links. Only a SHA-256 of the
-- 256-bit token is kept; a token is used once, and a newer one of the same purpose replaces it.
CREATE TABLE auth_tokens (
    token_hash          TEXT PRIMARY KEY,
    purpose             TEXT NOT NULL
                        CHECK (purpose IN ('invitation', 'registration', 'password_reset', 'email_change')),
    principal_kind      TEXT CHECK (principal_kind IN ('member', 'staff')),
    principal_id        TEXT,
    account_id          TEXT,
    email               TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    expires_at          BIGINT NOT NULL,
    used_at             BIGINT
);
CREATE INDEX auth_tokens_email_idx ON auth_tokens (purpose, email);
CREATE INDEX auth_tokens_principal_idx ON auth_tokens (principal_id);

-- Attempt counters: `ip:<address>:<action>` per client address, `email:<address>` per account.
CREATE TABLE auth_throttle (
    throttle_key        TEXT PRIMARY KEY,
    attempts            BIGINT NOT NULL,
    window_started_at   BIGINT NOT NULL,
    blocked_until       BIGINT NOT NULL DEFAULT 0
);

-- Who did what to whom, and when. `detail` is JSON without secrets or free text.
CREATE TABLE audit_log (
    audit_id            TEXT PRIMARY KEY,
    occurred_at         BIGINT NOT NULL,
    actor_kind          TEXT NOT NULL CHECK (actor_kind IN ('member', 'staff', 'anonymous', 'system')),
    actor_id            TEXT,
    action              TEXT NOT NULL,
    subject_kind        TEXT,
    subject_id          TEXT,
    account_id          TEXT,
    ip                  TEXT,
    detail              TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_id, occurred_at);
CREATE INDEX audit_log_account_idx ON audit_log (account_id, occurred_at);
CREATE INDEX audit_log_time_idx ON audit_log (occurred_at);

-- Mail written in the same transaction as the change that causes it; a relay sends it later.
-- Bodies are cleared once sent (they may carry one-time links).
CREATE TABLE mail_outbox (
    outbox_id           TEXT PRIMARY KEY,
    message_id          TEXT NOT NULL UNIQUE,
    template            TEXT NOT NULL,
    locale              TEXT NOT NULL,
    recipient           TEXT NOT NULL,
    subject             TEXT NOT NULL,
    body_text           TEXT NOT NULL,
    body_html           TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts            BIGINT NOT NULL DEFAULT 0,
    next_attempt_at     BIGINT NOT NULL,
    claimed_until       BIGINT NOT NULL DEFAULT 0,
    last_error          TEXT,
    created_at          BIGINT NOT NULL,
    sent_at             BIGINT
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);

-- When the password last changed: sessions and links older than that no longer count.
ALTER TABLE members ADD COLUMN password_changed_at BIGINT;
ALTER TABLE staff_users ADD COLUMN password_changed_at BIGINT;
