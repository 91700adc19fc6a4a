"""Recoveries: a death recorded after months were already paid; the next batch records what to
get back from the family (outside the bank file) and shows it in the batch's figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from beneficiaries.services.persons import person_record_death
from payments import services
from payments.bank_answers import BankAnswer as Answer
from payments.models import PaymentRecovery, RecoveryStatus
from registry.exceptions import InvalidTransition
from tests.conftest import OWN_COMMUNE
from tests.factories import make_user
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db
JULY = date(2026, 7, 1)


def paid_batch(officer, second_officer, period: str):
    batch = services.payment_batch_generate(
        actor=officer, period=period, commune_codes=[OWN_COMMUNE]
    )
    services.payment_batch_approve(actor=second_officer, batch_id=batch.pk)
    services.payment_batch_export(actor=officer, batch_id=batch.pk, file_format="pain001")
    answers = [Answer(ref, True) for ref in batch.lines.values_list("end_to_end_id", flat=True)]
    services.payment_batch_reconcile(actor=officer, batch_id=batch.pk, answers=answers)
    return batch


@pytest.fixture
def death_after_payment(officer, second_officer):
    """Two cases paid for July and August; one beneficiary's death in July recorded after."""
    dead = elder_case(start=JULY, name="Lê Văn Mất")
    living = elder_case(start=JULY, name="Lê Văn Sống")
    bank_account(dead.person)
    bank_account(living.person, number="5566778899")
    paid_batch(officer, second_officer, "2026-07")
    august = paid_batch(officer, second_officer, "2026-08")
    registrar = make_user("registrar_r", "social_worker", [OWN_COMMUNE])
    person_record_death(actor=registrar, person_id=dead.person_id, date_of_death=date(2026, 7, 10))
    return dead, august.lines.get(case=dead)


def test_the_next_batch_records_the_months_paid_after_the_death(officer, death_after_payment):
    dead, august_line = death_after_payment
    september = services.payment_batch_generate(
        actor=officer, period="2026-09", commune_codes=[OWN_COMMUNE]
    )
    assert not september.lines.filter(case=dead).exists()  # the case stopped
    recovery = PaymentRecovery.objects.get()
    assert (recovery.case_id, recovery.months) == (dead.pk, ["2026-08"])  # July was owed
    assert recovery.amount == august_line.amount > 0
    assert recovery.status == RecoveryStatus.OPEN and recovery.batch_id == september.pk
    assert (september.recovery_count, september.recovery_amount) == (1, august_line.amount)
    # Not taken out of any line: the bank file pays the living as before.
    assert september.total_amount == sum(line.total for line in september.lines.all())


def test_recoveries_in_the_batch_detail(client, officer, death_after_payment):
    _dead, august_line = death_after_payment
    client.force_login(officer)
    response = client.post(
        "/api/v1/payment-batches/",
        {"period": "2026-09", "commune_codes": [OWN_COMMUNE]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    detail = client.get(f"/api/v1/payment-batches/{response.json()['id']}/").json()
    assert detail["recoveries"] == {"count": 1, "amount": f"{august_line.amount:.0f}"}


def test_a_month_is_recovered_once_and_settled_once(officer, second_officer, death_after_payment):
    september = services.payment_batch_generate(
        actor=officer, period="2026-09", commune_codes=[OWN_COMMUNE]
    )
    services.payment_batch_regenerate(actor=officer, batch_id=september.pk)
    assert PaymentRecovery.objects.count() == 1  # regenerating the draft does not add one
    services.payment_batch_cancel(actor=officer, batch_id=september.pk)
    again = services.payment_batch_generate(
        actor=officer, period="2026-09", commune_codes=[OWN_COMMUNE]
    )
    assert again.recovery_count == 0 and PaymentRecovery.objects.count() == 1
    recovery = PaymentRecovery.objects.get()
    services.payment_recovery_settle(
        actor=officer, recovery_id=recovery.pk, status=RecoveryStatus.RECOVERED
    )
    recovery.refresh_from_db()
    assert recovery.status == RecoveryStatus.RECOVERED and recovery.settled_by == officer
    with pytest.raises(InvalidTransition):
        services.payment_recovery_settle(
            actor=officer, recovery_id=recovery.pk, status=RecoveryStatus.WAIVED
        )


def test_no_recovery_when_nothing_was_paid_after_the_death(officer, second_officer):
    dead = elder_case(start=JULY, name="Lê Văn Mất")
    elder_case(start=JULY, name="Lê Văn Sống")
    paid_batch(officer, second_officer, "2026-07")
    registrar = make_user("registrar_r", "social_worker", [OWN_COMMUNE])
    person_record_death(actor=registrar, person_id=dead.person_id, date_of_death=date(2026, 7, 31))
    august = services.payment_batch_generate(
        actor=officer, period="2026-08", commune_codes=[OWN_COMMUNE]
    )
    assert august.recovery_count == 0 and august.recovery_amount == Decimal(0)
