"""Reads of the payments app: accounts, batches in the user's communes, lines, export rows."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from beneficiaries import selectors as registry_selectors
from beneficiaries.models import OneOffEntitlement, Programme
from payments.models import (
    CASHLESS,
    PaymentAccount,
    PaymentBatch,
    PaymentLine,
    PaymentRecovery,
    RecoveryStatus,
)
from payments.services.common import MAX_PK, batch_visible_to
from registry.access import user_commune_codes
from registry.exceptions import NotFound
from registry.models import Commune, User


def payment_account_get(*, user: User, person_id) -> PaymentAccount:
    """The account of a person in the user's communes; 404 when the person has none."""
    person = registry_selectors.person_get(user=user, person_id=person_id)
    account = PaymentAccount.objects.filter(person=person).select_related("person").first()
    if account is None:
        raise NotFound()
    return account


def payment_batches_list(*, user: User, filters=None) -> QuerySet[PaymentBatch]:
    """Batches all of whose communes are the user's (every batch for auditors)."""
    batches = PaymentBatch.objects.select_related("created_by", "approved_by")
    codes = user_commune_codes(user)
    if codes is not None:
        batches = batches.exclude(communes__in=Commune.objects.exclude(code__in=codes))
    filters = filters or {}
    if filters.get("period"):
        batches = batches.filter(period__startswith=filters["period"])
    if filters.get("status"):
        batches = batches.filter(status=filters["status"])
    return batches.order_by("-period", "-id")


def payment_batch_get(*, user: User, batch_id) -> PaymentBatch:
    try:
        pk = int(batch_id)
        if not 0 < pk <= MAX_PK:
            raise ValueError
        batch = PaymentBatch.objects.select_related("created_by", "approved_by").get(pk=pk)
    except (PaymentBatch.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not batch_visible_to(user, batch):
        raise NotFound()
    return batch


def payment_lines_list(*, batch: PaymentBatch, filters=None) -> QuerySet[PaymentLine]:
    lines = batch.lines.select_related("person").only(
        *[f.name for f in PaymentLine._meta.concrete_fields], "person__ss_code", "person__full_name"
    )
    filters = filters or {}
    if filters.get("status"):
        lines = lines.filter(status=filters["status"])
    return lines.order_by("id")


def payment_recoveries_list(*, user: User, filters=None) -> QuerySet[PaymentRecovery]:
    """Recoveries of the user's communes (every commune for auditors), with what was deducted
    (`deducted`) and what is still owed (`outstanding`)."""
    deducted = Coalesce(
        Sum("deductions__amount", filter=Q(deductions__active=True)),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=14, decimal_places=0),
    )
    recoveries = PaymentRecovery.objects.select_related("settled_by").annotate(deducted=deducted)
    recoveries = recoveries.annotate(outstanding=F("amount") - F("settled_amount") - F("deducted"))
    codes = user_commune_codes(user)
    if codes is not None:
        recoveries = recoveries.filter(commune_id__in=codes)
    filters = filters or {}
    # A status or commune that cannot exist matches nothing (and never reaches the database: a
    # NUL character in a parameter is an error on PostgreSQL).
    status, commune = str(filters.get("status", "")), str(filters.get("commune", ""))
    if status:
        valid = status in RecoveryStatus.values
        recoveries = recoveries.filter(status=status) if valid else recoveries.none()
    if commune:
        valid = commune.isascii() and commune.isdigit() and len(commune) == 5
        recoveries = recoveries.filter(commune_id=commune) if valid else recoveries.none()
    case = str(filters.get("case", ""))
    # Only ASCII digits within the key's range: "²" passes isdigit(), a 30-digit id overflows.
    if case.isascii() and case.isdigit() and 0 < int(case) <= MAX_PK:
        recoveries = recoveries.filter(case_id=int(case))
    return recoveries.order_by("id")


def payment_recovery_get(*, user: User, recovery_id) -> PaymentRecovery:
    try:
        pk = int(recovery_id)
        if not 0 < pk <= MAX_PK:
            raise ValueError
        return payment_recoveries_list(user=user).get(pk=pk)
    except (PaymentRecovery.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def _labels(batch: PaymentBatch) -> tuple[str, str]:
    communes = ", ".join(f"{c.code} {c.name}" for c in batch.communes.order_by("code"))
    programmes = sorted(set(batch.lines.values_list("programme", flat=True)))
    names = ", ".join(str(Programme(p).label) for p in programmes if p in Programme.values)
    return communes, names


def export_header(batch: PaymentBatch):
    from payments.exports import ExportHeader

    commune_label, programme_label = _labels(batch)
    # pain.001's group header counts and sums the cashless lines before they are written: one
    # aggregate here keeps the exporter to a single streaming pass.
    # A line a recovery takes off in full transfers nothing and is not in the file.
    cashless = (
        batch.lines.filter(channel__in=CASHLESS)
        .exclude(deduction__gt=0, deduction=F("amount") + F("arrears") + F("one_off"))
        .aggregate(
            count=Count("id"),
            amount=Sum("amount"),
            arrears=Sum("arrears"),
            one_off=Sum("one_off"),
            deduction=Sum("deduction"),
        )
    )
    return ExportHeader(
        line_count=cashless["count"],
        control_sum=sum(
            (cashless[key] or Decimal(0) for key in ("amount", "arrears", "one_off")), Decimal(0)
        )
        - (cashless["deduction"] or Decimal(0)),
        batch_id=batch.pk,
        msg_id=batch.msg_id,
        created_at=batch.first_exported_at,
        period=f"{batch.period:%Y-%m}",
        commune_label=commune_label,
        programme_label=programme_label,
        debtor_name=getattr(settings, "REGISTRY_PAYMENT_DEBTOR_NAME", ""),
        debtor_account=getattr(settings, "REGISTRY_PAYMENT_DEBTOR_ACCOUNT", ""),
        debtor_bic=getattr(settings, "REGISTRY_PAYMENT_DEBTOR_BIC", ""),
        audit_chain_head=batch.audit_chain_head,
    )


def export_lines(batch: PaymentBatch, *, chunk_size: int = 2000) -> Iterator:
    """Every line as an ExportLine, read in chunks so memory stays flat: plain values of the
    columns a file needs (no model instances), each encrypted one decrypted once."""
    from payments.exports import ExportLine

    rows = batch.lines.order_by("id").values_list(
        "end_to_end_id", "person_id", "person__ss_code", "person__full_name", "commune_id",
        "programme", "category", "amount", "arrears", "one_off", "deduction", "channel",
        "bank_bin", "account_number", "account_name", "one_off_entitlement_id",
    )  # fmt: skip
    bics: dict[str, str] = {}
    for (end_to_end_id, person_id, ss_code, full_name, commune_id, programme, category, amount,
         arrears, one_off, deduction, channel, bank_bin, account_number, account_name,
         one_off_id) in rows.iterator(chunk_size=chunk_size):  # fmt: skip
        if person_id is None:
            ss_code, full_name = "", _one_off_payee(one_off_id)
        cashless = channel in CASHLESS
        if cashless and bank_bin not in bics:
            bics[bank_bin] = _bic(bank_bin)
        yield ExportLine(
            end_to_end_id=end_to_end_id,
            ss_code=ss_code,
            full_name=full_name,
            commune_code=commune_id,
            programme=programme,
            category=category,
            amount=amount,
            arrears=arrears,
            one_off=one_off,
            deduction=deduction,
            channel=channel,
            bank_bin=bank_bin,
            bank_bic=bics[bank_bin] if cashless else "",
            account_number=account_number or "",
            account_name=account_name or "",
        )


def _one_off_payee(one_off_id: int) -> str:
    """The payee named on a one-off with no registered person (a few lines: one query each)."""
    one_off = OneOffEntitlement.objects.only("payee_name").get(pk=one_off_id)
    return one_off.payee_name or ""


def _bic(bank_bin: str) -> str:
    try:
        from payments.banks import bank_by_bin
    except ImportError:
        return ""
    bank = bank_by_bin(bank_bin)
    return (getattr(bank, "bic", "") or "") if bank else ""
