-- Schema version 2: submissions are reviewed (approved or returned) and keep their original file.
ALTER TABLE core.submission ADD COLUMN reviewed_by VARCHAR;
ALTER TABLE core.submission ADD COLUMN reviewed_at TIMESTAMP;
ALTER TABLE core.submission ADD COLUMN review_comment VARCHAR;
ALTER TABLE core.submission ADD COLUMN content BLOB;
-- Figures loaded before reviews existed were published as they came in: keep them published.
UPDATE core.submission SET status = 'approved', reviewed_by = 'migration', reviewed_at = submitted_at
WHERE status = 'accepted';
