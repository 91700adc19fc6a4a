"""Recoveries for any change that lowers a month already paid, not only a death: a decided
adjustment to a lower level, a suspension or a termination back-dated into paid months, a start
month corrected to later. The next batch records what was paid less what is due now, per month
and to the đồng, and takes it off the case's line once (Decree 20/2021 Art. 8).

Amounts from the law (Decree 20/2021 Art. 6(1) as amended by Decree 76/2024, base 500,000 đồng):
an adult with an extremely severe disability 2.0 → 1,000,000 đồng a month, severe 1.5 →
750,000; a 5.5c elder over 80, 1.0 → 500,000.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from beneficiaries import services as case_services
from payments import services
from payments.bank_answers import BankAnswer as Answer
from payments.models import PaymentRecovery, RecoveryDeduction, RecoveryStatus
from tests.beneficiaries.factories import make_case
from tests.conftest import OWN_COMMUNE
from tests.factories import HouseholdFactory, PersonFactory, make_user
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db
JULY, AUGUST = date(2026, 7, 1), date(2026, 8, 1)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        yield


@pytest.fixture
def worker(db):
    return make_user("worker_r", "social_worker", [OWN_COMMUNE])


@pytest.fixture
def approver(db):
    return make_user("approver_r", "approver", [OWN_COMMUNE])


def generate(officer, period: str):
    return services.payment_batch_generate(
        actor=officer, period=period, commune_codes=[OWN_COMMUNE]
    )


def run(officer, checker, period: str):
    """Generate, approve, export and reconcile a batch, every line paid."""
    batch = generate(officer, period)
    services.payment_batch_approve(actor=checker, batch_id=batch.pk)
    services.payment_batch_export(actor=officer, batch_id=batch.pk, file_format="pain001")
    answers = [Answer(ref, True) for ref in batch.lines.values_list("end_to_end_id", flat=True)]
    services.payment_batch_reconcile(actor=officer, batch_id=batch.pk, answers=answers)
    return batch


def disabled_case():
    person = PersonFactory(
        household=HouseholdFactory(commune_id=OWN_COMMUNE), date_of_birth=date(1990, 4, 1)
    )
    case = make_case(person, category="5.6", start=JULY, disability_level="extremely_severe")
    bank_account(person)
    return case


def lower_level(worker, approver, case, from_month: date) -> None:
    """A re-assessment decides a severe (no longer extremely severe) disability from a month."""
    adjustment = case_services.case_adjust(
        actor=worker, case_id=case.pk, from_month=from_month, reason="Giám định lại",
        changes={"disability_level": "severe"},
    )  # fmt: skip
    case_services.case_adjustment_approve(
        actor=approver, adjustment_id=adjustment.pk, decision_number="40/QĐ-UBND",
        decision_date=date(2026, 11, 12),
    )  # fmt: skip


def recoveries_seen(client, officer) -> list[tuple]:
    client.force_login(officer)
    response = client.get("/api/v1/payment-recoveries/")
    assert response.status_code == 200, response.content
    return [
        (r["case_id"], r["month_amounts"], r["amount"], r["deducted"], r["outstanding"],
         r["status"])
        for r in response.json()["results"]
    ]  # fmt: skip


def test_a_lower_level_decided_for_paid_months_is_recovered_from_the_next_line(
    client, officer, second_officer, worker, approver
):
    case = disabled_case()
    for period in ("2026-07", "2026-08", "2026-09"):
        run(officer, second_officer, period)  # 1,000,000 a month
    lower_level(worker, approver, case, AUGUST)

    october = generate(officer, "2026-10")
    line = october.lines.get(case=case)
    # Paid 1,000,000 for August and September, due 750,000 now: 250,000 each back.
    assert (line.amount, line.arrears, line.deduction) == (750_000, 0, 500_000)
    assert line.total == 250_000 and october.total_amount == 250_000
    assert (october.recovery_count, october.recovery_amount) == (1, 500_000)
    recovery = PaymentRecovery.objects.get()
    assert recovery.month_amounts == {"2026-08": 250_000, "2026-09": 250_000}
    assert recoveries_seen(client, officer) == [
        (
            case.pk,
            {"2026-08": "250000", "2026-09": "250000"},
            "500000",
            "500000",
            "0",
            RecoveryStatus.DEDUCTED,
        )  # fmt: skip
    ]


def test_deducted_once_when_the_draft_is_regenerated_and_in_the_next_batch(
    officer, second_officer, worker, approver
):
    case = disabled_case()
    for period in ("2026-07", "2026-08", "2026-09"):
        run(officer, second_officer, period)
    lower_level(worker, approver, case, AUGUST)
    october = generate(officer, "2026-10")
    services.payment_batch_regenerate(actor=officer, batch_id=october.pk)
    services.payment_batch_regenerate(actor=officer, batch_id=october.pk)
    assert PaymentRecovery.objects.count() == 1
    assert october.lines.get(case=case).deduction == 500_000
    assert RecoveryDeduction.objects.filter(active=True).count() == 1

    services.payment_batch_approve(actor=second_officer, batch_id=october.pk)
    services.payment_batch_export(actor=officer, batch_id=october.pk, file_format="pain001")
    ref = october.lines.get(case=case).end_to_end_id
    services.payment_batch_reconcile(
        actor=officer, batch_id=october.pk, answers=[Answer(ref, True)]
    )
    november = generate(officer, "2026-11")
    line = november.lines.get(case=case)
    assert (line.amount, line.deduction) == (750_000, 0)  # nothing taken twice
    assert (november.recovery_count, november.recovery_amount) == (0, 0)
    assert PaymentRecovery.objects.get().status == RecoveryStatus.DEDUCTED


def test_a_termination_back_dated_into_paid_months(client, officer, second_officer, approver):
    case = elder_case(start=JULY)
    elder_case(start=JULY, name="Lê Văn Khác")  # the commune still has someone to pay
    bank_account(case.person)
    for period in ("2026-07", "2026-08", "2026-09"):
        run(officer, second_officer, period)
    case_services.case_terminate(
        actor=approver, case_id=case.pk, reason="Không còn đủ điều kiện", from_month=AUGUST
    )
    october = generate(officer, "2026-10")
    assert not october.lines.filter(case=case).exists()
    recovery = PaymentRecovery.objects.get()
    assert (recovery.months, recovery.amount) == (["2026-08", "2026-09"], 1_000_000)
    assert (october.recovery_count, october.recovery_amount) == (1, 1_000_000)
    # No later line: outstanding until the family repays it or a decision waives it.
    assert recoveries_seen(client, officer) == [
        (
            case.pk,
            {"2026-08": "500000", "2026-09": "500000"},
            "1000000",
            "0",
            "1000000",
            RecoveryStatus.OPEN,
        )  # fmt: skip
    ]


def test_a_suspension_back_dated_into_a_paid_month(officer, second_officer, approver):
    case = elder_case(start=JULY)
    other = elder_case(start=JULY, name="Lê Văn Khác")
    for period in ("2026-07", "2026-08"):
        run(officer, second_officer, period)
    case_services.case_suspend(
        actor=approver, case_id=case.pk, reason="Tạm giam", from_month=AUGUST, ground="custody"
    )
    september = generate(officer, "2026-09")
    assert not september.lines.filter(case=case).exists()
    assert september.lines.get(case=other).deduction == 0  # another case owes nothing
    recovery = PaymentRecovery.objects.get()
    assert (recovery.case_id, recovery.months, recovery.amount) == (
        case.pk, ["2026-08"], 500_000,
    )  # fmt: skip


def test_a_start_month_corrected_to_later(officer, second_officer):
    case = elder_case(start=JULY)
    for period in ("2026-07", "2026-08"):
        run(officer, second_officer, period)
    case.start_month = AUGUST  # the decision's start was July by mistake
    case.save()
    september = generate(officer, "2026-09")
    line = september.lines.get(case=case)
    assert (line.amount, line.deduction, line.total) == (500_000, 500_000, 0)
    recovery = PaymentRecovery.objects.get()
    assert (recovery.months, recovery.amount) == (["2026-07"], 500_000)


def test_a_second_lowering_of_the_same_months_recovers_only_the_rest(
    officer, second_officer, worker, approver
):
    case = disabled_case()
    elder_case(start=JULY, name="Lê Văn Khác")  # the commune still has someone to pay
    for period in ("2026-07", "2026-08", "2026-09"):
        run(officer, second_officer, period)
    lower_level(worker, approver, case, AUGUST)
    run(officer, second_officer, "2026-10")  # 750,000 paid, 2 × 250,000 deducted
    case_services.case_terminate(
        actor=approver, case_id=case.pk, reason="Không còn đủ điều kiện", from_month=AUGUST
    )
    generate(officer, "2026-11")
    first, second = PaymentRecovery.objects.order_by("id")
    assert first.amount == 500_000 and first.status == RecoveryStatus.DEDUCTED
    # August, September: 750,000 each still paid over nothing due; October: 750,000 paid after.
    assert second.month_amounts == {"2026-08": 750_000, "2026-09": 750_000, "2026-10": 750_000}
    assert second.amount == 2_250_000
    assert second.status == RecoveryStatus.OPEN  # no later line to take it from
    # Every đồng paid for August to October (now due: nothing) comes back exactly once.
    assert first.amount + second.amount == 1_000_000 + 1_000_000 + 750_000


def raise_level(worker, approver, case, from_month: date, number: str = "41/QĐ-UBND") -> None:
    adjustment = case_services.case_adjust(
        actor=worker, case_id=case.pk, from_month=from_month, reason="Giám định lại",
        changes={"disability_level": "extremely_severe"},
    )  # fmt: skip
    case_services.case_adjustment_approve(
        actor=approver, adjustment_id=adjustment.pk, decision_number=number,
        decision_date=date(2026, 11, 12),
    )  # fmt: skip


def test_a_higher_level_for_paid_months_is_paid_as_arrears_once(
    officer, second_officer, worker, approver
):
    person = PersonFactory(
        household=HouseholdFactory(commune_id=OWN_COMMUNE), date_of_birth=date(1990, 4, 1)
    )
    case = make_case(person, category="5.6", start=JULY, disability_level="severe")
    for period in ("2026-07", "2026-08"):
        run(officer, second_officer, period)  # 750,000 a month
    raise_level(worker, approver, case, AUGUST)
    september = generate(officer, "2026-09")
    services.payment_batch_regenerate(actor=officer, batch_id=september.pk)
    assert not PaymentRecovery.objects.exists()
    line = september.lines.get(case=case)
    # August was paid 750,000 and is due 1,000,000 now: the 250,000 left is an arrear.
    assert (line.amount, line.arrears, line.deduction) == (1_000_000, 250_000, 0)
    assert sorted(line.months.values_list("month", "amount", "top_up")) == [
        (AUGUST, 250_000, True), (date(2026, 9, 1), 1_000_000, False),
    ]  # fmt: skip
    services.payment_batch_approve(actor=second_officer, batch_id=september.pk)
    services.payment_batch_export(actor=officer, batch_id=september.pk, file_format="pain001")
    services.payment_batch_reconcile(
        actor=officer, batch_id=september.pk, answers=[Answer(line.end_to_end_id, True)]
    )
    october = generate(officer, "2026-10")
    assert october.lines.get(case=case).arrears == 0  # never twice


def test_a_failed_top_up_is_owed_again(officer, second_officer, worker, approver):
    person = PersonFactory(
        household=HouseholdFactory(commune_id=OWN_COMMUNE), date_of_birth=date(1990, 4, 1)
    )
    case = make_case(person, category="5.6", start=JULY, disability_level="severe")
    run(officer, second_officer, "2026-07")
    raise_level(worker, approver, case, JULY)
    august = generate(officer, "2026-08")
    services.payment_batch_approve(actor=second_officer, batch_id=august.pk)
    services.payment_batch_export(actor=officer, batch_id=august.pk, file_format="pain001")
    ref = august.lines.get(case=case).end_to_end_id
    services.payment_batch_reconcile(
        actor=officer, batch_id=august.pk, answers=[Answer(ref, False, "AC04")]
    )
    line = generate(officer, "2026-09").lines.get(case=case)
    # August in full and July's 250,000 again.
    assert (line.amount, line.arrears) == (1_000_000, 1_000_000 + 250_000)


def test_a_raise_then_a_lowering_recovers_the_top_up_paid(
    officer, second_officer, worker, approver
):
    person = PersonFactory(
        household=HouseholdFactory(commune_id=OWN_COMMUNE), date_of_birth=date(1990, 4, 1)
    )
    case = make_case(person, category="5.6", start=JULY, disability_level="severe")
    elder_case(start=JULY, name="Lê Văn Khác")  # the commune still has someone to pay
    run(officer, second_officer, "2026-07")  # 750,000
    raise_level(worker, approver, case, JULY)
    run(officer, second_officer, "2026-08")  # 1,000,000 + 250,000 for July
    case_services.case_terminate(
        actor=approver, case_id=case.pk, reason="Không còn đủ điều kiện", from_month=JULY
    )
    generate(officer, "2026-09")
    recovery = PaymentRecovery.objects.get()
    # July 750,000 + 250,000, August 1,000,000: everything paid comes back, once.
    assert recovery.month_amounts == {"2026-07": 1_000_000, "2026-08": 1_000_000}
