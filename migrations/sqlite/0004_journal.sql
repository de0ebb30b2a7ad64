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
CREATE INDEX touchpoints_visit_idx ON touchpoints (visit_ref, occurred_at);
CREATE INDEX touchpoints_pseudonym_idx ON touchpoints (customer_pseudonym, occurred_at);

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
