-- A workbook refused as a whole (not readable as .xlsx) is kept as it came; its rows are kept as
-- CSV text (the header line and the row), so the CSV type covers them.
ALTER TABLE raw_reports DROP CONSTRAINT raw_reports_media_type_check;
ALTER TABLE raw_reports ADD CONSTRAINT raw_reports_media_type_check CHECK (media_type IN (
    'application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'));

-- What outreach told each partner about its reports (ReportFeedback on partner.<id>.feedback.v1),
-- so a partner without Kafka can read it over HTTP: only picked up or not, never why.
CREATE TABLE partner_feedback (
    feedback_id uuid PRIMARY KEY,
    partner_id  text        NOT NULL,
    report_id   text        NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('picked_up', 'not_picked_up')),
    decided_at  timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (partner_id, report_id)
);
-- A partner's answers are read newest first, a page at a time.
CREATE INDEX partner_feedback_newest ON partner_feedback (partner_id, received_at DESC, feedback_id DESC);
CREATE INDEX partner_feedback_received ON partner_feedback (received_at);
CREATE INDEX rejections_newest ON rejections (partner_id, created_at DESC, rejection_id DESC);
CREATE INDEX signals_warned ON signals (partner_id, updated_at DESC, signal_id DESC) WHERE warnings <> '[]';
