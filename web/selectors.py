"""Reads the pages need that compose the existing selectors (never a second copy of a rule):
dashboard figures, the approver's queue with each case's approval preview."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries import entitlements, selectors, selectors_entitlements
from beneficiaries.models import AdjustmentStatus, Case, CaseAdjustment, CaseStatus
from beneficiaries.review import review_list
from registry.access import user_commune_codes
from registry.audit import AuditAction
from registry.exceptions import RegistryError
from registry.models import AuditEvent, Commune

# The review list's kinds (beneficiaries/review.py ReviewKind), as the dashboard names them.
REVIEW_KIND_LABELS = {
    "aged_out": _("Hết tuổi hưởng theo diện"),
    "uncollected": _("Không nhận tiền nhiều tháng"),
    "custody": _("Đang bị tạm giam hoặc chấp hành án"),
    "suspension_expired": _("Tạm dừng quá hạn"),
    "adjustment": _("Đề xuất điều chỉnh chờ quyết định"),
}


def user_communes(user) -> QuerySet[Commune]:
    codes = user_commune_codes(user)
    communes = Commune.objects.all() if codes is None else Commune.objects.filter(code__in=codes)
    return communes.order_by("code")


def dashboard(user) -> dict:
    cases = selectors.cases_list(user=user)
    by_status = dict(cases.order_by().values_list("status").annotate(n=Count("id")))
    month = entitlements.month_start(timezone.localdate())
    recent = AuditEvent.objects.exclude(action__endswith="unmasked_read").select_related("actor")
    codes = user_commune_codes(user)
    if codes is not None:
        recent = recent.filter(commune_code__in=codes)
    return {
        "households": selectors.households_list(user=user).count(),
        "persons": selectors.persons_list(user=user).count(),
        "by_status": [
            (status, label, by_status.get(status, 0)) for status, label in CaseStatus.choices
        ],
        "drafts": list(cases.filter(status=CaseStatus.DRAFT)[:20]),
        "rejected": list(cases.filter(status=CaseStatus.REJECTED).order_by("-updated_at")[:10]),
        "review": [
            {**item, "label": REVIEW_KIND_LABELS.get(item["kind"], item["kind"])}
            for item in review_list(user=user, month=month)
        ],
        "month": month,
        "recent": [(event, _action_label(event.action)) for event in recent.order_by("-id")[:10]],
    }


def _action_label(action: str) -> str:
    try:
        return AuditAction(action).label
    except ValueError:
        return action


@dataclass
class QueueItem:
    case: Case
    preview: selectors_entitlements.ApprovalPreview | None
    problem: str | None


def approval_queue(user) -> list[QueueItem]:
    """Submitted cases with what approving them today would pay (start, amount, arrears)."""
    today = timezone.localdate()
    items = []
    for case in selectors.cases_list(user=user, filters={"status": CaseStatus.SUBMITTED}):
        try:
            preview = selectors_entitlements.case_approval_preview(case=case, decision_date=today)
            items.append(QueueItem(case, preview, None))
        except RegistryError as exc:
            items.append(QueueItem(case, None, str(exc.message)))
    return items


def proposed_adjustments(user) -> QuerySet[CaseAdjustment]:
    cases = selectors.cases_list(user=user)
    return (
        CaseAdjustment.objects.filter(case__in=cases, status=AdjustmentStatus.PROPOSED)
        .select_related("case", "case__person", "proposed_by")
        .order_by("id")
    )


def persons_found(user, *, kind: str, query: str) -> list:
    """The search form's results (by social-security code, national ID or name): the registry's
    selectors, so the person search and the payment-account search find the same people."""
    if kind == "ss_code":
        return list(selectors.persons_list(user=user, filters={"ss_code": query}))
    if kind == "national_id":
        return selectors.persons_search(user=user, national_id=query)
    return selectors.persons_search(user=user, name=query)
