"""GET /api/v1/admin-units/provinces/ and /communes/: bare arrays of post-2025 codes, for any logged-in user."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client_for):
    return client_for(make_user("nobody", None, []))  # no role, no commune: still allowed


def test_provinces_are_a_bare_array_of_34_with_string_codes(client):
    response = client.get("/api/v1/admin-units/provinces/")
    assert response.status_code == 200
    provinces = response.json()
    assert isinstance(provinces, list) and len(provinces) == 34
    assert all(set(p) == {"code", "name"} for p in provinces)
    assert provinces[0] == {"code": "01", "name": provinces[0]["name"]}
    assert "Hà Nội" in provinces[0]["name"]
    assert [p["code"] for p in provinces] == sorted(p["code"] for p in provinces)
    assert all(isinstance(p["code"], str) and len(p["code"]) == 2 for p in provinces)
    assert any(p["code"] == "44" and "Quảng Trị" in p["name"] for p in provinces)


def test_communes_of_quang_tri_are_78_with_five_digit_codes(client):
    response = client.get("/api/v1/admin-units/communes/", {"province": "44"})
    assert response.status_code == 200
    communes = response.json()
    assert isinstance(communes, list) and len(communes) == 78
    assert all(set(c) == {"code", "name", "province_code"} for c in communes)
    assert all(c["province_code"] == "44" for c in communes)
    assert all(isinstance(c["code"], str) and len(c["code"]) == 5 for c in communes)
    assert {"18859", "18871"} <= {c["code"] for c in communes}
    assert any(c["name"] == "Phường Đồng Hới" for c in communes)


def test_leading_zeros_are_kept(client):
    communes = client.get("/api/v1/admin-units/communes/", {"province": "01"}).json()
    assert communes[0]["code"] == "00004"
    assert communes[0]["province_code"] == "01"


def test_without_province_every_commune_is_listed_in_few_queries(client):
    with CaptureQueriesContext(connection) as queries:
        communes = client.get("/api/v1/admin-units/communes/").json()
    assert len(communes) >= 3300
    assert len(queries) <= 3


def test_unknown_province_is_an_empty_list(client):
    assert client.get("/api/v1/admin-units/communes/", {"province": "99"}).json() == []


@pytest.mark.parametrize("bad", ["4", "044", "ab", "4 4"])
def test_malformed_province_is_400(client, bad):
    response = client.get("/api/v1/admin-units/communes/", {"province": bad})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"province": ["Mã tỉnh gồm 2 chữ số, ví dụ 44."]}


def test_anonymous_is_401():
    assert APIClient().get("/api/v1/admin-units/provinces/").status_code == 401
    assert APIClient().get("/api/v1/admin-units/communes/?province=44").status_code == 401
