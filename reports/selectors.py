"""The report's counts, each one aggregate query grouped by commune (never a loop over persons,
never a decrypted column). Every function returns {commune code: {figure: count}}.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from beneficiaries.models import (
    AdjustmentStatus,
    Case,
    CaseAdjustment,
    CaseStatus,
    Classification,
    Household,
    Person,
    PovertyAssessment,
    Programme,
)
from reports.period import Period

Counts = dict[str, dict[str, int]]
# Decided cases that can be on the rolls in a month (terminated ones until their end month).
DECIDED = [CaseStatus.APPROVED, CaseStatus.SUSPENDED, CaseStatus.TERMINATED]


def _in(queryset: QuerySet, codes: Iterable[str] | None, field: str = "commune_id") -> QuerySet:
    return queryset if codes is None else queryset.filter(**{f"{field}__in": list(codes)})


def _group(rows: Iterable[dict], key: str, figures: Iterable[str], out: Counts | None = None):
    out = out if out is not None else defaultdict(dict)
    for row in rows:
        for figure in figures:
            out[row[key]][figure] = out[row[key]].get(figure, 0) + (row[figure] or 0)
    return out


def _assessed_in(year: int, household: str) -> Exists:
    return Exists(PovertyAssessment.objects.filter(household_id=OuterRef(household), year=year))


def households_counts(codes, period: Period) -> Counts:
    """Households registered by the end of the period, or assessed in its review year (a
    household reviewed that year existed then, however late it was entered)."""
    present = Q(created_at__lt=period.ends_before) | _assessed_in(period.year, "pk")
    rows = (
        _in(Household.objects.filter(present), codes)
        .values("commune_id")
        .annotate(households=Count("id"))
        .order_by()
    )
    return _group(rows, "commune_id", ["households"])


def persons_counts(codes, period: Period) -> Counts:
    """Persons born by the end of the period and not dead before it, registered by then or
    living in a household assessed in the review year (membership as recorded now), and those
    of them whose household the year's review found poor or near-poor: one scan of persons,
    joined to their household's assessment of the year (at most one)."""
    review = FilteredRelation(
        "household__poverty_assessments",
        condition=Q(household__poverty_assessments__year=period.year),
    )
    alive = Q(date_of_death__isnull=True) | Q(date_of_death__gt=period.as_of)
    rows = (
        _in(Person.objects.filter(alive, date_of_birth__lte=period.as_of), codes)
        .annotate(review=review)
        .filter(Q(created_at__lt=period.ends_before) | Q(review__id__isnull=False))
        .values("commune_id")
        .annotate(
            persons=Count("id"),
            poor_persons=Count("id", filter=Q(review__classification=Classification.POOR)),
            near_poor_persons=Count(
                "id", filter=Q(review__classification=Classification.NEAR_POOR)
            ),
        )
        .order_by()
    )
    return _group(rows, "commune_id", ["persons", "poor_persons", "near_poor_persons"])


def poverty_counts(codes, year: int) -> Counts:
    """Households assessed for the year, and those classified poor and near-poor."""
    households = (
        _in(PovertyAssessment.objects.filter(year=year), codes, "household__commune_id")
        .values(commune=F("household__commune_id"))
        .annotate(
            poor=Count("id", filter=Q(classification=Classification.POOR)),
            near_poor=Count("id", filter=Q(classification=Classification.NEAR_POOR)),
            assessed=Count("id"),
        )
        .order_by()
    )
    return _group(households, "commune", ["poor", "near_poor", "assessed"])


def _assessment(year: int, **filters) -> Exists:
    return Exists(
        PovertyAssessment.objects.filter(
            household_id=OuterRef("household_id"), year=year, **filters
        )
    )


def poverty_movement_counts(codes, year: int) -> Counts:
    """Households entering poverty (poor this year, not poor or not assessed the year before),
    leaving it (poor the year before, assessed not poor this year), and poor the year before
    but not reviewed this year."""
    field = "household__commune_id"
    entering = (
        _in(PovertyAssessment.objects.filter(year=year, classification="poor"), codes, field)
        .filter(~_assessment(year - 1, classification="poor"))
        .values(commune=F(field))
        .annotate(entering_poverty=Count("id"))
        .order_by()
    )
    before = _in(
        PovertyAssessment.objects.filter(year=year - 1, classification="poor"), codes, field
    )
    leaving = (
        before.filter(_assessment(year) & ~_assessment(year, classification="poor"))
        .values(commune=F(field))
        .annotate(leaving_poverty=Count("id"))
        .order_by()
    )
    unreviewed = (
        before.filter(~_assessment(year))
        .values(commune=F(field))
        .annotate(poor_not_reassessed=Count("id"))
        .order_by()
    )
    out = _group(entering, "commune", ["entering_poverty"])
    _group(leaving, "commune", ["leaving_poverty"], out)
    _group(unreviewed, "commune", ["poor_not_reassessed"], out)
    return out


def cases_on_rolls(codes, period: Period) -> QuerySet[Case]:
    """Decided cases in force in the reference month (suspended ones included: the person is
    still a beneficiary), the person alive at its start."""
    month = period.month
    return _in(
        Case.objects.filter(status__in=DECIDED, start_month__lte=month)
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=month))
        .filter(Q(person__date_of_death__isnull=True) | Q(person__date_of_death__gte=month)),
        codes,
    )


def _category_in_force(period: Period) -> Coalesce:
    """The main category of the decision, or of the latest decided adjustment by the month."""
    adjusted = CaseAdjustment.objects.filter(
        case_id=OuterRef("pk"), status=AdjustmentStatus.APPROVED, from_month__lte=period.month
    ).order_by("-from_month", "-id")
    return Coalesce(Subquery(adjusted.values("category")[:1]), F("category"))


def meritorious_counts(codes, period: Period, out: Counts | None = None) -> Counts:
    """Meritorious persons on the rolls, their households, and how many of those households
    the year's review found poor (Resolution 42's target: none)."""
    poor_household = Exists(
        PovertyAssessment.objects.filter(
            household_id=OuterRef("person__household_id"),
            year=period.year,
            classification=Classification.POOR,
        )
    )
    meritorious = (
        cases_on_rolls(codes, period)
        .filter(programme=Programme.MERITORIOUS)
        .annotate(household_poor=poor_household)
        .values("commune_id")
        .annotate(
            meritorious_persons=Count("person_id", distinct=True),
            meritorious_households=Count("person__household_id", distinct=True),
            meritorious_households_poor=Count(
                "person__household_id", distinct=True, filter=Q(household_poor=True)
            ),
        )
        .order_by()
    )
    figures = ["meritorious_persons", "meritorious_households", "meritorious_households_poor"]
    return _group(meritorious, "commune_id", figures, out)


def beneficiary_counts(codes, period: Period) -> tuple[Counts, dict[str, dict[tuple, int]]]:
    """(by commune: persons per programme, health-insurance card holders and the meritorious
    figures; by commune: (programme, category) → persons)."""
    cases = cases_on_rolls(codes, period)
    by_programme = (
        cases.values("commune_id", "programme").annotate(n=Count("person_id", distinct=True))
    ).order_by()
    out: Counts = defaultdict(dict)
    for row in by_programme:
        out[row["commune_id"]][f"persons_{row['programme']}"] = row["n"]
    insured = (
        cases.filter(programme__in=settings.REGISTRY_REPORT_HEALTH_INSURANCE_PROGRAMMES)
        .values("commune_id")
        .annotate(health_insurance_entitled=Count("person_id", distinct=True))
        .order_by()
    )
    _group(insured, "commune_id", ["health_insurance_entitled"], out)
    meritorious_counts(codes, period, out)
    by_category: dict[str, dict[tuple, int]] = defaultdict(dict)
    rows = (
        cases.annotate(category_now=_category_in_force(period))
        .values("commune_id", "programme", "category_now")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    for row in rows:
        by_category[row["commune_id"]][(row["programme"], row["category_now"])] = row["n"]
    return out, by_category
