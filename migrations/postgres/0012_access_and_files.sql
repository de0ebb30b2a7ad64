-- Security and data safety (issue 27).

-- Every stored file keeps the SHA-256 of its bytes, checked whenever the file is served, so a
-- file cut or changed after upload is never handed out as the customer's. Files stored before
-- this column have none; their size is still checked.
ALTER TABLE correction_attachments ADD COLUMN sha256 TEXT;
-- Uploads an account made within a day (the daily quota) are counted by time.
CREATE INDEX correction_attachments_account_time_idx ON correction_attachments (account_id, created_at);

-- Someone who proved they deal with an account (its customer number, one of its invoices and
-- their own e-mail) asks for access; they become a member only when an owner (or, for an account
-- without owners, staff) approves. Until then they see nothing of the account. The password they
-- chose waits here, hashed, and is cleared when the request is decided.
CREATE TABLE access_requests (
    request_id          TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES customer_accounts (account_id) ON DELETE CASCADE,
    email               TEXT NOT NULL,
    full_name           TEXT NOT NULL,
    preferred_language  TEXT NOT NULL CHECK (preferred_language IN ('en', 'pl', 'ru')),
    password_hash       TEXT,
    status              TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    created_at          BIGINT NOT NULL,
    decided_at          BIGINT,
    decided_by_kind     TEXT CHECK (decided_by_kind IN ('member', 'staff')),
    decided_by          TEXT
);
-- One pending request per address, whichever account it names.
CREATE UNIQUE INDEX access_requests_pending_email_key ON access_requests (lower(email)) WHERE status = 'pending';
CREATE INDEX access_requests_account_idx ON access_requests (account_id, status, created_at);
