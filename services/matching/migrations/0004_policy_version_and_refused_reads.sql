-- The version of the policy that made each decision (`<municipality_code>:<12 hex of the SHA-256 of
-- the policy file>`, headed by the file's label if it has one): policy files are reloaded while
-- matching runs, so the policy in force can differ from one decision to the next. Empty for the
-- decisions taken before versions were recorded.
ALTER TABLE decisions ADD COLUMN policy_version text;

-- What happened to each request for a history: `read`, or `refused:household` when the member does
-- not serve the household's municipality (the API then answers 404, as if it held nothing).
ALTER TABLE decision_reads ADD COLUMN action text NOT NULL DEFAULT 'read';
