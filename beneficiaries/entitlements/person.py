"""The rules that look at all of one person's cases in a month (Decree 20/2021 Art. 6(2); Law on
Social Insurance 2024 Art. 21 and Decree 176/2025 on the social pension)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from beneficiaries.entitlements.case_month import ZERO, CaseRow, MonthEntitlement, Reason
from beneficiaries.models import Programme


def apply_person_rules(
    rows: Iterable[CaseRow], own: dict[int, MonthEntitlement]
) -> dict[int, MonthEntitlement]:
    """Case id → what is paid, for the cases of one person in one month.

    - Within one programme at most one case pays (the higher, then the older), so a move that
      left two cases overlapping never pays twice (`other_case_paid`).
    - Social pension and social assistance: only the higher is paid (Decree 176/2025); on a tie
      the social pension, the regime the law now gives to old age (`higher_benefit_paid`).
    - Meritorious allowances are paid on top of both (Ordinance 02/2020).
    The 5.4 amount a single poor parent receives on top of 5.5x/5.6/5.8 is within one case.
    """
    result = dict(own)
    paying: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: (-own[r.id].amount, r.id)):
        entitlement = own[row.id]
        if entitlement.amount <= 0:
            continue
        if row.programme in paying:
            result[row.id] = replace(entitlement, amount=ZERO, reason=Reason.OTHER_CASE_PAID)
        else:
            paying[row.programme] = row.id
    assistance = paying.get(Programme.SOCIAL_ASSISTANCE)
    pension = paying.get(Programme.SOCIAL_PENSION)
    if assistance is not None and pension is not None:
        loser = assistance if own[assistance].amount <= own[pension].amount else pension
        result[loser] = replace(result[loser], amount=ZERO, reason=Reason.HIGHER_BENEFIT_PAID)
    return result
