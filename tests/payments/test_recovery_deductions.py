"""Recoveries taken off the same case's later lines (the amount due plus arrears, minus
recoveries): a death recorded after months were paid (Decree 20/2021 Art. 8(2): nothing is due
after the month of death) while the case is still owed earlier months that a bank rejected.

Amounts from the law: a 5.5c elder over 80 is paid coefficient 1.0 × the base level 500,000 đồng
(Decree 20/2021 Art. 6(1) as amended by Decree 76/2024 Art. 1), i.e. 500,000 đồng a month.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from beneficiaries.services.persons import person_record_death
from payments import services
from payments.bank_answers import BankAnswer as Answer
from payments.models import LineStatus, PaymentRecovery, RecoveryDeduction, RecoveryStatus
from registry.exceptions import InvalidTransition
from tests.conftest import OWN_COMMUNE
from tests.factories import make_user
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db
MONTH = Decimal(500_000)  # 1.0 × 500,000 đồng (Decree 76/2024)
JULY = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        yield


def run(officer, checker, period: str, *, failed: set[int] = frozenset()):
    """Generate, approve, export and reconcile a batch; lines of the `failed` cases are rejected."""
    batch = services.payment_batch_generate(
        actor=officer, period=period, commune_codes=[OWN_COMMUNE]
    )
    services.payment_batch_approve(actor=checker, batch_id=batch.pk)
    services.payment_batch_export(actor=officer, batch_id=batch.pk, file_format="pain001")
    answers = [
        Answer(ref, case_id not in failed, "AC04" if case_id in failed else "")
        for ref, case_id in batch.lines.values_list("end_to_end_id", "case_id")
    ]
    services.payment_batch_reconcile(actor=officer, batch_id=batch.pk, answers=answers)
    return batch


def reverse(officer, batch, case) -> None:
    """The bank returns a paid transfer (account closed): the line's months are owed again."""
    ref = batch.lines.get(case=case).end_to_end_id
    answer = Answer(ref, False, "AC04", reversal=True)
    services.payment_batch_reconcile(actor=officer, batch_id=batch.pk, answers=[answer])


def die(case, day: date) -> None:
    registrar = make_user("registrar_d", "social_worker", [OWN_COMMUNE])
    person_record_death(actor=registrar, person_id=case.person_id, date_of_death=day)


@pytest.fixture
def dead_owed_arrears(officer, second_officer):
    """July, August and September paid, then July and August returned by the bank; a death on
    10 August recorded after: September (500,000) is to be recovered, July and August
    (1,000,000) are owed again."""
    dead = elder_case(start=JULY, name="Lê Văn Mất")
    living = elder_case(start=JULY, name="Lê Văn Sống")
    bank_account(dead.person)
    bank_account(living.person, number="5566778899")
    july = run(officer, second_officer, "2026-07")
    august = run(officer, second_officer, "2026-08")
    run(officer, second_officer, "2026-09")
    reverse(officer, july, dead)
    reverse(officer, august, dead)
    die(dead, date(2026, 8, 10))
    return dead


def october(officer):
    return services.payment_batch_generate(
        actor=officer, period="2026-10", commune_codes=[OWN_COMMUNE]
    )


def test_the_recovery_is_taken_off_the_cases_next_line(officer, dead_owed_arrears):
    dead = dead_owed_arrears
    batch = october(officer)
    recovery = PaymentRecovery.objects.get(case=dead)
    assert recovery.months == ["2026-09"] and recovery.amount == MONTH
    line = batch.lines.get(case=dead)
    # Nothing for October (after the death): July and August again, less September paid.
    assert line.amount == 0 and line.arrears == 2 * MONTH and line.deduction == MONTH
    assert line.total == MONTH
    deduction = RecoveryDeduction.objects.get(recovery=recovery)
    assert (deduction.line_id, deduction.amount, deduction.active) == (line.pk, MONTH, True)
    recovery.refresh_from_db()
    assert recovery.status == RecoveryStatus.DEDUCTED
    assert batch.total_amount == MONTH + MONTH  # the living's October + the dead's net line
    assert batch.cashless_amount == batch.total_amount


def test_cancel_and_regenerate_give_the_deduction_back_and_never_take_it_twice(
    officer, dead_owed_arrears
):
    dead = dead_owed_arrears
    batch = october(officer)
    services.payment_batch_regenerate(actor=officer, batch_id=batch.pk)
    recovery = PaymentRecovery.objects.get(case=dead)
    assert RecoveryDeduction.objects.filter(recovery=recovery).count() == 1
    assert batch.lines.get(case=dead).deduction == MONTH
    services.payment_batch_cancel(actor=officer, batch_id=batch.pk)
    recovery.refresh_from_db()
    assert recovery.status == RecoveryStatus.OPEN
    assert not RecoveryDeduction.objects.filter(recovery=recovery, active=True).exists()
    again = october(officer)
    assert again.lines.get(case=dead).deduction == MONTH
    assert RecoveryDeduction.objects.filter(recovery=recovery, active=True).count() == 1
    assert PaymentRecovery.objects.filter(case=dead).count() == 1


def test_a_rejected_line_gives_its_deduction_back(officer, second_officer, dead_owed_arrears):
    dead = dead_owed_arrears
    run(officer, second_officer, "2026-10", failed={dead.pk})
    recovery = PaymentRecovery.objects.get(case=dead)
    assert recovery.status == RecoveryStatus.OPEN
    november = services.payment_batch_generate(
        actor=officer, period="2026-11", commune_codes=[OWN_COMMUNE]
    )
    line = november.lines.get(case=dead)
    assert (line.arrears, line.deduction, line.total) == (2 * MONTH, MONTH, MONTH)


def test_a_larger_recovery_empties_the_line_and_the_rest_waits_for_settlement(
    client, officer, second_officer
):
    """July, August and September paid, July returned by the bank; a death on 10 July recorded
    after: August and September (1,000,000) are to be recovered, July (500,000) is owed again."""
    dead = elder_case(start=JULY, name="Lê Văn Mất")
    living = elder_case(start=JULY, name="Lê Văn Sống")
    bank_account(dead.person)
    bank_account(living.person, number="5566778899")
    july = run(officer, second_officer, "2026-07")
    run(officer, second_officer, "2026-08")
    run(officer, second_officer, "2026-09")
    reverse(officer, july, dead)
    die(dead, date(2026, 7, 10))
    batch = run(officer, second_officer, "2026-10")
    line = batch.lines.get(case=dead)
    assert (line.arrears, line.deduction, line.total) == (MONTH, MONTH, 0)
    # Nothing to transfer: not in the bank file, paid by the deduction when the batch was sent.
    assert line.status == LineStatus.PAID
    recovery = PaymentRecovery.objects.get(case=dead)
    assert recovery.amount == 2 * MONTH and recovery.status == RecoveryStatus.OPEN

    # No later payment: the rest stays outstanding until the commune records it.
    client.force_login(officer)
    listed = client.get(f"/api/v1/payment-recoveries/?case={dead.pk}").json()["results"]
    assert [(r["amount"], r["deducted"], r["outstanding"]) for r in listed] == [
        ("1000000", "500000", "500000")
    ]

    def ids(query: str) -> list[int]:
        return [
            r["id"] for r in client.get(f"/api/v1/payment-recoveries/?{query}").json()["results"]
        ]

    assert ids(f"status=open&commune={OWN_COMMUNE}") == [recovery.pk]
    # A status or commune that cannot exist matches nothing (and is no server error).
    assert ids("status=paid") == ids("commune=1%002") == ids("status=recovered") == []
    body = {"status": "recovered", "reason": "Gia đình nộp lại tiền mặt",
            "decision_reference": "PT-0012/2026"}  # fmt: skip
    settled = client.post(
        f"/api/v1/payment-recoveries/{recovery.pk}/settle/", body, content_type="application/json"
    )
    assert settled.status_code == 200, settled.content
    data = settled.json()
    assert (data["status"], data["settled_amount"], data["outstanding"]) == (
        "recovered", "500000", "0"
    )  # fmt: skip
    assert data["decision_reference"] == "PT-0012/2026" and data["settled_by"] == officer.username
    again = client.post(
        f"/api/v1/payment-recoveries/{recovery.pk}/settle/", body, content_type="application/json"
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "recovery_already_settled"
    from registry.models import AuditEvent

    event = AuditEvent.objects.get(action="payment_recovery.settled")
    assert event.data["amount"] == "500000" and event.data["decision_reference"] == "PT-0012/2026"


def test_settling_needs_a_reason_and_a_reference(client, officer, dead_owed_arrears):
    client.force_login(officer)
    dead = dead_owed_arrears
    recovery = PaymentRecovery.objects.create(
        case=dead, commune_id=dead.commune_id, months=["2026-09"], amount=MONTH
    )
    response = client.post(
        f"/api/v1/payment-recoveries/{recovery.pk}/settle/",
        {"status": "waived"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {"reason", "decision_reference"} <= set(response.json()["error"]["fields"])
    services.payment_recovery_settle(
        actor=officer, recovery_id=recovery.pk, status="waived", reason="Hoàn cảnh khó khăn",
        decision_reference="QĐ 15/QĐ-UBND",
    )  # fmt: skip
    recovery.refresh_from_db()
    assert (recovery.status, recovery.settled_amount) == (RecoveryStatus.WAIVED, MONTH)
    with pytest.raises(InvalidTransition):
        services.payment_recovery_settle(actor=officer, recovery_id=recovery.pk, status="recovered")


def test_the_batch_page_shows_what_was_deducted(client, officer, dead_owed_arrears):
    from django.urls import reverse as url

    batch = october(officer)
    client.force_login(officer)
    html = client.get(url("web:payments-batch", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    page = html.content.decode()
    deductions = page[page.index('id="fig-deductions"') :]
    assert deductions[: deductions.index("</span>")].endswith("500.000 đ")
    assert "khấu trừ thu hồi từ các dòng" in page
