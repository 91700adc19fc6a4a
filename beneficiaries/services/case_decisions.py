"""Decisions on a case: the approval (with its start month and arrears) and adjustments from a
month (Decree 20/2021 Art. 8 as amended by Decree 76/2024), both four eyes and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import entitlements
from beneficiaries.entitlements import CaseBook, CaseRow, RateBook
from beneficiaries.models import (
    ADJUSTABLE_TERMS,
    AdjustmentStatus,
    BaseAmountKind,
    Case,
    CaseAdjustment,
    CaseStatus,
    Programme,
    VitalStatus,
)
from beneficiaries.services.case_terms import validate_terms
from beneficiaries.services.cases import ensure_four_eyes, transition
from beneficiaries.services.common import decision_checked, invalid, locked, reason_required
from registry.audit import AuditAction, audit_record
from registry.exceptions import Conflict, InvalidTransition, NotFound
from registry.models import User

_BASE_KIND = {
    Programme.SOCIAL_ASSISTANCE: BaseAmountKind.SOCIAL_ASSISTANCE,
    Programme.SOCIAL_PENSION: BaseAmountKind.SOCIAL_PENSION,
}


@dataclass(frozen=True)
class StartMonths:
    """What a decision taken in `decision_month` may state as its start month."""

    legal: date  # the earliest month the law allows
    earliest: date  # the legal start, or the first month with a base level when later
    default: date  # without an explicit start: the decision's month, or the legal start if later


def start_months(case: Case, decision_date: date, rates: RateBook) -> StartMonths:
    decision_month = entitlements.month_start(decision_date)
    legal = entitlements.legal_start_month(
        categories=case.categories,
        date_of_birth=case.person.date_of_birth,
        decision_month=decision_month,
        requested_start_month=case.requested_start_month,
        transfer=case.transferred_from_id is not None,
        poor_household=case.poor_household,
    )
    default = entitlements.default_start_month(
        legal_start=legal,
        decision_month=decision_month,
        transfer=case.transferred_from_id is not None,
    )
    earliest = legal
    kind = _BASE_KIND.get(case.programme)
    first_base = rates.first_base_month(kind) if kind else None
    if first_base is not None:
        earliest = max(earliest, first_base)
    return StartMonths(legal=legal, earliest=earliest, default=default)


def check_start_month(case: Case, start: date, months: StartMonths, rates: RateBook) -> None:
    """400 when the start is before the legal start, has no base level, or fits no category."""
    if start < months.legal:
        message = _(
            "Tháng bắt đầu hưởng không được trước tháng %(month)s (thời điểm hưởng theo quy "
            "định, Nghị định 20/2021/NĐ-CP Điều 8)."
        ) % {"month": f"{months.legal:%m/%Y}"}
        raise invalid("start_month", message, "start_before_legal_start")
    kind = _BASE_KIND.get(case.programme)
    if kind and rates.base(kind, start, case.commune.province_id) is None:
        raise entitlements.no_base_amount_error("start_month")
    if case.programme == Programme.MERITORIOUS:
        return
    dob = case.person.date_of_birth
    if not any(
        entitlements.in_window(c, dob, start, poor_household=case.poor_household)
        for c in case.categories
    ):
        raise entitlements.outside_window_error(case.category, poor_household=case.poor_household)


def arrears(book: CaseBook, row: CaseRow, *, until: date) -> tuple[int, Decimal]:
    """(months, amount) owed for the months before `until` from the row's start: none of them
    has been paid yet, so payments adds them to the next batch."""
    if row.start_month is None or row.start_month >= until:
        return 0, Decimal("0")
    months = book.case_range(row.id, row.start_month, entitlements.add_months(until, -1), row=row)
    paid = [m for m in months if m.amount > 0]
    return len(paid), sum((m.amount for m in paid), Decimal("0"))


def case_approve(
    *,
    actor: User,
    case_id: int,
    decision_number: str,
    decision_date: date,
    start_month: date | None = None,
) -> Case:
    """Approve a submitted case; the start month is part of the decision.

    Without `start_month` the case starts in the decision's month, or at the legal start when
    that is later; an earlier start (arrears) only when given, never before the legal start nor
    the first configured base level. The returned case carries `arrears_months` and
    `arrears_amount`: what the months before this one add to the next payment.
    """
    decision_number = decision_checked(decision_number, decision_date)
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        transition(case, (CaseStatus.SUBMITTED,))
        ensure_four_eyes(case.submitted_by_id, actor)
        if case.person.vital_status == VitalStatus.DECEASED:
            raise InvalidTransition(_("Người này đã mất."), code="person_deceased")
        rates = RateBook.load()
        months = start_months(case, decision_date, rates)
        start = entitlements.month_start(start_month) if start_month else months.default
        check_start_month(case, start, months, rates)
        case.start_month = start
        case.status = CaseStatus.APPROVED
        case.decision_number = decision_number
        case.decision_date = decision_date
        case.approved_by = actor
        case.approved_at = timezone.now()
        case.save()
        book = CaseBook.load(Case.objects.filter(pk=case.pk))
        this_month = entitlements.month_start(timezone.localdate())
        case.arrears_months, case.arrears_amount = arrears(
            book, book.rows[case.pk], until=this_month
        )
        audit_record(
            actor=actor, action=AuditAction.CASE_APPROVED, obj=case, commune_code=case.commune_id,
            data={"start_month": start.isoformat(), "arrears_months": case.arrears_months},
        )  # fmt: skip
    return case


# --- adjustments -------------------------------------------------------------------------------


def case_adjust(*, actor: User, case_id: int, from_month: date, reason: str, changes: dict):
    """Propose new terms from `from_month` for an approved or suspended case (an approver
    decides). `changes` holds only the terms that change; the others stay as in force then."""
    reason = reason_required(reason)
    changes = {key: value for key, value in changes.items() if key in ADJUSTABLE_TERMS}
    if not changes:
        raise invalid("from_month", _("Đề xuất điều chỉnh cần ít nhất một nội dung thay đổi."))
    from_month = entitlements.month_start(from_month)
    with transaction.atomic(durable=True):
        case = locked(Case, case_id, actor)
        transition(case, (CaseStatus.APPROVED, CaseStatus.SUSPENDED))
        if from_month < case.start_month or (case.end_month and from_month > case.end_month):
            raise invalid("from_month", _("Tháng điều chỉnh phải trong thời gian hưởng."))
        if CaseAdjustment.objects.filter(case=case, status=AdjustmentStatus.PROPOSED).exists():
            raise Conflict(
                _("Hồ sơ đã có một đề xuất điều chỉnh chờ quyết định."), code="adjustment_pending"
            )
        book = CaseBook.load(Case.objects.filter(pk=case.pk))
        current = book.rows[case.pk].terms_in(from_month)
        values = {
            "category": current.category,
            "other_categories": list(current.other_categories),
            "disability_level": current.disability_level,
            "children_count": current.children_count,
            "meritorious_grade": current.meritorious_grade,
            "decided_amount": current.decided_amount,
        }
        changed = [key for key, value in changes.items() if values[key] != value]
        values.update(changes)
        values["other_categories"] = list(values["other_categories"] or [])
        values["children_count"] = values["children_count"] or 0
        values["meritorious_grade"] = (values["meritorious_grade"] or "").strip()
        validate_terms(
            case.person,
            {**values, "programme": case.programme, "poor_household": case.poor_household},
            reference_month=from_month,
        )
        adjustment = CaseAdjustment.objects.create(
            case=case, from_month=from_month, reason=reason, changed_fields=changed,
            proposed_by=actor, **values,
        )  # fmt: skip
        audit_record(
            actor=actor, action=AuditAction.CASE_ADJUSTMENT_PROPOSED, obj=case,
            commune_code=case.commune_id,
            data={"adjustment_id": adjustment.pk, "from_month": from_month.isoformat(),
                  "fields": changed},
        )  # fmt: skip
    return adjustment


def _locked_adjustment(actor: User, adjustment_id: int) -> tuple[CaseAdjustment, Case]:
    try:
        adjustment = CaseAdjustment.objects.select_for_update().get(pk=int(adjustment_id))
    except (CaseAdjustment.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    case = locked(Case, adjustment.case_id, actor)
    if adjustment.status != AdjustmentStatus.PROPOSED:
        raise InvalidTransition(
            _("Đề xuất điều chỉnh này đã được quyết định."), fields={"status": [adjustment.status]}
        )
    ensure_four_eyes(adjustment.proposed_by_id, actor)
    return adjustment, case


def case_adjustment_approve(
    *, actor: User, adjustment_id: int, decision_number: str, decision_date: date
) -> CaseAdjustment:
    """Decide a proposed adjustment: the entitlement follows the new terms from its month; for
    months already paid, payments settles the difference as arrears or a recovery."""
    decision_number = decision_checked(decision_number, decision_date)
    with transaction.atomic(durable=True):
        adjustment, case = _locked_adjustment(actor, adjustment_id)
        transition(case, (CaseStatus.APPROVED, CaseStatus.SUSPENDED))
        adjustment.status = AdjustmentStatus.APPROVED
        adjustment.decision_number = decision_number
        adjustment.decision_date = decision_date
        adjustment.decided_by = actor
        adjustment.decided_at = timezone.now()
        try:
            with transaction.atomic():
                adjustment.save()
        except IntegrityError:
            raise Conflict(
                _("Đã có một điều chỉnh được quyết định từ tháng này."),
                code="adjustment_month_taken",
            ) from None
        audit_record(
            actor=actor, action=AuditAction.CASE_ADJUSTMENT_APPROVED, obj=case,
            commune_code=case.commune_id,
            data={"adjustment_id": adjustment.pk, "from_month": adjustment.from_month.isoformat()},
        )  # fmt: skip
    return adjustment


def case_adjustment_reject(*, actor: User, adjustment_id: int, reason: str) -> CaseAdjustment:
    reason = reason_required(reason)
    with transaction.atomic(durable=True):
        adjustment, case = _locked_adjustment(actor, adjustment_id)
        adjustment.status = AdjustmentStatus.REJECTED
        adjustment.decided_by = actor
        adjustment.decided_at = timezone.now()
        adjustment.save()
        audit_record(
            actor=actor, action=AuditAction.CASE_ADJUSTMENT_REJECTED, obj=case,
            commune_code=case.commune_id, data={"adjustment_id": adjustment.pk},
        )  # fmt: skip
    return adjustment
