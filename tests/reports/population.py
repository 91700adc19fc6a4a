"""A known population over two communes of Quảng Trị (province 44) and two review years.

Commune A (18859), households registered in 2025 unless said:
  a1 poor 2025 → poor 2026 (3 persons, one died in May 2026); a meritorious war invalid at 81 %
  a2 poor → near-poor (leaves poverty; 2 persons)
  a3 near-poor → poor (enters; 2 persons, both 5.8 HIV, social assistance)
  a4 not poor → not poor (1 person: a martyr's relative)
  a5 not assessed → poor (enters; 1 person: 5.5c, born 1940)
  a6 poor → not reviewed in 2026 (1 person: social pension, born 1945)
  a7 nobody assessed (2 persons: a 5.5c case terminated after June 2026, a suspended 5.6 case)
  a8 nobody assessed (1 person: a draft 5.5c case)
  a9 registered in 2026, near-poor 2026 (1 person)
Commune B (18871):
  b1 poor 2025 → not poor 2026 (leaves; 1 person)
  b2 near-poor → near-poor (6 persons: five 5.3 HIV children born 2020, one adult)
  b3 not assessed (1 person: a martyr's relative whose case starts in March 2026)
  b4, b5, b6 not assessed (1 person each)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from beneficiaries.models import CaseStatus, CaseSuspension, PovertyAssessment
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import CaseFactory, HouseholdFactory, PersonFactory

A, B = OWN_COMMUNE, OTHER_COMMUNE
VN = ZoneInfo("Asia/Ho_Chi_Minh")
IN_2025 = datetime(2025, 3, 1, 9, 0, tzinfo=VN)
IN_2026 = datetime(2026, 2, 1, 9, 0, tzinfo=VN)
TODAY = datetime(2026, 12, 15, 10, 30, tzinfo=VN)


@dataclass
class Population:
    households: dict[str, object] = field(default_factory=dict)
    persons: dict[str, list] = field(default_factory=dict)


def _household(pop: Population, name: str, commune: str, size: int, **person) -> list:
    household = HouseholdFactory(commune_id=commune)
    members = [PersonFactory(household=household, **person) for _ in range(size)]
    pop.households[name] = household
    pop.persons[name] = members
    return members


def _assess(pop: Population, name: str, year: int, classification: str) -> None:
    PovertyAssessment.objects.create(
        household=pop.households[name], year=year, classification=classification,
        income_per_capita=Decimal("1200000"), threshold=Decimal("1500000"),
    )  # fmt: skip


def _case(person, programme: str, category: str, start: date, **extra):
    return CaseFactory(
        person=person, programme=programme, category=category, approved=True,
        start_month=start, decision_date=start, **extra,
    )  # fmt: skip


def build() -> Population:
    pop = Population()
    with time_machine.travel(IN_2025, tick=False):
        _household(pop, "a1", A, 3)
        _household(pop, "a2", A, 2)
        _household(pop, "a3", A, 2, date_of_birth=date(1990, 1, 1))
        _household(pop, "a4", A, 1)
        _household(pop, "a5", A, 1, date_of_birth=date(1940, 2, 2))
        _household(pop, "a6", A, 1, date_of_birth=date(1945, 3, 3))
        _household(pop, "a7", A, 2, date_of_birth=date(1941, 4, 4))
        _household(pop, "a8", A, 1, date_of_birth=date(1942, 5, 5))
        _household(pop, "b1", B, 1)
        b2 = _household(pop, "b2", B, 5, date_of_birth=date(2020, 6, 1), relation_to_head="child")
        b2.append(PersonFactory(household=pop.households["b2"]))
        _household(pop, "b3", B, 1)
        for name in ("b4", "b5", "b6"):
            _household(pop, name, B, 1)
    with time_machine.travel(IN_2026, tick=False):
        _household(pop, "a9", A, 1)
    # A death in May 2026: counted in 2025, not at the end of 2026.
    dead = pop.persons["a1"][2]
    dead.vital_status, dead.date_of_death = "deceased", date(2026, 5, 20)
    dead.save()

    for name, y2025, y2026 in [
        ("a1", "poor", "poor"), ("a2", "poor", "near_poor"), ("a3", "near_poor", "poor"),
        ("a4", "not_poor", "not_poor"), ("a5", None, "poor"), ("a6", "poor", None),
        ("a9", None, "near_poor"), ("b1", "poor", "not_poor"), ("b2", "near_poor", "near_poor"),
    ]:  # fmt: skip
        if y2025:
            _assess(pop, name, 2025, y2025)
        if y2026:
            _assess(pop, name, 2026, y2026)

    jan_2025 = date(2025, 1, 1)
    _case(pop.persons["a1"][0], "meritorious", "g", jan_2025, meritorious_grade="81")
    _case(pop.persons["a4"][0], "meritorious", "relative", jan_2025, meritorious_grade="martyrs_1")
    _case(pop.persons["b3"][0], "meritorious", "relative", date(2026, 3, 1),
          meritorious_grade="martyrs_1")  # fmt: skip
    for person in pop.persons["a3"]:
        _case(person, "social_assistance", "5.8", jan_2025)
    _case(pop.persons["a5"][0], "social_assistance", "5.5c", jan_2025)
    _case(pop.persons["a6"][0], "social_pension", "pension", jan_2025)
    ended, suspended = pop.persons["a7"]
    _case(ended, "social_assistance", "5.5c", jan_2025, status=CaseStatus.TERMINATED,
          end_month=date(2026, 6, 1))  # fmt: skip
    case = _case(suspended, "social_assistance", "5.6", jan_2025, status=CaseStatus.SUSPENDED,
                 disability_level="severe")  # fmt: skip
    CaseSuspension.objects.create(case=case, from_month=date(2026, 10, 1), reason="Đi vắng")
    CaseFactory(person=pop.persons["a8"][0], category="5.5c")  # a draft: not a beneficiary
    for child in pop.persons["b2"][:5]:
        _case(child, "social_assistance", "5.3", jan_2025)
    return pop
