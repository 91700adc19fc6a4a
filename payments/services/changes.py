"""Which cases' paid months may be due a different amount now: those changed after the batch
that first paid them was generated (each amount was computed then).

Payments finds out by itself, at generation, comparing what was paid with what
`beneficiaries.entitlements` owes now (beneficiaries never imports payments). Only these cases
are recomputed, so a province's paid history is not recomputed every month; a false positive
costs a recomputation and changes nothing. A change to the rate tables is not looked at.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum

from beneficiaries.models import AdjustmentStatus, Case, CaseAdjustment, CaseSuspension
from payments.models import PaidMonth


def changed_cases(commune_codes: list[str]) -> set[int]:
    """Cases of the communes with a month paid (an active row, answered or not) that may now be
    due another amount: the person died, or the case, its person, another case of the person
    (the person rules), an adjustment decided or a suspension recorded was saved at or after
    the generation of the first batch that paid one of its months. Tested per case, not per
    paid month (a province has millions), so each test runs once per case."""
    first_paid = (
        PaidMonth.objects.filter(case_id=OuterRef("pk"), active=True)
        .order_by()
        .values("case_id")
        .annotate(first=Min("line__batch__created_at"))
        .values("first")
    )
    generated = OuterRef("first_paid")
    cases = (
        Case.objects.filter(commune_id__in=commune_codes)
        .filter(Exists(PaidMonth.objects.filter(case_id=OuterRef("pk"), active=True)))
        .annotate(first_paid=Subquery(first_paid))
        .filter(
            Q(person__date_of_death__isnull=False)
            | Q(person__updated_at__gte=F("first_paid"))
            | Exists(
                Case.objects.filter(person_id=OuterRef("person_id"), updated_at__gte=generated)
            )
            | Exists(
                CaseAdjustment.objects.filter(
                    case_id=OuterRef("pk"),
                    status=AdjustmentStatus.APPROVED,
                    decided_at__gte=generated,
                )
            )
            | Exists(
                CaseSuspension.objects.filter(case_id=OuterRef("pk"), created_at__gte=generated)
            )
        )
    )
    return set(cases.values_list("pk", flat=True))


def paid_by_month(months: QuerySet[PaidMonth]) -> dict[int, dict[date, Decimal]]:
    """Case id → {month: total of its rows} (a month's own amount plus any top-up)."""
    totals: dict[int, dict[date, Decimal]] = defaultdict(dict)
    rows = months.values("case_id", "month").annotate(total=Sum("amount"))
    for row in rows.values_list("case_id", "month", "total").iterator(chunk_size=5000):
        case_id, month, total = row
        totals[case_id][month] = total
    return totals
