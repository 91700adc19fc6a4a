"""What one case is owed for one month on its own, before the rules that look at the person's
other cases (`person.py`). Pure functions of rows already loaded: no query here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from beneficiaries.entitlements.categories import PENSION_CATEGORY, in_window, paying_coefficient
from beneficiaries.entitlements.months import add_months, month_start
from beneficiaries.entitlements.rates import RateBook
from beneficiaries.models import BaseAmountKind, CaseStatus, Programme
from registry.exceptions import ValidationFailed

WHOLE_DONG = Decimal("1")
ZERO = Decimal("0")


class Reason:
    """Why a month's amount is what it is (or why it changed from the month before)."""

    START = "start"  # the first month paid
    UNCHANGED = "unchanged"  # paid as the month before
    BASE_CHANGE = "base_change"  # a new base level or meritorious rate table took effect
    BIRTHDAY = "birthday"  # the age reached this month changed the coefficient or category
    ADJUSTMENT = "adjustment"  # a decided adjustment takes effect this month
    RESUMED = "resumed"  # paid again after a suspension
    NOT_DECIDED = "not_decided"  # 0: draft, submitted or rejected
    NOT_STARTED = "not_started"  # 0: before the start month
    SUSPENDED = "suspended"  # 0: suspended
    DEATH = "death"  # 0: after the month of death
    ENDED = "ended"  # 0: after the end month (terminated)
    AGED_OUT = "aged_out"  # 0: no category's age window is open
    NO_BASE_AMOUNT = "no_base_amount"  # 0: no base level configured for the month
    INVALID_TERMS = "invalid_terms"  # 0: the terms are incomplete (5.6 without a level): fix them
    OTHER_CASE_PAID = "other_case_paid"  # 0: another case of the same programme pays the person
    HIGHER_BENEFIT_PAID = "higher_benefit_paid"  # 0: social pension vs assistance, the higher

    PAID = (START, UNCHANGED, BASE_CHANGE, BIRTHDAY, ADJUSTMENT, RESUMED)
    values = (
        *PAID, NOT_DECIDED, NOT_STARTED, SUSPENDED, DEATH, ENDED, AGED_OUT, NO_BASE_AMOUNT,
        OTHER_CASE_PAID, HIGHER_BENEFIT_PAID, INVALID_TERMS,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class MonthEntitlement:
    """What payments pays for one case and month: `amount` in whole đồng, 0 when nothing is due.

    `base` is the base level (social assistance, social pension) or the meritorious allowance
    base in force; `coefficient` only for social assistance; `reason` one of `Reason.values`.
    """

    case_id: int
    month: date
    base: Decimal | None
    coefficient: Decimal | None
    paying_category: str | None
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class Terms:
    """The terms a decision (or a later adjustment) fixes for a case."""

    category: str
    other_categories: tuple[str, ...] = ()
    disability_level: str | None = None
    children_count: int = 0
    meritorious_grade: str = ""
    decided_amount: Decimal | None = None

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys([self.category, *self.other_categories]))

    @classmethod
    def of(cls, obj) -> Terms:
        return cls(
            category=obj.category,
            other_categories=tuple(obj.other_categories or ()),
            disability_level=obj.disability_level or None,
            children_count=obj.children_count or 0,
            meritorious_grade=obj.meritorious_grade or "",
            decided_amount=obj.decided_amount,
        )


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case with what its months depend on: terms from each month on, suspensions, person."""

    id: int
    person_id: int
    programme: str
    status: str
    start_month: date | None
    end_month: date | None
    date_of_birth: date
    date_of_death: date | None
    province_code: str | None
    poor_household: bool
    # (from month, terms): the decision's terms first (from None), then decided adjustments.
    timeline: tuple[tuple[date | None, Terms], ...]
    # (from month, to month exclusive or None)
    suspensions: tuple[tuple[date, date | None], ...] = ()
    commune_id: str | None = None

    # Most cases have no adjustment and no suspension: those answer without a loop (the
    # generator of any() alone is a tenth of a batch's entitlement time).
    def terms_in(self, month: date) -> Terms:
        timeline = self.timeline
        terms = timeline[0][1]
        if len(timeline) > 1:
            for from_month, later in timeline[1:]:
                if from_month <= month:
                    terms = later
        return terms

    def adjusted_in(self, month: date) -> bool:
        if len(self.timeline) == 1:
            return False
        return any(from_month == month for from_month, _terms in self.timeline[1:])

    def suspended_in(self, month: date) -> bool:
        if not self.suspensions:
            return False
        return any(f <= month and (t is None or month < t) for f, t in self.suspensions)

    def as_approved_from(self, start_month: date) -> CaseRow:
        """The same case as if approved from `start_month` (previews before a decision)."""
        return replace(self, status=CaseStatus.APPROVED, start_month=start_month, end_month=None)


_PAYABLE = frozenset({CaseStatus.APPROVED, CaseStatus.SUSPENDED, CaseStatus.TERMINATED})


def _amount(row: CaseRow, month: date, rates: RateBook):
    """(base, coefficient, paying category, amount) by the terms alone, or a zero reason.

    The answer depends only on the programme, the terms, the birth year and month (ages count
    from the birthday month), the province, the household and the month, so it is computed
    once per such key for a whole batch: a commune's cases share a handful of keys.
    """
    terms = row.terms_in(month)
    born = row.date_of_birth
    if row.programme == Programme.MERITORIOUS:
        key = (row.programme, terms, month)
    else:
        key = (row.programme, terms, born.year, born.month, row.province_code,
               row.poor_household, month)  # fmt: skip
    memo = rates.memo
    found = memo.get(key)
    if found is None:
        found = memo[key] = _amount_by_terms(row, terms, month, rates)
    return found


def _amount_by_terms(row: CaseRow, terms: Terms, month: date, rates: RateBook):
    if row.programme == Programme.SOCIAL_ASSISTANCE:
        try:
            coefficient, category = paying_coefficient(
                terms.categories,
                date_of_birth=row.date_of_birth,
                month=month,
                disability_level=terms.disability_level,
                children_count=terms.children_count,
            )
        except ValidationFailed:
            # Rows written before the checks existed: one bad case must not stop a payment run.
            return None, None, None, ZERO, Reason.INVALID_TERMS
        if coefficient is None:
            return None, None, None, ZERO, Reason.AGED_OUT
        base = rates.base(BaseAmountKind.SOCIAL_ASSISTANCE, month, row.province_code)
        if base is None:
            return None, coefficient, category, ZERO, Reason.NO_BASE_AMOUNT
        return base, coefficient, category, _whole(coefficient * base), None
    if row.programme == Programme.SOCIAL_PENSION:
        if not in_window(
            PENSION_CATEGORY, row.date_of_birth, month, poor_household=row.poor_household
        ):
            return None, None, None, ZERO, Reason.AGED_OUT
        # Decree 176/2025: a flat amount; a province may add to it, so its row is honoured too.
        base = rates.base(BaseAmountKind.SOCIAL_PENSION, month, row.province_code)
        if base is None:
            return None, None, PENSION_CATEGORY, ZERO, Reason.NO_BASE_AMOUNT
        return base, None, PENSION_CATEGORY, _whole(base), None
    # Meritorious (Ordinance 02/2020): the rate table's row for the category and grade, else the
    # decision's own amount.
    base = rates.base(BaseAmountKind.MERITORIOUS, month)
    amount = rates.meritorious(terms.category, terms.meritorious_grade, month)
    if amount is None:
        amount = terms.decided_amount
    if not amount:
        return base, None, terms.category, ZERO, Reason.NO_BASE_AMOUNT
    return base, None, terms.category, _whole(amount), None


def _whole(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(WHOLE_DONG, rounding=ROUND_HALF_UP)


def _state(row: CaseRow, month: date, rates: RateBook, *, preview: bool):
    if not preview:
        if row.status not in _PAYABLE or row.start_month is None:
            return None, None, None, ZERO, Reason.NOT_DECIDED
        if row.status == CaseStatus.TERMINATED and row.end_month is None:
            return None, None, None, ZERO, Reason.ENDED  # stopped before any month was paid
        if month < row.start_month:
            return None, None, None, ZERO, Reason.NOT_STARTED
    # Decree 20/2021 Art. 8(2), Decree 131/2021: nothing after the month of death, even if the
    # case's end month has not been recorded yet.
    if row.date_of_death is not None and month > month_start(row.date_of_death):
        return None, None, None, ZERO, Reason.DEATH
    if not preview:
        if row.end_month is not None and month > row.end_month:
            return None, None, None, ZERO, Reason.ENDED
        if row.suspended_in(month):
            return None, None, None, ZERO, Reason.SUSPENDED
    return _amount(row, month, rates)


def case_month(row: CaseRow, month: date, rates: RateBook, *, preview: bool = False):
    """The case's own entitlement for `month` and why it changed from the month before.

    preview=True ignores status, start, end and suspensions: what the terms would pay (the
    amount a draft shows before it is decided).
    """
    month = month_start(month)
    base, coefficient, category, amount, zero_reason = _state(row, month, rates, preview=preview)
    if zero_reason is not None:
        return MonthEntitlement(row.id, month, base, coefficient, category, ZERO, zero_reason)
    before = _state(row, add_months(month, -1), rates, preview=preview)
    reason = _change_reason(row, month, before, (base, coefficient, category, amount))
    return MonthEntitlement(row.id, month, base, coefficient, category, amount, reason)


def _change_reason(row: CaseRow, month: date, before: Sequence, now: Sequence) -> str:
    prev_base, prev_coefficient, prev_category, _amount_before, prev_zero = before
    if prev_zero is not None:
        if prev_zero == Reason.SUSPENDED:
            return Reason.RESUMED
        if prev_zero == Reason.AGED_OUT:
            return Reason.BIRTHDAY  # a window opened this month
        return Reason.START
    if row.adjusted_in(month):
        return Reason.ADJUSTMENT
    base, coefficient, category, _amount_now = now
    if base != prev_base or (
        row.programme == Programme.MERITORIOUS and _amount_now != _amount_before
    ):
        return Reason.BASE_CHANGE
    if coefficient != prev_coefficient or category != prev_category:
        return Reason.BIRTHDAY
    return Reason.UNCHANGED
