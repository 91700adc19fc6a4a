"""The summary report's paid figures come from the month's reconciled lines: amounts by channel,
the cashless share, and how many social-assistance beneficiaries owed something were paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from payments import services
from payments.bank_answers import BankAnswer
from tests.conftest import OWN_COMMUNE
from tests.factories import UserFactory
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db
JULY = date(2026, 7, 1)


def test_paid_failed_and_cash_lines_make_the_reports_paid_figures(officer, second_officer):
    paid_by_bank = elder_case(start=JULY, name="Lê Văn Một")
    failed = elder_case(start=JULY, name="Lê Văn Hai")
    elder_case(start=JULY, name="Lê Thị Ba")  # no account: cash, not yet answered
    bank_account(paid_by_bank.person)
    bank_account(failed.person, number="0987654321")
    batch = services.payment_batch_generate(
        actor=officer, period="2026-07", commune_codes=[OWN_COMMUNE]
    )
    services.payment_batch_approve(actor=second_officer, batch_id=batch.pk)
    services.payment_batch_export(actor=officer, batch_id=batch.pk, file_format="pain001")
    lines = {line.case_id: line for line in batch.lines.all()}
    services.payment_batch_reconcile(actor=officer, batch_id=batch.pk, answers=[
        BankAnswer(lines[paid_by_bank.pk].end_to_end_id, True, paid_at=date(2026, 7, 20)),
        BankAnswer(lines[failed.pk].end_to_end_id, False, reason="AC04"),
    ])  # fmt: skip

    auditor = UserFactory(role="auditor")
    client = APIClient()
    client.force_authenticate(auditor)
    body = client.get("/api/v1/reports/summary/", {"year": 2026, "month": "2026-07",
                                                     "commune": OWN_COMMUNE}).json()  # fmt: skip
    [row] = body["communes"]
    one_line = lines[paid_by_bank.pk].amount + lines[paid_by_bank.pk].arrears
    assert one_line == Decimal("500000")  # 5.5c: 1.0 × 500,000 (Decree 20/2021 Art. 6, 76/2024)
    assert body["payments_available"] is True
    assert Decimal(row["amount_paid"]) == one_line
    assert row["cashless_share"] == "100.00"  # the only paid line went to a bank
    assert row["amount_paid_by_channel"] == {"bank": "500000"}
    assert row["eligible_paid_share"] == "33.33"  # 1 of the 3 owed July was paid
