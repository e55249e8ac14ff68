-- One-off costs by council, year and kind, with each council's total over every year and kind (metrics/money.py).
SELECT partner_code, financial_year, kind, sum(amount) AS amount,
       sum(sum(amount)) OVER (PARTITION BY partner_code) AS partner_total, bool_or(illustrative) AS illustrative
FROM one_off_cost
GROUP BY partner_code, financial_year, kind
ORDER BY partner_code, financial_year, kind
