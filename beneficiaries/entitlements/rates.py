"""Base levels and meritorious rate tables in force in a month, read once for a whole batch.

A dated row applies from the month that contains its `valid_from`, for the whole month: benefits
are paid by whole months and the decrees count every change from a month (Decree 76/2024, in
force 1/7/2024, makes July 2024 the first 500,000 month; Decree 75/2021, in force 15/9/2021,
makes September 2021 the first 1,624,000 month).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from beneficiaries.entitlements.months import month_start
from beneficiaries.models import BaseAmount, MeritoriousRate
from registry.exceptions import ValidationFailed


@dataclass
class _Dated:
    """Rows of one key sorted by the month they take effect."""

    months: list[date] = field(default_factory=list)
    amounts: list[Decimal] = field(default_factory=list)

    def add(self, valid_from: date, amount: Decimal) -> None:
        month = month_start(valid_from)
        index = bisect.bisect_right(self.months, month)
        # Two rows in one month: the later valid_from wins, as it is the one in force at its end.
        if index and self.months[index - 1] == month:
            self.amounts[index - 1] = amount
            return
        self.months.insert(index, month)
        self.amounts.insert(index, amount)

    def at(self, month: date) -> Decimal | None:
        index = bisect.bisect_right(self.months, month)
        return self.amounts[index - 1] if index else None

    def first_month(self) -> date | None:
        return self.months[0] if self.months else None


class RateBook:
    """Every base level and meritorious rate, loaded in two queries; lookups need none."""

    def __init__(self, base_rows, merit_rows) -> None:
        self._base: dict[tuple[str, str | None], _Dated] = defaultdict(_Dated)
        self._merit: dict[tuple[str, str], _Dated] = defaultdict(_Dated)
        # case_month's amounts by their key (programme, terms, birth month, …, month): the rates
        # never change once loaded, so a batch computes each distinct key once.
        self.memo: dict[tuple, tuple] = {}
        for kind, province, valid_from, amount in sorted(base_rows, key=lambda r: r[2]):
            self._base[(kind, province)].add(valid_from, amount)
        for category, grade, valid_from, amount in sorted(merit_rows, key=lambda r: r[2]):
            self._merit[(category, grade)].add(valid_from, amount)

    @classmethod
    def load(cls) -> RateBook:
        """Two queries, whatever the number of cases or months."""
        return cls(
            BaseAmount.objects.values_list("kind", "province_id", "valid_from", "amount"),
            MeritoriousRate.objects.values_list("category", "grade", "valid_from", "amount"),
        )

    def base(self, kind: str, month: date, province_code: str | None = None) -> Decimal | None:
        """The base level in force for `month`, or None when none is configured.

        A province row counts only when higher than the national one: Decree 20/2021 Art. 4 (as
        amended by Decree 76/2024) lets a province set a higher base, never a lower one.
        """
        month = month_start(month)
        national = self._base[(kind, None)].at(month) if (kind, None) in self._base else None
        provincial = None
        if province_code and (kind, province_code) in self._base:
            provincial = self._base[(kind, province_code)].at(month)
        candidates = [a for a in (national, provincial) if a is not None]
        return max(candidates) if candidates else None

    def first_base_month(self, kind: str) -> date | None:
        dated = self._base.get((kind, None))
        return dated.first_month() if dated else None

    def meritorious(self, category: str, grade: str, month: date) -> Decimal | None:
        """The rate-table amount of (category, grade) in force for `month`, if any row applies."""
        dated = self._merit.get((category, grade or ""))
        return dated.at(month_start(month)) if dated else None


def no_base_amount_error(field_name: str | None = None) -> ValidationFailed:
    message = _("Chưa có mức chuẩn áp dụng cho tháng này.")
    fields = {field_name: [message]} if field_name else None
    return ValidationFailed(message, code="no_base_amount", fields=fields)


def base_amount(kind: str, month: date, province_code: str | None = None) -> Decimal:
    """The base level in force for `month` (two queries); `no_base_amount` when none is."""
    amount = RateBook.load().base(kind, month, province_code)
    if amount is None:
        raise no_base_amount_error()
    return amount
