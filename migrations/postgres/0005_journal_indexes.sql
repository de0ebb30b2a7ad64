-- The journal's writer pays for every index whose keys arrive in random order: a batch of N
-- touchpoints dirties up to N pages of each, and every dirty page is written again at commit (on
-- SQLite: to the WAL, then to the database by the checkpoint). Only the pseudonym index, which the
-- customer timelines need, stays random. A member's activity is found through their account's
-- pseudonym; the abandonment sweep reads a time range of the tracked journeys, whose index grows at
-- one end per journey, instead of looking each visit up.
DROP INDEX touchpoints_visit_idx;
DROP INDEX touchpoints_member_idx;
CREATE INDEX touchpoints_journey_idx ON touchpoints (journey, occurred_at);
