-- What today's work filters and shows of a case's signals (the kinds of arrears, the total amount,
-- since when), kept on the case by CaseRepository.add_signals: the worklist then filters open cases
-- on columns instead of adding up every case's signals on every view.
ALTER TABLE cases
    ADD COLUMN arrears_categories text[] NOT NULL DEFAULT '{}',
    ADD COLUMN arrears_amount     numeric(14, 2),
    ADD COLUMN arrears_since      date;

UPDATE cases c
   SET arrears_categories = s.categories, arrears_amount = s.amount, arrears_since = s.since
  FROM (SELECT case_id, array_agg(DISTINCT category ORDER BY category) AS categories, sum(amount) AS amount,
               min(arrears_since) AS since
          FROM case_signals GROUP BY case_id) s
 WHERE s.case_id = c.case_id;
