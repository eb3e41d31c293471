-- A signal not picked up is delivered to CBS with its client (DDAS v1.2: the BSN, or else postcode
-- and house number), also when its household never had a case. Matching now passes the signal's
-- sealed contact on (SignalNotPickedUp.contact); outreach opens it and keeps only the fields of that
-- client (BSN, birth date, postcode, house number, letter and addition): no name, street, city,
-- phone or e-mail. Like cases.contact, it is erased with the household and removed by retention with
-- the row. NULL for rows from before, and for events that carry no contact.
-- The signal's own DDAS fields (signaaldatum, ontstaansdatum, bedrag, crisissignaal) are kept too.
ALTER TABLE signals_not_picked_up
    ADD COLUMN contact       jsonb,
    ADD COLUMN signal_date   date,
    ADD COLUMN arrears_since date,
    ADD COLUMN amount        numeric(14, 2),
    ADD COLUMN crisis        boolean;
