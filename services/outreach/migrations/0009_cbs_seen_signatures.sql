-- The CBS pull API refuses a replayed request: the same payload signature seen again within the
-- replay window (OUTREACH_CBS_REPLAY_WINDOW). Only the SHA-256 of the signature value is kept, with
-- when it was first seen; rows older than the window are deleted as new ones arrive.
CREATE TABLE cbs_seen_signatures (
    signature_sha256 bytea       PRIMARY KEY,
    seen_at          timestamptz NOT NULL
);
CREATE INDEX cbs_seen_signatures_seen_at ON cbs_seen_signatures (seen_at);
