"""When a certificate stops being true: its case ended or paused, or its household left the status.

The beneficiaries app knows nothing of certificates (it sits below them), so the certificates
side looks for lapsed certificates itself: when the status list is built, on each online
verification, and before a batch print. Each rule is one query condition on `Certificate`.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q

from beneficiaries.models import CaseStatus, PovertyAssessment, VitalStatus
from certificates.models import CertificateKind, RevocationCode


def case_ended(month: date) -> Q:
    """A beneficiary-status certificate whose case no longer pays in `month` (its first day)."""
    return Q(kind=CertificateKind.BENEFICIARY_STATUS) & (
        Q(case__status=CaseStatus.SUSPENDED)
        | ~Q(case__status__in=[CaseStatus.APPROVED, CaseStatus.TERMINATED])
        | Q(case__status=CaseStatus.TERMINATED, case__end_month__isnull=True)
        | Q(case__end_month__lt=month)
        | Q(case__person__vital_status=VitalStatus.DECEASED)
    )


def left_poverty() -> Q:
    """A household certificate contradicted by a later review (not poor, or poor ↔ near-poor)."""
    later = PovertyAssessment.objects.filter(
        household=OuterRef("household"), year__gt=OuterRef("poverty_assessment__year")
    ).exclude(classification=OuterRef("poverty_assessment__classification"))
    return Q(kind=CertificateKind.HOUSEHOLD_POVERTY) & Q(Exists(later))


def rules(month: date) -> list[tuple[str, Q]]:
    return [
        (RevocationCode.CASE_ENDED, case_ended(month)),
        (RevocationCode.LEFT_POVERTY, left_poverty()),
    ]
