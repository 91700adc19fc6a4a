"""Money in the report: amounts due come from beneficiaries.entitlements (the only source of
amounts); amounts paid come from whatever app the settings name as the payment-figures
provider (payments, once it exists), so this module never imports it.

`REGISTRY_REPORT_PAYMENT_FIGURES = [("payment_figures", "dotted.path")]` names a function
`(*, communes: list[str] | None, period: Period) -> dict[commune code, PaymentFigures] | None`.
Without one (or when it returns None) every paid figure is null and `payments_available` false.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TypedDict

from beneficiaries.entitlements import CaseBook
from registry.listed import listed_functions
from reports.period import Period
from reports.selectors import cases_on_rolls

PAYMENT_FIGURES_SETTING = "REGISTRY_REPORT_PAYMENT_FIGURES"


class PaymentFigures(TypedDict, total=False):
    """What a provider returns per commune for the period's month (Decimal đồng, counts)."""

    amount_paid: Decimal
    cashless_amount: Decimal  # paid to a bank or e-wallet account
    amount_paid_by_programme: dict[str, Decimal]
    amount_paid_by_channel: dict[str, Decimal]  # "bank", "ewallet", "cash"
    eligible: int  # social-assistance beneficiaries owed something for the month
    eligible_paid: int  # of them, those paid


def amounts_due(codes, period: Period) -> dict[str, dict[str, Decimal]]:
    """Commune → programme → the month's entitlements (person rules applied), in whole đồng.

    The entitlements' bulk API reads every case in a fixed number of queries, then computes
    each case's month in memory: it is the one computation of money, so it is not repeated here.
    Its rows carry each case's commune and programme (no second read of the cases).
    """
    book = CaseBook.load(cases_on_rolls(codes, period))
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for case_id, entitlement in book.month(period.month).items():
        if entitlement.amount:
            row = book.rows[case_id]
            out[row.commune_id][row.programme] += entitlement.amount
    return out


def payment_figures(codes, period: Period) -> dict[str, PaymentFigures] | None:
    """The configured provider's figures, or None (payments not available)."""
    providers = listed_functions(PAYMENT_FIGURES_SETTING, kinds=["payment_figures"])
    if not providers:
        return None
    _kind, provider = providers[0]
    return provider(communes=None if codes is None else sorted(codes), period=period)
