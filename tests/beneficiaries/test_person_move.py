"""A move to another commune reopens each open case at the new place with the terms in force."""

from datetime import date

import pytest
import time_machine

from beneficiaries import entitlements, services
from beneficiaries.models import Case, CaseStatus
from tests.factories import HouseholdFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

OWN, OTHER = "18859", "18871"


@time_machine.travel(date(2026, 9, 15), tick=False)
def test_the_new_place_pays_the_adjusted_terms_not_the_first_decision():
    worker = UserFactory(role="social_worker", communes=[OWN, OTHER])
    boss = UserFactory(role="approver", communes=[OWN, OTHER])
    person = PersonFactory(
        household=HouseholdFactory(commune_id=OWN), date_of_birth=date(1985, 3, 3)
    )
    case = services.case_create(
        actor=worker,
        person_id=person.pk,
        programme="social_assistance",
        category="5.6",
        disability_level="severe",
    )
    services.case_submit(actor=worker, case_id=case.pk)
    services.case_approve(
        actor=boss, case_id=case.pk, decision_number="01/QĐ", decision_date=date(2026, 2, 5)
    )
    # Re-assessed in June: extremely severe from July (Decree 20/2021 Art. 6: 2.0 for an adult).
    adjustment = services.case_adjust(
        actor=worker,
        case_id=case.pk,
        from_month=date(2026, 7, 1),
        reason="Giám định lại",
        changes={"disability_level": "extremely_severe"},
    )
    services.case_adjustment_approve(
        actor=boss,
        adjustment_id=adjustment.pk,
        decision_number="07/QĐ",
        decision_date=date(2026, 7, 2),
    )

    services.person_move(
        actor=worker, person_id=person.pk, household_id=HouseholdFactory(commune_id=OTHER).pk
    )

    new = Case.objects.get(person=person, commune_id=OTHER)
    assert new.status == CaseStatus.DRAFT
    assert new.disability_level == "extremely_severe"
    assert new.requested_start_month == date(2026, 10, 1)
    # What the new decision would pay: 2.0 × 500,000 (Decree 76/2024 base).
    services.case_submit(actor=worker, case_id=new.pk)
    services.case_approve(
        actor=boss, case_id=new.pk, decision_number="12/QĐ", decision_date=date(2026, 9, 15)
    )
    october = entitlements.case_entitlements(new, date(2026, 10, 1), date(2026, 10, 1))[0]
    assert october.amount == 1_000_000
    september_old = entitlements.case_entitlements(case, date(2026, 9, 1), date(2026, 10, 1))
    assert [month.amount for month in september_old] == [1_000_000, 0]
