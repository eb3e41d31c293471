-- Matching tells outreach when signals of a case ended (CaseBasisChanged, issue 22): withdrawn by the
-- partner (sent in error) or resolved (the resident paid or made an arrangement). The case keeps the
-- signal, for its page and the DDAS delivery, with how and on which day it ended: a withdrawn signal
-- is delivered as "Niet opgepakt: onterecht signaal", a resolved one stays "Opgepakt". NULL for a
-- signal that is still open (and for every row from before).
ALTER TABLE case_signals
    ADD COLUMN ended    text CHECK (ended IN ('withdrawn', 'resolved')),
    ADD COLUMN ended_on date,
    ADD CONSTRAINT case_signals_ended_on CHECK ((ended IS NULL) = (ended_on IS NULL));

-- A signal not picked up may be announced again with a newer status (a repeat that its partner later
-- withdrew becomes "Niet opgepakt: onterecht signaal"); the newer announcement wins. `status_at` is
-- when matching announced the status kept (its event's occurred_at); NULL for rows from before, which
-- any newer announcement replaces. `decided_at` stays the first decision's: it places the signal in
-- its DDAS period.
ALTER TABLE signals_not_picked_up ADD COLUMN status_at timestamptz;
