-- Each signal of a household, merged from every report about it. Contact details stay sealed:
-- matching cannot open them and only passes them on to outreach.
CREATE TABLE signals (
    signal_id         uuid PRIMARY KEY,
    household_key     text        NOT NULL,
    municipality_code text        NOT NULL,
    partner_id        text        NOT NULL,
    report_id         text        NOT NULL,
    category          text        NOT NULL,
    amount            numeric(14, 2),
    arrears_since     date        NOT NULL,
    signal_date       date        NOT NULL,
    crisis            boolean     NOT NULL,
    closed_on         date,
    withdrawn         boolean     NOT NULL DEFAULT false,
    sealed_contact    jsonb       NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signals_household ON signals (household_key);

-- What matching has already told the world about a household: the cases it opened (with their
-- intensity) and the signals it reported as not picked up. New decisions are the difference.
CREATE TABLE households (
    household_key     text PRIMARY KEY,
    municipality_code text        NOT NULL,
    announced         jsonb       NOT NULL DEFAULT '{"episodes": {}, "not_picked_up": {}}'::jsonb,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Every decision, including "nothing to do", with its inputs and the rule that fired: the
-- explanation the team and auditors read.
CREATE TABLE decisions (
    decision_id   uuid PRIMARY KEY,
    household_key text        NOT NULL,
    cause_event_id uuid       NOT NULL,
    decided_at    timestamptz NOT NULL DEFAULT now(),
    outcome       text        NOT NULL,
    rule          text        NOT NULL,
    inputs        jsonb       NOT NULL
);
CREATE INDEX decisions_household ON decisions (household_key, decided_at);
