-- Submissions, newest first, with who reviewed them; optionally only one status or one partner.
SELECT id, file_name, submitted_by, submitted_at, status, row_count,
       array_to_string(partners, ', ') AS partners, array_to_string(periods, ', ') AS periods,
       reviewed_by, reviewed_at, review_comment, sha256, source, illustrative,
       content IS NOT NULL AS has_file
FROM core.submission
WHERE ($status IS NULL OR status = $status) AND ($partner IS NULL OR list_contains(partners, $partner))
ORDER BY id DESC
