-- The audit log becomes tamper-evident and says which municipality a row concerns.
--
-- municipality_code: the municipality of the cases a row is about (adapters/audit.py writes one row
-- per municipality when a read spans several); NULL for rows about no case (a sign-in, the figures).
-- Existing rows get it when all their cases that still exist are of one municipality.
--
-- prev_hash, hash: each row's hash is SHA-256 over the previous row's hash and the row's content
-- (`audit_log_canonical`; domain/audit_chain.py recomputes the same text to verify the chain). The
-- trigger below fills them in on every insert, under one lock, so concurrent writers (and a COPY)
-- still make one chain in audit_id order. Existing rows are chained here, oldest first.

ALTER TABLE audit_log
    ADD COLUMN municipality_code text,
    ADD COLUMN prev_hash         text,
    ADD COLUMN hash              text;

UPDATE audit_log a SET municipality_code = single.municipality_code
FROM (SELECT l.audit_id, min(c.municipality_code) AS municipality_code
      FROM audit_log l CROSS JOIN LATERAL unnest(l.case_ids) AS u(case_id) JOIN cases c ON c.case_id = u.case_id
      GROUP BY l.audit_id HAVING count(DISTINCT c.municipality_code) = 1) single
WHERE a.audit_id = single.audit_id;

-- A field as `<length>:<text>`, or `~` for NULL: unambiguous whatever the text holds.
CREATE FUNCTION audit_log_field(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value IS NULL THEN '~' ELSE length(value)::text || ':' || value END
$$;

-- What a row's hash covers: id, time (microseconds since 1970), staff, role, action, case ids (in
-- stored order), detail and municipality. Keep in step with domain/audit_chain.py `canonical`.
CREATE FUNCTION audit_log_canonical(r audit_log) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT concat_ws('|', audit_log_field(r.audit_id::text),
                     audit_log_field((extract(epoch FROM r.at) * 1000000)::bigint::text),
                     audit_log_field(r.staff_id), audit_log_field(r.role), audit_log_field(r.action),
                     audit_log_field(array_to_string(r.case_ids, ',')), audit_log_field(r.detail),
                     audit_log_field(r.municipality_code))
$$;

CREATE FUNCTION audit_log_hash(prev_hash text, r audit_log) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(prev_hash || audit_log_canonical(r), 'UTF8')), 'hex')
$$;

DO $$
DECLARE
    r    audit_log;
    prev text := repeat('0', 64);
BEGIN
    FOR r IN SELECT * FROM audit_log ORDER BY audit_id LOOP
        UPDATE audit_log SET prev_hash = prev, hash = audit_log_hash(prev, r) WHERE audit_id = r.audit_id
            RETURNING hash INTO prev;
    END LOOP;
END $$;

ALTER TABLE audit_log ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE INDEX audit_log_municipality ON audit_log (municipality_code, audit_id);

-- One appender at a time: the next row needs the hash of the last committed one. The lock is held
-- until the writer's transaction ends. The id is drawn again under the lock, so ids follow the
-- chain's order even when writers took their default ids in another order. Writers append last in
-- their unit of work (after any row lock), so waiting here cannot deadlock with a row lock; and the
-- service's transactions are READ COMMITTED, so the query below sees the row committed before.
CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(x'4f5554524541'::bigint);  -- "OUTREA"
    NEW.audit_id := nextval(pg_get_serial_sequence('audit_log', 'audit_id'));
    NEW.prev_hash := coalesce((SELECT hash FROM audit_log ORDER BY audit_id DESC LIMIT 1), repeat('0', 64));
    NEW.hash := audit_log_hash(NEW.prev_hash, NEW);
    RETURN NEW;
END $$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

-- Append-only in the database too, as in consent: the service's own role (the owner) is refused
-- UPDATE, DELETE and TRUNCATE. Someone who gets round it (a superuser) breaks the chain, and the
-- verification (GET /v1/audit/verify, the auditor's page) names the first row that no longer fits.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER;
