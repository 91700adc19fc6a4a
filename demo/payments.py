"""The demo's payments, written through the payments services as an officer would: an account for
most beneficiaries, last month's batch generated, approved by a second officer, exported and
answered by the bank (one transfer rejected), and this month's batch left as a draft."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from beneficiaries.entitlements import add_months, month_start
from beneficiaries.models import Case, CaseStatus
from payments import services
from payments.bank_answers import BankAnswer
from payments.models import PaymentBatch
from registry.models import User

# Banks and an e-wallet of payments/banks.py: Vietcombank, VietinBank, BIDV, Agribank.
DEMO_BANK_BINS = ("970436", "970415", "970418", "970405")


@dataclass(frozen=True)
class DemoPayments:
    accounts: int
    batches: int


def demo_payments_seed(
    *, maker: User, checker: User, communes: list[str], today: date, seed: int
) -> DemoPayments:
    """Idempotent: nothing is written when the demo communes already have a batch."""
    if PaymentBatch.objects.filter(communes__code__in=communes).exists():
        return DemoPayments(accounts=0, batches=0)
    rng = random.Random(seed)
    person_ids = (
        Case.objects.filter(commune_id__in=communes, status=CaseStatus.APPROVED)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )
    accounts = 0
    for person_id in person_ids:
        if rng.random() < 0.2:  # a fifth are paid in cash by the paying agent
            continue
        services.payment_account_set(
            actor=maker,
            person_id=person_id,
            channel="bank",
            bank_bin=rng.choice(DEMO_BANK_BINS),
            account_number="".join(rng.choice("0123456789") for _ in range(12)),
        )
        accounts += 1
    this_month = month_start(today)
    last = services.payment_batch_generate(
        actor=maker, period=f"{add_months(this_month, -1):%Y-%m}", commune_codes=communes
    )
    services.payment_batch_approve(actor=checker, batch_id=last.pk)
    services.payment_batch_export(actor=maker, batch_id=last.pk, file_format="pain001")
    answers = [
        BankAnswer(ref, paid=index != 0, reason="" if index else "AC04", paid_at=today)
        for index, ref in enumerate(
            last.lines.filter(channel="bank").order_by("id").values_list("end_to_end_id", flat=True)
        )
    ]
    services.payment_batch_reconcile(actor=maker, batch_id=last.pk, answers=answers)
    services.payment_batch_generate(
        actor=maker, period=f"{this_month:%Y-%m}", commune_codes=communes
    )
    return DemoPayments(accounts=accounts, batches=2)
