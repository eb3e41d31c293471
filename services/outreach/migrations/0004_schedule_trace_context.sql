-- The trace context of whatever planned a step, so the step (a letter, a call falling due) joins the
-- report's trace when it runs, days later.
ALTER TABLE schedule ADD COLUMN trace_context jsonb NOT NULL DEFAULT '{}'::jsonb;
