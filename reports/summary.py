"""The summary report: the selectors' counts per commune, the province totals, the rates, the
2030 targets and the small-number rule. Rates and shares are percentages with two decimals,
rounded half up (Decimal), null when there is nothing to divide by.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from beneficiaries.models import CATEGORIES_BY_PROGRAMME
from registry.access import ensure_commune_access, user_commune_codes
from registry.exceptions import NotFound
from registry.models import Commune
from reports import snapshot
from reports.cache import snapshots_enabled, summary_cached
from reports.figures import COUNT_FIGURES, PROGRAMMES, Row, commune_rows
from reports.period import Period
from reports.suppression import suppress_complementary

# Counts of the HIV categories (Decree 20/2021 Art. 5(3) and 5(8)) below this are shown as
# "< 5": HIV status never appears on anything posted (docs/reports.md, "Small numbers").
SMALL_NUMBER_CATEGORIES = frozenset({"5.3", "5.8"})
SMALL_NUMBER_BELOW = 5
SMALL_NUMBER_LABEL = f"< {SMALL_NUMBER_BELOW}"
# Who sees the small numbers exactly in the JSON answer (auditors); the workbook never does.
EXACT_SMALL_NUMBERS_PERMISSION = "beneficiaries.view_sensitive"

HUNDREDTH = Decimal("0.01")
POVERTY_RATE_TARGET = Decimal("1")


def percentage(part, whole) -> Decimal | None:
    """part / whole × 100 with two decimals, half up; None without a whole."""
    if part is None or not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def small_number(count: int, *, category: str, exact: bool) -> dict:
    suppressed = not exact and category in SMALL_NUMBER_CATEGORIES and count < SMALL_NUMBER_BELOW
    return {
        "persons": None if suppressed else count,
        "display": SMALL_NUMBER_LABEL if suppressed else str(count),
        "suppressed": suppressed,
    }


def report_scope(
    *, user, commune: str | None = None, province: str | None = None, communes=None
) -> set[str] | None:
    """The communes the report covers: None for every commune (auditors without a filter).

    A commune outside the user's, or one that does not exist, is 404 (existence never shown).
    `communes` (a set of codes, the reports page's choice) is checked code by code.
    """
    codes = user_commune_codes(user)
    if communes:
        chosen = set(communes)
        if Commune.objects.filter(code__in=chosen).count() != len(chosen):
            raise NotFound()
        for code in sorted(chosen):
            ensure_commune_access(user, code)
        return chosen
    if commune:
        if not Commune.objects.filter(code=commune).exists():
            raise NotFound()
        ensure_commune_access(user, commune)
        return {commune}
    if province:
        in_province = set(
            Commune.objects.filter(province_id=province).values_list("code", flat=True)
        )
        if not in_province:
            raise NotFound()
        return in_province if codes is None else codes & in_province
    return codes


def _sum_payments(rows: list[dict]) -> dict:
    total: dict = {"amount_paid": Decimal(0), "cashless_amount": Decimal(0), "eligible": 0,
                   "eligible_paid": 0, "amount_paid_by_programme": defaultdict(Decimal),
                   "amount_paid_by_channel": defaultdict(Decimal)}  # fmt: skip
    for row in rows:
        for key in ("amount_paid", "cashless_amount", "eligible", "eligible_paid"):
            total[key] += row.get(key) or 0
        for key in ("amount_paid_by_programme", "amount_paid_by_channel"):
            for name, amount in (row.get(key) or {}).items():
                total[key][name] += amount
    return total


def _paid_shares(paid: dict | None) -> tuple[Decimal | None, Decimal | None]:
    if paid is None:
        return None, None
    return (
        percentage(paid.get("cashless_amount"), paid.get("amount_paid")),
        percentage(paid.get("eligible_paid"), paid.get("eligible")),
    )


def _trend(current, previous) -> str | None:
    if current is None or previous is None:
        return None
    return "down" if current < previous else "up" if current > previous else "same"


def _targets(row: Row, poverty_rate) -> list[dict]:
    previous_rate = percentage(row.previous["poor"], row.previous["households"])
    cashless, paid_share = _paid_shares(row.paid)
    previous_cashless, previous_paid_share = _paid_shares(row.previous_paid)
    merit_now = row.counts["meritorious_households_poor"]
    merit_before = row.previous["meritorious_households_poor"]
    cashless_trend = _trend(cashless, previous_cashless)
    return [
        {"code": "poverty_rate_below_1", "current": poverty_rate, "previous": previous_rate,
         "trend": _trend(poverty_rate, previous_rate),
         "met": None if poverty_rate is None else poverty_rate < POVERTY_RATE_TARGET},
        {"code": "no_poor_meritorious_household", "current": merit_now, "previous": merit_before,
         "trend": _trend(merit_now, merit_before), "met": merit_now == 0},
        {"code": "all_eligible_paid", "current": paid_share, "previous": previous_paid_share,
         "trend": _trend(paid_share, previous_paid_share),
         "met": None if paid_share is None else paid_share == 100},
        {"code": "cashless_share_rising", "current": cashless, "previous": previous_cashless,
         "trend": cashless_trend, "met": None if cashless_trend is None else cashless_trend == "up"},
    ]  # fmt: skip


def _shape(row: Row, *, exact: bool) -> dict:
    c = row.counts
    poverty_rate = percentage(c["poor"], c["households"])
    cashless, paid_share = _paid_shares(row.paid)
    paid = row.paid
    return {
        **{key: c[key] for key in COUNT_FIGURES if not key.startswith("persons_")},
        "poverty_rate": poverty_rate,
        "near_poverty_rate": percentage(c["near_poor"], c["households"]),
        "poor_persons_rate": percentage(c["poor_persons"], c["persons"]),
        "near_poor_persons_rate": percentage(c["near_poor_persons"], c["persons"]),
        "persons_by_programme": {p: c[f"persons_{p}"] for p in PROGRAMMES},
        "persons_by_category": [
            {"programme": programme, "category": category,
             **small_number(row.by_category.get((programme, category), 0), category=category,
                            exact=exact)}
            for programme in PROGRAMMES
            for category in CATEGORIES_BY_PROGRAMME[programme]
        ],  # fmt: skip
        "amount_due": sum(row.due.values(), Decimal(0)),
        "amount_due_by_programme": dict(row.due),
        "amount_paid": None if paid is None else paid.get("amount_paid"),
        "amount_paid_by_programme": None if paid is None else dict(paid.get("amount_paid_by_programme") or {}),
        "amount_paid_by_channel": None if paid is None else dict(paid.get("amount_paid_by_channel") or {}),
        "cashless_share": cashless,
        "eligible_paid_share": paid_share,
        "targets": _targets(row, poverty_rate),
        "suppressed_figures": [],  # filled by reports/suppression.py
    }  # fmt: skip


def report_summary_build(
    *, user, period: Period, commune: str | None = None, province: str | None = None,
    communes=None, exact_small_numbers: bool | None = None, with_amounts: bool = True,
) -> dict:  # fmt: skip
    """The summary for the user's communes (or the one asked), one row per commune and one
    total per province. `exact_small_numbers` defaults to the user's permission."""
    if exact_small_numbers is None:
        exact_small_numbers = user.has_perm(EXACT_SMALL_NUMBERS_PERMISSION)
    codes = report_scope(user=user, commune=commune, province=province, communes=communes)
    return summary_cached(
        codes=codes, period=period, exact=exact_small_numbers, with_amounts=with_amounts,
        compute=lambda: summary_compute(codes, period, exact_small_numbers, with_amounts),
    )  # fmt: skip


def summary_compute(codes, period: Period, exact_small_numbers: bool, with_amounts: bool) -> dict:
    """The summary for these communes (None: every commune holding data): from the stored
    per-commune figures, recomputing only the stale communes, when the cache is on
    (reports/snapshot.py); otherwise every figure fresh."""
    generated_at = timezone.now()
    if snapshots_enabled():
        rows, payments = snapshot.stored_rows(codes, period, with_amounts=with_amounts)
    else:
        rows, payments = commune_rows(codes, period, with_amounts=with_amounts)
    if codes is None:  # an auditor's report lists the communes holding data, as a fresh one
        rows = {code: row for code, row in rows.items() if row.held}
    return _assemble(rows, payments, period, exact_small_numbers, with_amounts, generated_at)


def _assemble(
    by_code: dict[str, Row], payments: bool, period: Period, exact_small_numbers: bool,
    with_amounts: bool, generated_at: datetime,
) -> dict:  # fmt: skip
    """Per-commune rows → the report: the province totals, rates, targets, small numbers."""
    communes = (
        Commune.objects.filter(code__in=list(by_code))
        .select_related("province")
        .order_by("province_id", "code")
    )
    rows, provinces = [], {}
    for commune_obj in communes:
        row = by_code[commune_obj.code]
        rows.append((commune_obj, row))
        province_row = provinces.setdefault(commune_obj.province, (Row(), [], []))
        province_row[0].add(row)
        if payments:
            province_row[1].append(row.paid or {})
            province_row[2].append(row.previous_paid or {})
    province_out = []
    for province_obj, (total, paid_rows, previous_rows) in provinces.items():
        if payments:
            total.paid, total.previous_paid = _sum_payments(paid_rows), _sum_payments(previous_rows)
        province_out.append(
            {
                "code": province_obj.code,
                "name": province_obj.name,
                "communes": sum(1 for c, _r in rows if c.province_id == province_obj.code),
                **_shape(total, exact=exact_small_numbers),
            }  # fmt: skip
        )
    report = {
        "year": period.year,
        "month": period.month,
        "previous_year": period.previous().year,
        "generated_at": generated_at,
        "payments_available": payments,
        "amounts_available": with_amounts,
        "small_numbers": "exact" if exact_small_numbers else "suppressed",
        "provinces": province_out,
        "communes": [
            {
                "code": c.code,
                "name": c.name,
                "province_code": c.province_id,
                **_shape(r, exact=exact_small_numbers),
            }  # fmt: skip
            for c, r in rows
        ],
    }
    if not exact_small_numbers:
        suppress_complementary(report, SMALL_NUMBER_CATEGORIES)
    return report
