-- Consent records: who (a person pseudonym) allowed whom to receive what, for which purpose, until when.
CREATE TABLE consents (
    consent_id      uuid PRIMARY KEY,
    person_key      text        NOT NULL,
    recipient       text        NOT NULL,
    purpose         text        NOT NULL,
    data_categories text[]      NOT NULL,
    given_at        timestamptz NOT NULL,
    valid_until     timestamptz,
    withdrawn_at    timestamptz,
    registered_by   text        NOT NULL,
    channel         text        NOT NULL
);
CREATE INDEX consents_subject ON consents (person_key, recipient, purpose);

-- Every decision on a request to share data.
CREATE TABLE share_decisions (
    request_id      uuid PRIMARY KEY,
    person_key      text,
    requester       text        NOT NULL,
    recipient       text        NOT NULL,
    purpose         text        NOT NULL,
    data_categories text[]      NOT NULL,
    granted         boolean     NOT NULL,
    permitted       text[]      NOT NULL,
    consent_id      uuid,
    reason          text        NOT NULL,
    decided_at      timestamptz NOT NULL DEFAULT now()
);
