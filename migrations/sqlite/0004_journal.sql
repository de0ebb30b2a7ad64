-- The journal's second half: the browser visit a touchpoint belongs to (for retries,
-- back-and-forth and abandonment, before and after sign-in), whether the row is a step or a signal
-- the browser reported about a step, the element a click signal was on (its structure, never its
-- text), and web vitals.
ALTER TABLE touchpoints ADD COLUMN visit_ref TEXT;
ALTER TABLE touchpoints ADD COLUMN kind TEXT NOT NULL DEFAULT 'step';
ALTER TABLE touchpoints ADD COLUMN element TEXT;
ALTER TABLE touchpoints ADD COLUMN lcp_ms INTEGER;
ALTER TABLE touchpoints ADD COLUMN inp_ms INTEGER;
ALTER TABLE touchpoints ADD COLUMN cls_milli INTEGER;
-- What the CX team sees instead of the account: a keyed hash of it (see touchpoints::pseudonym).
ALTER TABLE touchpoints ADD COLUMN customer_pseudonym TEXT;
-- Queries by account go through the pseudonym (a function of the account), so the account index
-- is one index fewer for every insert to update.
DROP INDEX touchpoints_account_idx;
CREATE INDEX touchpoints_visit_idx ON touchpoints (visit_ref, occurred_at);
CREATE INDEX touchpoints_pseudonym_idx ON touchpoints (customer_pseudonym, occurred_at);

-- Each visit's last steps within the retry window (at most 8), which the writer reads and
-- updates in every batch's transaction to find retries and back-and-forth without scanning the
-- visit's touchpoints. Newest last; rows of visits idle for a day are deleted.
CREATE TABLE touchpoint_visits (
    visit_ref           TEXT PRIMARY KEY,
    recent              TEXT NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX touchpoint_visits_updated_idx ON touchpoint_visits (updated_at);

-- Background jobs that must run on one instance at a time hold a lease here; `done_until` is how far
-- a job has got (the abandonment sweep's last window end).
CREATE TABLE job_leases (
    name                TEXT PRIMARY KEY,
    holder              TEXT NOT NULL,
    lease_until         INTEGER NOT NULL,
    done_until            INTEGER NOT NULL DEFAULT 0
);

-- Secrets every instance must share, made once by whichever instance starts first.
CREATE TABLE instance_secrets (
    name                TEXT PRIMARY KEY,
    value               TEXT NOT NULL,
    created_at          INTEGER NOT NULL
);
