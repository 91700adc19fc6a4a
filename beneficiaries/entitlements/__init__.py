"""Monthly entitlements by law: what each case is owed for each month (Decree 20/2021 Art. 5–8 as
amended by Decree 76/2024; Decree 77/2024; Decree 176/2025; Ordinance 02/2020).

Split by rule: `months` (months and ages), `categories` (age windows and coefficients), `rates`
(base levels and rate tables), `case_month` (one case's month), `person` (a person's cases
together), `start` (start and stop months) and `batch` (many cases at once). Nothing here
writes to the database. docs/law.md lists each rule with its article and function.

For payments: `entitlements_for_month(cases, month)` and `case_entitlements(case, from, to)`
return `MonthEntitlement`s; `Reason` lists the reason codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from beneficiaries.entitlements.batch import (
    CaseBook,
    case_entitlements,
    case_terms_in,
    entitlements_for_month,
    row_of,
)
from beneficiaries.entitlements.case_month import (
    CaseRow,
    MonthEntitlement,
    Reason,
    Terms,
    case_month,
)
from beneficiaries.entitlements.categories import (
    AGE_THRESHOLDS,
    AGE_WINDOWS,
    COMBINABLE_WITH_SINGLE_PARENT,
    SINGLE_PARENT_CATEGORY,
    in_window,
    outside_window_error,
    paying_coefficient,
    social_assistance_coefficient,
    validate_categories,
    window_months,
)
from beneficiaries.entitlements.months import (
    add_months,
    age_in_month,
    age_on,
    month_end,
    month_start,
    month_turning,
    months_between,
)
from beneficiaries.entitlements.person import apply_person_rules
from beneficiaries.entitlements.rates import RateBook, base_amount, no_base_amount_error
from beneficiaries.entitlements.start import (
    default_start_month,
    legal_start_month,
    start_month_for,
    stop_month_after_death,
)


def _own(case, month: date, rates: RateBook | None = None) -> MonthEntitlement:
    return case_month(row_of(case), month_start(month), rates or RateBook.load())


def case_coefficient(case, month: date) -> Decimal | None:
    """The social-assistance coefficient the case's terms pay in `month` (None otherwise)."""
    return case_month(row_of(case), month_start(month), RateBook({}, {}), preview=True).coefficient


def case_monthly_amount(case, month: date) -> Decimal:
    """What the case pays for `month` on its own, before the person rules (two queries, plus
    the case's suspensions unless prefetched)."""
    return _own(case, month).amount


def person_month_entitlements(cases: Iterable, month: date) -> dict[int, Decimal]:
    """Case id → amount payable in `month`, for the cases of one person (person rules applied)."""
    cases = list(cases)
    rates = RateBook.load()
    rows = [row_of(case) for case in cases]
    own = {row.id: case_month(row, month_start(month), rates) for row in rows}
    return {case_id: e.amount for case_id, e in apply_person_rules(rows, own).items()}


__all__ = [
    "AGE_THRESHOLDS",
    "AGE_WINDOWS",
    "COMBINABLE_WITH_SINGLE_PARENT",
    "SINGLE_PARENT_CATEGORY",
    "CaseBook",
    "CaseRow",
    "MonthEntitlement",
    "RateBook",
    "Reason",
    "Terms",
    "add_months",
    "age_in_month",
    "age_on",
    "apply_person_rules",
    "base_amount",
    "case_coefficient",
    "case_entitlements",
    "case_terms_in",
    "case_month",
    "case_monthly_amount",
    "default_start_month",
    "entitlements_for_month",
    "in_window",
    "legal_start_month",
    "month_end",
    "month_start",
    "month_turning",
    "months_between",
    "no_base_amount_error",
    "outside_window_error",
    "paying_coefficient",
    "person_month_entitlements",
    "row_of",
    "social_assistance_coefficient",
    "start_month_for",
    "stop_month_after_death",
    "validate_categories",
    "window_months",
]
