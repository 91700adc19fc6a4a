"""Writes to cases: the draft, the four-eyes decision, suspension, resumption and termination."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import entitlements
from beneficiaries.models import (
    CATEGORIES_BY_PROGRAMME,
    OPEN_CASE_STATUSES,
    Case,
    CaseStatus,
    CaseSuspension,
    DisabilityLevel,
    Person,
    Programme,
    VitalStatus,
)
from beneficiaries.services.common import invalid, locked, nfc
from registry.audit import AuditAction, audit_record
from registry.exceptions import Conflict, Forbidden, InvalidTransition
from registry.models import User


def cases_close_open(person: Person, *, last_month: date, reason: str, actor: User) -> list[int]:
    """Terminate every open case of a person, paying through `last_month` at most.

    Runs inside the caller's transaction (a death or a move); each case is locked and audited.
    """
    closed = []
    for case in Case.objects.select_for_update().filter(
        person=person, status__in=OPEN_CASE_STATUSES
    ):
        was_paying = case.status in (CaseStatus.APPROVED, CaseStatus.SUSPENDED)
        case.status = CaseStatus.TERMINATED
        case.status_reason = reason
        if was_paying and case.start_month and case.start_month <= last_month:
            case.end_month = last_month
        else:
            case.end_month = None  # never paid: nothing to pay
        CaseSuspension.objects.filter(case=case, to_month__isnull=True).update(
            to_month=entitlements.add_months(last_month, 1)
        )
        case.save()
        closed.append(case.pk)
        audit_record(
            actor=actor, action=AuditAction.CASE_TERMINATED, obj=case, commune_code=case.commune_id,
            data={"end_month": case.end_month.isoformat() if case.end_month else None},
        )  # fmt: skip
    return closed


def _validate_case_input(person: Person, values: dict) -> None:
    programme, category = values["programme"], values["category"]
    if category not in CATEGORIES_BY_PROGRAMME.get(programme, []):
        raise invalid(
            "category", _("Diện đối tượng không thuộc chương trình này."), "invalid_category"
        )
    entitlements.validate_category_combination(
        programme, category, values.get("additional_category") or ""
    )
    if programme == Programme.MERITORIOUS:
        amount = values.get("monthly_amount")
        if amount is None or amount <= 0:
            raise invalid(
                "monthly_amount",
                _("Trợ cấp người có công cần mức trợ cấp hằng tháng theo quyết định."),
                "required",
            )
    elif values.get("monthly_amount") is not None:
        raise invalid(
            "monthly_amount",
            _("Mức trợ cấp được tính theo hệ số và mức chuẩn, không nhập tay."),
            "computed_amount",
        )
    cats = {category, values.get("additional_category") or ""}
    level = values.get("disability_level")
    if "5.6" in cats and level not in DisabilityLevel.values:
        raise invalid(
            "disability_level",
            _("Diện 5.6 cần mức độ khuyết tật (nặng hoặc đặc biệt nặng)."),
            "disability_level_required",
        )
    if "5.4" in cats and (values.get("children_count") or 0) < 1:
        raise invalid("children_count", _("Diện 5.4 cần số con đang nuôi (ít nhất 1)."), "required")
    if person.vital_status == VitalStatus.DECEASED:
        raise InvalidTransition(_("Người này đã mất."), code="person_deceased")


CASE_INPUT_FIELDS = (
    "programme", "category", "additional_category", "children_count", "monthly_amount",
    "disability_level", "requested_start_month",
)  # fmt: skip


def case_create(*, actor: User, person_id: int, **values) -> Case:
    values = {key: values.get(key) for key in CASE_INPUT_FIELDS}
    values["additional_category"] = values["additional_category"] or ""
    values["children_count"] = values["children_count"] or 0
    with transaction.atomic(durable=True):
        person = locked(Person, person_id, actor)
        _validate_case_input(person, values)
        if Case.objects.filter(
            person=person, programme=values["programme"], status__in=OPEN_CASE_STATUSES
        ).exists():
            raise _open_case_exists()
        case = Case(person=person, commune_id=person.commune_id, created_by=actor, **values)
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            raise _open_case_exists() from None
        audit_record(
            actor=actor, action=AuditAction.CASE_CREATED, obj=case, commune_code=case.commune_id
        )
    return case


def _open_case_exists() -> Conflict:
    return Conflict(
        _("Người này đã có một hồ sơ đang mở trong chương trình này."), code="open_case_exists"
    )


def case_update(*, actor: User, case_id: int, changes: dict) -> Case:
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        if case.status != CaseStatus.DRAFT:
            raise InvalidTransition(_("Chỉ sửa được hồ sơ ở trạng thái nháp."))
        values = {key: getattr(case, key) for key in CASE_INPUT_FIELDS}
        values.update({k: v for k, v in changes.items() if k in CASE_INPUT_FIELDS})
        values["additional_category"] = values["additional_category"] or ""
        values["children_count"] = values["children_count"] or 0
        _validate_case_input(case.person, values)
        changed = [key for key in CASE_INPUT_FIELDS if getattr(case, key) != values[key]]
        for key in changed:
            setattr(case, key, values[key])
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            raise _open_case_exists() from None
        audit_record(
            actor=actor, action=AuditAction.CASE_UPDATED, obj=case, commune_code=case.commune_id,
            data={"fields": changed},
        )  # fmt: skip
    return case


def _transition(case: Case, allowed_from: tuple[str, ...]) -> None:
    if case.status not in allowed_from:
        raise InvalidTransition(
            _("Không thể thực hiện thao tác này với hồ sơ ở trạng thái hiện tại."),
            fields={"status": [case.status]},
        )


def case_submit(*, actor: User, case_id: int) -> Case:
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        _transition(case, (CaseStatus.DRAFT,))
        case.status = CaseStatus.SUBMITTED
        case.submitted_by = actor
        case.submitted_at = timezone.now()
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_SUBMITTED, obj=case, commune_code=case.commune_id
        )
    return case


def _ensure_four_eyes(case: Case, actor: User) -> None:
    if case.submitted_by_id is not None and case.submitted_by_id == actor.pk:
        raise Forbidden(
            _("Người trình hồ sơ không được tự phê duyệt hoặc từ chối hồ sơ đó."),
            code="four_eyes_required",
        )


def case_approve(*, actor: User, case_id: int, decision_number: str, decision_date: date) -> Case:
    decision_number = (decision_number or "").strip()
    if not decision_number:
        raise invalid("decision_number", _("Cần số quyết định."), "required")
    if decision_date > timezone.localdate():
        raise invalid("decision_date", _("Ngày quyết định không được ở tương lai."))
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        _transition(case, (CaseStatus.SUBMITTED,))
        _ensure_four_eyes(case, actor)
        person = case.person
        if person.vital_status == VitalStatus.DECEASED:
            raise InvalidTransition(_("Người này đã mất."), code="person_deceased")
        case.start_month = entitlements.start_month_for(
            category=case.category,
            decision_date=decision_date,
            date_of_birth=person.date_of_birth,
            requested_start_month=case.requested_start_month,
            transfer=case.transferred_from_id is not None,
        )
        case.status = CaseStatus.APPROVED
        case.decision_number = decision_number
        case.decision_date = decision_date
        case.approved_by = actor
        case.approved_at = timezone.now()
        case.coefficient = entitlements.case_coefficient(case, case.start_month)
        if case.programme != Programme.MERITORIOUS:
            case.monthly_amount = entitlements.case_monthly_amount(case, case.start_month) or None
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_APPROVED, obj=case, commune_code=case.commune_id,
            data={"start_month": case.start_month.isoformat()},
        )  # fmt: skip
    return case


def case_reject(*, actor: User, case_id: int, reason: str) -> Case:
    reason = nfc(reason or "")
    if not reason:
        raise invalid("reason", _("Cần nêu lý do."), "required")
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        _transition(case, (CaseStatus.SUBMITTED,))
        _ensure_four_eyes(case, actor)
        case.status = CaseStatus.REJECTED
        case.status_reason = reason
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_REJECTED, obj=case, commune_code=case.commune_id
        )
    return case


def case_suspend(*, actor: User, case_id: int, reason: str, from_month: date) -> Case:
    reason = nfc(reason or "")
    if not reason:
        raise invalid("reason", _("Cần nêu lý do."), "required")
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        _transition(case, (CaseStatus.APPROVED,))
        if from_month < case.start_month:
            raise invalid("from_month", _("Tháng tạm dừng phải từ tháng bắt đầu hưởng trở đi."))
        case.status = CaseStatus.SUSPENDED
        case.status_reason = reason
        case.save()
        CaseSuspension.objects.create(case=case, from_month=from_month, reason=reason)
        audit_record(
            actor=actor, action=AuditAction.CASE_SUSPENDED, obj=case, commune_code=case.commune_id,
            data={"from_month": from_month.isoformat()},
        )  # fmt: skip
    return case


def case_resume(*, actor: User, case_id: int, from_month: date | None = None) -> Case:
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        _transition(case, (CaseStatus.SUSPENDED,))
        suspension = CaseSuspension.objects.select_for_update().get(
            case=case, to_month__isnull=True
        )
        resume_month = from_month or entitlements.month_start(timezone.localdate())
        if resume_month < suspension.from_month:
            raise invalid("from_month", _("Tháng tiếp tục hưởng không được trước tháng tạm dừng."))
        if case.person.vital_status == VitalStatus.DECEASED:
            raise InvalidTransition(_("Người này đã mất."), code="person_deceased")
        suspension.to_month = resume_month
        suspension.save(update_fields=["to_month"])
        case.status = CaseStatus.APPROVED
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_RESUMED, obj=case, commune_code=case.commune_id,
            data={"from_month": resume_month.isoformat()},
        )  # fmt: skip
    return case


def case_terminate(*, actor: User, case_id: int, reason: str, from_month: date) -> Case:
    """Stop payment from `from_month` (the last month paid is the month before)."""
    reason = nfc(reason or "")
    if not reason:
        raise invalid("reason", _("Cần nêu lý do."), "required")
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        _transition(case, (CaseStatus.APPROVED, CaseStatus.SUSPENDED))
        last_month = entitlements.add_months(from_month, -1)
        case.status = CaseStatus.TERMINATED
        case.status_reason = reason
        case.end_month = last_month if last_month >= case.start_month else None
        CaseSuspension.objects.filter(case=case, to_month__isnull=True).update(to_month=from_month)
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_TERMINATED, obj=case, commune_code=case.commune_id,
            data={"from_month": from_month.isoformat()},
        )  # fmt: skip
    return case
