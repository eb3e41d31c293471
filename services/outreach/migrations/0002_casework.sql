-- The team's casework: DDAS dates from matching, the case timeline, work items for calls and visits,
-- the audit log, run-time switches, referrals and partner feedback.

-- Matching's dates, for the DDAS delivery (matchingsdatum and the matching window).
ALTER TABLE cases
    ADD COLUMN matched_on   date,
    ADD COLUMN window_start date,
    ADD COLUMN window_end   date,
    ADD COLUMN closed_by    text;
CREATE INDEX cases_open ON cases (opened_at) WHERE status = 'open';

CREATE INDEX case_signals_signal ON case_signals (signal_id);
CREATE INDEX letters_case ON letters (case_id);
CREATE INDEX contact_attempts_case ON contact_attempts (case_id);

-- Not-picked-up signals are delivered to CBS per municipality.
ALTER TABLE signals_not_picked_up ADD COLUMN municipality_code text;
UPDATE signals_not_picked_up s SET municipality_code = c.municipality_code
  FROM cases c WHERE c.household_key = s.household_key AND s.municipality_code IS NULL;
CREATE INDEX signals_not_picked_up_household ON signals_not_picked_up (household_key);

-- A step that keeps failing is retried later instead of blocking the steps behind it.
ALTER TABLE schedule
    ADD COLUMN failures   int NOT NULL DEFAULT 0,
    ADD COLUMN last_error text;

-- Everything that happened to a case, in order: the case page's timeline, and the "last event"
-- that the retention period counts from.
CREATE TABLE case_timeline (
    entry_id    bigserial PRIMARY KEY,
    case_id     uuid        NOT NULL REFERENCES cases ON DELETE CASCADE,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    kind        text        NOT NULL,
    detail      jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX case_timeline_case ON case_timeline (case_id, occurred_at);

-- A call or visit the team has to make (after CallDue or VisitDue), until an attempt is registered.
CREATE TABLE work_items (
    item_id       uuid PRIMARY KEY,  -- derived from the schedule task, so a repeated step adds nothing
    case_id       uuid        NOT NULL REFERENCES cases ON DELETE CASCADE,
    kind          text        NOT NULL CHECK (kind IN ('call', 'visit')),
    due_at        timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    closed_at     timestamptz,
    closed_reason text
);
CREATE INDEX work_items_open ON work_items (due_at) WHERE closed_at IS NULL;
CREATE INDEX work_items_case ON work_items (case_id);

-- Who read or changed which case data, and when. Holds staff ids and case ids, never a resident's
-- details, so it is kept when a case is erased: the municipality must be able to account for reads.
CREATE TABLE audit_log (
    audit_id bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    staff_id text        NOT NULL,
    role     text        NOT NULL,
    action   text        NOT NULL,
    case_ids uuid[]      NOT NULL DEFAULT '{}',
    detail   text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_cases ON audit_log USING gin (case_ids);

-- Switches an admin flips at run time (visits on or off). Stored here, so every instance sees the
-- same value and it survives restarts; without a row the configuration's default holds.
CREATE TABLE switches (
    name       text PRIMARY KEY,
    enabled    boolean     NOT NULL,
    changed_by text        NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);

-- Referrals wait for consent. The package is sent only after a grant, with only the granted fields.
CREATE TABLE referrals (
    request_id      uuid PRIMARY KEY,  -- the DataShareRequested request id
    case_id         uuid        NOT NULL REFERENCES cases ON DELETE CASCADE,
    recipient       text        NOT NULL,
    purpose         text        NOT NULL,
    data_categories text[]      NOT NULL,
    status          text        NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'sent', 'denied')),
    permitted       text[],
    reason          text,
    sent_to         text,
    requested_by    text        NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT now(),
    decided_at      timestamptz
);
CREATE INDEX referrals_case ON referrals (case_id);

-- What each partner was told about each report: once per report, picked up or not, never why.
CREATE TABLE partner_feedback (
    partner_id    text        NOT NULL,
    report_id     text        NOT NULL,
    household_key text        NOT NULL,
    outcome       text        NOT NULL CHECK (outcome IN ('picked_up', 'not_picked_up')),
    decided_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (partner_id, report_id)
);
CREATE INDEX partner_feedback_household ON partner_feedback (household_key);
