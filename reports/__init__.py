"""Resolution 42 indicators per commune and province, computed by aggregate queries.

`period` (the year and reference month), `selectors` (the counts, one GROUP BY each), `money`
(amounts due from beneficiaries.entitlements; payment figures through a settings-listed hook),
`summary` (rates, totals, targets, the small-number rule), `xlsx` (the workbook), `apis`.
See docs/reports.md.
"""
