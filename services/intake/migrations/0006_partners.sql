-- The partner registry (ADR 0016): who may report, what and for which municipalities, and the
-- SHA-256 of its HTTP token (never the token). Intake re-reads it every few seconds, so a partner
-- onboarded or disabled with `python -m intake partners` counts without a restart.
--
-- `source` says who keeps the entry: 'file' for the default registry (config/partners.toml, applied
-- at every start of intake), 'command' for `partners add`. A disabled partner stays, with who
-- disabled it and when: its reports, rejections and feedback are history that stays too.
CREATE TABLE partners (
    id             text        PRIMARY KEY CHECK (id ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(id) <= 64),
    name           text        NOT NULL,
    categories     text[]      NOT NULL CHECK (cardinality(categories) > 0),
    municipalities text[]      NOT NULL CHECK (cardinality(municipalities) > 0),
    token_sha256   text        NOT NULL CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    source         text        NOT NULL CHECK (source IN ('file', 'command')),
    added_at       timestamptz NOT NULL DEFAULT now(),
    added_by       text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    disabled_at    timestamptz,
    disabled_by    text,
    CHECK ((disabled_at IS NULL) = (disabled_by IS NULL))
);
