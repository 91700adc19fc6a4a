"""What payments adds to the consistency report and to the review list."""

from __future__ import annotations

from datetime import date

import pytest

from beneficiaries.consistency.report import consistency_report_build
from beneficiaries.review import review_list
from payments import services
from payments.bank_answers import BankAnswer as Answer
from payments.models import LineStatus
from tests.conftest import OWN_COMMUNE
from tests.factories import PersonFactory, make_user
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db


def shared(findings):
    return [f for f in findings if f["kind"] == "shared_payment_account"]


def test_one_account_for_persons_of_different_households_is_reported(auditor):
    first, second = elder_case(), elder_case(name="Phạm Văn Năm")
    relative = PersonFactory(household=first.person.household, relation_to_head="child")
    bank_account(first.person, number="0123456789")
    bank_account(relative, number="0123456789")  # same household: a parent receiving, fine
    report = consistency_report_build(actor=auditor)
    assert report["counts"]["shared_payment_account"] == 0

    bank_account(second.person, number="0123456789")
    found = shared(consistency_report_build(actor=auditor)["findings"])
    assert len(found) == 1
    assert set(found[0]["person_ids"]) == {first.person_id, relative.pk, second.person_id}
    assert set(found[0]["case_ids"]) == {first.pk, second.pk}
    assert "0123456789" not in found[0]["detail"]


def test_a_different_bank_is_a_different_account(auditor):
    bank_account(elder_case().person, number="0123456789", bank_bin="970436")
    bank_account(elder_case(name="B").person, number="0123456789", bank_bin="970415")
    assert shared(consistency_report_build(actor=auditor)["findings"]) == []


def test_three_months_uncollected_is_proposed_for_suspension(officer, second_officer):
    case = elder_case(start=date(2026, 4, 1))
    approver = make_user("appr_review", "approver", [OWN_COMMUNE])
    for period in ("2026-05", "2026-06", "2026-07"):
        batch = services.payment_batch_generate(
            actor=officer, period=period, commune_codes=[OWN_COMMUNE]
        )
        services.payment_batch_approve(actor=second_officer, batch_id=batch.pk)
        services.payment_batch_export(actor=officer, batch_id=batch.pk, file_format="csv")
        line = batch.lines.get()
        services.payment_batch_reconcile(
            actor=officer, batch_id=batch.pk,
            answers=[Answer(line.end_to_end_id, False, reason="not collected")],
        )  # fmt: skip
        assert batch.lines.get().status == LineStatus.FAILED
        if period == "2026-06":
            items = review_list(user=approver, month=date(2026, 7, 1))
            assert not [i for i in items if i["kind"] == "uncollected"]
    items = [i for i in review_list(user=approver, month=date(2026, 8, 1))
             if i["kind"] == "uncollected"]  # fmt: skip
    assert [i["case_id"] for i in items] == [case.pk]
