"""Recoveries taken off the same case's later lines: the amount due plus arrears, less what the
case owes back (Decree 20/2021 Art. 8(2): nothing is due after the month of death).

A case's outstanding recoveries (oldest first) are deducted from its next line, never more than
the line pays; what is left stays outstanding for the line after, or for an officer to settle
(repaid in cash, or waived by a decision). Each part is a `RecoveryDeduction` row linked to its
line, so the outstanding amount (the recovery less its active deductions and what was settled)
can never be deducted twice; a line that fails, or a draft cancelled or regenerated, gives its
parts back. One-off lines (funeral allowance, paid to the organiser) are never deducted from.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from beneficiaries.models import Case
from payments.models import PaymentLine, PaymentRecovery, RecoveryDeduction, RecoveryStatus

ZERO = Decimal(0)


def outstanding_by_case(cases: QuerySet[Case]) -> dict[int, list[list]]:
    """Case id → [[recovery id, outstanding]] of its open recoveries, oldest first (one query)."""
    rows = (
        PaymentRecovery.objects.filter(case__in=cases.values("pk"), status=RecoveryStatus.OPEN)
        .annotate(
            deducted=Coalesce(Sum("deductions__amount", filter=Q(deductions__active=True)), ZERO)
        )
        .order_by("case_id", "id")
        .values_list("case_id", "id", "amount", "settled_amount", "deducted")
    )
    owed: dict[int, list[list]] = defaultdict(list)
    for case_id, recovery_id, amount, settled, deducted in rows:
        left = amount - settled - deducted
        if left > 0:
            owed[case_id].append([recovery_id, left])
    return owed


def take(owed: list[list], gross: Decimal) -> tuple[Decimal, list[tuple[int, Decimal]]]:
    """(deduction, [(recovery id, part)]) off a line paying `gross`; `owed` is decreased."""
    parts = []
    room = gross
    for item in owed:
        if room <= 0:
            break
        part = min(item[1], room)
        if part > 0:
            parts.append((item[0], part))
            item[1] -= part
            room -= part
    return gross - room, parts


def deductions_write(line_of: dict[int, int], parts: list[tuple[int, list]]) -> None:
    """Record the parts of each case's line (case id → line id) and refresh the recoveries."""
    rows = [
        RecoveryDeduction(recovery_id=recovery_id, line_id=line_of[case_id], amount=amount)
        for case_id, case_parts in parts
        for recovery_id, amount in case_parts
    ]
    RecoveryDeduction.objects.bulk_create(rows, batch_size=1000)
    recoveries_refresh({row.recovery_id for row in rows})


def deductions_release(lines: QuerySet[PaymentLine], *, delete: bool = False) -> None:
    """Give back the parts the lines took (a failed line, a cancelled or regenerated draft)."""
    deductions = RecoveryDeduction.objects.filter(line__in=lines.values("pk"), active=True)
    touched = set(deductions.values_list("recovery_id", flat=True))
    if delete:
        RecoveryDeduction.objects.filter(line__in=lines.values("pk")).delete()
    else:
        deductions.update(active=False)
    recoveries_refresh(touched)


def recovery_outstanding(recovery: PaymentRecovery) -> Decimal:
    deducted = recovery.deductions.filter(active=True).aggregate(total=Sum("amount"))["total"]
    return recovery.amount - recovery.settled_amount - (deducted or ZERO)


def recoveries_refresh(recovery_ids: set[int]) -> None:
    """Each recovery's status from its amounts: open while anything is outstanding; else
    deducted, or as last settled when an officer settled the rest."""
    for recovery in PaymentRecovery.objects.select_for_update().filter(pk__in=recovery_ids):
        if recovery_outstanding(recovery) > 0:
            status = RecoveryStatus.OPEN
        elif recovery.settled_as:
            status = recovery.settled_as
        else:
            status = RecoveryStatus.DEDUCTED
        if status != recovery.status:
            recovery.status = status
            recovery.save(update_fields=["status"])
