-- Raw reports remember which report they carried (when that could be read), so an erasure of a
-- household finds every version of its reports, accepted or rejected, and deletes them.
ALTER TABLE raw_reports ADD COLUMN report_id text;
CREATE INDEX raw_reports_report ON raw_reports (partner_id, report_id) WHERE report_id IS NOT NULL;
CREATE INDEX signals_updated ON signals (updated_at);
