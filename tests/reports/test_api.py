"""GET /api/v1/reports/summary/: scoping by role, the small-number rule, errors, the workbook."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from registry.models import Commune
from tests.factories import UserFactory
from tests.reports.population import A, B

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/summary/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _category(row, category):
    return next(item for item in row["persons_by_category"] if item["category"] == category)


def test_a_social_worker_sees_only_their_communes(population):
    worker = UserFactory(role="social_worker", communes=[A])
    body = client_for(worker).get(URL, {"year": 2026}).json()
    assert [row["code"] for row in body["communes"]] == [A]
    [province] = body["provinces"]
    assert (province["households"], province["communes"]) == (9, 1)  # A alone, not B
    assert body["communes"][0]["poverty_rate"] == "33.33"
    assert body["communes"][0]["amount_due"] == "12529000"
    assert body["month"] == "2026-12" and body["payments_available"] is False
    assert body["communes"][0]["amount_paid"] is None
    assert body["communes"][0]["cashless_share"] is None


def test_another_commune_is_404_and_an_auditor_sees_every_commune(population):
    worker = UserFactory(role="social_worker", communes=[A])
    response = client_for(worker).get(URL, {"year": 2026, "commune": B})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    auditor = UserFactory(role="auditor")
    body = client_for(auditor).get(URL, {"year": 2026}).json()
    assert [row["code"] for row in body["communes"]] == [A, B]
    one = client_for(auditor).get(URL, {"year": 2026, "commune": B}).json()
    assert [row["code"] for row in one["communes"]] == [B]
    # A province filter lists every commune of the province, empty ones included.
    province = client_for(auditor).get(URL, {"year": 2026, "province": "44"}).json()
    assert len(province["communes"]) == Commune.objects.filter(province_id="44").count()
    assert province["provinces"][0]["households"] == 15


def test_small_hiv_counts_are_hidden_from_everyone_but_auditors(population):
    worker = UserFactory(role="social_worker", communes=[A, B])
    body = client_for(worker).get(URL, {"year": 2026}).json()
    assert body["small_numbers"] == "suppressed"
    a, b = body["communes"]
    assert _category(a, "5.8") == {
        "programme": "social_assistance", "category": "5.8", "persons": None,
        "display": "< 5", "suppressed": True,
    }  # fmt: skip
    assert _category(a, "5.3")["display"] == "< 5"  # none at all looks the same as a few
    # Complementary suppression (reports/suppression.py): commune B's 5.8 (none) is masked, so
    # its 5.3 (five) is hidden, and so is the fixed complement 5.5c in the masked rows, so
    # that no total minus the shown categories gives a masked count away. Totals stay.
    assert _category(b, "5.3") == {
        "programme": "social_assistance", "category": "5.3", "persons": None, "display": "ẩn",
        "suppressed": True,
    }  # fmt: skip
    assert _category(a, "5.5c")["display"] == "ẩn"
    assert "persons_by_category.5.5c" in a["suppressed_figures"]
    assert a["persons_by_programme"]["social_assistance"] == 4
    # Every other count stays exact, small or not.
    assert _category(a, "5.6") == {
        "programme": "social_assistance", "category": "5.6", "persons": 1, "display": "1",
        "suppressed": False,
    }  # fmt: skip
    assert _category(body["provinces"][0], "5.8")["display"] == "< 5"

    auditor = UserFactory(role="auditor")
    exact = client_for(auditor).get(URL, {"year": 2026}).json()
    assert exact["small_numbers"] == "exact"
    assert _category(exact["communes"][0], "5.8")["persons"] == 2
    assert _category(exact["communes"][0], "5.8")["suppressed"] is False


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": 2027}, "year"),
        ({"year": 2026, "month": "2025-11"}, "month"),
        ({"month": "2026-13"}, "month"),
        ({"month": "0000-01"}, "month"),
        ({"commune": "1885"}, "commune"),
        ({"format": "pdf"}, "format"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(population, query, field):
    auditor = UserFactory(role="auditor")
    response = client_for(auditor).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_month_sets_the_rolls_and_the_amounts(population):
    auditor = UserFactory(role="auditor")
    body = client_for(auditor).get(URL, {"month": "2026-02", "commune": B}).json()
    assert body["year"] == 2026 and body["month"] == "2026-02"
    b = body["communes"][0]
    assert b["persons_by_programme"]["meritorious"] == 0  # the case starts in March
    assert b["amount_due_by_programme"]["meritorious"] == "0"


def test_login_is_required(population):
    assert APIClient().get(URL).status_code == 401


def _sheet_rows(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def test_the_workbook_has_one_sheet_per_group_and_never_shows_a_small_hiv_count(population):
    auditor = UserFactory(role="auditor")  # exact in JSON, yet not in the workbook
    response = client_for(auditor).get(URL, {"year": 2026, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bao-cao-nq42-2026-12.xlsx"' in response["Content-Disposition"]
    sheets = _sheet_rows(response.content)
    assert list(sheets) == [
        "Hộ nghèo, cận nghèo", "Đối tượng", "Người có công", "BHYT", "Kinh phí", "Mục tiêu 2030",
    ]  # fmt: skip
    poverty = sheets["Hộ nghèo, cận nghèo"]
    assert poverty[0][0] == "Báo cáo kết quả thực hiện Nghị quyết 42-NQ/TW — Hộ nghèo, cận nghèo"
    assert poverty[1][0] == "Kỳ báo cáo: năm 2026, tháng 12/2026"
    assert poverty[2][0] == "Thời điểm lập: 15/12/2026 10:30"
    header = poverty[4]
    assert header[:6] == ("Mã", "Tên", "Số hộ", "Số nhân khẩu", "Số hộ nghèo", "Tỷ lệ hộ nghèo (%)")
    province, a, b = poverty[5:8]
    assert province[:6] == ("44", "Toàn tỉnh Quảng Trị", 15, 24, 3, 20)
    name_a = Commune.objects.get(code=A).name
    assert a[:6] == (A, name_a, 9, 13, 3, 33.33)
    assert b[1] == Commune.objects.get(code=B).name
    assert len(poverty) == 8

    beneficiaries = sheets["Đối tượng"]
    header = beneficiaries[4]
    col_53, col_58 = header.index("Diện 5.3"), header.index("Diện 5.8")
    assert header[2:5] == (
        "Người có công với cách mạng", "Trợ giúp xã hội", "Trợ cấp hưu trí xã hội",
    )  # fmt: skip
    province, a, b = beneficiaries[5:8]
    assert (province[col_53], province[col_58]) == ("ẩn", "< 5")  # complementary suppression
    assert (a[col_53], a[col_58]) == ("< 5", "< 5")
    assert (b[col_53], b[col_58]) == ("ẩn", "< 5")
    assert a[2:5] == (2, 4, 1)

    money = sheets["Kinh phí"]
    assert money[4][-3:] == (
        "Tổng phải trả", "Đã chi trả", "Tỷ lệ chi trả không dùng tiền mặt (%)",
    )  # fmt: skip
    assert money[6][-3:] == (12529000, "Chưa có số liệu", "Chưa có số liệu")
    targets = sheets["Mục tiêu 2030"]
    assert targets[5] == ("44", "Toàn tỉnh Quảng Trị", "Tỷ lệ hộ nghèo dưới 1%", 20, 28.57,
                          "giảm", "Chưa đạt")  # fmt: skip
    assert sheets["Người có công"][6][2:] == (2, 2, 1)
    assert sheets["BHYT"][5][2:] == (9,)


def test_the_workbook_of_a_social_worker_covers_their_communes_only(population):
    worker = UserFactory(role="social_worker", communes=[B])
    response = client_for(worker).get(URL, {"year": 2026, "format": "xlsx"})
    rows = _sheet_rows(response.content)["Hộ nghèo, cận nghèo"]
    assert [row[0] for row in rows[5:]] == ["44", B]


def test_the_summary_costs_a_fixed_number_of_queries(population, django_assert_max_num_queries):
    auditor = UserFactory(role="auditor")
    client = client_for(auditor)
    client.get(URL, {"year": 2026})  # warm the permission caches
    with django_assert_max_num_queries(40) as context:
        client.get(URL, {"year": 2026})
    first = len(context.captured_queries)
    from tests.reports.population import build

    build()  # twice the population
    with django_assert_max_num_queries(first) as context:
        client.get(URL, {"year": 2026})


def test_the_workbook_follows_the_language_of_the_request(population):
    auditor = UserFactory(role="auditor")
    response = client_for(auditor).get(
        URL, {"year": 2026, "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    sheets = _sheet_rows(response.content)
    assert list(sheets)[0] == "Poor and near-poor households"
    assert sheets["Poor and near-poor households"][5][1] == "Province total Quảng Trị"
