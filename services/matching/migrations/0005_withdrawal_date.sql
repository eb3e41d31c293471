-- The date of a signal's withdrawal (the earliest, should its partner withdraw it twice): matching
-- tells outreach on which day a signal of a case was withdrawn (CaseBasisChanged, ADR 0015). NULL
-- for a signal that is not withdrawn, and for withdrawals stored before: those count from their
-- signal date. Additive, so the previous version still runs on the migrated database.
ALTER TABLE signals ADD COLUMN withdrawn_on date;
