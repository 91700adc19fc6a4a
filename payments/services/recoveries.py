"""Recoveries: months already paid that a case's entitlement no longer owes because a death was
recorded after they were paid (Decree 20/2021 Art. 8(2): nothing after the month of death).

Found when a batch is generated for the case's commune (the case stopped, so it has no line);
the amount is what was paid for those months minus what `beneficiaries.entitlements` owes now
(0 after the month of death). It is taken off the case's later lines where there are any
(`deductions`); what no line covers stays outstanding until an officer records it repaid in
cash or waived by a decision.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.entitlements import CaseBook
from beneficiaries.models import Case
from beneficiaries.services.common import invalid, locked
from payments.models import LineStatus, PaidMonth, PaymentBatch, PaymentRecovery, RecoveryStatus
from payments.services.deductions import recovery_outstanding
from registry.audit import AuditAction, audit_record
from registry.exceptions import InvalidTransition
from registry.models import User

REASON_MAX = 500
REFERENCE_MAX = 100


def _recorded_months(case_ids: set[int]) -> dict[int, set[str]]:
    done: dict[int, set[str]] = defaultdict(set)
    for case_id, months in PaymentRecovery.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "months"
    ):
        done[case_id].update(months)
    return done


def recoveries_find(batch: PaymentBatch, commune_codes: list[str]) -> list[PaymentRecovery]:
    """Record a recovery per case of the communes paid (a paid line) for months after the month
    of death, for the months no recovery holds yet. Called inside the generation's transaction
    (the communes are locked)."""
    paid = PaidMonth.objects.filter(
        case__commune_id__in=commune_codes,
        case__person__date_of_death__isnull=False,
        active=True,
        line__status=LineStatus.PAID,
        month__gt=F("case__person__date_of_death"),
    ).values_list("case_id", "month", "amount")
    by_case: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for case_id, month, amount in paid:
        by_case[case_id].append((month, amount))
    if not by_case:
        return []
    cases = Case.objects.filter(pk__in=by_case)
    book = CaseBook.load(cases)
    communes = dict(cases.values_list("pk", "commune_id"))
    done = _recorded_months(set(by_case))
    found = []
    for case_id in sorted(by_case):
        months = sorted(by_case[case_id])
        owed = {e.month: e.amount for e in book.case_range(case_id, months[0][0], months[-1][0])}
        over = [
            (month, amount - owed.get(month, Decimal(0)))
            for month, amount in months
            if f"{month:%Y-%m}" not in done[case_id] and amount > owed.get(month, Decimal(0))
        ]
        if over:
            found.append(
                PaymentRecovery(
                    case_id=case_id,
                    commune_id=communes[case_id],
                    batch=batch,
                    months=[f"{month:%Y-%m}" for month, _amount in over],
                    amount=sum((amount for _month, amount in over), Decimal(0)),
                )
            )
    return PaymentRecovery.objects.bulk_create(found)


def payment_recovery_settle(
    *,
    actor: User,
    recovery_id: int,
    status: str,
    reason: str = "",
    decision_reference: str = "",
) -> PaymentRecovery:
    """Settle what is still outstanding of a recovery: repaid in cash to the commune
    (`recovered`) or waived by a decision (`waived`), with the reason and the receipt or
    decision it rests on. 409 when nothing is outstanding (settled, or deducted in full)."""
    if status not in (RecoveryStatus.RECOVERED, RecoveryStatus.WAIVED):
        raise invalid("status", _("Trạng thái thu hồi không hợp lệ."))
    reason, decision_reference = (reason or "").strip(), (decision_reference or "").strip()
    if len(reason) > REASON_MAX:
        raise invalid("reason", _("Lý do quá dài."))
    if len(decision_reference) > REFERENCE_MAX:
        raise invalid("decision_reference", _("Số quyết định hoặc chứng từ quá dài."))
    with transaction.atomic(durable=True):
        recovery = locked(PaymentRecovery, recovery_id, actor)
        outstanding = recovery_outstanding(recovery)
        if recovery.status != RecoveryStatus.OPEN or outstanding <= 0:
            raise InvalidTransition(
                _("Khoản thu hồi này đã được xử lý."),
                code="recovery_already_settled",
                fields={"status": [recovery.status]},
            )
        recovery.status = status
        recovery.settled_as = status
        recovery.settled_amount += outstanding
        recovery.settled_reason = reason
        recovery.decision_reference = decision_reference
        recovery.settled_by = actor
        recovery.settled_at = timezone.now()
        recovery.save(
            update_fields=[
                "status", "settled_as", "settled_amount", "settled_reason",
                "decision_reference", "settled_by", "settled_at",
            ]
        )  # fmt: skip
        audit_record(
            actor=actor, action=AuditAction.PAYMENT_RECOVERY_SETTLED, obj=recovery,
            commune_code=recovery.commune_id,
            data={"status": status, "case_id": recovery.case_id, "amount": str(outstanding),
                  "decision_reference": decision_reference},
        )  # fmt: skip
    return recovery
