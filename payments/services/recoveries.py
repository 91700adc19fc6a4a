"""Recoveries: months already paid that a case's entitlement now owes less for, because of a
change recorded after they were paid: a death (Decree 20/2021 Art. 8(2): nothing after the
month of death), or any decision that lowers a paid month — a reduced level or category (an
adjustment takes effect from its month, Art. 8(3)), a suspension or termination back-dated
into paid months (payment stops from the month after the loss of eligibility), a later start.
../shared/docs/domain.md §3 (Decree 20 Art. 8) and §5 (Art. 34: the monthly list carries the
decreases as well as the increases and arrears).

Found on the payments side when a batch is generated for the case's commune (beneficiaries
never imports payments): for each paid month, what was paid less what `beneficiaries.
entitlements` owes now (the one path every amount comes from), per month and to the đồng,
less what earlier recoveries already hold for that month. It is taken off the case's later
lines where there are any (`deductions`), this batch's first; what no line covers stays
outstanding until an officer records it repaid in cash or waived by a decision.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.entitlements import CaseBook
from beneficiaries.models import Case
from beneficiaries.services.common import invalid, locked
from payments.models import LineStatus, PaidMonth, PaymentBatch, PaymentRecovery, RecoveryStatus
from payments.services.changes import changed_cases, paid_by_month
from payments.services.deductions import recovery_outstanding
from registry.audit import AuditAction, audit_record
from registry.exceptions import InvalidTransition
from registry.models import User

REASON_MAX = 500
REFERENCE_MAX = 100
ZERO = Decimal(0)
IN_FULL = None  # a month of a recovery written before month_amounts: recovered in full


def _recorded(case_ids: set[int]) -> dict[int, dict[str, Decimal | None]]:
    """Case id → {"YYYY-MM": what its recoveries already hold for the month}, every status
    counted (a waived month was decided, a deducted one got back)."""
    done: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    rows = PaymentRecovery.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "months", "month_amounts"
    )
    for case_id, months, month_amounts in rows:
        held = done[case_id]
        if not month_amounts:
            held.update(dict.fromkeys(months, IN_FULL))
            continue
        for month, amount in month_amounts.items():
            if month in held and held[month] is IN_FULL:
                continue
            held[month] = held.get(month, ZERO) + Decimal(amount)
    return done


def recoveries_find(
    batch: PaymentBatch, commune_codes: list[str], changed: set[int] | None = None
) -> list[PaymentRecovery]:
    """Record a recovery per case of the communes paid (a paid line) more for some months than
    its entitlement now owes, for what no recovery holds yet; `changed` (`changed_cases`) when
    the caller has it. Called inside the generation's transaction (the communes are locked)."""
    if changed is None:
        changed = changed_cases(commune_codes)
    if not changed:
        return []
    # Every paid row of those cases: a month's total is its own amount plus any top-up.
    by_case = paid_by_month(
        PaidMonth.objects.filter(case_id__in=changed, active=True, line__status=LineStatus.PAID)
    )
    cases = Case.objects.filter(pk__in=changed)
    book = CaseBook.load(cases)
    communes = dict(cases.values_list("pk", "commune_id"))
    done = _recorded(changed)
    found = []
    for case_id in sorted(by_case):
        months = sorted(by_case[case_id].items())
        owed = {e.month: e.amount for e in book.case_range(case_id, months[0][0], months[-1][0])}
        held = done.get(case_id, {})
        over = {}
        for month, amount in months:
            key = f"{month:%Y-%m}"
            if key in held and held[key] is IN_FULL:
                continue
            left = amount - owed.get(month, ZERO) - held.get(key, ZERO)
            if left > 0:
                over[key] = left
        if over:
            found.append(
                PaymentRecovery(
                    case_id=case_id,
                    commune_id=communes[case_id],
                    batch=batch,
                    months=list(over),
                    month_amounts={key: int(amount) for key, amount in over.items()},
                    amount=sum(over.values(), ZERO),
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
