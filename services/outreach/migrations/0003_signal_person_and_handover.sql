-- The resident's pseudonym (from matching's signals) lets consent decide a referral on the right
-- person; the warm hand-over goes into the DDAS delivery.
ALTER TABLE case_signals ADD COLUMN person_key text;
ALTER TABLE case_signals ADD COLUMN warm_handover boolean NOT NULL DEFAULT false;
