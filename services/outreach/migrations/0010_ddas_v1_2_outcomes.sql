-- DDAS v1.2 renamed two EnumEindresultaat values outreach recorded under their v0.9 names. Closed
-- cases and their timeline take the new names, so the delivery, the KPIs and the workplace's lists
-- agree. The audit log keeps the names it recorded ('write:outcome' rows): it is a hash chain and
-- says what was written at the time. CaseClosed events already on the bus keep them too.

CREATE TEMPORARY TABLE ddas_renamed_outcomes (old text PRIMARY KEY, new text NOT NULL) ON COMMIT DROP;
INSERT INTO ddas_renamed_outcomes VALUES
    ('Inwoner hoeft geen hulp vanuit vroegsignalering',
     'Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering'),
    ('Verwijzing zonder contact', 'Verwijzing zonder tussenkomst inwoner');

UPDATE cases c SET outcome = r.new
FROM ddas_renamed_outcomes r WHERE c.outcome = r.old;

UPDATE case_timeline t SET detail = jsonb_set(t.detail, '{outcome}', to_jsonb(r.new))
FROM ddas_renamed_outcomes r WHERE t.kind = 'closed' AND t.detail->>'outcome' = r.old;
