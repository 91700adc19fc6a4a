"""What a consistency check yields, and the scope it looks at."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypedDict

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from beneficiaries.models import (
    OPEN_CASE_STATUSES,
    Case,
    Household,
    Person,
)

PERMISSION = "beneficiaries.view_consistency_report"


class FindingKind:
    """The finding kinds of the API contract (api.md, "Consistency"); labels for people."""

    DECEASED_WITH_OPEN_CASE = "deceased_with_open_case"
    OPEN_CASES_IN_TWO_COMMUNES = "open_cases_in_two_communes"
    SHARED_PAYMENT_ACCOUNT = "shared_payment_account"
    MERITORIOUS_HOUSEHOLD_POOR = "meritorious_household_poor"
    POSSIBLE_DUPLICATE = "possible_duplicate"
    AGED_OUT = "aged_out"

    labels = {
        DECEASED_WITH_OPEN_CASE: gettext_lazy("Người đã mất còn hồ sơ đang mở"),
        OPEN_CASES_IN_TWO_COMMUNES: gettext_lazy("Một người có hồ sơ đang mở ở hai xã"),
        SHARED_PAYMENT_ACCOUNT: gettext_lazy(
            "Một tài khoản nhận tiền cho nhiều người không liên quan"
        ),
        MERITORIOUS_HOUSEHOLD_POOR: gettext_lazy("Hộ gia đình người có công là hộ nghèo"),
        POSSIBLE_DUPLICATE: gettext_lazy("Có thể trùng người"),
        AGED_OUT: gettext_lazy("Hồ sơ đang hưởng nhưng người hưởng đã quá độ tuổi của diện"),
    }
    values = tuple(labels)


class Finding(TypedDict):
    kind: str
    detail: str
    person_ids: list[int]
    case_ids: list[int]


@dataclass(frozen=True)
class Scope:
    """What a check may report on: querysets already narrowed to the actor's communes (or one)."""

    persons: QuerySet[Person]
    cases: QuerySet[Case]
    households: QuerySet[Household]

    def touching_persons(self) -> QuerySet[Person]:
        """Persons living in the scope or having a case paid by it (a lazy subquery)."""
        return Person.objects.filter(
            Q(pk__in=self.persons.values("pk")) | Q(pk__in=self.cases.values("person_id"))
        )


Check = Callable[[Scope], Iterable[Finding]]


def finding(
    kind: str, detail: str, *, person_ids: Iterable[int], case_ids: Iterable[int]
) -> Finding:
    return {
        "kind": kind,
        "detail": detail,
        "person_ids": sorted(set(person_ids)),
        "case_ids": sorted(set(case_ids)),
    }


def open_cases() -> QuerySet[Case]:
    return Case.objects.filter(status__in=OPEN_CASE_STATUSES)


def codes_text(values: Iterable[str]) -> str:
    return ", ".join(sorted(set(values)))
