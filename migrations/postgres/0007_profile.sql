-- Profile and addresses.
--
-- What a member wants to hear about by e-mail (1 = yes). Mail that confirms something the member
-- just did, and security mail, always goes out.
ALTER TABLE members ADD COLUMN notify_orders INTEGER NOT NULL DEFAULT 1 CHECK (notify_orders IN (0, 1));
ALTER TABLE members ADD COLUMN notify_invoices INTEGER NOT NULL DEFAULT 1 CHECK (notify_invoices IN (0, 1));
ALTER TABLE members ADD COLUMN notify_complaints INTEGER NOT NULL DEFAULT 1 CHECK (notify_complaints IN (0, 1));

-- An address that orders point at is never changed or deleted under them: editing it archives it
-- and adds its successor, removing it archives it. Lists show addresses that are not archived.
ALTER TABLE addresses ADD COLUMN archived_at BIGINT;
