"""The month's list of cases needing a decision ("cases to review").

Which sources feed it is the explicit list ``REGISTRY_CASE_REVIEW_SOURCES`` in the settings, as
``(kind, "dotted.path")``, like the consistency checks: payments adds ``uncollected``. A source is
a function ``(cases, month) -> Iterable[ReviewItem]`` where `cases` is a queryset of the cases
the user may see. `detail` names cases by id and codes only, never personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import TypedDict

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from beneficiaries import entitlements
from beneficiaries.entitlements import CaseBook, Reason
from beneficiaries.models import (
    AdjustmentStatus,
    Case,
    CaseAdjustment,
    CaseStatus,
    CaseSuspension,
    Programme,
    SuspensionGround,
)
from registry.access import scope_to_user
from registry.listed import listed_functions


class ReviewKind:
    """The kinds of the API contract (api.md, "Cases": review)."""

    AGED_OUT = "aged_out"
    UNCOLLECTED = "uncollected"
    CUSTODY = "custody"
    SUSPENSION_EXPIRED = "suspension_expired"
    ADJUSTMENT = "adjustment"
    values = (AGED_OUT, UNCOLLECTED, CUSTODY, SUSPENSION_EXPIRED, ADJUSTMENT)


class ReviewItem(TypedDict):
    case_id: int
    kind: str
    detail: str


Source = Callable[[QuerySet[Case], date], Iterable[ReviewItem]]
# Circular 02/2021/TT-BLĐTBXH Art. 2(1)(đ) and domain.md §3: terminate when still unresolved
# this many months after the suspension.
SUSPENSION_EXPIRES_AFTER_MONTHS = 3


def configured_sources() -> list[tuple[str, Source]]:
    return listed_functions("REGISTRY_CASE_REVIEW_SOURCES", kinds=ReviewKind.values)


def review_list(*, user, month: date) -> list[ReviewItem]:
    """Every configured source over the user's cases, in settings order, then by case id.
    Queries: 5 (aged_out) + 1 (custody) + 1 (suspension_expired) + 1 (adjustment)."""
    cases = scope_to_user(Case.objects.all(), user)
    month = entitlements.month_start(month)
    items: list[ReviewItem] = []
    for _kind, source in configured_sources():
        items.extend(sorted(source(cases, month), key=lambda item: item["case_id"]))
    return items


def _item(case_id: int, kind: str, detail: str) -> ReviewItem:
    return {"case_id": case_id, "kind": kind, "detail": detail}


def aged_out(cases: QuerySet[Case], month: date) -> Iterator[ReviewItem]:
    """Approved or suspended cases none of whose categories' age windows is open this month:
    nothing is paid from the month after the birthday month (Decree 20/2021 Art. 8(2)); the
    approver decides the termination, or an adjustment to a category that now applies."""
    paying = cases.filter(
        status__in=[CaseStatus.APPROVED, CaseStatus.SUSPENDED],
        programme__in=[Programme.SOCIAL_ASSISTANCE, Programme.SOCIAL_PENSION],
    )
    book = CaseBook.load(paying)
    for case_id in sorted(book.wanted):
        row = book.rows[case_id]
        if row.start_month is None or month < row.start_month:
            continue
        if row.end_month is not None and month > row.end_month:
            continue
        state = entitlements.case_month(row, month, book.rates, preview=True)
        if state.reason == Reason.AGED_OUT:
            yield _item(
                case_id,
                ReviewKind.AGED_OUT,
                _(
                    "Hồ sơ số %(case_id)s (diện %(categories)s): người hưởng đã quá độ tuổi của "
                    "mọi diện đã ghi nhận, không còn được chi trả; đề nghị quyết định thôi hưởng "
                    "hoặc điều chỉnh sang diện phù hợp."
                )
                % {
                    "case_id": case_id,
                    "categories": ", ".join(row.terms_in(month).categories),
                },
            )


def custody(cases: QuerySet[Case], month: date) -> Iterator[ReviewItem]:
    """Approved cases whose person is recorded as in custody: suspend when in custody for a
    month or more (Circular 02/2021 Art. 2(3)). The custody record is encrypted, so it is read
    for the approved cases of the scope only. One query."""
    rows = (
        cases.filter(status=CaseStatus.APPROVED)
        .select_related("person")
        .only("id", "person__custody_status", "person__commune_id")
    )
    for case in rows:
        if (case.person.custody_status or "").strip():
            yield _item(
                case.pk,
                ReviewKind.CUSTODY,
                _(
                    "Hồ sơ số %(case_id)s: người hưởng được ghi nhận đang bị tạm giam; nếu từ "
                    "1 tháng trở lên, đề nghị tạm dừng hưởng (Thông tư 02/2021/TT-BLĐTBXH "
                    "Điều 2 khoản 3)."
                )
                % {"case_id": case.pk},
            )


def suspension_expired(cases: QuerySet[Case], month: date) -> Iterator[ReviewItem]:
    """Suspended cases whose suspension started 3 or more months before `month` and is still
    open: propose termination for an approver (Circular 02/2021 Art. 2(1)(đ)). One query."""
    limit = entitlements.add_months(month, -SUSPENSION_EXPIRES_AFTER_MONTHS)
    rows = CaseSuspension.objects.filter(
        case__in=cases.filter(status=CaseStatus.SUSPENDED).values("pk"),
        to_month__isnull=True,
        from_month__lte=limit,
    ).values_list("case_id", "from_month", "ground")
    for case_id, from_month, ground in rows:
        yield _item(
            case_id,
            ReviewKind.SUSPENSION_EXPIRED,
            _(
                "Hồ sơ số %(case_id)s tạm dừng từ tháng %(month)s (%(ground)s) đã quá 3 tháng "
                "mà chưa được giải quyết: đề nghị quyết định thôi hưởng."
            )
            % {
                "case_id": case_id,
                "month": f"{from_month:%m/%Y}",
                "ground": str(SuspensionGround(ground).label).lower(),
            },
        )


def pending_adjustments(cases: QuerySet[Case], month: date) -> Iterator[ReviewItem]:
    """Proposed adjustments waiting for a decision. One query."""
    rows = CaseAdjustment.objects.filter(
        case__in=cases.values("pk"), status=AdjustmentStatus.PROPOSED
    ).values_list("case_id", "id", "from_month")
    for case_id, adjustment_id, from_month in rows:
        yield _item(
            case_id,
            ReviewKind.ADJUSTMENT,
            _(
                "Hồ sơ số %(case_id)s: đề xuất điều chỉnh số %(adjustment_id)s từ tháng "
                "%(month)s chờ quyết định."
            )
            % {"case_id": case_id, "adjustment_id": adjustment_id, "month": f"{from_month:%m/%Y}"},
        )
