-- Several municipalities on one installation (issue 19): a consent keeps the municipality it was
-- registered for, so staff of another municipality can be refused it when they address it by id.
-- Consents registered before this migration did not keep it. A person key is an HMAC under one
-- municipality's secret, so the municipality of the person's share requests or erasure requests is
-- theirs; a consent left without one is in nobody's scope until an operator sets it (CHANGELOG).
ALTER TABLE consents ADD COLUMN municipality_code text;

UPDATE consents c
SET municipality_code = known.municipality_code
FROM (SELECT person_key, min(municipality_code) AS municipality_code
      FROM (SELECT person_key, municipality_code FROM share_decisions
            UNION ALL
            SELECT person_key, municipality_code FROM erasure_requests) named
      WHERE person_key IS NOT NULL AND municipality_code IS NOT NULL
      GROUP BY person_key
      HAVING count(DISTINCT municipality_code) = 1) known
WHERE c.person_key = known.person_key;
