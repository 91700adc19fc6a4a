"""Issuing: the number series per commune and year, what is recorded and audited, who may issue,
and the states in which nothing can be certified."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from beneficiaries.models import CaseStatus, Classification, PovertyAssessment
from certificates import keys, services
from certificates.models import Certificate, RevocationCode, SigningKey
from registry.exceptions import Conflict, Forbidden, NotFound, ValidationFailed
from registry.models import AuditEvent
from tests.certificates.conftest import HCM
from tests.certificates.factories import (
    HEAD_NAME,
    approved_case,
    issue_case_certificate,
    issue_household_certificate,
    poor_household,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_numbers_run_per_commune_kind_and_year(issuer, today):
    auditor = UserFactory(role="auditor")
    first = issue_household_certificate(issuer, poor_household())
    second = issue_household_certificate(issuer, poor_household())
    elsewhere = issue_household_certificate(auditor, poor_household("18871"))
    status = issue_case_certificate(issuer, approved_case())
    assert [first.number, second.number, elsewhere.number] == [
        "01/GCN-HN.HCN",
        "02/GCN-HN.HCN",
        "01/GCN-HN.HCN",
    ]
    assert status.number == "01/GXN-UBND"
    assert [c.status_index for c in (first, second, elsewhere, status)] == [0, 1, 2, 3]

    with time_machine.travel(datetime(2027, 1, 4, 8, 0, tzinfo=HCM), tick=False):
        household = poor_household(year=2027)
        next_year = issue_household_certificate(issuer, household)
    assert next_year.number == "01/GCN-HN.HCN" and next_year.year == 2027


def test_what_is_recorded(issuer, today):
    household = poor_household()
    certificate = issue_household_certificate(issuer, household, signatory_name="Lê Văn Thành")
    certificate.refresh_from_db()
    assert certificate.subject_ss_code == household.head.ss_code
    assert certificate.issued_on == date(2026, 3, 5)
    assert certificate.valid_until == date(2026, 12, 31)  # the review year
    assert certificate.issued_by == issuer and certificate.signatory_name == "Lê Văn Thành"
    assert certificate.poverty_assessment.year == 2026
    assert certificate.signing_key_id == keys.signer_registered().kid
    assert SigningKey.objects.get().retired_at is None

    event = AuditEvent.objects.get(action="certificate.issued")
    assert event.actor == issuer and event.commune_code == "18859"
    assert event.object_id == str(certificate.pk)
    assert event.data["number"] == "01/GCN-HN.HCN" and event.data["household_id"] == household.pk
    assert HEAD_NAME not in str(event.data)


def test_a_beneficiary_certificate_is_valid_for_the_configured_days_within_the_case(
    issuer, today, settings
):
    settings.REGISTRY_CERTIFICATE_VALIDITY_DAYS = 30
    case = approved_case()
    assert issue_case_certificate(issuer, case).valid_until == date(2026, 4, 4)
    ending = approved_case()
    ending.end_month = date(2026, 3, 1)
    ending.save(update_fields=["end_month"])
    assert issue_case_certificate(issuer, ending).valid_until == date(2026, 3, 31)


def test_a_reissue_supersedes_the_certificate_in_force(issuer, today):
    household = poor_household()
    old = issue_household_certificate(issuer, household)
    new = issue_household_certificate(issuer, household)
    old.refresh_from_db()
    assert old.revocation_code == RevocationCode.SUPERSEDED and old.revoked_at is not None
    assert new.revoked_at is None and new.number == "02/GCN-HN.HCN"
    revoked = AuditEvent.objects.get(action="certificate.revoked")
    assert revoked.object_id == str(old.pk) and revoked.data["revocation_code"] == "superseded"


@pytest.mark.parametrize(
    "classification, year, code",
    [
        (Classification.NOT_POOR, 2026, "household_not_poor"),
        (Classification.POOR, 2025, "assessment_outdated"),
    ],
)
def test_nothing_to_certify_for_a_household(issuer, today, classification, year, code):
    household = poor_household(classification=classification, year=year)
    with pytest.raises(Conflict) as caught:
        issue_household_certificate(issuer, household)
    assert caught.value.code == code
    assert (
        not Certificate.objects.exists()
        and not AuditEvent.objects.filter(action="certificate.issued").exists()
    )


def test_the_latest_review_decides(issuer, today):
    household = poor_household(year=2025)
    PovertyAssessment.objects.create(
        household=household,
        year=2026,
        income_per_capita=1_400_000,
        classification=Classification.NEAR_POOR,
        threshold=1_500_000,
    )
    certificate = issue_household_certificate(issuer, household)
    assert certificate.poverty_assessment.classification == Classification.NEAR_POOR


@pytest.mark.parametrize("status", [CaseStatus.SUBMITTED, CaseStatus.SUSPENDED])
def test_only_an_active_case_is_certified(issuer, today, status):
    case = approved_case()
    case.status = status
    case.save(update_fields=["status"])
    with pytest.raises(Conflict) as caught:
        issue_case_certificate(issuer, case)
    assert caught.value.code == "case_not_active"


def test_a_case_not_paying_this_month_is_not_certified(issuer, today):
    case = approved_case()
    case.start_month = date(2026, 6, 1)
    case.save(update_fields=["start_month"])
    with pytest.raises(Conflict) as caught:
        issue_case_certificate(issuer, case)
    assert caught.value.code == "case_not_paying"


def test_who_may_issue(today):
    household = poor_household()
    with pytest.raises(Forbidden):
        issue_household_certificate(
            UserFactory(role="social_worker", communes=["18859"]), household
        )
    with pytest.raises(NotFound):  # another commune: as if it did not exist
        issue_household_certificate(UserFactory(role="approver", communes=["18871"]), household)
    assert issue_household_certificate(UserFactory(role="auditor"), household).pk


def test_kind_and_subject_must_match(issuer, today):
    household = poor_household()
    with pytest.raises(ValidationFailed) as caught:
        services.certificate_issue(
            actor=issuer, kind="beneficiary_status", household_id=household.pk
        )
    assert caught.value.code == "subject_mismatch"
    with pytest.raises(NotFound):
        services.certificate_issue(actor=issuer, kind="household_poverty", household_id=10**9)


def test_the_database_allows_one_certificate_in_force_per_subject(issuer, today):
    from django.db import IntegrityError, transaction

    certificate = issue_household_certificate(issuer, poor_household())
    duplicate = Certificate.objects.get(pk=certificate.pk)
    duplicate.pk = None
    duplicate.serial, duplicate.status_index = 99, 99
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
