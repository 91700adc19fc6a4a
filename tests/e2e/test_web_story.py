"""The day's story in a browser, in Vietnamese: a social worker registers a household and two
persons, records a poverty assessment, opens and submits a case and sees its amount; an approver
approves it with a start month; the social worker records a death and the case shows it stopped.
Each screen is checked with axe-core and photographed for docs/user-guide.vi.md."""

from datetime import date

import pytest
from django.utils import timezone

from beneficiaries import entitlements
from tests.beneficiaries.test_imports import csv_upload, person_row
from tests.conftest import OWN_COMMUNE
from tests.e2e.web_pages import check_screen, log_in, reload_legal_data
from tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def legal_data(transactional_db):
    reload_legal_data()


@pytest.fixture
def sw_page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    yield context.new_page()
    context.close()


@pytest.fixture
def approver_page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 768})
    yield context.new_page()
    context.close()


def test_social_worker_and_approver_story(live_server, sw_page, approver_page):
    make_user("canbo_xa", "social_worker", [OWN_COMMUNE])
    make_user("lanh_dao", "approver", [OWN_COMMUNE])
    base = live_server.url
    page = sw_page

    log_in(page, base, "canbo_xa")
    check_screen(page, "01-trang-chu")
    page.locator("nav").get_by_role("link", name="Bảng điều khiển", exact=True).click()
    check_screen(page, "02-bang-dieu-khien")

    # A household.
    page.locator("nav").get_by_role("link", name="Đăng ký hộ", exact=True).click()
    page.fill("#id_address", "")
    page.click("main button[type=submit]")
    assert "Trường này là bắt buộc." in page.inner_text("main")
    check_screen(page, "03-dang-ky-ho-loi")
    page.select_option("#id_area", "rural")
    page.fill("#id_village", "Thôn Đông")
    page.fill("#id_address", "Số 5, thôn Đông")
    page.click("main button[type=submit]")
    assert "Đã đăng ký hộ" in page.inner_text("main")
    household_url = page.url

    # Two persons.
    page.get_by_role("link", name="Thêm thành viên", exact=True).click()
    check_screen(page, "04-them-thanh-vien")
    page.fill("#id_full_name", "Lê Văn Bình")
    page.fill("#id_national_id", "045040012345")
    page.select_option("#id_sex", "male")
    page.fill("#id_date_of_birth", "1940-03-12")
    page.select_option("#id_relation_to_head", "head")
    page.fill("#id_phone", "0912345678")
    page.click("main button[type=submit]")
    assert "Đã thêm thành viên" in page.inner_text("main")
    page.get_by_role("link", name="Thêm thành viên", exact=True).click()
    page.fill("#id_full_name", "Lê Thị Hoa")
    page.fill("#id_national_id", "045145012346")
    page.select_option("#id_sex", "female")
    page.fill("#id_date_of_birth", "1945-07-01")
    page.select_option("#id_relation_to_head", "spouse")
    page.click("main button[type=submit]")
    main = page.inner_text("main")
    assert "Lê Văn Bình" in main and "Lê Thị Hoa" in main
    assert "045*******45" in main and "045040012345" not in main

    # A poverty assessment: the indicators as checkboxes, the classification shown.
    page.get_by_role("link", name="Rà soát hộ nghèo", exact=True).click()
    page.fill("#id_income_per_capita", "1200000")
    for code in ("nutrition", "water", "latrine"):
        page.check(f"input[name=deprivations][value={code}]")
    page.wait_for_selector("#classification-preview >> text=Hộ nghèo")  # shown before saving
    check_screen(page, "05-ra-soat-ho-ngheo")
    page.click("main button[type=submit]")
    assert "Hộ nghèo" in page.inner_text("main")
    check_screen(page, "06-trang-ho")

    # A case for the head of household: 80 or older (5.5c), from the month of the application.
    page.locator("main").get_by_role("link", name="Lê Văn Bình", exact=True).click()
    check_screen(page, "07-trang-ca-nhan")
    page.get_by_role("link", name="Lập hồ sơ hưởng", exact=True).click()
    page.select_option("#id_programme", "social_assistance")
    page.select_option("#id_category", "5.5c")
    this_month = entitlements.month_start(timezone.localdate())
    requested = entitlements.add_months(this_month, -2)
    page.fill("#id_requested_start_month", f"{requested:%Y-%m}")
    check_screen(page, "08-lap-ho-so")
    page.click("main button[type=submit]")
    amount = page.inner_text("#monthly-amount")
    assert amount.endswith("đ") and amount != "—"
    check_screen(page, "09-ho-so-nhap")
    page.click("main button:text('Trình hồ sơ')")
    assert "Đã trình hồ sơ để phê duyệt." in page.inner_text("main")
    case_url = page.url

    # The approver: the queue, then the decision with a start month.
    ap = approver_page
    log_in(ap, base, "lanh_dao")
    ap.locator("nav").get_by_role("link", name="Hồ sơ chờ duyệt", exact=True).click()
    assert amount in ap.inner_text("main")
    check_screen(ap, "10-ho-so-cho-duyet")
    ap.goto(case_url)
    assert "0 tháng" in ap.inner_text("#approval-preview")  # from this month: no arrears
    ap.fill("#id_decision_number", "15/QĐ-UBND")
    ap.fill("#id_decision_date", f"{timezone.localdate():%Y-%m-%d}")
    ap.fill("#id_start_month", f"{requested:%Y-%m}")
    ap.locator("#id_start_month").dispatch_event("change")
    # htmx asks for the preview again: the earlier start implies two months of arrears.
    ap.wait_for_selector("#approval-preview >> text=2 tháng")
    check_screen(ap, "11-phe-duyet")
    ap.click("main button:text-is('Phê duyệt')")
    main = ap.inner_text("main")
    assert "Đã phê duyệt: hưởng từ tháng" in main and f"{requested:%m/%Y}" in main
    assert "Đang hưởng" in main
    check_screen(ap, "12-da-phe-duyet")

    # The social worker records the death; the case stops.
    page.goto(household_url)
    page.locator("main").get_by_role("link", name="Lê Văn Bình", exact=True).click()
    page.get_by_role("link", name="Ghi nhận người mất", exact=True).click()
    check_screen(page, "13-ghi-nhan-nguoi-mat")
    page.fill("#id_date_of_death", f"{timezone.localdate():%Y-%m-%d}")
    page.click("main button[type=submit]")
    main = page.inner_text("main")
    assert "Đã ghi nhận người mất" in main and "Đã dừng hưởng" in main
    check_screen(page, "14-da-dung-huong")
    page.goto(case_url)
    assert "Đã dừng hưởng" in page.inner_text("main")

    # Search by name without accents, by POST.
    page.locator("nav").get_by_role("link", name="Tìm kiếm", exact=True).click()
    page.fill("#id_query", "le thi hoa")
    page.click("main button[type=submit]")
    page.wait_for_selector("#results")
    assert "Lê Thị Hoa" in page.inner_text("main") and "le+thi" not in page.url
    check_screen(page, "15-tim-kiem")

    # The import page: a dry run of a file with a wrong date lists the row's error.
    bad = person_row(
        "H1", "Nguyễn Văn A", "male", date(1960, 1, 1), "Chủ hộ", date_of_birth="31/02/1960"
    )
    upload = csv_upload([bad])
    page.locator("nav").get_by_role("link", name="Nhập từ tệp", exact=True).click()
    page.set_input_files(
        "#id_file", {"name": "danh-sach.csv", "mimeType": "text/csv", "buffer": upload.read()}
    )
    page.click("main button[type=submit]")
    assert "Các lỗi theo dòng" in page.inner_text("main")
    check_screen(page, "16-nhap-tu-tep")

    # English.
    page.click("header button[value=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    check_screen(page, "17-english")


def test_layout_fits_a_phone(live_server, browser):
    make_user("canbo_dt", "social_worker", [OWN_COMMUNE])
    context = browser.new_context(locale="vi-VN", viewport={"width": 375, "height": 740})
    page = context.new_page()
    try:
        log_in(page, live_server.url, "canbo_dt")
        page.goto(f"{live_server.url}/app/dashboard/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375
        check_screen(page, "18-dien-thoai")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
    finally:
        context.close()
