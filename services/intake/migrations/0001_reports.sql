-- Every report as it arrived, byte for byte, so any answer can be checked and any rejection replayed.
CREATE TABLE raw_reports (
    raw_report_id uuid PRIMARY KEY,
    partner_id    text        NOT NULL,
    channel       text        NOT NULL CHECK (channel IN ('kafka', 'http', 'csv', 'replay')),
    source        text        NOT NULL,  -- topic:partition:offset, request id, or file:line
    payload       bytea       NOT NULL,
    sha256        text        NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now()
);

-- The accepted signals, one per (partner_id, report_id): the idempotency key of the contract.
CREATE TABLE signals (
    signal_id         uuid PRIMARY KEY,
    partner_id        text        NOT NULL,
    report_id         text        NOT NULL,
    municipality_code text        NOT NULL,
    household_key     text        NOT NULL,
    person_key        text,
    category          text        NOT NULL,
    status            text        NOT NULL,
    report            jsonb       NOT NULL,  -- the normalised report as it now stands
    raw_report_id     uuid        NOT NULL REFERENCES raw_reports,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (partner_id, report_id)
);
CREATE INDEX signals_household ON signals (household_key);

-- Reports that could not be accepted, with the reasons per field. The same bytes rejected again
-- give the same answer and no new row.
CREATE TABLE rejections (
    rejection_id  uuid PRIMARY KEY,
    raw_report_id uuid        NOT NULL REFERENCES raw_reports,
    partner_id    text        NOT NULL,
    report_id     text,
    raw_sha256    text        NOT NULL,
    reasons       jsonb       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    replayed_at   timestamptz,
    UNIQUE (partner_id, raw_sha256)
);
