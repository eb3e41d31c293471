-- The team's workplace: staff accounts with argon2 password hashes, server-side sessions, who has
-- taken which case, and short notes on a case.

-- A staff member who signs in to the workplace. The bearer tokens of the API (config/staff.toml)
-- are a separate way in and stay as they are.
CREATE TABLE staff_accounts (
    username        text PRIMARY KEY,   -- also the staff id in the audit log and on the case
    display_name    text        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('caseworker', 'supervisor', 'auditor', 'admin')),
    municipalities  text[]      NOT NULL,  -- CBS codes whose cases this account may open
    password_hash   text,               -- argon2id; NULL for an account that signs in elsewhere (OIDC)
    failed_sign_ins int         NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text        NOT NULL
);

-- A signed-in browser. Only the SHA-256 of the cookie's value is stored, so a copy of the table
-- cannot be used to sign in. The CSRF token is per session.
CREATE TABLE web_sessions (
    session_hash  text PRIMARY KEY,
    username      text        NOT NULL REFERENCES staff_accounts ON DELETE CASCADE,
    csrf_token    text        NOT NULL,
    signed_in_by  text        NOT NULL DEFAULT 'password',  -- or the identity provider's name
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    ended_at      timestamptz
);
CREATE INDEX web_sessions_username ON web_sessions (username);

-- Who works a case now, so two caseworkers never phone the same resident.
ALTER TABLE cases
    ADD COLUMN assigned_to text,
    ADD COLUMN assigned_at timestamptz;
CREATE INDEX cases_assigned ON cases (assigned_to) WHERE status = 'open';

-- Short notes on a case (the form warns: no medical details). Deleted with the case.
CREATE TABLE case_notes (
    note_id    uuid PRIMARY KEY,
    case_id    uuid        NOT NULL REFERENCES cases ON DELETE CASCADE,
    text       text        NOT NULL,
    written_by text        NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_notes_case ON case_notes (case_id, written_at);

-- The worklist filters and orders open cases by these.
CREATE INDEX case_signals_case ON case_signals (case_id);
