"""reportlab renderers: one class per document, each `render()` returning PDF bytes."""

from __future__ import annotations

from certificates.documents import BeneficiaryStatusCertificate, HouseholdPovertyCertificate
from certificates.renderers.base import AdministrativeRenderer
from certificates.renderers.beneficiary import BeneficiaryStatusRenderer
from certificates.renderers.household import HouseholdPovertyRenderer
from certificates.renderers.payment_list import PaymentListRenderer

__all__ = [
    "AdministrativeRenderer",
    "BeneficiaryStatusRenderer",
    "CertificateBatchRenderer",
    "HouseholdPovertyRenderer",
    "PaymentListRenderer",
]


class CertificateBatchRenderer(AdministrativeRenderer):
    """Certificates of any kind in one PDF: each drawn by its own kind's renderer."""

    pdf_title = "Giấy chứng nhận"
    renderers = {
        HouseholdPovertyCertificate: HouseholdPovertyRenderer(),
        BeneficiaryStatusCertificate: BeneficiaryStatusRenderer(),
    }

    def draw(self, canvas, document) -> None:
        self.renderers[type(document)].draw(canvas, document)
