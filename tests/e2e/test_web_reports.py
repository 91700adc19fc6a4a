"""The reports page in a browser: a social worker opens «Báo cáo» from the menu, sees the charts
beside their tables with the small HIV count masked, narrows it to a month, and downloads the
workbook. Checked with axe-core and photographed for docs/user-guide.vi.md."""

from datetime import date

import pytest
from django.utils import timezone

from beneficiaries.models import PovertyAssessment
from tests.conftest import OWN_COMMUNE
from tests.e2e.web_pages import check_screen, log_in, reload_legal_data
from tests.factories import CaseFactory, HouseholdFactory, PersonFactory, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def legal_data(transactional_db):
    reload_legal_data()


@pytest.fixture
def wide_page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


def _population(year: int) -> None:
    """Twelve households, some poor or near-poor in each of two review years; beneficiaries of
    three programmes, three of them with HIV (5.8), none in 5.3."""
    plans = [("poor", "poor"), ("poor", "near_poor"), ("near_poor", "not_poor")]
    plans += [("not_poor", "not_poor")] * 9
    categories = iter(["5.8", "5.6", "5.5c", "5.6", "5.8", "5.5c", "5.6", "5.8", "5.5c", "5.6"])
    for before, now in plans:
        household = HouseholdFactory(commune_id=OWN_COMMUNE)
        for review, classification in ((year - 1, before), (year, now)):
            PovertyAssessment.objects.create(
                household=household, year=review, classification=classification,
                income_per_capita=1_200_000, threshold=1_500_000,
            )  # fmt: skip
        for _member in range(2):
            person = PersonFactory(household=household, date_of_birth=date(1950, 1, 1))
            category = next(categories, None)
            if category:
                CaseFactory(
                    person=person, programme="social_assistance", category=category,
                    approved=True, start_month=date(year, 1, 1), decision_date=date(year, 1, 1),
                    disability_level="severe" if category == "5.6" else "",
                )  # fmt: skip
    pensioner = PersonFactory(household=household, date_of_birth=date(1940, 1, 1))
    CaseFactory(
        person=pensioner, programme="social_pension", category="pension", approved=True,
        start_month=date(year, 1, 1), decision_date=date(year, 1, 1),
    )  # fmt: skip


def test_social_worker_reads_the_reports_page(live_server, wide_page):
    year = timezone.localdate().year
    _population(year)
    make_user("canbo_baocao", "social_worker", [OWN_COMMUNE])
    page = wide_page
    log_in(page, live_server.url, "canbo_baocao")
    page.locator("nav").get_by_role("link", name="Báo cáo", exact=True).click()
    page.wait_for_selector("svg.chart")
    main = page.inner_text("main")
    assert "Báo cáo kết quả thực hiện Nghị quyết 42" in main
    assert "< 5" in main  # the three people with HIV, masked as in the workbook
    assert page.locator("svg.chart[role=img]").count() == 4
    for title in ("Tỷ lệ hộ nghèo và cận nghèo qua các năm", "Tiến độ các mục tiêu đến năm 2030"):
        assert page.get_by_role("heading", name=title).is_visible()
    assert page.get_by_role("img", name="Đối tượng đang hưởng theo chính sách và diện").count()
    check_screen(page, "70-bao-cao")

    page.fill("#id_month", f"{year}-06")
    page.get_by_role("button", name="Xem báo cáo").click()
    page.wait_for_url("**month=*")
    assert f"tháng 06/{year}" in page.inner_text("main")
    check_screen(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp Excel (.xlsx)").click()
    assert download.value.suggested_filename == f"bao-cao-nq42-{year}-06.xlsx"
