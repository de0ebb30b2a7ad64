-- A touchpoint's key becomes a number the database assigns in insert order, instead of a
-- time-ordered text key made by the writer: smaller, and nobody looks a touchpoint up by it
-- (customers never see it). The same shape as on SQLite, where it is the table's row id.
ALTER TABLE touchpoints DROP CONSTRAINT touchpoints_pkey;
ALTER TABLE touchpoints DROP COLUMN touchpoint_id;
ALTER TABLE touchpoints ADD COLUMN touchpoint_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY;

-- Which journal writer wrote a visit's recent steps last: a writer keeps the visits it wrote in
-- memory and reads back only those another instance has written since (touchpoints::signals).
ALTER TABLE touchpoint_visits ADD COLUMN writer TEXT;
