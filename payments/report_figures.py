"""What the Resolution 42 summary report (reports/) reads of payments: per commune, what the
reference month's batches paid, by programme and channel, and how many of the social-assistance
beneficiaries owed something that month were paid. Named in REGISTRY_REPORT_PAYMENT_FIGURES, so
reports never imports payments. Aggregate queries only; amounts owed come from entitlements."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import F, Sum

from beneficiaries.entitlements import entitlements_for_month
from beneficiaries.models import Case, Programme
from payments.models import CASHLESS, LineStatus, PaymentLine


def payment_figures(*, communes: list[str] | None, period) -> dict[str, dict]:
    """Commune code → PaymentFigures (reports/money.py) for `period.month`'s batches.

    A line pays its month's amount plus the arrears it carries, so `amount_paid` is what reached
    people in that month's batches. Every commune asked for is present, zeros included."""
    paid = PaymentLine.objects.filter(period=period.month, status=LineStatus.PAID)
    assistance = Case.objects.filter(programme=Programme.SOCIAL_ASSISTANCE)
    if communes is not None:
        paid = paid.filter(commune_id__in=communes)
        assistance = assistance.filter(commune_id__in=communes)
    figures: dict[str, dict] = defaultdict(_empty)
    sums = paid.values("commune_id", "programme", "channel").annotate(
        total=Sum(F("amount") + F("arrears") + F("one_off") - F("deduction"))
    )
    for row in sums.order_by():
        commune, total = figures[row["commune_id"]], row["total"] or Decimal(0)
        commune["amount_paid"] += total
        if row["channel"] in CASHLESS:
            commune["cashless_amount"] += total
        by_programme, by_channel = (
            commune["amount_paid_by_programme"],
            commune["amount_paid_by_channel"],
        )
        by_programme[row["programme"]] = by_programme.get(row["programme"], Decimal(0)) + total
        by_channel[row["channel"]] = by_channel.get(row["channel"], Decimal(0)) + total
    owed = entitlements_for_month(assistance, period.month)
    owed_cases = {case_id for case_id, entitlement in owed.items() if entitlement.amount}
    paid_cases = set(
        paid.filter(case_id__in=owed_cases).values_list("case_id", flat=True).distinct()
    )
    for case_id, commune_id in assistance.filter(pk__in=owed_cases).values_list("id", "commune_id"):
        figures[commune_id]["eligible"] += 1
        figures[commune_id]["eligible_paid"] += case_id in paid_cases
    for code in communes or ():
        figures[code]  # noqa: B018 - a commune with no payment reports zeros, not "no data"
    return dict(figures)


def _empty() -> dict:
    return {
        "amount_paid": Decimal(0),
        "cashless_amount": Decimal(0),
        "amount_paid_by_programme": {},
        "amount_paid_by_channel": {},
        "eligible": 0,
        "eligible_paid": 0,
    }
