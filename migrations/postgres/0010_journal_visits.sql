-- Each batch rewrites the recent steps of every visit it touched; an index on `updated_at` made
-- that two more index writes per visit per batch (and kept PostgreSQL from updating the rows in
-- place), for the sake of one hourly clean-up of idle visits, which can as well read the table
-- through (touchpoints::jobs::enforce_retention).
DROP INDEX touchpoint_visits_updated_idx;
