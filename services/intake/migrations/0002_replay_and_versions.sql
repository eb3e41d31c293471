-- How the stored bytes are to be read again: one JSON report, or a CSV header line and one row.
ALTER TABLE raw_reports ADD COLUMN media_type text NOT NULL DEFAULT 'application/json'
    CHECK (media_type IN ('application/json', 'text/csv'));

-- Digests of every version of a report that was accepted: an earlier version sent again (a file
-- replayed after its resolve) is recognised as a duplicate and changes nothing.
ALTER TABLE signals ADD COLUMN versions text[] NOT NULL DEFAULT '{}';

-- A replay that ends in acceptance records when and which signal; a replay that is refused again
-- with other reasons (the cause was only partly fixed) records when the reasons changed.
ALTER TABLE rejections ADD COLUMN replayed_signal_id uuid;
ALTER TABLE rejections ADD COLUMN reasons_updated_at timestamptz;
CREATE INDEX rejections_pending ON rejections (partner_id, created_at) WHERE replayed_at IS NULL;
