"""The reports page: its numbers are the summary's, small HIV counts read "< 5" (and cannot be
subtracted out of a total), each chart is an SVG image with a title beside its table, a social
worker sees only their communes, and the workbook downloads."""

from __future__ import annotations

import html as htmllib
import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from beneficiaries.models import PovertyAssessment
from reports.period import period_for
from reports.summary import report_summary_build
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import CaseFactory, HouseholdFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 12, 15, 10, 0, tzinfo=VN), tick=False):
        yield


@pytest.fixture(autouse=True)
def no_payment_figures(settings):
    settings.REGISTRY_REPORT_PAYMENT_FIGURES = []


def _beneficiaries(commune: str, category: str, n: int, *, born=date(1990, 1, 1)) -> None:
    household = HouseholdFactory(commune_id=commune)
    for year, classification in ((2025, "poor"), (2026, "near_poor")):
        PovertyAssessment.objects.create(
            household=household, year=year, classification=classification,
            income_per_capita=1_200_000, threshold=1_500_000,
        )  # fmt: skip
    for _ in range(n):
        person = PersonFactory(household=household, date_of_birth=born)
        CaseFactory(
            person=person, programme="social_assistance", category=category, approved=True,
            start_month=date(2026, 1, 1), decision_date=date(2026, 1, 1),
            disability_level="severe" if category == "5.6" else "",
        )  # fmt: skip


@pytest.fixture
def population():
    """Own commune: three persons with HIV (5.8) and six disabled (5.6): the programme total
    (9) minus 6 would give the 3 away. Other commune: seven 5.6."""
    _beneficiaries(OWN_COMMUNE, "5.8", 3)
    _beneficiaries(OWN_COMMUNE, "5.6", 6)
    _beneficiaries(OTHER_COMMUNE, "5.6", 7)
    for commune in (OWN_COMMUNE, OTHER_COMMUNE):
        HouseholdFactory(commune_id=commune)


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _cells(response, caption_id: str) -> list[list[str]]:
    """The rows of the table labelled by `caption_id`, as text."""
    html = response.content.decode()
    table = re.search(rf'<table aria-labelledby="{caption_id}">(.*?)</table>', html, re.S)
    assert table, caption_id
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)
    return [
        [htmllib.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]  # fmt: skip


def test_social_worker_sees_their_commune_with_the_summarys_numbers(web_client, population):
    worker = make_user("sw_reports", "social_worker", [OWN_COMMUNE])
    response = web_client(worker).get(reverse("web:reports"), {"year": 2026})
    assert response.status_code == 200
    report = report_summary_build(
        user=worker, period=period_for(year=2026), exact_small_numbers=False
    )
    [row] = report["provinces"]
    assert [c["code"] for c in report["communes"]] == [OWN_COMMUNE]
    lines = dict(tuple(r) for r in _cells(response, "beneficiaries-1")[1:])
    assert lines["Diện 5.8"] == "< 5"  # three persons with HIV
    # 9 − 6 would give the three away: 5.5c (the fixed complement) is hidden too.
    assert lines["Trợ giúp xã hội"] == str(row["persons_by_programme"]["social_assistance"])
    assert lines["Trợ giúp xã hội"] == "9"
    assert lines["Diện 5.6"] == str(_category(row, "5.6")["persons"]) == "6"
    assert lines["Diện 5.5c"] == "ẩn" and _category(row, "5.5c")["persons"] is None
    trend = _cells(response, "trend-heading")[1:]
    assert trend == [
        ["2025", "2", "2", "100,00 %", "0", "0,00 %"],
        ["2026", "3", "0", "0,00 %", "2", "66,67 %"],
    ]
    assert report["communes"][0]["households"] == 3
    # The other commune is not on the page, nor offered.
    assert OTHER_COMMUNE not in response.content.decode()


def _category(row, category):
    return next(i for i in row["persons_by_category"] if i["category"] == category)


def test_a_commune_outside_the_users_is_refused(web_client, population):
    worker = make_user("sw_reports", "social_worker", [OWN_COMMUNE])
    client = web_client(worker)
    response = client.get(reverse("web:reports"), {"year": 2026, "commune": OTHER_COMMUNE})
    assert response.status_code == 200
    assert "không phải là một trong các lựa chọn" in _text(response)
    assert "Tải tệp Excel" not in _text(response)  # no figure at all
    xlsx = client.get(reverse("web:reports-xlsx"), {"year": 2026, "commune": OTHER_COMMUNE})
    assert xlsx.status_code == 400


def test_auditor_sees_every_commune_masked_as_in_the_workbook(web_client, population):
    auditor = make_user("aud_reports", "auditor", [])
    response = web_client(auditor).get(reverse("web:reports"), {"year": 2026})
    assert response.status_code == 200
    lines = dict(tuple(r) for r in _cells(response, "beneficiaries-1")[1:])
    assert lines["Diện 5.8"] == "< 5"  # auditors too: the page is what gets printed
    assert lines["Diện 5.6"] == "13" and lines["Diện 5.5c"] == "ẩn"
    assert lines["Trợ giúp xã hội"] == "ẩn"  # the other commune has 5.6 only: 7 − 7 = 0
    cashless = _cells(response, "cashless-1")[1:]
    assert [c[0] for c in cashless] == [
        f"{c} ({OWN_COMMUNE})" for c in [cashless[0][0].split(" (")[0]]
    ] + [cashless[1][0]]
    assert all(c[1] == "—" for c in cashless)  # no payments yet


def test_each_chart_is_an_svg_image_with_a_title_and_no_script_or_style(sw_client, population):
    response = sw_client.get(reverse("web:reports"), {"year": 2026})
    html = response.content.decode()
    charts = re.findall(r"<svg [^>]*>.*?</svg>", html, re.S)
    assert len(charts) == 4
    for chart in charts:
        assert 'role="img"' in chart and "<title id=" in chart
        assert "<script" not in chart and "style=" not in chart
    assert "<style" not in html and " style=" not in html
    assert "&lt; 5" in charts[1]  # the small number, printed in the chart as in the table


def test_the_workbook_downloads_with_the_same_masking(sw_client, population):
    response = sw_client.get(reverse("web:reports-xlsx"), {"year": 2026})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('bao-cao-nq42-2026-12.xlsx"')
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = [list(r) for r in book["Đối tượng"].iter_rows(values_only=True)]
    header = rows[4]
    commune = next(r for r in rows if r and r[0] == OWN_COMMUNE)
    assert commune[header.index("Diện 5.8")] == "< 5"
    assert commune[header.index("Diện 5.5c")] == "ẩn"
    assert commune[header.index("Diện 5.6")] == 6
    assert commune[header.index("Trợ giúp xã hội")] == 9


def test_a_future_month_is_an_error_on_the_form(sw_client, population):
    response = sw_client.get(reverse("web:reports"), {"year": 2026, "month": "2027-01"})
    assert response.status_code == 200
    assert "Tháng không thuộc năm báo cáo." in _text(response)


def test_the_nav_shows_reports_to_those_who_read_the_registry(web_client, population):
    worker = make_user("sw_reports", "social_worker", [OWN_COMMUNE])
    home = web_client(worker).get(reverse("web:reports"))
    assert 'href="/web/reports/"' in home.content.decode() or reverse("web:reports") in (
        home.content.decode()
    )
    nobody = make_user("plain", None, [])
    assert web_client(nobody).get(reverse("web:reports")).status_code == 403
