"""The payment officer's pages: who may open them, accounts (unmasked and audited for officers,
masked for auditors), generating and approving batches (four eyes), downloads, the bank's
answer and the suspension proposals."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job
from payments import services
from payments.bank_answers import BankAnswer
from payments.models import BatchStatus, LineStatus, PaymentAccount, PaymentBatch
from registry.audit import AuditAction
from registry.models import AuditEvent
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_user
from tests.payments.factories import bank_account, elder_case

pytestmark = pytest.mark.django_db
JULY = date(2026, 7, 1)
NUMBER = "0123456789"


@pytest.fixture(autouse=True)
def mid_july():
    with time_machine.travel("2026-07-15 09:00 +07:00", tick=False):
        yield


@pytest.fixture
def officer(db):
    return make_user("pay_a", "payment_officer", [OWN_COMMUNE])


@pytest.fixture
def second_officer(db):
    return make_user("pay_b", "payment_officer", [OWN_COMMUNE])


@pytest.fixture
def case():
    return elder_case(start=JULY, name="Lê Văn Một")


@pytest.fixture
def batch(case, officer):
    bank_account(case.person, number=NUMBER)
    elder_case(start=JULY, name="Lê Văn Hai")  # no account: paid in cash
    return services.payment_batch_generate(actor=officer, period=JULY, commune_codes=[OWN_COMMUNE])


def exported(batch, second_officer, officer):
    services.payment_batch_approve(actor=second_officer, batch_id=batch.pk)
    services.payment_batch_export(actor=officer, batch_id=batch.pk, file_format="pain001")
    return batch


def csv_answer(rows: list[tuple[str, str, str, str]], name: str = "tra-loi.csv"):
    text = "end_to_end_id,status,reason,paid_at\n" + "".join(",".join(r) + "\n" for r in rows)
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def read_pages(case, batch):
    return [
        reverse("web:payments-accounts"),
        reverse("web:payments-account", args=[case.person.pk]),
        reverse("web:payments-batches"),
        reverse("web:payments-batch", args=[batch.pk]),
        reverse("web:payments-proposals"),
    ]


def test_social_workers_are_refused_every_page(case, batch, web_client, social_worker):
    client = web_client(social_worker)
    for url in [*read_pages(case, batch), reverse("web:payments-batch-new")]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("web:payments-batch-approve", args=[batch.pk])).status_code == 403


def test_approvers_see_the_proposals_only(case, batch, web_client, approver):
    client = web_client(approver)
    assert client.get(reverse("web:payments-proposals")).status_code == 200
    assert client.get(reverse("web:payments-batches")).status_code == 403


def test_another_communes_officer_gets_404(case, batch, web_client):
    other = web_client(make_user("pay_x", "payment_officer", [OTHER_COMMUNE]))
    assert other.get(reverse("web:payments-batch", args=[batch.pk])).status_code == 404
    assert other.get(reverse("web:payments-account", args=[case.person.pk])).status_code == 404
    url = reverse("web:payments-batch-approve", args=[batch.pk])
    assert other.post(url).status_code == 404
    assert PaymentBatch.objects.get().status == BatchStatus.DRAFT
    # The generation form offers only the officer's communes.
    response = other.post(
        reverse("web:payments-batch-new"), {"period": "2026-07", "commune_codes": [OWN_COMMUNE]}
    )
    assert response.status_code == 200 and PaymentBatch.objects.count() == 1
    assert OWN_COMMUNE not in response.content.decode().split('name="commune_codes"', 1)[1]


def test_auditor_reads_without_actions(case, batch, web_client, auditor):
    client = web_client(auditor)
    for url in read_pages(case, batch):
        assert client.get(url).status_code == 200, url
    html = client.get(reverse("web:payments-batch", args=[batch.pk])).content.decode()
    assert "Duyệt đợt chi trả" not in html and "Hủy đợt chi trả" not in html
    assert "Lập lại" not in html and 'name="format"' not in html
    account_page = client.get(reverse("web:payments-account", args=[case.person.pk]))
    html = account_page.content.decode()
    assert "******6789" in html and NUMBER not in html and '<form method="post" class' not in html
    for name in ("approve", "regenerate", "cancel", "export", "reconcile"):
        url = reverse(f"web:payments-batch-{name}", args=[batch.pk])
        assert client.post(url, {"format": "csv"}).status_code == 403, name
    assert client.get(reverse("web:payments-batch-new")).status_code == 403
    url = reverse("web:payments-account", args=[case.person.pk])
    assert client.post(url, {"channel": "cash"}).status_code == 403
    assert PaymentAccount.objects.get().channel == "bank"
    assert PaymentBatch.objects.get().status == BatchStatus.DRAFT
    assert not AuditEvent.objects.filter(action=AuditAction.PAYMENT_ACCOUNT_UNMASKED_READ)


def test_officer_searches_then_sets_a_bank_account(case, officer, web_client):
    client = web_client(officer)
    response = client.post(
        reverse("web:payments-accounts"), {"kind": "ss_code", "query": case.person.ss_code}
    )
    account_url = reverse("web:payments-account", args=[case.person.pk])
    assert account_url in response.content.decode()
    page = client.get(account_url).content.decode()
    assert "Chưa có tài khoản nhận chi trả" in page and "Vietcombank" in page
    response = client.post(
        account_url,
        {"channel": "bank", "bank_bin": "970436", "account_number": "0123 456 789",
         "account_name": "", "holder_note": ""},
        follow=True,
    )  # fmt: skip
    html = response.content.decode()
    assert "Đã lưu tài khoản nhận chi trả." in html
    assert f'<dd id="account-number">{NUMBER}</dd>' in html  # unmasked for the officer …
    assert "LE VAN MOT" in html  # the account name derived from the person's name
    events = AuditEvent.objects.filter(action=AuditAction.PAYMENT_ACCOUNT_UNMASKED_READ)
    assert events.count() == 1  # … and the read is audited
    assert events.get().actor == officer


def test_a_wrong_account_number_is_shown_on_the_form(case, officer, web_client):
    url = reverse("web:payments-account", args=[case.person.pk])
    response = web_client(officer).post(
        url, {"channel": "ewallet", "bank_bin": "971005", "account_number": "12345"}
    )
    assert response.status_code == 200
    assert "Số tài khoản Viettel Money phải có 10 chữ số." in response.content.decode()
    assert not PaymentAccount.objects.exists()


def test_generate_then_four_eyes_then_approve(case, officer, second_officer, web_client):
    bank_account(case.person, number=NUMBER)
    client = web_client(officer)
    form = client.get(reverse("web:payments-batch-new")).content.decode()
    assert 'value="2026-07"' in form and OTHER_COMMUNE not in form
    response = client.post(
        reverse("web:payments-batch-new"),
        {"period": "2026-07", "commune_codes": [OWN_COMMUNE]},
        follow=True,
    )
    batch = PaymentBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("web:payments-batch", args=[batch.pk])
    html = response.content.decode()
    assert "Đã lập đợt chi trả kỳ 07/2026: 1 dòng." in html
    assert '<span class="figure" id="fig-share">100,0%</span>' in html  # Vietnamese comma
    assert "******6789" in html and NUMBER not in html  # masked in the lines, officers too
    assert "nguyên tắc bốn mắt" in html
    # The generator's own approval is refused with the service's message, not an error page.
    response = client.post(reverse("web:payments-batch-approve", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    assert "Người lập đợt chi trả không được tự duyệt đợt đó." in response.content.decode()
    assert PaymentBatch.objects.get().status == BatchStatus.DRAFT
    response = web_client(second_officer).post(
        reverse("web:payments-batch-approve", args=[batch.pk]), follow=True
    )
    assert "Đã duyệt đợt chi trả." in response.content.decode()
    assert PaymentBatch.objects.get().status == BatchStatus.APPROVED


def test_nothing_to_pay_is_a_form_error(officer, web_client):
    response = web_client(officer).post(
        reverse("web:payments-batch-new"), {"period": "2026-07", "commune_codes": [OWN_COMMUNE]}
    )
    assert response.status_code == 200
    assert "Không còn hồ sơ nào cần chi trả" in response.content.decode()


def test_large_generation_runs_as_a_job_and_lands_on_the_batch(case, officer, web_client, settings):
    settings.REGISTRY_PAYMENTS_BACKGROUND_FROM_CASES = 0
    client = web_client(officer)
    response = client.post(
        reverse("web:payments-batch-new"), {"period": "2026-07", "commune_codes": [OWN_COMMUNE]}
    )
    job = Job.objects.get()
    job_url = reverse("web:payments-batch-job", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == job_url
    batch = PaymentBatch.objects.get()  # the test settings run jobs at once
    batch_url = reverse("web:payments-batch", args=[batch.pk])
    polled = client.get(job_url, headers={"HX-Request": "true"})
    assert polled.status_code == 204 and polled["HX-Redirect"] == batch_url
    assert client.get(job_url)["Location"] == batch_url


def test_running_job_page_polls(officer, web_client):
    job = Job.objects.create(
        kind="payment_batch_generate", started_by=officer, dedupe_key="k", status="running",
        progress_total=1,
    )  # fmt: skip
    response = web_client(officer).get(reverse("web:payments-batch-job", args=[job.pk]))
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html and "Tiến độ" in html


def test_downloads(batch, officer, second_officer, web_client):
    client = web_client(officer)
    url = reverse("web:payments-batch-export", args=[batch.pk])
    response = client.post(url, {"format": "pain001"}, follow=True)  # a draft: refused
    assert "không thực hiện được thao tác này" in response.content.decode()
    services.payment_batch_approve(actor=second_officer, batch_id=batch.pk)
    for file_format, start in [("pain001", b"<?xml"), ("xlsx", b"PK"), ("cash_xlsx", b"PK"),
                               ("csv", b""), ("vcb_bulk", b"")]:  # fmt: skip
        response = client.post(url, {"format": file_format})
        assert response.status_code == 200, file_format
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content).startswith(start)
    assert PaymentBatch.objects.get().status == BatchStatus.EXPORTED


def test_bank_answer_with_a_failure(batch, officer, second_officer, web_client):
    exported(batch, second_officer, officer)
    bank_line = batch.lines.get(channel="bank")
    cash_line = batch.lines.get(channel="cash")
    answer = csv_answer([
        (bank_line.end_to_end_id, "paid", "", "2026-07-20"),
        (cash_line.end_to_end_id, "failed", "Không liên lạc được người nhận", ""),
        ("NOT-OURS", "paid", "", ""),
    ])  # fmt: skip
    response = web_client(officer).post(
        reverse("web:payments-batch-reconcile", args=[batch.pk]), {"file": answer}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<dd id="result-paid">1</dd>' in html and '<dd id="result-failed">1</dd>' in html
    assert '<dd id="result-unmatched">1</dd>' in html and "NOT-OURS" in html
    assert "Không liên lạc được người nhận" in html.split('id="failures"')[1]
    assert batch.lines.get(pk=cash_line.pk).status == LineStatus.FAILED


def test_a_malformed_answer_changes_nothing(batch, officer, second_officer, web_client):
    exported(batch, second_officer, officer)
    line = batch.lines.first()
    answer = csv_answer([(line.end_to_end_id, "paid", "", "31/02/2026")])
    response = web_client(officer).post(
        reverse("web:payments-batch-reconcile", args=[batch.pk]), {"file": answer}
    )
    assert response.status_code == 400
    assert "ngày chi trả “31/02/2026” không hợp lệ" in response.content.decode()
    assert set(batch.lines.values_list("status", flat=True)) == {LineStatus.PENDING}
    assert PaymentBatch.objects.get().status == BatchStatus.EXPORTED


def test_regenerate_and_cancel_a_draft(batch, officer, web_client):
    client = web_client(officer)
    response = client.post(reverse("web:payments-batch-regenerate", args=[batch.pk]), follow=True)
    assert "Đã lập lại đợt chi trả" in response.content.decode()
    response = client.post(reverse("web:payments-batch-cancel", args=[batch.pk]), follow=True)
    assert "Đã hủy đợt chi trả." in response.content.decode()
    assert PaymentBatch.objects.get().status == BatchStatus.CANCELLED
    assert client.get(reverse("web:payments-batch-regenerate", args=[batch.pk])).status_code == 405


def test_three_uncollected_months_are_proposed(officer, second_officer, web_client, approver):
    case = elder_case(start=date(2026, 4, 1), name="Lê Văn Chín")
    for period in ("2026-04", "2026-05", "2026-06"):
        batch = services.payment_batch_generate(
            actor=officer, period=period, commune_codes=[OWN_COMMUNE]
        )
        exported(batch, second_officer, officer)
        line = batch.lines.get(period=batch.period)
        services.payment_batch_reconcile(
            actor=officer, batch_id=batch.pk,
            answers=[BankAnswer(line.end_to_end_id, False, reason="not collected")],
        )  # fmt: skip
    for user in (officer, approver):
        html = web_client(user).get(reverse("web:payments-proposals")).content.decode()
        assert reverse("web:case", args=[case.pk]) in html and "Lê Văn Chín" in html
    html = web_client(officer).get(reverse("web:payments-proposals") + "?month=2026-06").content
    assert reverse("web:case", args=[case.pk]).encode() not in html


def test_batch_list_filters(batch, officer, web_client):
    client = web_client(officer)
    link = reverse("web:payments-batch", args=[batch.pk])
    assert link in client.get(reverse("web:payments-batches")).content.decode()
    html = client.get(reverse("web:payments-batches") + "?status=cancelled").content.decode()
    assert link not in html and "Chưa có đợt chi trả nào." in html
    html = client.get(reverse("web:payments-batches") + "?period=2026-07&status=x").content.decode()
    assert link in html


def test_switching_to_cash_drops_the_account_number(case, officer, web_client):
    bank_account(case.person, number=NUMBER)
    url = reverse("web:payments-account", args=[case.person.pk])
    response = web_client(officer).post(url, {"channel": "cash", "bank_bin": "970436"}, follow=True)
    assert "Tiền mặt qua tổ chức dịch vụ chi trả" in response.content.decode()
    account = PaymentAccount.objects.get()
    assert (account.channel, account.bank_bin, account.account_number) == ("cash", "", None)


def test_bank_answer_as_pain002(batch, officer, second_officer, web_client):
    exported(batch, second_officer, officer)
    line = batch.lines.get(channel="bank")
    document = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt>
<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-07-21T09:15:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>{batch.pk}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>
<GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>P1</OrgnlPmtInfId><TxInfAndSts>
<OrgnlEndToEndId>{line.end_to_end_id}</OrgnlEndToEndId><TxSts>RJCT</TxSts>
<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Tài khoản đã đóng</AddtlInf></StsRsnInf>
</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"""
    upload = SimpleUploadedFile("status.xml", document.encode(), content_type="application/xml")
    response = web_client(officer).post(
        reverse("web:payments-batch-reconcile", args=[batch.pk]), {"file": upload}
    )
    html = response.content.decode()
    assert response.status_code == 200 and '<dd id="result-failed">1</dd>' in html
    assert "AC04: Tài khoản đã đóng" in html.split('id="failures"')[1]
