-- Each batch rewrites the recent steps of every visit it touched; an index on `updated_at` made
-- that two more index writes per visit per batch, for the sake of one hourly clean-up of idle
-- visits, which can as well read the table through (touchpoints::jobs::enforce_retention).
DROP INDEX touchpoint_visits_updated_idx;

-- The journal writer that committed the last batch. SQLite runs one write transaction at a time,
-- so a writer that finds its own name here at the start of a batch knows that no other instance
-- has changed a visit since its previous batch, and need not read back the visits it holds in
-- memory (touchpoints::signals::VisitCache). One row.
CREATE TABLE journal_last_writer (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    writer              TEXT NOT NULL
);
