"""Audited prints: one certificate, every current certificate of a commune, a payment list.

The PDF is rendered first (reads only); the print is then recorded in its own transaction, so
a failed render leaves no "printed" event and a recorded print always produced a file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.identifiers import ss_code_is_valid
from certificates import selectors, subjects
from certificates.documents import Issuer, PaymentList, PaymentListRow
from certificates.models import Certificate, CertificateKind
from certificates.renderers import (
    BeneficiaryStatusRenderer,
    CertificateBatchRenderer,
    HouseholdPovertyRenderer,
    PaymentListRenderer,
)
from certificates.services import certificates_lapsed_revoke, require
from registry.access import ensure_commune_access
from registry.audit import AuditAction, audit_record, audit_record_many
from registry.exceptions import Conflict, NotFound, ValidationFailed
from registry.models import Commune

Progress = Callable[[int, int, str], None]

RENDERERS = {
    CertificateKind.HOUSEHOLD_POVERTY: HouseholdPovertyRenderer,
    CertificateKind.BENEFICIARY_STATUS: BeneficiaryStatusRenderer,
}


def pdf_filename(certificate: Certificate) -> str:
    return f"{certificate.number.replace('/', '-')}.pdf"


def certificate_pdf(*, actor, certificate_id: int) -> tuple[str, bytes]:
    """The certificate as printed when issued (same number, same QR code)."""
    require(actor, "certificates.print_certificate")
    certificate = selectors.certificate_get(user=actor, certificate_id=certificate_id)
    certificates_lapsed_revoke(certificate_ids=[certificate.pk])
    certificate = selectors.certificate_get(user=actor, certificate_id=certificate.pk)
    if certificate.is_revoked:
        raise Conflict(_("Giấy chứng nhận đã bị thu hồi."), code="certificate_revoked")
    if certificate.valid_until < timezone.localdate():
        raise Conflict(_("Giấy chứng nhận đã hết hiệu lực."), code="certificate_expired")
    pdf = RENDERERS[certificate.kind]().render([subjects.document(certificate)])
    with transaction.atomic(durable=True):
        audit_record(
            actor=actor,
            action=AuditAction.CERTIFICATE_PRINTED,
            obj=certificate,
            commune_code=certificate.commune_id,
            data={"number": certificate.number},
        )
    return pdf_filename(certificate), pdf


def certificates_batch_print(
    *, actor, commune_code: str, kind: str | None = None, progress: Progress | None = None
) -> bytes:
    """Every certificate of a commune still in force, as one PDF (lapsed ones are revoked first).

    `progress(done, total, message)` is called as pages are drawn, for a background job.
    """
    require(actor, "certificates.print_certificate")
    if not Commune.objects.filter(code=commune_code).exists():
        raise NotFound()
    ensure_commune_access(actor, commune_code)
    report = progress or (lambda done, total, message: None)
    certificates_lapsed_revoke(commune_code=commune_code)
    current = selectors.certificates_current(user=actor, commune_code=commune_code, kind=kind)
    total = current.count()
    if total == 0:
        raise Conflict(_("Xã không có giấy chứng nhận nào còn hiệu lực."), code="nothing_to_print")
    report(0, total, _("Đang chuẩn bị in giấy chứng nhận"))
    printed: list[Certificate] = []

    def collected(rows: Iterable[Certificate]):
        for certificate in rows:
            printed.append(certificate)
            yield certificate

    message = _("Đang in giấy chứng nhận")
    pdf = CertificateBatchRenderer().render(
        subjects.documents(collected(current.iterator(chunk_size=500))),
        total=total,
        progress=lambda done, count, _unused: report(done, count, message),
    )
    with transaction.atomic(durable=True):
        audit_record_many(
            actor=actor,
            action=AuditAction.CERTIFICATE_PRINTED,
            objects=printed,
            data={"batch": True},
        )
        audit_record(
            actor=actor,
            action=AuditAction.CERTIFICATES_BATCH_PRINTED,
            object_type="commune",
            object_id=commune_code,
            commune_code=commune_code,
            data={"count": len(printed), "kind": kind or ""},
        )
    report(total, total, _("Đã in xong"))
    return pdf


def _payment_row(index: int, row) -> PaymentListRow:
    """A row as a mapping or an object with full_name, ss_code, amount (and note)."""
    get = (
        row.get if isinstance(row, dict) else lambda name, default=None: getattr(row, name, default)
    )
    name = unicodedata.normalize("NFC", str(get("full_name", "") or "")).strip()
    ss_code = str(get("ss_code", "") or "")
    try:
        amount = Decimal(str(get("amount")))
    except (InvalidOperation, ValueError):
        amount = None
    problems = {}
    if not name:
        problems[f"rows.{index}.full_name"] = [_("Thiếu họ và tên.")]
    if not ss_code_is_valid(ss_code):
        problems[f"rows.{index}.ss_code"] = [_("Mã an sinh xã hội không hợp lệ.")]
    if amount is None or amount < 0 or amount != amount.to_integral_value():
        problems[f"rows.{index}.amount"] = [_("Số tiền phải là số đồng nguyên, không âm.")]
    if problems:
        raise ValidationFailed(code="invalid_payment_row", fields=problems)
    note = unicodedata.normalize("NFC", str(get("note", "") or "")).strip()
    return PaymentListRow(full_name=name, ss_code=ss_code, amount=amount, note=note)


def payment_list_pdf(
    *,
    actor,
    commune_code: str,
    title: str,
    rows: Iterable,
    subtitle: str = "",
    signatory_name: str = "",
) -> bytes:
    """A payment list for signature from plain rows (the payments app supplies them per batch)."""
    require(actor, "certificates.print_payment_list")
    commune = Commune.objects.select_related("province").filter(code=commune_code).first()
    if commune is None:
        raise NotFound()
    ensure_commune_access(actor, commune_code)
    lines = tuple(_payment_row(index, row) for index, row in enumerate(rows))
    if not lines:
        raise ValidationFailed(_("Danh sách chi trả không có dòng nào."), code="empty_payment_list")
    issuer = Issuer(
        committee="Ủy ban nhân dân",
        unit=commune.name,
        place=subjects.place_name(commune),
        province=commune.province.name,
        signatory_name=unicodedata.normalize("NFC", signatory_name).strip(),
    )
    document = PaymentList(
        issuer=issuer,
        title=unicodedata.normalize("NFC", title).strip(),
        subtitle=unicodedata.normalize("NFC", subtitle).strip(),
        issued_on=timezone.localdate(),
        rows=lines,
    )
    pdf = PaymentListRenderer().render([document])
    with transaction.atomic(durable=True):
        audit_record(
            actor=actor,
            action=AuditAction.PAYMENT_LIST_PRINTED,
            object_type="commune",
            object_id=commune_code,
            commune_code=commune_code,
            data={"rows": len(lines), "total": str(sum(r.amount for r in lines))},
        )
    return pdf
