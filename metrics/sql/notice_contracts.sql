-- Contracts whose last day to give notice falls from today to a year ahead (metrics/notice_sources.py).
SELECT code, system, supplier, partner_code, ends_on, notice_on
FROM contract
WHERE notice_on BETWEEN CAST($today AS DATE) AND CAST($today AS DATE) + INTERVAL 12 MONTH
ORDER BY notice_on, code;
