"""The story goes on from part 1's approved case, with the payment officers, in Vietnamese: the
first officer sets the beneficiary's bank account and generates the month's batch, the second
approves it (the first may not), the first downloads pain.001 and uploads the bank's answer with
one failure, and next month's batch pays the failed month as arrears. Each screen is checked
with axe-core and photographed for docs/user-guide.vi.md (screens 30–49)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

from beneficiaries import entitlements
from jobs.models import Job
from payments.exports import validate_pain001
from payments.exports.pain001 import NAMESPACE
from payments.models import PaymentBatch
from tests.conftest import OWN_COMMUNE
from tests.e2e.web_pages import check_screen, log_in, reload_legal_data
from tests.factories import make_user
from tests.payments.factories import bank_account, elder_case

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NS = {"p": NAMESPACE}
# Decree 20/2021 Art. 6: 5.5c (80 or older, no pension) has coefficient 1.0 of the base level,
# 500,000 đ a month since 1 July 2024 (Decree 76/2024).
LAW_MONTHLY = "500.000 đ"
BANK_ACCOUNT = "1012345678"


@pytest.fixture(autouse=True)
def legal_data(transactional_db):
    reload_legal_data()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1366, "height": 768}, accept_downloads=True
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def second_page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    yield context.new_page()
    context.close()


def nav(page, name: str) -> None:
    page.locator("nav.site-nav").get_by_role("link", name=name, exact=True).click()


def generate(page, period) -> None:
    nav(page, "Lập đợt chi trả")
    page.fill("#id_period", f"{period:%Y-%m}")
    page.check(f"input[name=commune_codes][value='{OWN_COMMUNE}']")


def test_payment_officers_story(live_server, page, second_page, browser, settings):
    make_user("chi_tra_1", "payment_officer", [OWN_COMMUNE])
    make_user("chi_tra_2", "payment_officer", [OWN_COMMUNE])
    this_month = entitlements.month_start(timezone.localdate())
    # Where part 1's story ends: a beneficiary of the commune with an approved case paying from
    # this month; and another, already paid to a bank account.
    binh = elder_case(OWN_COMMUNE, start=this_month, name="Lê Văn Bình")
    lan = elder_case(OWN_COMMUNE, start=this_month, name="Trần Thị Lan")
    bank_account(lan.person, number="0987654321", bank_bin="970418")
    base = live_server.url

    # Officer 1 finds Mr Bình and sets his bank account.
    log_in(page, base, "chi_tra_1")
    nav(page, "Tài khoản chi trả")
    page.check("input[name=kind][value=ss_code]")
    page.fill("#id_query", binh.person.ss_code)
    page.click("main button[type=submit]")
    page.wait_for_selector("#results")
    check_screen(page, "30-tai-khoan-tim-kiem")
    page.get_by_role("link", name="Tài khoản của Lê Văn Bình").click()
    assert "Chưa có tài khoản nhận chi trả" in page.inner_text("main")
    page.select_option("#id_channel", "bank")
    page.select_option("#id_bank_bin", "970436")
    page.fill("#id_account_number", "1012 345 678")
    check_screen(page, "31-tai-khoan-dat")
    page.click("main button[type=submit]")
    main = page.inner_text("main")
    assert "Đã lưu tài khoản nhận chi trả." in main and "LE VAN BINH" in main
    assert page.inner_text("#account-number") == BANK_ACCOUNT  # unmasked for an officer
    check_screen(page, "32-tai-khoan-da-luu")

    # Officer 1 generates the month's batch; they may not approve it themselves.
    generate(page, this_month)
    check_screen(page, "33-lap-dot-chi-tra")
    page.click("main button[type=submit]")
    main = page.inner_text("main")
    assert "Đã lập đợt chi trả kỳ" in main and "nguyên tắc bốn mắt" in main
    assert page.inner_text("#fig-lines") == "2"
    assert page.inner_text("#fig-share") == "100,0%"
    assert BANK_ACCOUNT not in main and "******5678" in main  # masked in the lines
    assert page.locator("main button:text('Duyệt đợt chi trả')").count() == 0
    check_screen(page, "34-dot-chi-tra-nhap")
    batch_url = page.url

    # Officer 2 approves it.
    log_in(second_page, base, "chi_tra_2")
    nav(second_page, "Đợt chi trả")
    assert "Nháp" in second_page.inner_text("main")
    check_screen(second_page, "35-danh-sach-dot")
    second_page.goto(batch_url)
    second_page.click("main button:text('Duyệt đợt chi trả')")
    assert "Đã duyệt đợt chi trả." in second_page.inner_text("main")
    check_screen(second_page, "36-dot-da-duyet")

    # Officer 1 downloads pain.001: valid against the schema, its CtrlSum the batch total.
    page.goto(batch_url)
    total = page.inner_text("#fig-total")
    with page.expect_download() as download:
        page.click("#downloads button[value=pain001]")
    document = Path(download.value.path()).read_bytes()
    validate_pain001(document)
    root = etree.fromstring(document)
    control_sum = root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS)
    batch = PaymentBatch.objects.get()
    assert Decimal(control_sum) == batch.total_amount
    assert total == f"{batch.total_amount:,.0f} đ".replace(",", ".")
    refs = {
        tx.findtext("p:Cdtr/p:Nm", namespaces=NS): tx.findtext(
            "p:PmtId/p:EndToEndId", namespaces=NS
        )
        for tx in root.iterfind(".//p:CdtTrfTxInf", namespaces=NS)
    }
    assert set(refs) == {"LE VAN BINH", "TRAN THI LAN"}

    # The bank's answer: Ms Lan paid, Mr Bình's transfer failed.
    page.reload()
    assert "Đã xuất tệp" in page.inner_text("h1")
    check_screen(page, "37-dot-da-xuat-tep")
    answer = (
        "end_to_end_id,status,reason,paid_at\n"
        f"{refs['TRAN THI LAN']},paid,,{timezone.localdate():%Y-%m-%d}\n"
        f"{refs['LE VAN BINH']},failed,AC04 Tài khoản đã đóng,\n"
    )
    page.set_input_files(
        "#id_file", {"name": "tra-loi.csv", "mimeType": "text/csv", "buffer": answer.encode()}
    )
    page.click("main button:text('Nhập kết quả')")
    assert page.inner_text("#result-paid") == "1" and page.inner_text("#result-failed") == "1"
    failures = page.inner_text("#failures")
    assert "Lê Văn Bình" in failures and "AC04 Tài khoản đã đóng" in failures
    check_screen(page, "38-ket-qua-doi-soat")

    # Next month: Mr Bình's failed month is paid again, as arrears, at the law's amount. This
    # one runs as a background job (a low threshold): the job's page lands on the batch.
    settings.REGISTRY_PAYMENTS_BACKGROUND_FROM_CASES = 0
    next_month = entitlements.add_months(this_month, 1)
    generate(page, next_month)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/payments/batches/\d+/$"))
    assert Job.objects.get().kind == "payment_batch_generate"
    assert page.inner_text("#fig-arrears") == LAW_MONTHLY
    assert f"{next_month:%m/%Y}" in page.inner_text("h1")
    check_screen(page, "39-dot-thang-sau-truy-linh")

    nav(page, "Đợt chi trả")
    check_screen(page, "40-danh-sach-dot-chi-tra")
    nav(page, "Đề nghị tạm dừng")
    assert "Không có hồ sơ nào" in page.inner_text("main")
    check_screen(page, "41-de-nghi-tam-dung")

    # An auditor reads the batch: the same figures, account numbers masked, no actions.
    make_user("kiem_toan_tt", "auditor", [])
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    try:
        auditor = context.new_page()
        log_in(auditor, base, "kiem_toan_tt")
        auditor.goto(batch_url)
        main = auditor.inner_text("main")
        assert "Duyệt đợt chi trả" not in main and "Nhập kết quả" not in main
        assert auditor.locator("#downloads").count() == 0 and "******5678" in main
        check_screen(auditor, "42-kiem-toan-xem-dot")
    finally:
        context.close()
