"""The auditor's story in a browser, on from part 1's approved case: find the beneficiary (masked),
issue and print the certificate, check it on a phone as a guard at a hospital desk would (valid),
print the commune's batch, revoke it with a reason (the phone now says revoked), then read the
audit trail and verify its chain from the screen; the consistency report. Each screen is checked
with axe-core and photographed for docs/user-guide.vi.md (50–69)."""

from datetime import date
from pathlib import Path

import pytest

from certificates.models import Certificate
from tests.certificates.pdf import pdf_text
from tests.conftest import OWN_COMMUNE
from tests.e2e.web_pages import check_screen, log_in, reload_legal_data
from tests.factories import CaseFactory, make_household, make_person, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NID = "045040012345"


@pytest.fixture(autouse=True)
def legal_data(transactional_db, settings, tmp_path):
    reload_legal_data()
    settings.REGISTRY_CERTIFICATE_KEY_FILE = tmp_path / "certificate_signing_key.json"
    settings.REGISTRY_CERTIFICATE_SIGNING_KEY = ""
    settings.REGISTRY_PRINTS_DIR = tmp_path / "prints"


@pytest.fixture
def auditor_page(browser):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1366, "height": 768}, accept_downloads=True
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
    )
    yield context.new_page()
    context.close()


def part_one_end_state():
    """Part 1's story ends with an approved case for Lê Văn Bình (80 or older, 5.5c)."""
    household = make_household(OWN_COMMUNE, address="Số 5, thôn Đông")
    person = make_person(
        household,
        full_name="Lê Văn Bình",
        national_id=NID,
        date_of_birth=date(1940, 3, 12),
        phone="0912345678",
    )
    household.head = person
    household.save(update_fields=["head"])
    CaseFactory(person=person, approved=True, category="5.5c", decision_number="15/QĐ-UBND")
    # A faulty record for the consistency report: a death written without closing the case.
    spouse = make_person(household, full_name="Lê Thị Hoa", sex="female", relation_to_head="spouse",
                         date_of_birth=date(1941, 7, 1), vital_status="deceased",
                         date_of_death=date(2026, 1, 15))  # fmt: skip
    CaseFactory(person=spouse, approved=True, category="5.5c")
    make_user("canbo_xa", "social_worker", [OWN_COMMUNE])
    return person


def test_auditor_story(live_server, auditor_page, phone_page, settings):
    person = part_one_end_state()
    make_user("kiem_toan", "auditor", [])
    base = live_server.url
    page = auditor_page

    log_in(page, base, "kiem_toan")
    check_screen(page, "50-kiem-toan-trang-chu")

    # Find the beneficiary: masked, no write button, the certificates link.
    page.locator("nav").get_by_role("link", name="Tìm kiếm", exact=True).click()
    page.fill("#id_query", "le van binh")
    page.click("main button[type=submit]")
    page.wait_for_selector("#results")
    page.locator("main").get_by_role("link", name="Lê Văn Bình", exact=True).click()
    main = page.inner_text("main")
    assert NID not in main and "045*******45" in main
    assert "Lập hồ sơ hưởng" not in main and "Ghi nhận người mất" not in main
    check_screen(page, "51-ca-nhan-che-so")

    # Issue the beneficiary's certificate and print it.
    page.locator("main").get_by_role("link", name="Giấy chứng nhận", exact=True).click()
    check_screen(page, "52-giay-cua-ca-nhan")
    page.locator("main input[name=signatory_name]").fill("Trần Văn Nam")
    page.locator("main input[name=signatory_title]").fill("Chủ tịch")
    page.click("main button:text('Cấp giấy xác nhận đang hưởng')")
    main = page.inner_text("main")
    assert "Đã cấp giấy số 01/GXN-UBND." in main and "Còn hiệu lực" in main
    assert person.ss_code in main
    check_screen(page, "53-giay-da-cap")
    with page.expect_download() as download:
        page.click("main a:text('Tải giấy để in (PDF)')")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and person.ss_code in pdf_text(pdf)
    certificate = Certificate.objects.get(case__person=person)
    assert certificate.subject_ss_code == person.ss_code
    detail_url = page.url
    verify_path = page.locator("main a:text('Mở trang kiểm tra công khai')").get_attribute("href")
    assert verify_path == f"/verify/{certificate.token}"

    # The guard at the hospital desk scans the QR code with a phone: valid.
    phone = phone_page
    phone.goto(f"{base}{verify_path}")
    verdict = phone.inner_text(".verdict")
    assert "CÒN HIỆU LỰC" in verdict and "✓" in verdict
    assert person.ss_code in phone.inner_text("main")
    assert "Lê Văn Bình" not in phone.inner_text("body") and NID not in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    check_screen(phone, "54-kiem-tra-con-hieu-luc")

    # The commune's batch, as a job whose page shows progress and then the download.
    page.locator("nav").get_by_role("link", name="Giấy chứng nhận", exact=True).click()
    check_screen(page, "55-danh-sach-giay")
    page.fill("#id_print-commune", OWN_COMMUNE)
    page.click("main button:text('In hàng loạt')")
    page.wait_for_selector("#print-download")
    check_screen(page, "56-in-hang-loat")
    with page.expect_download() as download:
        page.click("#print-download")
    assert person.ss_code in pdf_text(Path(download.value.path()).read_bytes())

    # Revoke: a reason is required.
    page.goto(detail_url)
    page.click("main button:text('Thu hồi giấy')")
    assert "Trường này là bắt buộc." in page.inner_text("main")
    page.fill("#id_reason", "Cấp nhầm, người hưởng đã chuyển đi nơi khác")
    page.click("main button:text('Thu hồi giấy')")
    main = page.inner_text("main")
    assert "Đã thu hồi giấy số 01/GXN-UBND." in main and "Cấp nhầm" in main
    assert "Đã thu hồi" in page.inner_text("h1")
    check_screen(page, "57-giay-da-thu-hoi")

    phone.reload()
    verdict = phone.inner_text(".verdict")
    assert "ĐÃ BỊ THU HỒI" in verdict and "CÒN HIỆU LỰC" not in verdict
    check_screen(phone, "58-kiem-tra-da-thu-hoi")
    phone.goto(f"{base}/verify/{certificate.token[:-4]}AAAA")
    assert "KHÔNG HỢP LỆ" in phone.inner_text(".verdict")
    check_screen(phone, "59-kiem-tra-khong-hop-le")

    # The audit trail: filtered to revocations, then the chain verified from the screen.
    page.locator("nav").get_by_role("link", name="Nhật ký kiểm toán", exact=True).click()
    page.select_option("#id_action", "certificate.revoked")
    page.click("main form[method=get] button[type=submit]")
    main = page.inner_text("main")
    assert page.inner_text("#events") == "1 sự kiện", page.inner_text("#events")
    assert "kiem_toan" in page.inner_text("main table")
    check_screen(page, "60-nhat-ky-kiem-toan")
    page.click("#chain-verify")
    page.wait_for_selector("#chain-result >> text=Chuỗi nhật ký nguyên vẹn")
    assert "Đầu chuỗi: sự kiện số" in page.inner_text("#chain-result")
    check_screen(page, "61-kiem-tra-chuoi")

    # The consistency report.
    page.locator("nav").get_by_role("link", name="Rà soát trục lợi", exact=True).click()
    page.wait_for_selector("#findings")
    assert "Người đã mất còn hồ sơ đang mở" in page.inner_text("#findings ~ div")
    assert "Lê Thị Hoa" not in page.inner_text("main")  # codes only
    check_screen(page, "62-ra-soat-truc-loi")
    page.locator("#findings ~ div").get_by_role("link", name="Hồ sơ").first.click()
    assert "Đang hưởng" in page.inner_text("main h1")
