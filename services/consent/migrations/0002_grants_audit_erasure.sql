-- Grants remember the request's household and envelope, so a withdrawal can announce a revocation in
-- the same household and correlation, and an erasure by household finds them. A grant is "used"
-- once staff confirm the data was sent; only unused grants can still be revoked.
ALTER TABLE share_decisions
    ADD COLUMN household_key     text,
    ADD COLUMN municipality_code text,
    ADD COLUMN correlation_id    uuid,
    ADD COLUMN request_event_id  uuid,
    ADD COLUMN used_at           timestamptz,
    ADD COLUMN used_by           text,
    ADD COLUMN revoked_at        timestamptz;
CREATE INDEX share_decisions_household ON share_decisions (household_key);
CREATE INDEX share_decisions_person ON share_decisions (person_key);
CREATE INDEX share_decisions_open_grants ON share_decisions (consent_id)
    WHERE granted AND used_at IS NULL AND revoked_at IS NULL;
CREATE INDEX share_decisions_decided ON share_decisions (decided_at);

-- The audit trail: append-only, each entry chained to the one before by its hash
-- (SHA-256 over the previous hash and the entry's canonical JSON). `subjects` holds audit
-- references, never pseudonyms: the link from a pseudonym to its reference is in audit_subjects,
-- which erasure and retention delete, so entries outlive the link without naming anyone.
CREATE TABLE audit_log (
    position    bigint      PRIMARY KEY CHECK (position > 0),
    entry_id    uuid        NOT NULL UNIQUE,
    recorded_at timestamptz NOT NULL,
    kind        text        NOT NULL,
    actor       text        NOT NULL,
    subjects    uuid[]      NOT NULL,
    detail      jsonb       NOT NULL,
    prev_hash   text        NOT NULL,
    hash        text        NOT NULL UNIQUE
);
CREATE INDEX audit_log_subjects ON audit_log USING gin (subjects);

-- Append-only in the database too, not only by convention: the service's own role (the table's
-- owner) is refused UPDATE, DELETE and TRUNCATE. A superuser can still get round it, and the hash
-- chain is what then shows the change.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER;

-- Pseudonym (person or household key) -> its audit reference. Deleting a row shreds the link.
CREATE TABLE audit_subjects (
    subject_key   text        PRIMARY KEY,
    audit_ref     uuid        NOT NULL UNIQUE,
    last_event_at timestamptz NOT NULL
);

-- Erasure requests and the answer (receipt) of each service. The household and person keys are
-- cleared when the request completes: what is left proves the erasure without naming the household.
CREATE TABLE erasure_requests (
    request_id        uuid        PRIMARY KEY,
    municipality_code text        NOT NULL,
    household_key     text,
    person_key        text,
    reason            text        NOT NULL,
    requested_by      text        NOT NULL,
    requested_at      timestamptz NOT NULL,
    expected_services text[]      NOT NULL,
    completed_at      timestamptz
);
CREATE INDEX erasure_requests_pending ON erasure_requests (requested_at) WHERE completed_at IS NULL;

CREATE TABLE erasure_receipts (
    request_id  uuid        NOT NULL REFERENCES erasure_requests ON DELETE CASCADE,
    service     text        NOT NULL,
    deleted     jsonb       NOT NULL,
    answered_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, service)
);
