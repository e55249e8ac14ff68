-- Submissions returned or approved since $since by someone other than their sender, for telling the sender
-- (metrics/notice_sources.py): the sender in lower case, to match an account's e-mail.
SELECT id, file_name, status, lower(trim(submitted_by)) AS sender, reviewed_by, reviewed_at,
       coalesce(review_comment, '') AS reason, partners, periods
FROM core.submission
WHERE status IN ('approved', 'returned') AND reviewed_at >= $since
  AND lower(trim(submitted_by)) <> lower(trim(coalesce(reviewed_by, '')))
ORDER BY id
