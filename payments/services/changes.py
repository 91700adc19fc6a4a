"""Which paid months may be due a different amount now: those whose case changed after the batch
that paid them was generated (each amount was computed then).

Payments finds out by itself, at generation, comparing what was paid with what
`beneficiaries.entitlements` owes now (beneficiaries never imports payments). Only these months
are recomputed, so a province's paid history is not read every month; a false positive costs a
recomputation and changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum

from beneficiaries.models import AdjustmentStatus, Case, CaseAdjustment, CaseSuspension
from payments.models import PaidMonth


def changed_since_paid() -> Q:
    """A PaidMonth whose person died before its month, or whose case, person, another case of
    the person (the person rules), an adjustment decided or a suspension recorded was saved at
    or after the generation of the batch that paid it."""
    generated = OuterRef("line__batch__created_at")
    return (
        Q(case__person__date_of_death__isnull=False, month__gt=F("case__person__date_of_death"))
        | Q(case__person__updated_at__gte=F("line__batch__created_at"))
        | Exists(
            Case.objects.filter(person_id=OuterRef("case__person_id"), updated_at__gte=generated)
        )
        | Exists(
            CaseAdjustment.objects.filter(
                case_id=OuterRef("case_id"),
                status=AdjustmentStatus.APPROVED,
                decided_at__gte=generated,
            )
        )
        | Exists(
            CaseSuspension.objects.filter(case_id=OuterRef("case_id"), created_at__gte=generated)
        )
    )


def paid_by_month(months: QuerySet[PaidMonth]) -> dict[int, dict[date, Decimal]]:
    """Case id → {month: total of its rows} (a month's own amount plus any top-up)."""
    totals: dict[int, dict[date, Decimal]] = defaultdict(dict)
    rows = months.values("case_id", "month").annotate(total=Sum("amount"))
    for row in rows.values_list("case_id", "month", "total").iterator(chunk_size=5000):
        case_id, month, total = row
        totals[case_id][month] = total
    return totals
