-- The warnings of the version of a report that now stands: the optional fields (an invalid phone
-- number or e-mail address) left out when it was accepted, and why; never the values. A later
-- version without problems clears them.
ALTER TABLE signals ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]';
