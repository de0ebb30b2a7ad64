-- Core data model. Conventions shared by both backends (see src/db/mod.rs):
--   * ids are random 20-character text (they leak no counts to customers);
--   * money is integer minor units (grosze, cents) next to an ISO 4217 currency;
--   * instants are integer milliseconds since the Unix epoch, UTC; calendar dates are 'YYYY-MM-DD';
--   * flags are integer 0/1 (sqlx's Any driver cannot decode a BOOLEAN column from SQLite);
--   * e-mail addresses are unique case-insensitively.
-- The PostgreSQL folder holds the same DDL with BIGINT for 64-bit integers.

-- A customer account is an organisation; people sign in as its members.
CREATE TABLE customer_accounts (
    account_id          TEXT PRIMARY KEY,
    customer_number     TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    tax_id              TEXT,
    preferred_language  TEXT NOT NULL DEFAULT 'en' CHECK (preferred_language IN ('en', 'pl', 'ru')),
    currency            TEXT NOT NULL DEFAULT 'PLN',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

CREATE TABLE members (
    member_id           TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES customer_accounts (account_id) ON DELETE CASCADE,
    email               TEXT NOT NULL,
    full_name           TEXT NOT NULL,
    phone               TEXT,
    role                TEXT NOT NULL CHECK (role IN ('owner', 'member', 'billing')),
    preferred_language  TEXT NOT NULL DEFAULT 'en' CHECK (preferred_language IN ('en', 'pl', 'ru')),
    -- NULL until the person has set a password (an invited member).
    password_hash       TEXT,
    email_verified_at   INTEGER,
    disabled_at         INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE UNIQUE INDEX members_email_key ON members (lower(email));
CREATE INDEX members_account_idx ON members (account_id);

CREATE TABLE addresses (
    address_id          TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES customer_accounts (account_id) ON DELETE CASCADE,
    kind                TEXT NOT NULL CHECK (kind IN ('billing', 'delivery')),
    recipient           TEXT NOT NULL,
    line1               TEXT NOT NULL,
    line2               TEXT,
    postal_code         TEXT NOT NULL,
    city                TEXT NOT NULL,
    country             TEXT NOT NULL CHECK (length(country) = 2),
    is_default          INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX addresses_account_idx ON addresses (account_id);

-- Staff are not members of any customer account; their roles grant least privilege.
CREATE TABLE staff_users (
    staff_id            TEXT PRIMARY KEY,
    email               TEXT NOT NULL,
    full_name           TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'cx_analyst', 'admin')),
    preferred_language  TEXT NOT NULL DEFAULT 'en' CHECK (preferred_language IN ('en', 'pl', 'ru')),
    password_hash       TEXT,
    disabled_at         INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE UNIQUE INDEX staff_users_email_key ON staff_users (lower(email));

CREATE TABLE products (
    product_id          TEXT PRIMARY KEY,
    sku                 TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    unit                TEXT NOT NULL DEFAULT 'pcs',
    unit_price_minor    INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    -- VAT rate in basis points: 2300 is 23 %.
    vat_rate_bp         INTEGER NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
    currency            TEXT NOT NULL DEFAULT 'PLN',
    -- 0 once the product is no longer sold (reorders flag it).
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at          INTEGER NOT NULL
);

CREATE TABLE orders (
    order_id            TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES customer_accounts (account_id) ON DELETE CASCADE,
    order_number        TEXT NOT NULL UNIQUE,
    status              TEXT NOT NULL
                        CHECK (status IN ('requested', 'placed', 'confirmed', 'shipped', 'delivered', 'cancelled')),
    currency            TEXT NOT NULL,
    net_minor           INTEGER NOT NULL,
    vat_minor           INTEGER NOT NULL,
    gross_minor         INTEGER NOT NULL,
    delivery_address_id TEXT REFERENCES addresses (address_id) ON DELETE SET NULL,
    placed_by_member_id TEXT REFERENCES members (member_id) ON DELETE SET NULL,
    placed_at           INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
-- Order history pages newest first per account (keyset on placed_at, order_id).
CREATE INDEX orders_account_placed_idx ON orders (account_id, placed_at DESC, order_id DESC);

CREATE TABLE order_lines (
    order_line_id       TEXT PRIMARY KEY,
    order_id            TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    line_no             INTEGER NOT NULL,
    product_id          TEXT REFERENCES products (product_id) ON DELETE SET NULL,
    description         TEXT NOT NULL,
    quantity            INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor    INTEGER NOT NULL,
    vat_rate_bp         INTEGER NOT NULL,
    net_minor           INTEGER NOT NULL,
    vat_minor           INTEGER NOT NULL,
    gross_minor         INTEGER NOT NULL,
    UNIQUE (order_id, line_no)
);
CREATE INDEX order_lines_product_idx ON order_lines (product_id);

CREATE TABLE order_status_history (
    order_status_id     TEXT PRIMARY KEY,
    order_id            TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    status              TEXT NOT NULL
                        CHECK (status IN ('requested', 'placed', 'confirmed', 'shipped', 'delivered', 'cancelled')),
    changed_at          INTEGER NOT NULL
);
CREATE INDEX order_status_history_order_idx ON order_status_history (order_id, changed_at);

CREATE TABLE invoices (
    invoice_id          TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES customer_accounts (account_id) ON DELETE CASCADE,
    invoice_number      TEXT NOT NULL UNIQUE,
    order_id            TEXT REFERENCES orders (order_id) ON DELETE SET NULL,
    issue_date          TEXT NOT NULL,
    sale_date           TEXT NOT NULL,
    due_date            TEXT NOT NULL,
    -- Overdue is not stored: it is unpaid or partly paid past due_date, and depends on today.
    status              TEXT NOT NULL CHECK (status IN ('unpaid', 'partly_paid', 'paid', 'cancelled')),
    currency            TEXT NOT NULL,
    net_minor           INTEGER NOT NULL,
    vat_minor           INTEGER NOT NULL,
    gross_minor         INTEGER NOT NULL,
    paid_minor          INTEGER NOT NULL DEFAULT 0,
    -- The national e-invoice (KSeF) number, once the invoice has been accepted there.
    ksef_number         TEXT UNIQUE,
    buyer_name          TEXT NOT NULL,
    buyer_tax_id        TEXT,
    buyer_address       TEXT NOT NULL,
    created_at          INTEGER NOT NULL,
    CHECK (paid_minor >= 0 AND paid_minor <= gross_minor)
);
CREATE INDEX invoices_account_issue_idx ON invoices (account_id, issue_date DESC, invoice_id DESC);
CREATE INDEX invoices_order_idx ON invoices (order_id);

CREATE TABLE invoice_lines (
    invoice_line_id     TEXT PRIMARY KEY,
    invoice_id          TEXT NOT NULL REFERENCES invoices (invoice_id) ON DELETE CASCADE,
    line_no             INTEGER NOT NULL,
    product_id          TEXT REFERENCES products (product_id) ON DELETE SET NULL,
    description         TEXT NOT NULL,
    quantity            INTEGER NOT NULL,
    unit                TEXT NOT NULL,
    unit_price_minor    INTEGER NOT NULL,
    vat_rate_bp         INTEGER NOT NULL,
    net_minor           INTEGER NOT NULL,
    vat_minor           INTEGER NOT NULL,
    gross_minor         INTEGER NOT NULL,
    UNIQUE (invoice_id, line_no)
);

CREATE TABLE payments (
    payment_id          TEXT PRIMARY KEY,
    invoice_id          TEXT NOT NULL REFERENCES invoices (invoice_id) ON DELETE CASCADE,
    account_id          TEXT NOT NULL REFERENCES customer_accounts (account_id) ON DELETE CASCADE,
    amount_minor        INTEGER NOT NULL CHECK (amount_minor > 0),
    paid_on             TEXT NOT NULL,
    reference           TEXT NOT NULL,
    created_at          INTEGER NOT NULL
);
CREATE INDEX payments_account_idx ON payments (account_id, paid_on);
CREATE INDEX payments_invoice_idx ON payments (invoice_id);
