"""Every write of the certificates app: issue, revoke (by hand or because it lapsed), and the
audited prints.

Each public write is one durable transaction that locks what it changes, checks the state,
changes it and writes the audit event. Rendering happens outside the transaction (it only
reads), and the print is audited once the PDF exists.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time, timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Case, CaseStatus, Classification, Household, VitalStatus
from certificates import keys, lapses, subjects, tokens
from certificates.models import Certificate, CertificateKind, RevocationCode
from registry.access import ensure_commune_access
from registry.audit import AuditAction, audit_record, audit_record_many
from registry.counters import counter_reserve
from registry.exceptions import Conflict, Forbidden, NotFound, ValidationFailed

# Number suffixes (Decree 30/2020 Annex III: number/abbreviation of the document type-of the body).
NUMBER_SUFFIX = {
    CertificateKind.HOUSEHOLD_POVERTY: "GCN-HN.HCN",
    CertificateKind.BENEFICIARY_STATUS: "GXN-UBND",
}
_SERIES = {CertificateKind.HOUSEHOLD_POVERTY: "hn", CertificateKind.BENEFICIARY_STATUS: "xn"}
STATUS_INDEX_SCOPE = "cert:status_index"


def require(actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise Forbidden()


def certificate_issuer() -> str:
    """The CWT `iss`: the host of the public base URL (short, and names who to ask for keys)."""
    base = settings.REGISTRY_PUBLIC_BASE_URL
    return urlparse(base).netloc or base


def status_list_url() -> str:
    return f"{settings.REGISTRY_PUBLIC_BASE_URL.rstrip('/')}/api/v1/verify/status-list/"


def _end_of_day(day: date) -> datetime:
    """The moment a certificate valid through `day` (local date) expires."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _month_last_day(month: date) -> date:
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _conflict(code: str, message) -> Conflict:
    return Conflict(message, code=code)


def _household_subject(actor, household_id: int, today: date) -> dict:
    household = Household.objects.select_for_update().filter(pk=household_id).first()
    if household is None:
        raise NotFound()
    ensure_commune_access(actor, household.commune_id)
    assessment = household.poverty_assessments.order_by("-year").first()
    if assessment is None or assessment.classification == Classification.NOT_POOR:
        raise _conflict("household_not_poor", _("Hộ không thuộc diện hộ nghèo, hộ cận nghèo."))
    if assessment.year < today.year:
        raise _conflict(
            "assessment_outdated",
            _("Kết quả rà soát gần nhất của hộ là của năm trước; cần rà soát năm nay."),
        )
    head = household.members.filter(pk=household.head_id).first()
    if head is None:
        raise _conflict("household_without_head", _("Hộ chưa có chủ hộ."))
    return {
        "household": household,
        "poverty_assessment": assessment,
        "commune_id": household.commune_id,
        "subject_ss_code": head.ss_code,
        "valid_until": date(assessment.year, 12, 31),
        "current": Certificate.objects.filter(household=household),
    }


def _case_subject(actor, case_id: int, today: date) -> dict:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("person", "commune")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound()
    ensure_commune_access(actor, case.commune_id)
    if case.status != CaseStatus.APPROVED or case.person.vital_status == VitalStatus.DECEASED:
        raise _conflict("case_not_active", _("Hồ sơ không ở trạng thái đang hưởng."))
    if subjects.monthly_amount(case, today.replace(day=1)) <= 0:
        raise _conflict("case_not_paying", _("Hồ sơ chưa được chi trả trong tháng này."))
    valid_until = today + timedelta(days=settings.REGISTRY_CERTIFICATE_VALIDITY_DAYS)
    if case.end_month is not None:
        valid_until = min(valid_until, _month_last_day(case.end_month))
    return {
        "case": case,
        "commune_id": case.commune_id,
        "subject_ss_code": case.person.ss_code,
        "valid_until": valid_until,
        "current": Certificate.objects.filter(case=case),
    }


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def certificate_issue(
    *,
    actor,
    kind: str,
    household_id: int | None = None,
    case_id: int | None = None,
    signatory_name: str = "",
    signatory_title: str = "",
) -> Certificate:
    """Number, sign and record a certificate; a previous one for the same subject is superseded."""
    require(actor, "certificates.issue_certificate")
    wanted = household_id if kind == CertificateKind.HOUSEHOLD_POVERTY else case_id
    other = case_id if kind == CertificateKind.HOUSEHOLD_POVERTY else household_id
    if kind not in CertificateKind.values or wanted is None or other is not None:
        field = "household_id" if kind == CertificateKind.HOUSEHOLD_POVERTY else "case_id"
        message = _("Giấy chứng nhận hộ nghèo cần household_id; giấy xác nhận cần case_id.")
        raise ValidationFailed(message, code="subject_mismatch", fields={field: [message]})
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate(now)
    with transaction.atomic(durable=True):
        if kind == CertificateKind.HOUSEHOLD_POVERTY:
            subject = _household_subject(actor, wanted, today)
        else:
            subject = _case_subject(actor, wanted, today)
        superseded = list(
            subject.pop("current").select_for_update().filter(kind=kind, revoked_at__isnull=True)
        )
        for old in superseded:
            _revoke(old, actor=actor, code=RevocationCode.SUPERSEDED, reason="", at=now)
        commune_id = subject["commune_id"]
        serial = counter_reserve(f"cert:{_SERIES[kind]}:{commune_id}:{today.year}")
        number = f"{serial:02d}/{NUMBER_SUFFIX[kind]}"
        status_index = counter_reserve(STATUS_INDEX_SCOPE) - 1  # indexes start at 0
        signer = keys.signer_registered()
        claims = tokens.CertificateClaims(
            issuer=certificate_issuer(),
            kind=kind,
            number=number,
            commune_code=commune_id,
            subject_ss_code=subject["subject_ss_code"],
            issued_at=now,
            expires_at=_end_of_day(subject["valid_until"]),
            status_index=status_index,
            status_uri=status_list_url(),
        )
        certificate = Certificate.objects.create(
            kind=kind,
            year=today.year,
            serial=serial,
            number=number,
            issued_at=now,
            issued_on=today,
            issued_by=actor,
            signatory_name=_nfc(signatory_name),
            signatory_title=_nfc(signatory_title),
            signing_key_id=signer.kid,
            status_index=status_index,
            token=tokens.certificate_token(claims, signer),
            **subject,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CERTIFICATE_ISSUED,
            obj=certificate,
            commune_code=commune_id,
            data={
                "kind": kind,
                "number": number,
                "household_id": household_id,
                "case_id": case_id,
                "status_index": status_index,
                "kid": signer.kid,
                "superseded": [old.pk for old in superseded],
            },
        )
    return certificate


def _revoke(certificate: Certificate, *, actor, code: str, reason: str, at: datetime) -> None:
    certificate.revoked_at = at
    certificate.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    certificate.revocation_code = code
    certificate.revocation_reason = reason or None
    certificate.save(
        update_fields=["revoked_at", "revoked_by", "revocation_code", "revocation_reason"]
    )
    audit_record(
        actor=actor,
        action=AuditAction.CERTIFICATE_REVOKED,
        obj=certificate,
        commune_code=certificate.commune_id,
        data={"revocation_code": code, "number": certificate.number},
    )


def certificate_revoke(*, actor, certificate_id: int, reason: str) -> Certificate:
    require(actor, "certificates.revoke_certificate")
    reason = _nfc(reason)
    if not reason:
        message = _("Cần nêu lý do thu hồi.")
        raise ValidationFailed(message, code="required", fields={"reason": [message]})
    with transaction.atomic(durable=True):
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None:
            raise NotFound()
        ensure_commune_access(actor, certificate.commune_id)
        if certificate.is_revoked:
            raise _conflict("certificate_revoked", _("Giấy chứng nhận đã bị thu hồi."))
        _revoke(certificate, actor=actor, code=RevocationCode.MANUAL, reason=reason,
                at=timezone.now())  # fmt: skip
    return certificate


def certificates_lapsed_revoke(
    *, commune_code: str | None = None, certificate_ids: list[int] | None = None
) -> int:
    """Revoke every certificate whose case ended or whose household left the certified status.

    Run before the status list is built, on each online verification and before a batch
    print (the beneficiaries app, being lower, cannot tell this app). Returns how many.
    """
    month = timezone.localdate().replace(day=1)
    candidates = Certificate.objects.filter(revoked_at__isnull=True)
    if commune_code is not None:
        candidates = candidates.filter(commune_id=commune_code)
    if certificate_ids is not None:
        candidates = candidates.filter(pk__in=certificate_ids)
    found = {code: list(candidates.filter(rule).values_list("pk", flat=True))
             for code, rule in lapses.rules(month)}  # fmt: skip
    if not any(found.values()):
        return 0
    revoked = 0
    now = timezone.now()
    with transaction.atomic(durable=True):
        for code, rule in lapses.rules(month):
            if not found[code]:
                continue
            locked = list(
                Certificate.objects.select_for_update(of=("self",))
                .filter(pk__in=found[code], revoked_at__isnull=True)
                .filter(rule)
            )
            Certificate.objects.filter(pk__in=[c.pk for c in locked]).update(
                revoked_at=now, revocation_code=code
            )
            audit_record_many(
                actor=None, action=AuditAction.CERTIFICATE_REVOKED, objects=locked,
                data={"revocation_code": code, "automatic": True},
            )  # fmt: skip
            revoked += len(locked)
    return revoked
