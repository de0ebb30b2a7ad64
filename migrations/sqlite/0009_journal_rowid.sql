-- A touchpoint's key becomes the table's own row id, assigned by the database in insert order,
-- instead of a time-ordered text key: the text key needed an index of its own, one more b-tree
-- for every batch to update, and nobody looks a touchpoint up by it (customers never see it).
-- SQLite cannot change a primary key in place, so the table is rebuilt.
CREATE TABLE touchpoints_by_rowid (
    touchpoint_id       INTEGER PRIMARY KEY,
    occurred_at         INTEGER NOT NULL,
    account_id          TEXT,
    member_id           TEXT,
    staff_id            TEXT,
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
    signals             INTEGER NOT NULL DEFAULT 0,
    visit_ref           TEXT,
    kind                TEXT NOT NULL DEFAULT 'step',
    element             TEXT,
    lcp_ms              INTEGER,
    inp_ms              INTEGER,
    cls_milli           INTEGER,
    customer_pseudonym  TEXT
);
INSERT INTO touchpoints_by_rowid (occurred_at, account_id, member_id, staff_id, session_ref, locale,
    channel, journey, step, route, outcome, duration_ms, subject_kind, subject_id, error_code, signals,
    visit_ref, kind, element, lcp_ms, inp_ms, cls_milli, customer_pseudonym)
SELECT occurred_at, account_id, member_id, staff_id, session_ref, locale,
    channel, journey, step, route, outcome, duration_ms, subject_kind, subject_id, error_code, signals,
    visit_ref, kind, element, lcp_ms, inp_ms, cls_milli, customer_pseudonym
FROM touchpoints ORDER BY touchpoint_id;
DROP TABLE touchpoints;
ALTER TABLE touchpoints_by_rowid RENAME TO touchpoints;
CREATE INDEX touchpoints_time_idx ON touchpoints (occurred_at);
CREATE INDEX touchpoints_pseudonym_idx ON touchpoints (customer_pseudonym, occurred_at);
CREATE INDEX touchpoints_journey_idx ON touchpoints (journey, occurred_at);

-- Which journal writer wrote a visit's recent steps last: a writer keeps the visits it wrote in
-- memory and reads back only those another instance has written since (touchpoints::signals).
ALTER TABLE touchpoint_visits ADD COLUMN writer TEXT;
