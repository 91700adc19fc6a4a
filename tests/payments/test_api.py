"""The payment endpoints as api.md states them: accounts (masked, unmask audited), batches,
lines, approve, export (same bytes on re-export, SHA-256 recorded) and reconcile."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from payments.models import PaymentAccount, PaymentBatch
from registry.models import AuditEvent
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_user
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db
V1 = "/api/v1"
JULY = date(2026, 7, 1)


def account_url(person) -> str:
    return f"{V1}/persons/{person.pk}/payment-account/"


def test_put_a_bank_account_derives_the_account_name(client_for, officer):
    case = elder_case(name="Nguyễn Thị Đào")
    response = client_for(officer).put(
        account_url(case.person),
        {"channel": "bank", "bank_bin": "970436", "account_number": "0071 0012 34567"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["account_name"] == "NGUYEN THI DAO"
    assert body["account_number"] == "*********4567"
    assert PaymentAccount.objects.get().account_number == "0071001234567"
    event = AuditEvent.objects.get(action="payment_account.set")
    assert event.commune_code == OWN_COMMUNE and "0071001234567" not in str(event.data)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"channel": "bank", "bank_bin": "97", "account_number": "0123456"}, "bank_bin",
         "invalid_bank_bin"),
        ({"channel": "bank", "bank_bin": "970436", "account_number": "12AB56"}, "account_number",
         "invalid_account_number"),
        ({"channel": "bank", "bank_bin": "970436", "account_number": "0123456789",
          "account_name": "Nguyễn Văn A"}, "account_name", "invalid_account_name"),
    ],
)  # fmt: skip
def test_invalid_accounts_are_refused_by_field(client_for, officer, body, field, code):
    case = elder_case()
    response = client_for(officer).put(account_url(case.person), body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code and field in error["fields"]
    assert not PaymentAccount.objects.exists()


def test_a_guardian_s_account_names_its_holder_and_cash_needs_no_number(client_for, officer):
    case = elder_case()
    client = client_for(officer)
    body = {"channel": "ewallet", "bank_bin": "971005", "account_number": "0912345678",
            "account_name": "TRAN VAN BA", "holder_note": "con trai, người giám hộ"}  # fmt: skip
    assert client.put(account_url(case.person), body, format="json").status_code == 200
    assert PaymentAccount.objects.get().holder_note == "con trai, người giám hộ"
    cash = client.put(account_url(case.person), {"channel": "cash"}, format="json").json()
    assert cash["channel"] == "cash" and cash["account_number"] is None


def test_the_account_number_is_masked_unless_a_payment_officer_unmasks(client_for, officer):
    case = elder_case()
    bank_account(case.person, number="0123456789")
    auditor = make_user("aud2", "auditor", [])
    masked = client_for(auditor).get(account_url(case.person))
    assert masked.json()["account_number"] == "******6789"
    refused = client_for(auditor).get(account_url(case.person) + "?unmask=1")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "unmask_not_allowed"
    assert not AuditEvent.objects.filter(action="payment_account.unmasked_read").exists()

    unmasked = client_for(officer).get(account_url(case.person) + "?unmask=1")
    assert unmasked.json()["account_number"] == "0123456789"
    event = AuditEvent.objects.get(action="payment_account.unmasked_read")
    assert event.actor == officer and event.commune_code == OWN_COMMUNE


def test_another_commune_s_account_is_not_found(client_for, officer):
    case = elder_case(commune=OTHER_COMMUNE)
    bank_account(case.person)
    client = client_for(officer)
    assert client.get(account_url(case.person)).status_code == 404
    put = client.put(account_url(case.person), {"channel": "cash"}, format="json")
    assert put.status_code == 404


def test_batch_endpoints_through_a_month(client_for, officer, second_officer):
    bank_account(elder_case(start=JULY).person)
    elder_case(start=JULY, name="Võ Thị Hoa")
    client = client_for(officer)
    created = client.post(
        f"{V1}/payment-batches/", {"period": "2026-07", "commune_codes": [OWN_COMMUNE]},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    batch = created.json()
    assert batch["status"] == "draft" and batch["line_count"] == 2
    assert batch["created_by"] == "pay_a" and batch["approved_by"] is None
    assert batch["total_amount"] == str(int(batch["total_amount"]))
    again = client.post(
        f"{V1}/payment-batches/", {"period": "2026-07", "commune_codes": [OWN_COMMUNE]},
        format="json",
    )  # fmt: skip
    assert again.status_code == 409 and again.json()["error"]["code"] == "nothing_to_pay"

    url = f"{V1}/payment-batches/{batch['id']}/"
    lines = client.get(url + "lines/").json()["results"]
    assert {line["full_name"] for line in lines} == {"Lê Văn Tám", "Võ Thị Hoa"}
    assert {line["status"] for line in lines} == {"pending"}
    assert any(line["account_number"] == "******6789" for line in lines)

    own = client.post(url + "approve/")
    assert own.status_code == 403 and own.json()["error"]["code"] == "four_eyes_required"
    approved = client_for(second_officer).post(url + "approve/").json()
    assert approved["status"] == "approved" and approved["approved_by"] == "pay_b"

    first = client.get(url + "export/?format=pain001")
    assert first.status_code == 200
    first_bytes = b"".join(first.streaming_content)
    second_bytes = b"".join(client.get(url + "export/?format=pain001").streaming_content)
    assert first_bytes == second_bytes
    stored = PaymentBatch.objects.get(pk=batch["id"])
    assert stored.export_sha256["pain001"] == hashlib.sha256(first_bytes).hexdigest()
    assert client.get(url + "export/?format=pdf").status_code == 400

    refs = [line["end_to_end_id"] for line in lines]
    answer = "end_to_end_id,status,reason,paid_at\n" + "\n".join(
        [f"{refs[0]},paid,,2026-07-25", f"{refs[1]},failed,AC04,", "UNKNOWN1,paid,,2026-07-25"]
    )
    upload = SimpleUploadedFile("answer.csv", answer.encode(), content_type="text/csv")
    result = client.post(url + "reconcile/", {"file": upload}, format="multipart")
    assert result.status_code == 200, result.content
    body = result.json()
    assert (body["paid"], body["failed"]) == (1, 1)
    assert [u["end_to_end_id"] for u in body["unmatched"]] == ["UNKNOWN1"]
    assert client.get(url).json()["status"] == "reconciled"

    bad = SimpleUploadedFile("answer.csv", b"\xff\xfe garbage", content_type="text/csv")
    response = client.post(url + "reconcile/", {"file": bad}, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_bank_answer"


def test_batches_of_other_communes_are_hidden(client_for, officer):
    elder_case(start=JULY, commune=OTHER_COMMUNE)
    other_officer = make_user("pay_other", "payment_officer", [OTHER_COMMUNE])
    response = client_for(other_officer).post(
        f"{V1}/payment-batches/", {"period": "2026-07", "commune_codes": [OTHER_COMMUNE]},
        format="json",
    )  # fmt: skip
    batch_id = response.json()["id"]
    client = client_for(officer)
    assert client.get(f"{V1}/payment-batches/{batch_id}/").status_code == 404
    assert client.get(f"{V1}/payment-batches/").json()["count"] == 0
    auditor = make_user("aud3", "auditor", [])
    assert client_for(auditor).get(f"{V1}/payment-batches/").json()["count"] == 1


def test_the_pain001_of_a_batch_is_valid_and_sums_to_the_lines(client_for, officer, second_officer):
    from decimal import Decimal
    from pathlib import Path

    from lxml import etree

    import payments

    for index in range(3):
        bank_account(elder_case(start=date(2026, 6, 1), name=f"Lê Văn {index}").person,
                     number=f"01234567{index}")  # fmt: skip
    elder_case(start=JULY, name="Cash Only")  # a cash line: not in pain.001
    client = client_for(officer)
    batch = client.post(
        f"{V1}/payment-batches/", {"period": "2026-07", "commune_codes": [OWN_COMMUNE]},
        format="json",
    ).json()  # fmt: skip
    client_for(second_officer).post(f"{V1}/payment-batches/{batch['id']}/approve/")
    body = b"".join(
        client.get(f"{V1}/payment-batches/{batch['id']}/export/?format=pain001").streaming_content
    )
    xsd = Path(payments.__file__).parent / "schemas" / "pain.001.001.03.xsd"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    document = etree.fromstring(body)
    assert schema.validate(document), schema.error_log
    ns = {"p": document.nsmap[None]}
    assert document.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=ns) == str(3)
    cashless = PaymentBatch.objects.get(pk=batch["id"]).cashless_amount
    assert Decimal(document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns)) == cashless
