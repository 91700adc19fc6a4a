"""Revocation a verifier sees: by hand with a reason, or because the case ended or the household
left the certified status; online at once, offline with a fresh status list (an old list still
says valid, and says how old it is)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from beneficiaries import services as registry_services
from beneficiaries.models import Classification, PovertyAssessment
from certificates import keys, online, services
from certificates.verification import verify_offline
from registry.exceptions import Conflict, NotFound, ValidationFailed
from registry.models import AuditEvent
from tests.certificates.factories import (
    approved_case,
    issue_case_certificate,
    issue_household_certificate,
    poor_household,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def offline(certificate, status_list: bytes | None):
    return verify_offline(
        certificate.token, jwks=keys.jwks(), status_list=status_list, now=timezone.now()
    )


def test_revoked_by_hand_reads_revoked_online_and_offline_with_a_fresh_list(issuer, today):
    certificate = issue_household_certificate(issuer, poor_household())
    old_list = online.status_list_build()
    assert online.certificate_verify(certificate.token).status == "valid"

    services.certificate_revoke(actor=issuer, certificate_id=certificate.pk, reason="Cấp nhầm hộ")

    assert online.certificate_verify(certificate.token).status == "revoked"
    fresh = offline(certificate, online.status_list_build())
    assert fresh.status == "revoked" and fresh.revocation_checked
    # The list downloaded before the revocation cannot know it.
    today.shift(timedelta(hours=3))
    stale = offline(certificate, old_list)
    assert stale.status == "valid"
    assert timezone.now() - stale.status_list_issued_at == timedelta(hours=3)

    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Cấp nhầm hộ" and certificate.revoked_by == issuer
    event = AuditEvent.objects.get(action="certificate.revoked")
    assert event.actor == issuer and event.data == {
        "revocation_code": "manual",
        "number": certificate.number,
    }


def test_revoke_needs_a_reason_and_happens_once(issuer, today):
    certificate = issue_household_certificate(issuer, poor_household())
    with pytest.raises(ValidationFailed):
        services.certificate_revoke(actor=issuer, certificate_id=certificate.pk, reason="  ")
    services.certificate_revoke(actor=issuer, certificate_id=certificate.pk, reason="Sai")
    with pytest.raises(Conflict) as caught:
        services.certificate_revoke(actor=issuer, certificate_id=certificate.pk, reason="Sai")
    assert caught.value.code == "certificate_revoked"
    other = UserFactory(role="approver", communes=["18871"])
    with pytest.raises(NotFound):
        services.certificate_revoke(actor=other, certificate_id=certificate.pk, reason="x")


def test_a_terminated_case_revokes_its_certificate_when_checked(issuer, today):
    case = approved_case()
    certificate = issue_case_certificate(issuer, case)
    decider = UserFactory(role="approver", communes=["18859"])
    registry_services.case_terminate(
        actor=decider, case_id=case.pk, reason="Chuyển đi", from_month=date(2026, 3, 1)
    )
    assert online.certificate_verify(certificate.token).status == "revoked"
    certificate.refresh_from_db()
    assert certificate.revocation_code == "case_ended" and certificate.revoked_by is None
    event = AuditEvent.objects.get(action="certificate.revoked", object_id=str(certificate.pk))
    assert event.actor is None and event.data == {
        "revocation_code": "case_ended",
        "automatic": True,
    }


def test_a_death_and_a_suspension_revoke_when_the_status_list_is_built(issuer, today):
    dying, paused, untouched = approved_case(), approved_case(), approved_case()
    certificates = [issue_case_certificate(issuer, case) for case in (dying, paused, untouched)]
    worker = UserFactory(role="social_worker", communes=["18859"])
    registry_services.person_record_death(
        actor=worker, person_id=dying.person_id, date_of_death=date(2026, 3, 2)
    )
    registry_services.case_suspend(
        actor=issuer, case_id=paused.pk, reason="Không nhận 3 tháng", from_month=date(2026, 3, 1)
    )
    listing = online.status_list_build()
    assert [offline(c, listing).status for c in certificates] == ["revoked", "revoked", "valid"]
    assert AuditEvent.objects.filter(action="certificate.revoked").count() == 2


def test_a_household_that_left_poverty_loses_its_certificate(issuer, today):
    household = poor_household(year=2026)
    certificate = issue_household_certificate(issuer, household)
    still_poor = issue_household_certificate(issuer, poor_household(year=2026))
    PovertyAssessment.objects.create(
        household=household,
        year=2027,
        income_per_capita=2_500_000,
        classification=Classification.NOT_POOR,
        threshold=2_200_000,
    )
    listing = online.status_list_build()
    assert offline(certificate, listing).status == "revoked"
    assert offline(still_poor, listing).status == "valid"
    certificate.refresh_from_db()
    assert certificate.revocation_code == "left_poverty"


def test_a_later_review_with_the_same_status_keeps_the_certificate(issuer, today):
    household = poor_household(year=2026)
    certificate = issue_household_certificate(issuer, household)
    PovertyAssessment.objects.create(
        household=household,
        year=2027,
        income_per_capita=900_000,
        classification=Classification.POOR,
        threshold=2_200_000,
    )
    assert online.certificate_verify(certificate.token).status == "valid"


def test_expired_reads_expired(issuer, today):
    certificate = issue_household_certificate(issuer, poor_household())
    today.move_to(timezone.make_aware(timezone.datetime(2027, 1, 1, 0, 0, 1)))
    assert online.certificate_verify(certificate.token).status == "expired"


def test_a_signed_token_the_registry_did_not_record_is_invalid_online(issuer, today):
    certificate = issue_household_certificate(issuer, poor_household())
    token = certificate.token
    certificate.token = "replaced"
    certificate.save(update_fields=["token"])
    result = online.certificate_verify(token)
    assert result.status == "invalid" and result.reason == "unknown_certificate"


def test_the_reason_is_stored_encrypted(issuer, today):
    from django.db import connection

    certificate = issue_household_certificate(issuer, poor_household())
    services.certificate_revoke(
        actor=issuer, certificate_id=certificate.pk, reason="Hộ đã chuyển đi"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT revocation_reason FROM certificates_certificate WHERE id = %s", [certificate.pk]
        )
        (stored,) = cursor.fetchone()
    assert "chuyển" not in stored and stored.count(":") == 1  # keyid:ciphertext
    assert "Hộ đã chuyển đi" not in str(AuditEvent.objects.values_list("data", flat=True))
