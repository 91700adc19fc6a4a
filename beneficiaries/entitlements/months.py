"""Whole months and ages: every entitlement is counted by month (a `date` on the 1st)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date


def month_start(d: date) -> date:
    """The first day of d's month: entitlements are counted in whole months."""
    return d.replace(day=1)


def add_months(month: date, n: int) -> date:
    """The first day of the month n months after (or before, for negative n) month's month."""
    index = month.year * 12 + (month.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_between(first: date, last: date) -> Iterator[date]:
    """Every month from `first` to `last`, both included (nothing when last < first)."""
    month = month_start(first)
    last = month_start(last)
    while month <= last:
        yield month
        month = add_months(month, 1)


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years on a given day."""
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


def age_in_month(date_of_birth: date, month: date) -> int:
    """The age the person reaches by the end of `month`.

    Decree 20/2021 recomputes the allowance from the month a person reaches an age threshold, so
    the birthday month already counts at the new age (29 February counts in February).
    """
    return month.year - date_of_birth.year - (1 if date_of_birth.month > month.month else 0)


def month_turning(date_of_birth: date, age: int) -> date:
    """The month in which the person reaches `age` (the birthday month)."""
    return date(date_of_birth.year + age, date_of_birth.month, 1)
