"""Reconciliation: paid and failed lines, unknown and duplicate references, re-uploads, refused
paid→failed changes, reversals, and the arrears that follow a failure."""

from __future__ import annotations

from datetime import date

import pytest

from beneficiaries.entitlements import entitlements_for_month
from beneficiaries.models import Case
from payments import services
from payments.bank_answers import BankAnswer as Answer
from payments.models import BatchStatus, LineStatus, PaidMonth, PaymentLine
from registry.exceptions import Conflict
from tests.conftest import OWN_COMMUNE
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db
JULY, AUGUST = date(2026, 7, 1), date(2026, 8, 1)


@pytest.fixture
def exported(officer, second_officer):
    """An exported July batch of three cases (all started in July)."""
    for name in ("Lê Văn Một", "Lê Văn Hai", "Lê Văn Ba"):
        bank_account(elder_case(start=JULY, name=name).person)
    batch = services.payment_batch_generate(
        actor=officer, period="2026-07", commune_codes=[OWN_COMMUNE]
    )
    services.payment_batch_approve(actor=second_officer, batch_id=batch.pk)
    services.payment_batch_export(actor=officer, batch_id=batch.pk, file_format="pain001")
    return batch


def refs(batch) -> list[str]:
    return list(batch.lines.order_by("id").values_list("end_to_end_id", flat=True))


def reconcile(officer, batch, answers):
    return services.payment_batch_reconcile(actor=officer, batch_id=batch.pk, answers=answers)


def test_partial_failure_and_unknown_and_duplicate_references(officer, exported):
    one, two, three = refs(exported)
    result = reconcile(officer, exported, [
        Answer(one, True, paid_at=date(2026, 7, 28)),
        Answer(two, False, reason="AC04"),
        Answer("NOT-OURS", True),
        Answer(three, True), Answer(three, False),
    ])  # fmt: skip
    assert (result["paid"], result["failed"], result["changed"]) == (1, 1, 2)
    assert result["unmatched"] == [
        {"end_to_end_id": "NOT-OURS", "problem": "unknown"},
        {"end_to_end_id": three, "problem": "duplicate"},
    ]
    lines = {line.end_to_end_id: line for line in exported.lines.all()}
    assert lines[one].status == LineStatus.PAID and lines[one].paid_at == date(2026, 7, 28)
    assert lines[two].status == LineStatus.FAILED and lines[two].failure_reason == "AC04"
    assert lines[three].status == LineStatus.PENDING
    exported.refresh_from_db()
    assert exported.status == BatchStatus.EXPORTED  # one line still has no answer


def test_the_same_file_twice_changes_nothing_more(officer, exported):
    one, two, three = refs(exported)
    answers = [Answer(one, True), Answer(two, False, reason="AC01"), Answer(three, True)]
    first = reconcile(officer, exported, answers)
    assert first["changed"] == 3
    exported.refresh_from_db()
    assert exported.status == BatchStatus.RECONCILED
    before = list(PaymentLine.objects.values_list("id", "status", "failure_reason", "paid_at"))
    months_before = list(PaidMonth.objects.values_list("id", "active"))
    second = reconcile(officer, exported, answers)
    assert second == {**first, "changed": 0}
    assert (
        list(PaymentLine.objects.values_list("id", "status", "failure_reason", "paid_at")) == before
    )
    assert list(PaidMonth.objects.values_list("id", "active")) == months_before


def test_a_paid_line_turned_failed_is_refused_unless_a_reversal(officer, exported):
    one, two, _three = refs(exported)
    reconcile(officer, exported, [Answer(one, True)])
    with pytest.raises(Conflict) as refused:
        reconcile(officer, exported, [Answer(two, True), Answer(one, False, reason="AC04")])
    assert refused.value.code == "paid_line_not_reversible"
    assert PaymentLine.objects.get(end_to_end_id=two).status == LineStatus.PENDING  # nothing

    reconcile(officer, exported, [Answer(one, False, reason="returned", reversal=True)])
    line = PaymentLine.objects.get(end_to_end_id=one)
    assert line.status == LineStatus.FAILED and line.reversed
    assert not PaidMonth.objects.filter(line=line, active=True).exists()


def test_a_failed_line_cannot_become_paid(officer, exported):
    one, *_ = refs(exported)
    reconcile(officer, exported, [Answer(one, False, reason="AC04")])
    with pytest.raises(Conflict):
        reconcile(officer, exported, [Answer(one, True)])


def test_a_failed_line_is_paid_as_arrears_in_the_next_period(officer, second_officer, exported):
    one, two, three = refs(exported)
    reconcile(officer, exported, [Answer(one, True), Answer(two, False), Answer(three, True)])
    failed_case = PaymentLine.objects.get(end_to_end_id=two).case_id

    august = services.payment_batch_generate(
        actor=officer, period="2026-08", commune_codes=[OWN_COMMUNE]
    )
    due = entitlements_for_month(Case.objects.all(), AUGUST)
    july_due = entitlements_for_month(Case.objects.all(), JULY)[failed_case].amount
    lines = {line.case_id: line for line in august.lines.all()}
    assert len(lines) == 3
    for case_id, line in lines.items():
        assert line.amount == due[case_id].amount
        assert line.arrears == (july_due if case_id == failed_case else 0)
    # July of that case is now paid by August's line, and by nothing else.
    assert list(
        PaidMonth.objects.filter(case_id=failed_case, month=JULY, active=True).values_list(
            "line__period", flat=True
        )
    ) == [AUGUST]


def test_an_unexported_batch_cannot_be_reconciled(officer):
    elder_case(start=JULY)
    batch = services.payment_batch_generate(
        actor=officer, period="2026-07", commune_codes=[OWN_COMMUNE]
    )
    with pytest.raises(Conflict):
        reconcile(officer, batch, [Answer(refs(batch)[0], True)])
