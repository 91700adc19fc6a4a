"""What payments adds to the lower app's lists (named in the settings, never imported by it):
the `shared_payment_account` consistency check and the `uncollected` review source."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from beneficiaries.consistency.findings import Finding, FindingKind, Scope, finding, open_cases
from beneficiaries.entitlements import add_months
from beneficiaries.models import CaseStatus
from beneficiaries.review import ReviewItem, ReviewKind
from payments.models import CASHLESS, LineStatus, PaymentAccount, PaymentLine
from registry import crypto

# Circular 02/2021/TT-BLĐTBXH Art. 2(3)(a): suspend when not collected for 3 months or more.
UNCOLLECTED_MONTHS = 3


def shared_payment_account(scope: Scope) -> Iterator[Finding]:
    """One bank or e-wallet account receiving for persons of different households.

    Accounts are grouped by provider and the account number's blind index in SQL (one query);
    the index is truncated on purpose, so each group is confirmed after decryption. Members of
    one household (a parent receiving for a child) are not reported.
    """
    accounts = PaymentAccount.objects.filter(
        channel__in=CASHLESS, person__in=scope.touching_persons()
    )
    groups = (
        accounts.exclude(account_number_index__isnull=True)
        .values("bank_bin", "account_number_index")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    keys = Q()
    for group in groups:
        keys |= Q(bank_bin=group["bank_bin"], account_number_index=group["account_number_index"])
    if not keys:
        return
    same: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for account in accounts.filter(keys).select_related("person").order_by("person_id"):
        number = crypto.normalise_digits(account.account_number or "")
        person = account.person
        same[(account.bank_bin, number)].append((person.pk, person.household_id, person.ss_code))
    for (bank_bin, _number), members in same.items():
        if len({household for _pk, household, _code in members}) < 2:
            continue
        person_ids = [pk for pk, _household, _code in members]
        case_ids = open_cases().filter(person_id__in=person_ids).values_list("id", flat=True)
        yield finding(
            FindingKind.SHARED_PAYMENT_ACCOUNT,
            _(
                "Một tài khoản (mã BIN %(bank_bin)s) nhận tiền cho %(count)d người ở các hộ khác "
                "nhau: mã an sinh xã hội %(ss_codes)s."
            )
            % {
                "bank_bin": bank_bin,
                "count": len(members),
                "ss_codes": ", ".join(sorted(code for _pk, _household, code in members)),
            },
            person_ids=person_ids,
            case_ids=case_ids,
        )


def uncollected(cases, month: date) -> Iterator[ReviewItem]:
    """Approved cases whose payments failed (not collected) in each of the 3 months before
    `month`: a proposed suspension for an approver to decide. One query."""
    first = add_months(month, -UNCOLLECTED_MONTHS)
    failed = (
        PaymentLine.objects.filter(
            case__in=cases.filter(status=CaseStatus.APPROVED).values("pk"),
            claimed=True,
            status=LineStatus.FAILED,
            period__gte=first,
            period__lt=month,
        )
        .values("case_id")
        .annotate(n=Count("period", distinct=True))
        .filter(n__gte=UNCOLLECTED_MONTHS)
        .values_list("case_id", flat=True)
    )
    for case_id in failed:
        yield {
            "case_id": case_id,
            "kind": ReviewKind.UNCOLLECTED,
            "detail": _(
                "Hồ sơ số %(case_id)s: tiền trợ cấp không được nhận %(months)d tháng liên tiếp "
                "(%(first)s–%(last)s); đề nghị tạm dừng hưởng (Thông tư 02/2021/TT-BLĐTBXH "
                "Điều 2 khoản 3)."
            )
            % {
                "case_id": case_id,
                "months": UNCOLLECTED_MONTHS,
                "first": f"{first:%m/%Y}",
                "last": f"{add_months(month, -1):%m/%Y}",
            },
        }
