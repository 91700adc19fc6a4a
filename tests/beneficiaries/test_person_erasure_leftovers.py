"""What an erasure leaves behind (Law 91/2025): no social-security code, no free-text reason, no
household address of a household the person lived in alone; payment records stay whole."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from beneficiaries import services
from beneficiaries.identifiers import ss_code_is_valid
from beneficiaries.models import (
    Case,
    CaseAdjustment,
    CaseSuspension,
    Household,
    OneOffEntitlement,
    Person,
)
from beneficiaries.models.rates import OneOffKind
from payments import services as payment_services
from payments.models import PaymentBatch, PaymentLine
from registry.models import AuditEvent
from tests.conftest import OWN_COMMUNE
from tests.factories import PersonFactory, make_user
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db
NAME = "Hoàng Thị Lựu"
NOTE = f"Bà {NAME} chuyển đến ở với con gái tại thôn Bắc"


def _ended(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(status="terminated", end_month=date(2026, 7, 1))


def _erase(person: Person) -> Person:
    approver = make_user(f"appr_left{person.pk}", "approver", [OWN_COMMUNE])
    return services.person_erase(actor=approver, person_id=person.pk, reason="Đơn yêu cầu")


def _dump(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return repr(cursor.fetchall())


def test_the_social_security_code_is_retired_for_a_random_tombstone_and_payments_stay_whole():
    officer = make_user("pay_left", "payment_officer", [OWN_COMMUNE])
    case = elder_case(start=date(2026, 5, 1), name=NAME)
    bank_account(case.person)
    with time_machine.travel("2026-07-10 09:00 +07:00", tick=False):
        batch = payment_services.payment_batch_generate(
            actor=officer, period="2026-07", commune_codes=[OWN_COMMUNE]
        )
    _ended(case)
    line_amount = PaymentLine.objects.get(batch=batch).amount
    old_code = case.person.ss_code
    erased = _erase(case.person)
    assert erased.ss_code != old_code
    assert ss_code_is_valid(erased.ss_code) and erased.ss_code.startswith("00")
    # The old code is nowhere in the person's table, nor in the trail of the erasure.
    assert old_code not in _dump(Person._meta.db_table)
    assert not Person.objects.filter(ss_code=old_code).exists()
    assert old_code not in repr(AuditEvent.objects.get(action="person.erased").data)
    assert "ss_code" in AuditEvent.objects.get(action="person.erased").data["fields"]
    # The payment record is whole: same lines, same total, still pointing at the (anonymous) row.
    after = PaymentBatch.objects.get(pk=batch.pk)
    assert (after.total_amount, after.line_count) == (batch.total_amount, batch.line_count)
    assert PaymentLine.objects.get(batch=batch, person=erased).amount == line_amount


def test_two_erasures_never_share_a_tombstone():
    codes = set()
    for index in range(3):
        case = elder_case(name=f"Người Thứ {index}")
        _ended(case)
        codes.add(_erase(case.person).ss_code)
    assert len(codes) == 3


def test_free_text_reasons_on_cases_and_decisions_are_emptied():
    case = elder_case(name=NAME)
    Case.objects.filter(pk=case.pk).update(status_reason=NOTE)
    CaseSuspension.objects.create(
        case=case, from_month=date(2026, 6, 1), to_month=date(2026, 7, 1), reason=NOTE
    )
    CaseAdjustment.objects.create(
        case=case, from_month=date(2026, 6, 1), category="5.5c", reason=NOTE, status="rejected"
    )
    one_off = OneOffEntitlement.objects.create(
        deceased=case.person, case=case, commune_id=OWN_COMMUNE,
        kind=OneOffKind.SOCIAL_ASSISTANCE_FUNERAL, amount=Decimal("10800000"),
        payee_kind="organisation", payee_name="UBND xã", application_date=date(2026, 6, 20),
        status="rejected", status_reason=NOTE,
    )  # fmt: skip
    _ended(case)
    _erase(case.person)
    assert Case.objects.get(pk=case.pk).status_reason is None
    assert CaseSuspension.objects.get(case=case).reason is None
    assert CaseAdjustment.objects.get(case=case).reason is None
    assert OneOffEntitlement.objects.get(pk=one_off.pk).status_reason is None
    assert OneOffEntitlement.objects.get(pk=one_off.pk).amount == Decimal("10800000")
    fields = set(AuditEvent.objects.get(action="person.erased").data["fields"])
    assert {
        "case.status_reason", "casesuspension.reason", "caseadjustment.reason",
        "oneoffentitlement.status_reason",
    } <= fields  # fmt: skip


def test_the_address_of_a_household_the_person_lived_in_alone_is_emptied():
    case = elder_case(name=NAME)
    Household.objects.filter(pk=case.person.household_id).update(
        address="12 Lê Duẩn", village="Thôn Đông"
    )
    _ended(case)
    _erase(case.person)
    household = Household.objects.get(pk=case.person.household_id)
    assert household.address is None and household.village == ""
    assert "12 Lê Duẩn" not in _dump(Household._meta.db_table)
    assert "household.address" in AuditEvent.objects.get(action="person.erased").data["fields"]


def test_a_shared_household_keeps_its_address_until_its_last_member_is_erased():
    case = elder_case(name=NAME)
    household = case.person.household
    Household.objects.filter(pk=household.pk).update(address="12 Lê Duẩn")
    spouse = PersonFactory(
        household=household, full_name="Hoàng Văn Lộc", relation_to_head="spouse"
    )
    _ended(case)
    _erase(case.person)
    assert Household.objects.get(pk=household.pk).address == "12 Lê Duẩn"
    _erase(spouse)
    assert Household.objects.get(pk=household.pk).address is None
