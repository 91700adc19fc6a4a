"""The demo's certificates, issued through the certificates service as an auditor would: a status
certificate for a few approved beneficiaries, a poverty certificate for a few poor households of
this year, and one revoked — so the certificates list, the PDF and the verification page each show
every state the demo can have."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from beneficiaries.models import Case, CaseStatus
from beneficiaries.models.poverty import Classification, PovertyAssessment
from certificates import services
from certificates.models import Certificate, CertificateKind
from registry.models import User

STATUS_CERTIFICATES = 4
POVERTY_CERTIFICATES = 2
SIGNATORY = ("Nguyễn Văn Hùng", "Chủ tịch UBND xã")


@dataclass(frozen=True)
class DemoCertificates:
    issued: int
    revoked: int


def demo_certificates_seed(*, actor: User, communes: list[str], today: date) -> DemoCertificates:
    """Idempotent: nothing is written when the demo communes already hold a certificate."""
    if Certificate.objects.filter(commune_id__in=communes).exists():
        return DemoCertificates(issued=0, revoked=0)
    signatory = {"signatory_name": SIGNATORY[0], "signatory_title": SIGNATORY[1]}
    issued = []
    case_ids = Case.objects.filter(commune_id__in=communes, status=CaseStatus.APPROVED).order_by(
        "pk"
    )
    for case_id in case_ids.values_list("pk", flat=True)[:STATUS_CERTIFICATES]:
        issued.append(
            services.certificate_issue(
                actor=actor, kind=CertificateKind.BENEFICIARY_STATUS, case_id=case_id, **signatory
            )
        )
    poor = PovertyAssessment.objects.filter(
        household__commune_id__in=communes,
        year=today.year,
        classification__in=[Classification.POOR, Classification.NEAR_POOR],
        household__head__isnull=False,
    ).order_by("household_id")
    for household_id in poor.values_list("household_id", flat=True)[:POVERTY_CERTIFICATES]:
        issued.append(
            services.certificate_issue(
                actor=actor,
                kind=CertificateKind.HOUSEHOLD_POVERTY,
                household_id=household_id,
                **signatory,
            )
        )
    revoked = 0
    if issued:
        services.certificate_revoke(
            actor=actor,
            certificate_id=issued[0].pk,
            reason="Cấp nhầm, đã cấp lại theo hồ sơ đúng (dữ liệu minh họa).",
        )
        revoked = 1
    return DemoCertificates(issued=len(issued), revoked=revoked)
