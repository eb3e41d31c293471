-- A signal known only from its resolve or withdrawal (the open report is still on its way) does not
-- count yet; it waits for its open, so the arrival order cannot change a decision.
ALTER TABLE signals ADD COLUMN reported_open boolean NOT NULL DEFAULT true;

-- Outreach closes cases (`CaseClosed`). The close date decides when the case stops taking signals
-- and how long the same partner's next signal is a repeat. The outcome is outreach's business and
-- is not kept here (data minimisation).
CREATE TABLE case_closures (
    episode_id    uuid PRIMARY KEY,
    household_key text        NOT NULL,
    closed_on     date        NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_closures_household ON case_closures (household_key);

-- Retention: data that led to no help is deleted some time (default 6 months) after the last event.
ALTER TABLE households ADD COLUMN last_event_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX households_last_event ON households (last_event_at);

-- What each decision was about, so the history can be read per case and per signal; `seq` orders
-- the decisions of one transaction (they share its timestamp).
ALTER TABLE decisions ADD COLUMN episode_id uuid, ADD COLUMN signal_id uuid, ADD COLUMN event_id uuid,
                      ADD COLUMN seq bigserial;
CREATE INDEX decisions_household_seq ON decisions (household_key, seq);

-- Every read of a household's decision history, by whom and how (the design: every read is audited).
CREATE TABLE decision_reads (
    read_id       bigserial PRIMARY KEY,
    household_key text        NOT NULL,
    reader        text        NOT NULL,
    role          text        NOT NULL,
    channel       text        NOT NULL,
    read_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decision_reads_household ON decision_reads (household_key);
