"""One commune's raw figures for a period: the selectors' counts, the amounts due and paid, and
the previous year's figures the targets compare with. Counts and amounts only: everything
derived (rates, totals, targets, the small-number rule) is reports/summary.py's, so a stored
row (reports/snapshot.py) and a fresh one give the same report.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from beneficiaries.models import Programme
from reports import money, selectors
from reports.period import Period

PROGRAMMES = list(Programme.values)
COUNT_FIGURES = (
    "households", "persons", "poor", "near_poor", "assessed", "poor_persons",
    "near_poor_persons", "entering_poverty", "leaving_poverty", "poor_not_reassessed",
    *(f"persons_{p}" for p in PROGRAMMES), "health_insurance_entitled", "meritorious_persons",
    "meritorious_households", "meritorious_households_poor",
)  # fmt: skip


class Row:
    """One commune's (or a province's) figures before they are shaped for output.

    `held`: the commune appeared in a count or an amount of the period (an auditor's unfiltered
    report lists only those)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(COUNT_FIGURES, 0)
        self.by_category: dict[tuple, int] = defaultdict(int)
        self.due: dict[str, Decimal] = dict.fromkeys(PROGRAMMES, Decimal(0))
        self.paid: dict | None = None
        self.previous: dict[str, int] = defaultdict(int)
        self.previous_paid: dict | None = None
        self.held = False

    def add(self, other: Row) -> None:
        for key, value in other.counts.items():
            self.counts[key] += value
        for key, value in other.by_category.items():
            self.by_category[key] += value
        for key, value in other.due.items():
            self.due[key] += value
        for key, value in other.previous.items():
            self.previous[key] += value


def _raw(codes, period: Period) -> tuple[dict, dict]:
    counts: dict[str, dict] = defaultdict(dict)
    for part in (
        selectors.households_counts(codes, period),
        selectors.persons_counts(codes, period),
        selectors.poverty_counts(codes, period.year),
        selectors.poverty_movement_counts(codes, period.year),
    ):
        for code, figures in part.items():
            counts[code].update(figures)
    beneficiaries, by_category = selectors.beneficiary_counts(codes, period)
    for code, figures in beneficiaries.items():
        counts[code].update(figures)
    return counts, by_category


def commune_rows(codes, period: Period, *, with_amounts: bool) -> tuple[dict[str, Row], bool]:
    """({commune code: Row}, payments available) for these communes — every one of them, empty
    ones included — or, with None, for every commune holding data in the period."""
    counts, by_category = _raw(codes, period)
    previous = period.previous()
    before = selectors.households_counts(codes, previous)
    for part in (
        selectors.poverty_counts(codes, previous.year),
        selectors.meritorious_counts(codes, previous),
    ):
        for code, figures in part.items():
            before.setdefault(code, {}).update(figures)
    due = money.amounts_due(codes, period) if with_amounts else {}
    paid = money.payment_figures(codes, period)
    paid_before = money.payment_figures(codes, previous) if paid is not None else None
    listed = set(codes) if codes is not None else set(counts) | set(due)
    rows = {}
    for code in listed:
        row = Row()
        row.held = code in counts or code in due
        row.counts.update(counts.get(code, {}))
        row.by_category.update(by_category.get(code, {}))
        row.due.update(due.get(code, {}))
        row.previous.update(before.get(code, {}))
        if paid is not None:
            row.paid = paid.get(code, {})
            row.previous_paid = (paid_before or {}).get(code, {})
        rows[code] = row
    return rows, paid is not None
