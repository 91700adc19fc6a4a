"""One-off amounts (funeral allowance) in a batch: paid to the payee recorded in the one-off,
never the deceased; marked paid when its line is reconciled paid; never paid twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from beneficiaries.models import OneOffEntitlement, OneOffKind, OneOffStatus, PayeeKind
from payments import selectors, services
from payments.bank_answers import BankAnswer as Answer
from payments.exports import EXPORTERS
from payments.models import PaymentLine
from registry.exceptions import Conflict
from tests.conftest import OWN_COMMUNE
from tests.factories import HouseholdFactory, PersonFactory
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db
JULY, AUGUST = date(2026, 7, 1), date(2026, 8, 1)
FUNERAL = Decimal("10800000")


def funeral(*, payee=None, payee_name=None) -> OneOffEntitlement:
    """An approved funeral allowance for a deceased beneficiary (whose case pays nothing now)."""
    deceased_case = elder_case(start=date(2027, 1, 1), name="Trần Thị Mất")
    return OneOffEntitlement.objects.create(
        deceased=deceased_case.person, case=deceased_case, commune_id=OWN_COMMUNE,
        kind=OneOffKind.SOCIAL_ASSISTANCE_FUNERAL, amount=FUNERAL,
        payee_kind=PayeeKind.PERSON, payee_person=payee, payee_name=payee_name,
        application_date=date(2026, 6, 20), status=OneOffStatus.APPROVED,
        decision_number="12/QĐ-UBND", decision_date=date(2026, 6, 25),
    )  # fmt: skip


def relative():
    return PersonFactory(
        household=HouseholdFactory(commune_id=OWN_COMMUNE), full_name="Trần Văn Con"
    )


def generate(officer, period="2026-07"):
    return services.payment_batch_generate(
        actor=officer, period=period, commune_codes=[OWN_COMMUNE]
    )


def export(batch, officer, second_officer, file_format="csv"):
    services.payment_batch_approve(actor=second_officer, batch_id=batch.pk)
    from payments.exporting import batch_file

    return b"".join(batch_file(actor=officer, batch_id=batch.pk, file_format=file_format).chunks)


def test_one_off_is_a_line_to_the_payee_and_counts_in_the_totals(officer, second_officer):
    case = elder_case(start=JULY)
    bank_account(case.person)
    son = relative()
    bank_account(son, number="9988776655")
    one_off = funeral(payee=son)
    batch = generate(officer)
    line = PaymentLine.objects.get(batch=batch, one_off_entitlement=one_off)
    assert (line.person_id, line.case_id, line.one_off) == (son.pk, None, FUNERAL)
    assert line.person_id != one_off.deceased_id and line.account_number == "9988776655"
    own = PaymentLine.objects.get(batch=batch, case=case)
    assert batch.line_count == 2 and batch.total_amount == own.total + FUNERAL
    assert batch.cashless_amount == batch.total_amount
    pain = export(batch, officer, second_officer, "pain001").decode()
    control_sum = pain.split("<CtrlSum>")[1].split("<")[0]
    assert Decimal(control_sum) == batch.total_amount
    assert f'<InstdAmt Ccy="VND">{FUNERAL:.0f}</InstdAmt>' in pain
    rows = list(selectors.export_lines(batch))
    assert {row.total for row in rows} == {own.total, FUNERAL}


def test_unregistered_payee_is_paid_cash_under_the_name_on_the_one_off(officer, second_officer):
    one_off = funeral(payee_name="Nguyễn Văn Người Lo Tang")
    batch = generate(officer)
    line = batch.lines.get()
    assert (line.person_id, line.channel, line.one_off) == (None, "cash", FUNERAL)
    (row,) = selectors.export_lines(batch)
    assert row.full_name == "Nguyễn Văn Người Lo Tang" and row.total == FUNERAL
    assert line.one_off_entitlement_id == one_off.pk
    assert export(batch, officer, second_officer, "csv")  # the cash list shows it too


def test_marked_paid_only_when_the_line_is_reconciled_paid(officer, second_officer):
    one_off = funeral(payee=relative())
    batch = generate(officer)
    one_off.refresh_from_db()
    assert one_off.status == OneOffStatus.APPROVED  # not at generation
    export(batch, officer, second_officer)
    line = batch.lines.get()
    answer = [Answer(line.end_to_end_id, True, paid_at=date(2026, 7, 20))]
    services.payment_batch_reconcile(actor=officer, batch_id=batch.pk, answers=answer)
    one_off.refresh_from_db()
    assert one_off.status == OneOffStatus.PAID
    assert one_off.payment_reference == line.end_to_end_id
    # The same answer again changes nothing and does not mark it twice.
    services.payment_batch_reconcile(actor=officer, batch_id=batch.pk, answers=answer)
    with pytest.raises(Conflict):
        generate(officer, "2026-08")  # nothing left: never paid twice


def test_a_pending_one_off_is_not_in_a_second_batch(officer):
    funeral(payee=relative())
    generate(officer)
    with pytest.raises(Conflict):
        generate(officer)  # same period
    with pytest.raises(Conflict):
        generate(officer, "2026-08")  # still pending in July's batch


def test_a_failed_line_frees_the_one_off_for_the_next_batch(officer, second_officer):
    one_off = funeral(payee=relative())
    july = generate(officer)
    export(july, officer, second_officer)
    line = july.lines.get()
    services.payment_batch_reconcile(
        actor=officer, batch_id=july.pk, answers=[Answer(line.end_to_end_id, False, reason="AC04")]
    )
    one_off.refresh_from_db()
    assert one_off.status == OneOffStatus.APPROVED
    august = generate(officer, "2026-08")
    assert august.lines.get().one_off_entitlement_id == one_off.pk


def test_a_cancelled_batch_frees_the_one_off(officer):
    one_off = funeral(payee=relative())
    batch = generate(officer)
    services.payment_batch_cancel(actor=officer, batch_id=batch.pk)
    again = generate(officer)
    assert again.lines.get().one_off_entitlement_id == one_off.pk


def test_the_payment_list_shows_the_one_off_column(officer, second_officer):
    funeral(payee=relative())
    batch = generate(officer)
    assert "csv" in EXPORTERS
    text = export(batch, officer, second_officer, "csv").decode("utf-8-sig")
    assert "Trợ cấp một lần" in text.splitlines()[0] or "Trợ cấp một lần" in text
    assert "10800000" in text or "10.800.000" in text


def test_the_lines_endpoint_shows_a_one_off_line_without_a_case(officer, client_for):
    one_off = funeral(payee_name="Nguyễn Văn Người Lo Tang")
    batch = generate(officer)
    response = client_for(officer).get(f"/api/v1/payment-batches/{batch.pk}/lines/")
    assert response.status_code == 200, response.content
    (line,) = response.json()["results"]
    assert line["case_id"] is None and line["one_off_entitlement_id"] == one_off.pk
    assert line["one_off"] == "10800000" and line["total"] == "10800000"
