"""The first month a decision pays (Decree 20/2021 Art. 8(1) as amended by Decree 76/2024) and the
last month before a stop (Art. 8(2); Decree 131/2021 Art. 35 for meritorious persons).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from beneficiaries.entitlements.categories import PENSION_CATEGORY, window_months
from beneficiaries.entitlements.months import month_start

# Categories whose legal start is the month the person reaches the age, whatever the month of
# the decision (domain.md §3; Decree 20/2021 Art. 8(1) as amended by Decree 76/2024).
STARTS_AT_BIRTHDAY = frozenset({"5.5b", "5.5c"})
# The start is the month of the disability certificate (passed as the requested start month).
STARTS_AT_CERTIFICATE = frozenset({"5.6"})


def legal_start_month(
    *,
    categories: Sequence[str],
    date_of_birth: date,
    decision_month: date,
    requested_start_month: date | None,
    transfer: bool = False,
    poor_household: bool = False,
) -> date:
    """The earliest month the law lets the decision pay (arrears go back at most to it).

    - transfer=True (a new decision after a move to another paying authority): the month after
      the stop at the old place, passed as `requested_start_month` (domain.md §3, "Moving").
    - 5.5b / 5.5c: the month the person turns 75 / 80; a requested month (the application's)
      bounds it from below.
    - 5.6: the month of the disability certificate (the requested month), else the decision's.
    - every other category: the decision's month, or the requested month when that is later.
    Always within the category's age window; of several categories, the earliest start.
    """
    decision_month = month_start(decision_month)
    requested = month_start(requested_start_month) if requested_start_month else None
    if transfer and requested:
        return requested
    starts = []
    for category in categories:
        window_first, _last = window_months(
            category,
            date_of_birth,
            poor_household=poor_household and category == PENSION_CATEGORY,
        )
        if category in STARTS_AT_BIRTHDAY:
            start = max(window_first, requested) if requested else window_first
        elif category in STARTS_AT_CERTIFICATE:
            start = requested or decision_month
        else:
            start = max(decision_month, requested) if requested else decision_month
        if window_first is not None:
            start = max(start, window_first)
        starts.append(start)
    return min(starts) if starts else decision_month


def default_start_month(*, legal_start: date, decision_month: date, transfer: bool = False) -> date:
    """Without an explicit start in the decision: its month, or the legal start when later.

    An earlier start (arrears) only when the decision says so. A transfer continues from the
    month after the stop at the old place, so no month is lost or paid twice.
    """
    if transfer:
        return legal_start
    return max(month_start(decision_month), legal_start)


def start_month_for(
    *,
    category: str,
    decision_date: date,
    date_of_birth: date,
    requested_start_month: date | None,
    transfer: bool = False,
    other_categories: Sequence[str] = (),
    poor_household: bool = False,
) -> date:
    """The start a decision takes when it states none (kept for the demo and older callers)."""
    legal = legal_start_month(
        categories=[category, *other_categories],
        date_of_birth=date_of_birth,
        decision_month=decision_date,
        requested_start_month=requested_start_month,
        transfer=transfer,
        poor_household=poor_household,
    )
    return default_start_month(
        legal_start=legal, decision_month=month_start(decision_date), transfer=transfer
    )


def stop_month_after_death(date_of_death: date) -> date:
    """The last month paid: the month of death (payment stops from the month after)."""
    return month_start(date_of_death)
