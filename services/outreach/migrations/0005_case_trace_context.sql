-- The trace context of the decision that opened the case: later steps of the case started by the
-- team (a referral to consent) continue the report's trace.
ALTER TABLE cases ADD COLUMN trace_context jsonb NOT NULL DEFAULT '{}'::jsonb;
