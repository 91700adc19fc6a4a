"""The poor and near-poor rates over every review year the registry holds, for the communes a
report covers: the same selectors and the same rounding as the summary, two queries a year."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from beneficiaries.models import PovertyAssessment
from reports import selectors
from reports.period import Period
from reports.summary import percentage


def review_years(codes) -> list[int]:
    """The review years with at least one assessment in the communes (None: all)."""
    assessments = PovertyAssessment.objects.all()
    if codes is not None:
        assessments = assessments.filter(household__commune_id__in=list(codes))
    return sorted(assessments.values_list("year", flat=True).distinct().order_by())


def poverty_trend(codes, *, up_to: int) -> list[dict]:
    """[{year, households, poor, near_poor, poverty_rate, near_poverty_rate}] for each review
    year held up to `up_to`, each counted at its December (this month for the current year)."""
    this_month = timezone.localdate().replace(day=1)
    out = []
    for year in [y for y in review_years(codes) if y <= up_to]:
        period = Period(year, min(date(year, 12, 1), this_month))
        households = sum(
            f.get("households", 0) for f in selectors.households_counts(codes, period).values()
        )
        poverty = selectors.poverty_counts(codes, year).values()
        poor = sum(f.get("poor", 0) for f in poverty)
        near_poor = sum(f.get("near_poor", 0) for f in poverty)
        out.append(
            {
                "year": year,
                "households": households,
                "poor": poor,
                "near_poor": near_poor,
                "poverty_rate": percentage(poor, households),
                "near_poverty_rate": percentage(near_poor, households),
            }
        )
    return out
