-- What outreach and the DDAS delivery need to know about each signal: the resident's pseudonym (for
-- consent to a referral) and whether the partner already spoke with the resident.
ALTER TABLE signals ADD COLUMN person_key text;
ALTER TABLE signals ADD COLUMN warm_handover boolean NOT NULL DEFAULT false;
