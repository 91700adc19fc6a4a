"""One-off entitlements after a death: recorded when the family or the funeral's organiser
applies (never automatically), decided four eyes, paid once (Decree 20/2021 Art. 11; Decree
176/2025; Ordinance 02/2020 and Decree 131/2021 for meritorious persons)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import entitlements
from beneficiaries.models import (
    Case,
    CaseStatus,
    OneOffEntitlement,
    OneOffKind,
    OneOffRate,
    OneOffStatus,
    PayeeKind,
    Person,
    Programme,
    VitalStatus,
)
from beneficiaries.services.cases import ensure_four_eyes
from beneficiaries.services.common import decision_checked, invalid, locked, nfc, reason_required
from registry.access import ensure_commune_access
from registry.audit import AuditAction, audit_record
from registry.exceptions import Conflict, InvalidTransition, NotFound
from registry.models import User

PROGRAMME_OF_KIND = {
    OneOffKind.SOCIAL_ASSISTANCE_FUNERAL: Programme.SOCIAL_ASSISTANCE,
    OneOffKind.SOCIAL_PENSION_FUNERAL: Programme.SOCIAL_PENSION,
    OneOffKind.MERITORIOUS_FUNERAL: Programme.MERITORIOUS,
    OneOffKind.MERITORIOUS_DEATH_ALLOWANCE: Programme.MERITORIOUS,
}


def one_off_rate_amount(kind: str, month: date, province_code: str | None) -> Decimal | None:
    """The configured amount of a one-off for a death in `month`: the rate row's multiple of
    the base level in force (the province's row when higher), or None without a row. Three
    queries."""
    rows = OneOffRate.objects.filter(kind=kind, valid_from__lte=entitlements.month_end(month))
    rows = rows.filter(Q(province__isnull=True) | Q(province_id=province_code or ""))
    national = rows.filter(province__isnull=True).order_by("-valid_from").first()
    provincial = rows.filter(province__isnull=False).order_by("-valid_from").first()
    rates = entitlements.RateBook.load()
    amounts = []
    for row in (national, provincial):
        if row is None:
            continue
        base = rates.base(row.base_kind, month, province_code)
        if base is not None:
            amounts.append((row.base_multiple * base).quantize(Decimal("1"), ROUND_HALF_UP))
    return max(amounts) if amounts else None


def _paid_case_at_death(person: Person, programme: str, death_month: date) -> Case | None:
    """The case of the programme that was paying in the month of death, if any."""
    return (
        Case.objects.filter(
            person=person,
            programme=programme,
            status__in=[CaseStatus.APPROVED, CaseStatus.SUSPENDED, CaseStatus.TERMINATED],
            start_month__lte=death_month,
        )
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=death_month))
        .order_by("-start_month", "-id")
        .first()
    )


def one_off_apply(
    *,
    actor: User,
    person_id: int,
    kind: str,
    payee_kind: str,
    application_date: date,
    payee_person_id: int | None = None,
    payee_name: str | None = None,
    amount: Decimal | None = None,
) -> OneOffEntitlement:
    """Record an application for a one-off entitlement after a recorded death.

    The deceased must have had a case of the matching programme paid in the month of death
    (Decree 20/2021 Art. 11(1)(a)). The amount is the configured rate (at least 20 × the base
    for the social-assistance funeral allowance, Art. 11(2)); the decision may grant more, never
    less. Without a configured rate the decision's amount is required.
    """
    if kind not in OneOffKind.values:
        raise invalid("kind", _("Loại trợ cấp một lần không hợp lệ."))
    if payee_kind not in PayeeKind.values:
        raise invalid("payee_kind", _("Loại người nhận không hợp lệ."))
    payee_name = nfc(payee_name or "") or None
    if application_date > timezone.localdate():
        raise invalid("application_date", _("Ngày nộp đơn không được ở tương lai."))
    with transaction.atomic(durable=True):
        person = locked(Person, person_id, actor)
        if person.vital_status != VitalStatus.DECEASED:
            raise InvalidTransition(
                _("Chỉ nhận đơn trợ cấp một lần sau khi đã ghi nhận người hưởng mất."),
                code="person_not_deceased",
            )
        payee = None
        if payee_kind == PayeeKind.PERSON and payee_person_id is None and not payee_name:
            raise invalid("payee_person_id", _("Cần người nhận (không phải người đã mất)."))
        if payee_kind == PayeeKind.ORGANISATION and not payee_name:
            raise invalid("payee_name", _("Cần tên cơ quan, tổ chức nhận."), "required")
        if payee_person_id is not None:
            if int(payee_person_id) == person.pk:
                raise invalid(
                    "payee_person_id",
                    _("Người nhận không thể là người đã mất."),
                    "payee_is_deceased",
                )
            try:
                payee = Person.objects.get(pk=payee_person_id)
            except Person.DoesNotExist:
                raise NotFound() from None
            ensure_commune_access(actor, payee.commune_id)
        death_month = entitlements.month_start(person.date_of_death)
        case = _paid_case_at_death(person, PROGRAMME_OF_KIND[kind], death_month)
        if case is None:
            raise invalid(
                "kind",
                _("Người đã mất không hưởng chế độ tương ứng trong tháng mất."),
                "not_a_beneficiary_at_death",
            )
        configured = one_off_rate_amount(kind, death_month, case.commune.province_id)
        if configured is None and (amount is None or amount <= 0):
            raise invalid(
                "amount",
                _("Chưa có mức cấu hình cho loại trợ cấp này: cần số tiền theo quyết định."),
                "required",
            )
        if configured is not None and amount is not None and amount < configured:
            raise invalid(
                "amount",
                _("Số tiền không được thấp hơn mức quy định (%(amount)s đồng).")
                % {"amount": f"{configured:,.0f}".replace(",", ".")},
                "below_legal_minimum",
            )
        one_off = OneOffEntitlement(
            deceased=person, case=case, commune_id=case.commune_id, kind=kind,
            amount=amount if amount is not None else configured, payee_kind=payee_kind,
            payee_person=payee, payee_name=payee_name, application_date=application_date,
            proposed_by=actor,
        )  # fmt: skip
        try:
            with transaction.atomic():
                one_off.save()
        except IntegrityError:
            raise Conflict(
                _("Trợ cấp một lần này đã được ghi nhận cho người đã mất."), code="one_off_exists"
            ) from None
        audit_record(
            actor=actor, action=AuditAction.ONE_OFF_APPLIED, obj=one_off,
            commune_code=one_off.commune_id, data={"kind": kind, "case_id": case.pk},
        )  # fmt: skip
    return one_off


def _locked_one_off(actor: User, one_off_id: int, allowed: tuple[str, ...]) -> OneOffEntitlement:
    one_off = locked(OneOffEntitlement, one_off_id, actor)
    if one_off.status not in allowed:
        raise InvalidTransition(
            _("Không thể thực hiện thao tác này với khoản trợ cấp ở trạng thái hiện tại."),
            fields={"status": [one_off.status]},
        )
    return one_off


def one_off_approve(
    *, actor: User, one_off_id: int, decision_number: str, decision_date: date
) -> OneOffEntitlement:
    decision_number = decision_checked(decision_number, decision_date)
    with transaction.atomic(durable=True):
        one_off = _locked_one_off(actor, one_off_id, (OneOffStatus.PROPOSED,))
        ensure_four_eyes(one_off.proposed_by_id, actor)
        one_off.status = OneOffStatus.APPROVED
        one_off.decision_number = decision_number
        one_off.decision_date = decision_date
        one_off.decided_by = actor
        one_off.decided_at = timezone.now()
        one_off.save()
        audit_record(
            actor=actor, action=AuditAction.ONE_OFF_APPROVED, obj=one_off,
            commune_code=one_off.commune_id,
        )  # fmt: skip
    return one_off


def one_off_reject(*, actor: User, one_off_id: int, reason: str) -> OneOffEntitlement:
    reason = reason_required(reason)
    with transaction.atomic(durable=True):
        one_off = _locked_one_off(actor, one_off_id, (OneOffStatus.PROPOSED,))
        ensure_four_eyes(one_off.proposed_by_id, actor)
        one_off.status = OneOffStatus.REJECTED
        one_off.status_reason = reason
        one_off.decided_by = actor
        one_off.decided_at = timezone.now()
        one_off.save()
        audit_record(
            actor=actor, action=AuditAction.ONE_OFF_REJECTED, obj=one_off,
            commune_code=one_off.commune_id,
        )  # fmt: skip
    return one_off


def one_off_mark_paid(*, actor: User, one_off_id: int, payment_reference: str) -> OneOffEntitlement:
    """For payments: an approved one-off is paid exactly once (a second call is a 409)."""
    with transaction.atomic(durable=True):
        one_off = _locked_one_off(actor, one_off_id, (OneOffStatus.APPROVED,))
        one_off.status = OneOffStatus.PAID
        one_off.payment_reference = (payment_reference or "").strip()[:60]
        one_off.paid_at = timezone.now()
        one_off.save()
        audit_record(
            actor=actor, action=AuditAction.ONE_OFF_PAID, obj=one_off,
            commune_code=one_off.commune_id,
        )  # fmt: skip
    return one_off
