"""Reading the provider's answer into the lines: paid, failed, or reported as unmatched.

The whole file is checked before anything changes, so a file that cannot be applied (a paid
line turned failed without a reversal) changes nothing; applying the same file twice changes
nothing more. A failed line gives its months back: the next batch pays them as arrears.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Protocol, TypedDict

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from payments.models import BatchStatus, LineStatus, PaidMonth, PaymentBatch, PaymentLine
from payments.services.common import locked_batch, require_status
from payments.services.deductions import deductions_release
from registry.audit import AuditAction, audit_record
from registry.exceptions import Conflict
from registry.models import User

REASON_MAX = 140


class Answer(Protocol):
    """What payments needs of one answer (payments.bank_answers.BankAnswer)."""

    end_to_end_id: str
    paid: bool
    reason: str
    paid_at: object
    reversal: bool


class Unmatched(TypedDict):
    end_to_end_id: str
    problem: str  # "unknown" | "duplicate"


class ReconcileResult(TypedDict):
    paid: int
    failed: int
    changed: int
    unmatched: list[Unmatched]


def _refused(end_to_end_id: str, message) -> Conflict:
    return Conflict(message, code="paid_line_not_reversible", fields={"file": [end_to_end_id]})


def _plan(lines: dict[str, PaymentLine], answers: list[Answer]):
    """(changes, unmatched): the lines to change and how; raises before anything is written."""
    counts = Counter(answer.end_to_end_id for answer in answers)
    unmatched: list[Unmatched] = []
    changes: list[tuple[PaymentLine, Answer]] = []
    seen: set[str] = set()
    for answer in answers:
        ref = answer.end_to_end_id
        if counts[ref] > 1:
            if ref not in seen:
                unmatched.append({"end_to_end_id": ref, "problem": "duplicate"})
                seen.add(ref)
            continue
        line = lines.get(ref)
        if line is None:
            unmatched.append({"end_to_end_id": ref, "problem": "unknown"})
            continue
        if answer.paid and line.status == LineStatus.FAILED:
            # Its months may already be paid again as arrears: paying them now would pay twice.
            raise _refused(ref, _("Dòng %(ref)s đã ghi nhận không chi trả được; không thể chuyển "
                                  "sang đã chi trả.") % {"ref": ref})  # fmt: skip
        if not answer.paid and line.status == LineStatus.PAID and not answer.reversal:
            raise _refused(ref, _("Dòng %(ref)s đã chi trả; chỉ một tệp hoàn trả (reversal) mới "
                                  "chuyển được sang không chi trả được.") % {"ref": ref})  # fmt: skip
        wanted = LineStatus.PAID if answer.paid else LineStatus.FAILED
        if line.status != wanted:
            changes.append((line, answer))
    return changes, unmatched


def _apply(line: PaymentLine, answer: Answer) -> None:
    if answer.paid:
        line.status = LineStatus.PAID
        line.paid_at = answer.paid_at
        line.failure_reason = ""
    else:
        line.reversed = line.status == LineStatus.PAID
        line.status = LineStatus.FAILED
        line.failure_reason = (answer.reason or "")[:REASON_MAX]
        line.paid_at = None
    line.save(update_fields=["status", "paid_at", "failure_reason", "reversed"])
    if line.status == LineStatus.FAILED:
        PaidMonth.objects.filter(line=line).update(active=False)
        # Nothing reached the case, so nothing was taken off what it owes back.
        deductions_release(PaymentLine.objects.filter(pk=line.pk))


def one_offs_settle(*, actor: User, batch_id: int) -> int:
    """Mark paid (in beneficiaries, once) each approved one-off whose line in the batch is paid.

    Run after the reconciliation has committed (`one_off_mark_paid` is its own durable
    transaction); it only looks at paid lines, so running it again, or re-uploading the same
    answer, repairs an interrupted run and never marks a one-off twice."""
    from beneficiaries.models import OneOffStatus
    from beneficiaries.services.oneoffs import one_off_mark_paid

    lines = PaymentLine.objects.filter(
        batch_id=batch_id,
        status=LineStatus.PAID,
        one_off_entitlement__status=OneOffStatus.APPROVED,
    ).values_list("one_off_entitlement_id", "end_to_end_id")
    marked = 0
    for one_off_id, end_to_end_id in list(lines):
        one_off_mark_paid(actor=actor, one_off_id=one_off_id, payment_reference=end_to_end_id)
        marked += 1
    return marked


def payment_batch_reconcile(
    *, actor: User, batch_id: int, answers: Iterable[Answer], filename: str = ""
) -> ReconcileResult:
    result = _reconcile(actor=actor, batch_id=batch_id, answers=answers)
    one_offs_settle(actor=actor, batch_id=batch_id)
    return result


def _reconcile(*, actor: User, batch_id: int, answers: Iterable[Answer]) -> ReconcileResult:
    answers = list(answers)
    with transaction.atomic(durable=True):
        batch: PaymentBatch = locked_batch(actor, batch_id)
        require_status(batch, (BatchStatus.EXPORTED, BatchStatus.RECONCILED))
        refs = {answer.end_to_end_id for answer in answers}
        lines = {
            line.end_to_end_id: line
            for line in PaymentLine.objects.select_for_update()
            .filter(batch=batch, end_to_end_id__in=refs)
            .defer("account_number", "account_name")
        }
        changes, unmatched = _plan(lines, answers)
        for line, answer in changes:
            _apply(line, answer)
        answered = {ref for ref in refs if ref in lines}
        statuses = Counter(
            PaymentLine.objects.filter(batch=batch, end_to_end_id__in=answered).values_list(
                "status", flat=True
            )
        )
        if not batch.lines.filter(status=LineStatus.PENDING).exists():
            batch.status = BatchStatus.RECONCILED
            batch.save(update_fields=["status", "updated_at"])
        result: ReconcileResult = {
            "paid": statuses[LineStatus.PAID],
            "failed": statuses[LineStatus.FAILED],
            "changed": len(changes),
            "unmatched": unmatched,
        }
        audit_record(
            actor=actor,
            action=AuditAction.PAYMENT_BATCH_RECONCILED,
            obj=batch,
            data={
                "paid": result["paid"], "failed": result["failed"], "changed": len(changes),
                "unmatched": len(unmatched), "reversals": sum(1 for c in changes if c[0].reversed),
                "status": batch.status,
                "commune_codes": sorted(batch.communes.values_list("code", flat=True)),
            },
        )  # fmt: skip
    return result
