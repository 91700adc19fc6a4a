"""Consistency checks that apply the entitlement rules (beneficiaries.entitlements)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries import entitlements
from beneficiaries.consistency.findings import Finding, FindingKind, Scope, finding
from beneficiaries.entitlements import CaseBook, Reason
from beneficiaries.models import CaseStatus, Programme


def aged_out(scope: Scope) -> Iterator[Finding]:
    """An approved or suspended case none of whose categories' age windows is open this month
    (Decree 20/2021 Art. 5; Decree 176/2025 for the social pension): it pays nothing and should
    be terminated or adjusted. Five queries (`CaseBook.load`)."""
    this_month = entitlements.month_start(timezone.localdate())
    book = CaseBook.load(
        scope.cases.filter(
            status__in=[CaseStatus.APPROVED, CaseStatus.SUSPENDED],
            programme__in=[Programme.SOCIAL_ASSISTANCE, Programme.SOCIAL_PENSION],
        )
    )
    for case_id in sorted(book.wanted):
        row = book.rows[case_id]
        if row.start_month is None or this_month < row.start_month:
            continue
        state = entitlements.case_month(row, this_month, book.rates, preview=True)
        if state.reason != Reason.AGED_OUT:
            continue
        yield finding(
            FindingKind.AGED_OUT,
            _(
                "Hồ sơ số %(case_id)s (diện %(categories)s) vẫn đang mở nhưng người hưởng đã quá "
                "độ tuổi của mọi diện đã ghi nhận."
            )
            % {"case_id": case_id, "categories": ", ".join(row.terms_in(this_month).categories)},
            person_ids=[row.person_id],
            case_ids=[case_id],
        )
