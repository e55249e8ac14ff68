-- What a staged export holds: rows read, good rows, the partners and the span of opening times of the good ones.
SELECT count(*) AS rows_read,
       count(*) FILTER (problem IS NULL) AS good,
       list(DISTINCT partner_code ORDER BY partner_code) FILTER (problem IS NULL) AS partners,
       min(opened_at) FILTER (problem IS NULL) AS first_opened,
       max(opened_at) FILTER (problem IS NULL) AS last_opened,
       min(core.quarter_index(opened_at)) FILTER (problem IS NULL) AS first_idx,
       max(core.quarter_index(opened_at)) FILTER (problem IS NULL) AS last_idx
FROM ticket_stage
