"""Builders for the entitlement tests: approved cases written straight to the database, and
in-memory case rows and rate books for the rules that need no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from beneficiaries.entitlements import CaseRow, RateBook, Terms
from beneficiaries.models import Case

# The national base levels as the decrees set them (Decree 20/2021, 76/2024, 75/2021, 55/2023,
# 77/2024, 176/2025): (kind, province, valid_from, amount).
LEGAL_BASES = [
    ("social_assistance", None, date(2021, 7, 1), Decimal("360000")),
    ("social_assistance", None, date(2024, 7, 1), Decimal("500000")),
    ("meritorious", None, date(2021, 9, 15), Decimal("1624000")),
    ("meritorious", None, date(2023, 7, 1), Decimal("2055000")),
    ("meritorious", None, date(2024, 7, 1), Decimal("2789000")),
    ("social_pension", None, date(2025, 7, 1), Decimal("500000")),
]


def legal_rates() -> RateBook:
    return RateBook(LEGAL_BASES, [])


def make_case(
    person,
    programme: str = "social_assistance",
    category: str = "5.6",
    *,
    status: str = "approved",
    start: date = date(2024, 1, 1),
    end: date | None = None,
    **extra,
) -> Case:
    """A case saved straight to the database (bypassing services) with a decision."""
    return Case.objects.create(
        person=person,
        commune_id=person.commune_id,
        programme=programme,
        category=category,
        status=status,
        decision_number="15/QĐ-UBND" if status != "draft" else "",
        decision_date=start if status != "draft" else None,
        start_month=start if status != "draft" else None,
        end_month=end,
        **extra,
    )


def case_row(
    *,
    born: date,
    categories: tuple[str, ...] = ("5.6",),
    programme: str = "social_assistance",
    status: str = "approved",
    start: date | None = date(2021, 7, 1),
    end: date | None = None,
    died: date | None = None,
    disability_level: str | None = "severe",
    children_count: int = 0,
    poor_household: bool = False,
    suspensions: tuple = (),
    adjustments: tuple = (),
    case_id: int = 1,
    person_id: int = 1,
) -> CaseRow:
    """A case as the entitlement rules see it, without a database."""
    terms = Terms(
        category=categories[0],
        other_categories=tuple(categories[1:]),
        disability_level=disability_level,
        children_count=children_count,
    )
    return CaseRow(
        id=case_id,
        person_id=person_id,
        programme=programme,
        status=status,
        start_month=start,
        end_month=end,
        date_of_birth=born,
        date_of_death=died,
        province_code="44",
        poor_household=poor_household,
        timeline=((None, terms), *adjustments),
        suspensions=tuple(suspensions),
    )
