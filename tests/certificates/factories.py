"""Certificates test data: a poor household with its head and members, an approved case, and
certificates issued through the service (so numbering, signing and audit are the real ones)."""

from __future__ import annotations

from datetime import date

from beneficiaries.models import Classification, PovertyAssessment
from certificates import services
from tests.factories import CaseFactory, HouseholdFactory, PersonFactory, national_id_for

HEAD_NAME = "Nguyễn Thị Hồng Nhung"


def poor_household(
    commune: str = "18859",
    *,
    year: int = 2026,
    classification: str = Classification.POOR,
    head_name: str = HEAD_NAME,
    members: int = 3,
):
    household = HouseholdFactory(commune_id=commune, village="Thôn Đông", address="Số 5 Lê Lợi")
    head = PersonFactory(
        household=household,
        full_name=head_name,
        sex="female",
        date_of_birth=date(1975, 9, 2),
        national_id=national_id_for("female", date(1975, 9, 2), 1122),
        ethnicity="Vân Kiều",
        relation_to_head="head",
    )
    household.head = head
    household.save(update_fields=["head"])
    for index in range(members - 1):
        PersonFactory(
            household=household,
            full_name=f"Hồ Văn Ánh {index + 1}",
            sex="male",
            date_of_birth=date(2005 + index, 1, 15),
            relation_to_head="child",
        )
    PovertyAssessment.objects.create(
        household=household,
        year=year,
        income_per_capita=900_000,
        classification=classification,
        threshold=1_500_000,
        lacks_water=True,
        lacks_latrine=True,
        lacks_housing_quality=True,
    )
    return household


def approved_case(commune: str = "18859", **person):
    household = HouseholdFactory(commune_id=commune)
    values = {"full_name": HEAD_NAME, "sex": "female", "date_of_birth": date(1940, 3, 2)}
    values.update(person)
    person_row = PersonFactory(household=household, **values)
    return CaseFactory(person=person_row, approved=True, category="5.5c")


def issue_household_certificate(actor, household, **extra):
    return services.certificate_issue(
        actor=actor, kind="household_poverty", household_id=household.pk, **extra
    )


def issue_case_certificate(actor, case, **extra):
    return services.certificate_issue(
        actor=actor, kind="beneficiary_status", case_id=case.pk, **extra
    )
