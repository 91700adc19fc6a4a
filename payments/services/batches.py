"""A batch's lifecycle: generate, regenerate or cancel a draft, approve (four eyes), export.

Every transition is one durable transaction that locks the batch row, checks its status,
changes it and writes the audit event. Generation also locks the communes' rows, so two
officers generating the same period wait for each other; the database constraints on lines and
paid months are the last line of defence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.services.common import invalid
from payments.models import (
    BatchStatus,
    LineStatus,
    PaidMonth,
    PaymentBatch,
    PaymentLine,
    PaymentRecovery,
    RecoveryStatus,
)
from payments.services.changes import changed_cases
from payments.services.common import locked_batch, period_of, require_status
from payments.services.deductions import deductions_release
from payments.services.generation import Totals, lines_fill
from payments.services.recoveries import recoveries_find
from registry.access import ensure_commune_access
from registry.audit import AuditAction, audit_chain_head, audit_record
from registry.exceptions import Conflict, Forbidden, NotFound
from registry.models import Commune, User


def _nothing_to_pay() -> Conflict:
    return Conflict(
        _("Không còn hồ sơ nào cần chi trả cho kỳ này ở các xã đã chọn."), code="nothing_to_pay"
    )


def _communes_locked(actor: User, commune_codes: list[str]) -> list[str]:
    codes = sorted({str(code).strip() for code in commune_codes or [] if str(code).strip()})
    if not codes:
        raise invalid("commune_codes", _("Cần chọn ít nhất một xã."), "required")
    for code in codes:
        ensure_commune_access(actor, code)
    found = list(
        Commune.objects.select_for_update().filter(code__in=codes).order_by("code")
        .values_list("code", flat=True)
    )  # fmt: skip
    if found != codes:
        raise NotFound()
    return codes


def _save_totals(batch: PaymentBatch, totals: Totals, recoveries: list[PaymentRecovery]) -> None:
    batch.recovery_count = len(recoveries)
    batch.recovery_amount = sum((r.amount for r in recoveries), Decimal(0))
    batch.line_count = totals.line_count
    batch.total_amount = totals.total_amount
    batch.cashless_count = totals.cashless_count
    batch.cashless_amount = totals.cashless_amount
    batch.save()


def _figures(batch: PaymentBatch) -> dict:
    """What each batch event records; its communes let the reports recompute those only."""
    return {
        "period": f"{batch.period:%Y-%m}",
        "commune_codes": sorted(batch.communes.values_list("code", flat=True)),
        "line_count": batch.line_count,
        "total_amount": str(batch.total_amount),
        "recovery_count": batch.recovery_count,
        "recovery_amount": str(batch.recovery_amount),
    }


def payment_batch_generate(
    *,
    actor: User,
    period: date | str,
    commune_codes: list[str],
    before_commit: Callable[[PaymentBatch], None] | None = None,
) -> PaymentBatch:
    """A draft batch of every case of the communes owed something for `period` and in no batch
    for it yet; 409 `nothing_to_pay` when there is none. `before_commit` (a background job's
    seal) runs inside the transaction, once the batch is complete."""
    period = period_of(period)
    with transaction.atomic(durable=True):
        codes = _communes_locked(actor, commune_codes)
        batch = PaymentBatch.objects.create(period=period, created_by=actor)
        batch.communes.set(codes)
        # Recoveries first: one found now is deducted from the case's line in this batch. Both
        # recompute the paid months of the cases changed since they were paid (read once).
        changed = changed_cases(codes)
        recoveries = recoveries_find(batch, codes, changed)
        totals = lines_fill(batch, codes, changed)
        if not totals.line_count:
            raise _nothing_to_pay()
        _save_totals(batch, totals, recoveries)
        audit_record(
            actor=actor,
            action=AuditAction.PAYMENT_BATCH_GENERATED,
            obj=batch,
            commune_code=codes[0] if len(codes) == 1 else "",
            data=_figures(batch),
        )
        if before_commit is not None:
            before_commit(batch)
    return batch


def _release(batch: PaymentBatch) -> None:
    deductions_release(PaymentLine.objects.filter(batch=batch))
    PaidMonth.objects.filter(line__batch=batch).update(active=False)
    PaymentLine.objects.filter(batch=batch).update(claimed=False)


def payment_batch_regenerate(*, actor: User, batch_id: int) -> PaymentBatch:
    """Rebuild a draft from today's data: its lines are dropped and generated again."""
    with transaction.atomic(durable=True):
        batch = locked_batch(actor, batch_id)
        require_status(batch, (BatchStatus.DRAFT,))
        codes = _communes_locked(actor, list(batch.communes.values_list("code", flat=True)))
        deductions_release(PaymentLine.objects.filter(batch=batch), delete=True)
        # The draft's own findings are found again, unless part of one was deducted elsewhere
        # or settled meanwhile: that one stays (its months are not recorded twice).
        PaymentRecovery.objects.filter(
            batch=batch, status=RecoveryStatus.OPEN, settled_amount=0, deductions__isnull=True
        ).delete()
        PaidMonth.objects.filter(line__batch=batch).delete()
        PaymentLine.objects.filter(batch=batch).delete()
        changed = changed_cases(codes)
        recoveries = recoveries_find(batch, codes, changed)
        totals = lines_fill(batch, codes, changed)
        if not totals.line_count:
            raise _nothing_to_pay()
        _save_totals(batch, totals, recoveries)
        audit_record(
            actor=actor, action=AuditAction.PAYMENT_BATCH_REGENERATED, obj=batch,
            data=_figures(batch),
        )  # fmt: skip
    return batch


def payment_batch_cancel(*, actor: User, batch_id: int) -> PaymentBatch:
    """Cancel a batch not yet sent: its cases and months go back to the payable pool. An
    exported batch cannot be cancelled (the provider has the file): a reversal undoes a line."""
    with transaction.atomic(durable=True):
        batch = locked_batch(actor, batch_id)
        require_status(batch, (BatchStatus.DRAFT, BatchStatus.APPROVED))
        _release(batch)
        batch.status = BatchStatus.CANCELLED
        batch.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.PAYMENT_BATCH_CANCELLED, obj=batch,
            data=_figures(batch),
        )  # fmt: skip
    return batch


def ensure_four_eyes(batch: PaymentBatch, actor: User) -> None:
    """The one check that a batch is approved by someone other than its generator: it binds
    superusers too."""
    if batch.created_by_id == actor.pk:
        raise Forbidden(
            _("Người lập đợt chi trả không được tự duyệt đợt đó."), code="four_eyes_required"
        )


def payment_batch_approve(*, actor: User, batch_id: int) -> PaymentBatch:
    with transaction.atomic(durable=True):
        batch = locked_batch(actor, batch_id)
        require_status(batch, (BatchStatus.DRAFT,))
        ensure_four_eyes(batch, actor)
        batch.status = BatchStatus.APPROVED
        batch.approved_by = actor
        batch.approved_at = timezone.now()
        batch.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.PAYMENT_BATCH_APPROVED, obj=batch,
            data=_figures(batch),
        )  # fmt: skip
    return batch


def payment_batch_export(*, actor: User, batch_id: int, file_format: str) -> PaymentBatch:
    """Mark an approved batch exported (its lines are then locked) or record a re-export. The
    message id and creation time are fixed at the first export, so re-exports are identical."""
    with transaction.atomic(durable=True):
        batch = locked_batch(actor, batch_id)
        require_status(batch, (BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.RECONCILED))
        first = batch.first_exported_at is None
        if first:
            batch.first_exported_at = timezone.now().replace(microsecond=0)
            batch.msg_id = f"SSR{batch.period:%Y%m}B{batch.pk:010d}"
            # The file carries the audit chain's head at its first export (docs/security.md).
            batch.audit_chain_head = audit_chain_head().hash
        if batch.status == BatchStatus.APPROVED:
            batch.status = BatchStatus.EXPORTED
            _offset_lines_settle(batch)
        batch.save()
        audit_record(
            actor=actor, action=AuditAction.PAYMENT_BATCH_EXPORTED, obj=batch,
            data={**_figures(batch), "format": file_format, "first": first},
        )  # fmt: skip
    return batch


def _offset_lines_settle(batch: PaymentBatch) -> None:
    """A line a recovery takes off in full transfers nothing: no provider answers for it, so it
    is paid (by the deduction) when the batch is sent."""
    batch.lines.filter(
        status=LineStatus.PENDING,
        deduction__gt=0,
        deduction=F("amount") + F("arrears") + F("one_off"),
    ).update(status=LineStatus.PAID, paid_at=batch.first_exported_at.date())


def payment_batch_export_digest_record(*, batch_id: int, file_format: str, sha256: str) -> None:
    """Record the SHA-256 of a file once it has been streamed in full."""
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch_id)
        batch.export_sha256 = {**batch.export_sha256, file_format: sha256}
        batch.save(update_fields=["export_sha256", "updated_at"])
