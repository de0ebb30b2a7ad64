-- Order history and reorder.
--
-- `search_text` is the order number and every line's description, lower-cased by the
-- application (SQLite's lower() folds ASCII only, so "ŻYTNIA" would never find "Żytnia"), so a
-- search reads one column of the account's orders instead of joining their lines.
ALTER TABLE orders ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE orders SET search_text = lower(order_number || ' ' || coalesce(
    (SELECT group_concat(l.description, ' ') FROM order_lines l WHERE l.order_id = orders.order_id), ''));

-- A reorder carries the key its review page was rendered with: a second submit of the same page
-- finds the order the first one made instead of making another.
ALTER TABLE orders ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX orders_request_key ON orders (account_id, request_key);

-- The history sorted by amount pages through this index, as it does by date through
-- orders_account_placed_idx.
CREATE INDEX orders_account_gross_idx ON orders (account_id, gross_minor, order_id);

