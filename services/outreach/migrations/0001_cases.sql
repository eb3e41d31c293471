-- One case per household episode (the episode id from matching). The contact details are opened
-- from their sealed form and kept here only: outreach's database is the one place they live.
CREATE TABLE cases (
    case_id           uuid PRIMARY KEY,
    household_key     text        NOT NULL,
    municipality_code text        NOT NULL,
    correlation_id    uuid        NOT NULL,
    intensity         text        NOT NULL,
    action            text        NOT NULL,
    rule              text        NOT NULL,
    status            text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    outcome           text,
    contact           jsonb       NOT NULL,
    has_phone         boolean     NOT NULL,
    opened_at         timestamptz NOT NULL DEFAULT now(),
    closed_at         timestamptz
);
CREATE INDEX cases_household ON cases (household_key);

CREATE TABLE case_signals (
    case_id     uuid NOT NULL REFERENCES cases ON DELETE CASCADE,
    signal_id   uuid NOT NULL,
    partner_id  text NOT NULL,
    report_id   text NOT NULL,
    category    text NOT NULL,
    signal_date date NOT NULL,
    arrears_since date NOT NULL,
    amount      numeric(14, 2),
    crisis      boolean NOT NULL,
    PRIMARY KEY (case_id, signal_id)
);

CREATE TABLE letters (
    letter_id  uuid PRIMARY KEY,
    case_id    uuid        NOT NULL REFERENCES cases ON DELETE CASCADE,
    kind       text        NOT NULL CHECK (kind IN ('first', 'follow_up')),
    sent_at    timestamptz NOT NULL,
    delivered_to text      NOT NULL
);

-- DDAS contact attempts (EnumContactsoort, EnumDagdeel). A letter counts as kind 'Brief'.
CREATE TABLE contact_attempts (
    attempt_id  uuid PRIMARY KEY,
    case_id     uuid        NOT NULL REFERENCES cases ON DELETE CASCADE,
    kind        text        NOT NULL,
    reached     boolean     NOT NULL,
    attempted_on date       NOT NULL,
    day_part    text,
    registered_by text      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The durable schedule: every next step of every case, so nothing depends on an in-memory timer.
CREATE TABLE schedule (
    task_id    uuid PRIMARY KEY,
    case_id    uuid        NOT NULL REFERENCES cases ON DELETE CASCADE,
    step       text        NOT NULL CHECK (step IN ('first_letter', 'call', 'visit', 'follow_up_letter')),
    due_at     timestamptz NOT NULL,
    cause_id   uuid        NOT NULL,  -- the event or letter that planned this step
    done_at    timestamptz,
    cancelled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedule_due ON schedule (due_at) WHERE done_at IS NULL AND cancelled_at IS NULL;
-- A case has at most one pending contact step of each kind.
CREATE UNIQUE INDEX schedule_one_pending ON schedule (case_id, step) WHERE done_at IS NULL AND cancelled_at IS NULL;

-- Signals matching did not pick up, for partner feedback and the DDAS delivery.
CREATE TABLE signals_not_picked_up (
    signal_id     uuid PRIMARY KEY,
    household_key text        NOT NULL,
    partner_id    text        NOT NULL,
    report_id     text        NOT NULL,
    category      text        NOT NULL,
    ddas_status   text        NOT NULL,
    decided_at    timestamptz NOT NULL DEFAULT now()
);
