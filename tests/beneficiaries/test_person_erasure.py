"""Erasure by anonymisation (Law 91/2025): the person unlinked, cases and payments kept whole."""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine
from django.db import connection

from beneficiaries import services
from beneficiaries.models import Case, Person
from payments import services as payment_services
from payments.models import PaymentAccount, PaymentBatch, PaymentLine
from registry.exceptions import Conflict, Forbidden, NotFound
from registry.models import AuditEvent
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_user
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_person():
    """An elder with a bank account, paid in a July batch, whose case then ended."""
    officer = make_user("pay_er", "payment_officer", [OWN_COMMUNE])
    case = elder_case(start=date(2026, 5, 1), name="Trần Thị Hoa")
    Person.objects.filter(pk=case.person_id).update(phone="0912345678")
    bank_account(case.person, number="0123456789")
    with time_machine.travel("2026-07-10 09:00 +07:00", tick=False):
        batch = payment_services.payment_batch_generate(
            actor=officer, period="2026-07", commune_codes=[OWN_COMMUNE]
        )
    Case.objects.filter(pk=case.pk).update(status="terminated", end_month=date(2026, 7, 1))
    return Person.objects.get(pk=case.person_id), batch


def test_an_approver_erases_a_person_and_payments_stay_whole(paid_person):
    person, batch = paid_person
    total, count = batch.total_amount, batch.line_count
    approver = make_user("appr_er", "approver", [OWN_COMMUNE])
    erased = services.person_erase(actor=approver, person_id=person.pk, reason="Đơn yêu cầu xoá")
    assert erased.full_name == "[đã ẩn danh]"
    assert erased.national_id is None and erased.phone is None and erased.street_address is None
    assert erased.date_of_birth == date(1940, 1, 1)
    assert erased.erased_at is not None and erased.erasure_reason == "Đơn yêu cầu xoá"
    row = Person.objects.filter(pk=person.pk).values()[0]
    assert row["national_id_index"] is None and row["full_name_index"] is None
    assert row["phone_index"] is None
    # Cases and lines stay, the account is gone, the lines' account snapshot is blank.
    assert Case.objects.filter(person=person).count() == 1
    assert not PaymentAccount.objects.filter(person=person).exists()
    line = PaymentLine.objects.get(person=person)
    assert line.account_number is None and line.account_name is None and line.bank_bin == ""
    batch = PaymentBatch.objects.get(pk=batch.pk)
    assert (batch.total_amount, batch.line_count) == (total, count)
    assert PaymentLine.objects.filter(batch=batch).count() == count
    # Audited with field names only.
    event = AuditEvent.objects.get(action="person.erased")
    assert {"full_name", "national_id", "payments.paymentaccount"} <= set(event.data["fields"])
    text = json.dumps(event.data, ensure_ascii=False)
    assert "Trần Thị Hoa" not in text and "Đơn yêu cầu" not in text and "0123456789" not in text
    # Nothing personal is left in the database's rows.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM payments_paymentline")
        assert "0123456789" not in repr(cursor.fetchall())
    # A second erasure is a conflict.
    with pytest.raises(Conflict) as caught:
        services.person_erase(actor=approver, person_id=person.pk, reason="lần nữa")
    assert caught.value.code == "already_erased"


def test_a_person_with_an_open_case_is_refused():
    case = elder_case(name="Lê Văn Bốn")
    approver = make_user("appr_open", "approver", [OWN_COMMUNE])
    with pytest.raises(Conflict) as caught:
        services.person_erase(actor=approver, person_id=case.person_id, reason="Yêu cầu")
    assert caught.value.code == "open_case"
    assert Person.objects.get(pk=case.person_id).full_name == "Lê Văn Bốn"
    assert not AuditEvent.objects.filter(action="person.erased").exists()


def test_only_approvers_of_the_commune_and_with_a_reason():
    case = elder_case(name="Lê Văn Năm")
    Case.objects.filter(pk=case.pk).update(status="terminated", end_month=date(2026, 6, 1))
    with pytest.raises(Forbidden):
        services.person_erase(
            actor=make_user("sw_er", "social_worker", [OWN_COMMUNE]), person_id=case.person_id,
            reason="x",
        )  # fmt: skip
    with pytest.raises(Forbidden):
        services.person_erase(
            actor=make_user("aud_er", "auditor", []), person_id=case.person_id, reason="x"
        )
    with pytest.raises(NotFound):
        services.person_erase(
            actor=make_user("appr_far", "approver", [OTHER_COMMUNE]), person_id=case.person_id,
            reason="x",
        )  # fmt: skip
    approver = make_user("appr_ok", "approver", [OWN_COMMUNE])
    with pytest.raises(Exception) as caught:
        services.person_erase(actor=approver, person_id=case.person_id, reason="  ")
    assert getattr(caught.value, "status", None) == 400
    assert Person.objects.get(pk=case.person_id).erased_at is None


def test_the_api_erases_and_exports(client_for):
    case = elder_case(name="Lê Văn Sáu")
    Case.objects.filter(pk=case.pk).update(status="terminated", end_month=date(2026, 6, 1))
    auditor = client_for(make_user("aud_api", "auditor", []))
    answer = auditor.get(f"/api/v1/persons/{case.person_id}/data-export/")
    assert answer.status_code == 200
    assert json.loads(answer.content)["person"]["full_name"] == "Lê Văn Sáu"
    assert AuditEvent.objects.filter(action="person.data_exported").count() == 1
    approver = client_for(make_user("appr_api", "approver", [OWN_COMMUNE]))
    answer = approver.post(f"/api/v1/persons/{case.person_id}/erase/", {}, format="json")
    assert answer.status_code == 400
    answer = approver.post(
        f"/api/v1/persons/{case.person_id}/erase/", {"reason": "Đơn ngày 1/8"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["full_name"] != "Lê Văn Sáu"
    open_case = elder_case(name="Lê Văn Bảy")
    answer = approver.post(
        f"/api/v1/persons/{open_case.person_id}/erase/", {"reason": "Đơn"}, format="json"
    )
    assert answer.status_code == 409
    assert "hồ sơ đang mở" in json.dumps(answer.json(), ensure_ascii=False)


def test_the_erasure_hooks_are_an_explicit_settings_list(settings):
    from django.core.exceptions import ImproperlyConfigured

    from beneficiaries.services.erasure import erasure_hooks
    from payments.erasure import person_erase_payment_data

    assert erasure_hooks() == [("payments", person_erase_payment_data)]
    listed = list(settings.REGISTRY_PERSON_ERASURE_HOOKS)
    settings.REGISTRY_PERSON_ERASURE_HOOKS = [*listed, ("bank_gossip", listed[0][1])]
    with pytest.raises(ImproperlyConfigured):
        erasure_hooks()
    settings.REGISTRY_PERSON_ERASURE_HOOKS = [*listed, listed[0]]
    with pytest.raises(ImproperlyConfigured):
        erasure_hooks()
