-- Corrections and corrective invoices.
--
-- A corrective invoice is an invoice (kind 'corrective') whose lines and totals are the
-- difference it makes, so it sits in the invoice list, the statement and the balance like any
-- other. A difference can be negative, which the first schema's check (paid <= gross) forbade.
ALTER TABLE invoices ADD COLUMN kind TEXT NOT NULL DEFAULT 'regular' CHECK (kind IN ('regular', 'corrective'));
ALTER TABLE invoices ADD COLUMN corrects_invoice_id TEXT REFERENCES invoices (invoice_id) ON DELETE RESTRICT;
ALTER TABLE invoices DROP CONSTRAINT invoices_check;
ALTER TABLE invoices ADD CONSTRAINT invoices_paid_check
    CHECK (paid_minor >= 0 AND (paid_minor <= gross_minor OR kind = 'corrective'));
ALTER TABLE invoices ADD CONSTRAINT invoices_corrective_check
    CHECK ((kind = 'corrective') = (corrects_invoice_id IS NOT NULL));
CREATE INDEX invoices_corrects_idx ON invoices (corrects_invoice_id);

-- A correction request: a customer's claim that an issued invoice is wrong, with the values they
-- expect. Staff accept it (a corrective invoice follows), accept it in part (with the values they
-- decide) or reject it (with a reason the customer sees).
CREATE TABLE correction_requests (
    correction_id       TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES customer_accounts (account_id) ON DELETE CASCADE,
    invoice_id          TEXT NOT NULL REFERENCES invoices (invoice_id) ON DELETE CASCADE,
    member_id           TEXT REFERENCES members (member_id) ON DELETE SET NULL,
    -- The key the request form was rendered with: a second submit of the same form finds the
    -- request the first one made instead of making another.
    request_key         TEXT NOT NULL,
    status              TEXT NOT NULL
                        CHECK (status IN ('submitted', 'in_review', 'accepted', 'partly_accepted', 'rejected')),
    reason              TEXT NOT NULL
                        CHECK (reason IN ('price_difference', 'returned_goods', 'discount', 'wrong_data', 'duplicate', 'other')),
    explanation         TEXT NOT NULL,
    -- Buyer data the customer expects, NULL where it stays as it is.
    buyer_name_after    TEXT,
    buyer_address_after TEXT,
    buyer_tax_id_after  TEXT,
    submitted_at        BIGINT NOT NULL,
    -- The date the customer was promised a decision by.
    decide_by           TEXT NOT NULL,
    reviewer_id         TEXT REFERENCES staff_users (staff_id) ON DELETE SET NULL,
    review_started_at   BIGINT,
    decided_by          TEXT REFERENCES staff_users (staff_id) ON DELETE SET NULL,
    decided_at          BIGINT,
    -- Why it was rejected or only partly accepted; shown to the customer.
    decision_note       TEXT,
    corrective_invoice_id TEXT REFERENCES invoices (invoice_id) ON DELETE SET NULL,
    UNIQUE (account_id, request_key)
);
CREATE INDEX correction_requests_invoice_idx ON correction_requests (invoice_id, submitted_at);
CREATE INDEX correction_requests_account_idx ON correction_requests (account_id, submitted_at);
CREATE INDEX correction_requests_queue_idx ON correction_requests (status, submitted_at);

-- One corrected line of a request: the invoice's values, what the customer asked for, and what
-- staff decided (NULL until decided).
CREATE TABLE correction_lines (
    correction_id       TEXT NOT NULL REFERENCES correction_requests (correction_id) ON DELETE CASCADE,
    line_no             INTEGER NOT NULL,
    description_before  TEXT NOT NULL,
    unit                TEXT NOT NULL,
    quantity_before     BIGINT NOT NULL,
    unit_price_before   BIGINT NOT NULL,
    vat_rate_before     BIGINT NOT NULL,
    description_asked   TEXT NOT NULL,
    quantity_asked      BIGINT NOT NULL,
    unit_price_asked    BIGINT NOT NULL,
    vat_rate_asked      BIGINT NOT NULL,
    description_after   TEXT,
    quantity_after      BIGINT,
    unit_price_after    BIGINT,
    vat_rate_after      BIGINT,
    PRIMARY KEY (correction_id, line_no)
);

-- Files a customer attaches to a request. Kept in the database, not on an instance's disk, so
-- every instance behind the load balancer serves them, and never under public/. Attached while
-- the form is being filled in (`correction_id` NULL, found by the form's key), bound on submit.
CREATE TABLE correction_attachments (
    attachment_id       TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES customer_accounts (account_id) ON DELETE CASCADE,
    request_key         TEXT NOT NULL,
    correction_id       TEXT REFERENCES correction_requests (correction_id) ON DELETE CASCADE,
    file_name           TEXT NOT NULL,
    content_type        TEXT NOT NULL,
    size_bytes          BIGINT NOT NULL,
    content             BYTEA NOT NULL,
    created_at          BIGINT NOT NULL
);
CREATE INDEX correction_attachments_key_idx ON correction_attachments (account_id, request_key);
CREATE INDEX correction_attachments_request_idx ON correction_attachments (correction_id);

-- Number series (corrective invoices: KOR/2026/11/000001), one counter per series and month.
CREATE TABLE number_series (
    series              TEXT NOT NULL,
    period              TEXT NOT NULL,
    last_number         BIGINT NOT NULL,
    PRIMARY KEY (series, period)
);

-- Invoice archives: a ZIP of a period's invoice PDFs, built in the background and kept in chunks
-- of about a megabyte, so neither the builder nor a download holds a whole archive in memory and
-- any instance serves it. Deleted a week after they were asked for.
CREATE TABLE invoice_archives (
    archive_id          TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES customer_accounts (account_id) ON DELETE CASCADE,
    member_id           TEXT REFERENCES members (member_id) ON DELETE SET NULL,
    period_from         TEXT NOT NULL,
    period_to           TEXT NOT NULL,
    -- The language the PDFs are printed in (the asker's at the time).
    locale              TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('queued', 'building', 'ready', 'failed')),
    total               BIGINT NOT NULL,
    done                BIGINT NOT NULL DEFAULT 0,
    size_bytes          BIGINT NOT NULL DEFAULT 0,
    -- Large archives are mailed about when ready: the customer need not wait on the page.
    notify              INTEGER NOT NULL DEFAULT 0 CHECK (notify IN (0, 1)),
    -- The instance building it, until when; another instance takes over an expired lease.
    holder              TEXT,
    lease_until         BIGINT NOT NULL DEFAULT 0,
    created_at          BIGINT NOT NULL,
    finished_at         BIGINT
);
CREATE INDEX invoice_archives_account_idx ON invoice_archives (account_id, created_at);
CREATE INDEX invoice_archives_queue_idx ON invoice_archives (status, created_at);

CREATE TABLE invoice_archive_chunks (
    archive_id          TEXT NOT NULL REFERENCES invoice_archives (archive_id) ON DELETE CASCADE,
    seq                 BIGINT NOT NULL,
    data                BYTEA NOT NULL,
    PRIMARY KEY (archive_id, seq)
);
