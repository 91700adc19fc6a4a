"""The period a report covers: a review year and the month whose rolls it counts."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.exceptions import ValidationFailed


@dataclass(frozen=True)
class Period:
    """`year`: the poverty review year; `month`: the first day of the reference month (the
    beneficiaries on the rolls, amounts due); `as_of`: the last day of that month."""

    year: int
    month: date

    @property
    def as_of(self) -> date:
        return date(self.month.year, self.month.month, calendar.monthrange(*self.month_tuple)[1])

    @property
    def month_tuple(self) -> tuple[int, int]:
        return self.month.year, self.month.month

    @property
    def ends_before(self) -> datetime:
        """The first instant after `as_of`, in the project's time zone (rows created before it)."""
        day_after = date.fromordinal(self.as_of.toordinal() + 1)
        return timezone.make_aware(datetime.combine(day_after, time.min))

    def previous(self) -> Period:
        """The previous review year, counted at its December."""
        return Period(self.year - 1, date(self.year - 1, 12, 1))


def period_for(*, year: int | None = None, month: date | None = None) -> Period:
    """The report's period. Without a month: December of the year, or this month for the
    current year. A month must lie in the year and not in the future."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    if month is not None:
        month = month.replace(day=1)
        if year is None:
            year = month.year
    year = year or today.year
    if year > today.year:
        raise ValidationFailed(
            _("Năm báo cáo không được ở tương lai."), fields={"year": [_("Năm ở tương lai.")]}
        )
    if month is None:
        month = min(date(year, 12, 1), this_month)
    if month.year != year:
        raise ValidationFailed(
            _("Tháng báo cáo phải thuộc năm báo cáo."),
            fields={"month": [_("Tháng không thuộc năm báo cáo.")]},
        )
    if month > this_month:
        raise ValidationFailed(
            _("Tháng báo cáo không được ở tương lai."),
            fields={"month": [_("Tháng ở tương lai.")]},
        )
    return Period(year, month)
