"""Writes to cases: the draft, submission, rejection, suspension, resumption and termination
(the approval and adjustments are in `case_decisions`)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import entitlements
from beneficiaries.models import (
    OPEN_CASE_STATUSES,
    Case,
    CaseStatus,
    CaseSuspension,
    Person,
    SuspensionGround,
    VitalStatus,
)
from beneficiaries.services.case_terms import poor_household, validate_terms
from beneficiaries.services.common import invalid, locked, reason_required
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


CASE_INPUT_FIELDS = (
    "programme", "category", "other_categories", "children_count", "decided_amount",
    "disability_level", "meritorious_grade", "requested_start_month",
)  # fmt: skip


def _normalised(values: dict) -> dict:
    values["other_categories"] = list(values.get("other_categories") or [])
    values["children_count"] = values.get("children_count") or 0
    values["meritorious_grade"] = (values.get("meritorious_grade") or "").strip()
    return values


def case_create(*, actor: User, person_id: int, **values) -> Case:
    """A draft case; its categories must fit the person's age in the requested start month (or
    this month), and a meritorious one needs an amount unless the rate table has its row."""
    values = _normalised({key: values.get(key) for key in CASE_INPUT_FIELDS})
    with transaction.atomic(durable=True):
        person = locked(Person, person_id, actor)
        values["poor_household"] = poor_household(person)
        validate_terms(person, values, reference_month=_reference_month(values))
        if Case.objects.filter(
            person=person, programme=values["programme"], status__in=OPEN_CASE_STATUSES
        ).exists():
            raise _open_case_exists()
        case = Case(person=person, commune_id=person.commune_id, created_by=actor, **values)
        _save_as_the_only_open_case(case)
        audit_record(
            actor=actor, action=AuditAction.CASE_CREATED, obj=case, commune_code=case.commune_id
        )
    return case


def _reference_month(values: dict) -> date:
    return values.get("requested_start_month") or entitlements.month_start(timezone.localdate())


def _open_case_exists() -> Conflict:
    return Conflict(
        _("Người này đã có một hồ sơ đang mở trong chương trình này."), code="open_case_exists"
    )


def _save_as_the_only_open_case(case: Case) -> None:
    # The partial unique index one_open_case_per_person_programme settles a race the check
    # before it cannot.
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise _open_case_exists() from None


def case_update(*, actor: User, case_id: int, changes: dict) -> Case:
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        if case.status != CaseStatus.DRAFT:
            raise InvalidTransition(_("Chỉ sửa được hồ sơ ở trạng thái nháp."))
        values = {key: getattr(case, key) for key in CASE_INPUT_FIELDS}
        values.update({k: v for k, v in changes.items() if k in CASE_INPUT_FIELDS})
        values = _normalised(values)
        values["poor_household"] = poor_household(case.person)
        validate_terms(case.person, values, reference_month=_reference_month(values))
        changed = [key for key in (*CASE_INPUT_FIELDS, "poor_household")
                   if getattr(case, key) != values[key]]  # fmt: skip
        for key in changed:
            setattr(case, key, values[key])
        _save_as_the_only_open_case(case)
        audit_record(
            actor=actor, action=AuditAction.CASE_UPDATED, obj=case, commune_code=case.commune_id,
            data={"fields": changed},
        )  # fmt: skip
    return case


def transition(case: Case, allowed_from: tuple[str, ...]) -> None:
    if case.status not in allowed_from:
        raise InvalidTransition(
            _("Không thể thực hiện thao tác này với hồ sơ ở trạng thái hiện tại."),
            fields={"status": [case.status]},
        )


def case_submit(*, actor: User, case_id: int) -> Case:
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        transition(case, (CaseStatus.DRAFT,))
        case.status = CaseStatus.SUBMITTED
        case.submitted_by = actor
        case.submitted_at = timezone.now()
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_SUBMITTED, obj=case, commune_code=case.commune_id
        )
    return case


def ensure_four_eyes(submitted_by_id: int | None, actor: User) -> None:
    if submitted_by_id is not None and submitted_by_id == actor.pk:
        raise Forbidden(
            _("Người trình hồ sơ không được tự phê duyệt hoặc từ chối hồ sơ đó."),
            code="four_eyes_required",
        )


def case_reject(*, actor: User, case_id: int, reason: str) -> Case:
    reason = reason_required(reason)
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        transition(case, (CaseStatus.SUBMITTED,))
        ensure_four_eyes(case.submitted_by_id, actor)
        case.status = CaseStatus.REJECTED
        case.status_reason = reason
        case.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_REJECTED, obj=case, commune_code=case.commune_id
        )
    return case


def case_suspend(
    *,
    actor: User,
    case_id: int,
    reason: str,
    from_month: date,
    ground: str = SuspensionGround.OTHER,
) -> Case:
    """Suspend from `from_month` on one of the grounds of Circular 02/2021 Art. 2(3)."""
    if ground not in SuspensionGround.values:
        raise invalid("ground", _("Căn cứ tạm dừng không hợp lệ."))
    reason = reason_required(reason)
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        transition(case, (CaseStatus.APPROVED,))
        if from_month < case.start_month:
            raise invalid("from_month", _("Tháng tạm dừng phải từ tháng bắt đầu hưởng trở đi."))
        case.status = CaseStatus.SUSPENDED
        case.status_reason = reason
        case.save()
        CaseSuspension.objects.create(
            case=case, from_month=from_month, reason=reason, ground=ground
        )
        audit_record(
            actor=actor, action=AuditAction.CASE_SUSPENDED, obj=case, commune_code=case.commune_id,
            data={"from_month": from_month.isoformat(), "ground": ground},
        )  # fmt: skip
    return case


def case_resume(*, actor: User, case_id: int, from_month: date | None = None) -> Case:
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        transition(case, (CaseStatus.SUSPENDED,))
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
    reason = reason_required(reason)
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        transition(case, (CaseStatus.APPROVED, CaseStatus.SUSPENDED))
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
