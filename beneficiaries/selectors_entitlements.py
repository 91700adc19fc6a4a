"""Reads about what cases are owed: the current amount of listed cases, a case's months, the
approval preview, adjustments and one-off entitlements — always narrowed to the user first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import entitlements
from beneficiaries.entitlements import CaseBook, MonthEntitlement
from beneficiaries.models import Case, CaseAdjustment, CaseStatus, OneOffEntitlement, OneOffStatus
from registry.access import scope_to_user
from registry.exceptions import NotFound, ValidationFailed

# The longest range one request may ask for (20 years of months).
MAX_ENTITLEMENT_MONTHS = 240
_DECIDED = frozenset({CaseStatus.APPROVED, CaseStatus.SUSPENDED, CaseStatus.TERMINATED})


def _shown_month(case: Case, this_month: date) -> date:
    # The current month, or the first month of a case that starts later.
    if case.start_month and case.start_month > this_month:
        return case.start_month
    if case.requested_start_month and case.status not in _DECIDED:
        return max(this_month, case.requested_start_month)
    return this_month


def current_entitlements(cases: list[Case]) -> dict[int, MonthEntitlement]:
    """Case id → the entitlement shown with the case: the current month's (or the first month's
    of a case that starts later); for a case not decided yet, what its terms would pay then.
    Five queries for the whole list."""
    if not cases:
        return {}
    book = CaseBook.load(Case.objects.filter(pk__in=[case.pk for case in cases]))
    this_month = entitlements.month_start(timezone.localdate())
    shown: dict[int, MonthEntitlement] = {}
    for case in cases:
        month = _shown_month(case, this_month)
        row = book.rows[case.pk]
        if case.status in _DECIDED:
            shown[case.pk] = book.case_range(case.pk, month, month)[0]
        else:
            shown[case.pk] = entitlements.case_month(row, month, book.rates, preview=True)
    return shown


def case_entitlements_list(*, case: Case, from_month: date, to_month: date):
    """The months of a case the user may see (the caller fetched it through `case_get`)."""
    if to_month < from_month:
        message = _("Tháng kết thúc phải từ tháng bắt đầu trở đi.")
        raise ValidationFailed(message, fields={"to": [message]})
    if len(list(entitlements.months_between(from_month, to_month))) > MAX_ENTITLEMENT_MONTHS:
        message = _("Mỗi lần xem tối đa %(n)d tháng.") % {"n": MAX_ENTITLEMENT_MONTHS}
        raise ValidationFailed(message, fields={"to": [message]})
    return entitlements.case_entitlements(case, from_month, to_month)


@dataclass(frozen=True)
class ApprovalPreview:
    decision_date: date
    legal_start_month: date
    earliest_start_month: date
    default_start_month: date
    start_month: date
    paying_category: str | None
    coefficient: Decimal | None
    monthly_amount: Decimal
    arrears_months: int
    arrears_amount: Decimal


def case_approval_preview(
    *, case: Case, decision_date: date, start_month: date | None = None
) -> ApprovalPreview:
    """What approving the case with this decision date (and start month) would pay: the start
    months the decision may state, the first month's amount and the arrears. Checks the start
    like the approval does (400 with the same codes)."""
    from beneficiaries.services.case_decisions import arrears, check_start_month, start_months

    book = CaseBook.load(Case.objects.filter(pk=case.pk))
    months = start_months(case, decision_date, book.rates)
    start = entitlements.month_start(start_month) if start_month else months.default
    check_start_month(case, start, months, book.rates)
    row = book.rows[case.pk].as_approved_from(start)
    first = book.case_range(case.pk, start, start, row=row)[0]
    count, amount = arrears(book, row, until=entitlements.month_start(timezone.localdate()))
    return ApprovalPreview(
        decision_date=decision_date,
        legal_start_month=months.legal,
        earliest_start_month=months.earliest,
        default_start_month=months.default,
        start_month=start,
        paying_category=first.paying_category,
        coefficient=first.coefficient,
        monthly_amount=first.amount,
        arrears_months=count,
        arrears_amount=amount,
    )


def adjustments_list(*, case: Case) -> QuerySet[CaseAdjustment]:
    return case.adjustments.select_related("proposed_by", "decided_by").order_by("from_month", "id")


def adjustment_get(*, user, adjustment_id) -> CaseAdjustment:
    queryset = CaseAdjustment.objects.filter(case__in=scope_to_user(Case.objects.all(), user))
    try:
        return queryset.select_related("case").get(pk=int(adjustment_id))
    except (CaseAdjustment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def one_offs_list(*, user, filters: dict | None = None) -> QuerySet[OneOffEntitlement]:
    queryset = scope_to_user(OneOffEntitlement.objects.all(), user)
    filters = filters or {}
    if filters.get("status"):
        if filters["status"] not in OneOffStatus.values:
            message = _("Tham số lọc không hợp lệ.")
            raise ValidationFailed(message, code="invalid_filter", fields={"status": [message]})
        queryset = queryset.filter(status=filters["status"])
    return queryset.select_related("deceased", "proposed_by", "decided_by").order_by("id")


def one_off_get(*, user, one_off_id) -> OneOffEntitlement:
    try:
        return one_offs_list(user=user).get(pk=int(one_off_id))
    except (OneOffEntitlement.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound() from None


def one_offs_payable(*, commune_codes: list[str] | None = None) -> QuerySet[OneOffEntitlement]:
    """For payments: decided one-offs not paid yet (each is paid once: `one_off_mark_paid`)."""
    queryset = OneOffEntitlement.objects.filter(status=OneOffStatus.APPROVED)
    if commune_codes is not None:
        queryset = queryset.filter(commune_id__in=commune_codes)
    return queryset.order_by("commune_id", "id")


def today() -> date:
    return timezone.localdate()
