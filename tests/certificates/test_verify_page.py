"""The page a phone opens from the QR code: the verdict in large words, only what the token
carries, no script, no inline style, nothing from another host, rate-limited."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from certificates import services
from tests.certificates.factories import HEAD_NAME, issue_household_certificate, poor_household

pytestmark = pytest.mark.django_db


def page(token: str, **headers):
    return Client().get(f"/verify/{token}", **headers)


def test_valid_certificate(issuer, today):
    household = poor_household()
    certificate = issue_household_certificate(issuer, household)
    response = page(certificate.token)
    assert response.status_code == 200
    html = response.content.decode()
    assert "CÒN HIỆU LỰC" in html
    assert "01/GCN-HN.HCN" in html and household.head.ss_code in html
    assert "Phường Đồng Thuận" in html and "05/03/2026" in html and "31/12/2026" in html
    # Nothing personal beyond the social-security code: no name, no ID number, no address.
    assert HEAD_NAME not in html and household.head.national_id not in html
    assert "Lê Lợi" not in html
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_revoked_expired_and_invalid(issuer, today):
    certificate = issue_household_certificate(issuer, poor_household())
    assert "KHÔNG HỢP LỆ" in page("not-a-token").content.decode()
    tampered = certificate.token[:-3] + ("AAA" if certificate.token[-3:] != "AAA" else "BBB")
    assert "KHÔNG HỢP LỆ" in page(tampered).content.decode()
    services.certificate_revoke(actor=issuer, certificate_id=certificate.pk, reason="Sai")
    assert "ĐÃ BỊ THU HỒI" in page(certificate.token).content.decode()
    other = issue_household_certificate(issuer, poor_household())
    today.move_to("2027-01-02T08:00:00+07:00")
    assert "ĐÃ HẾT HẠN" in page(other.token).content.decode()


def test_english_on_request(issuer, today):
    certificate = issue_household_certificate(issuer, poor_household())
    html = page(certificate.token, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "VALID" in html and "CÒN HIỆU LỰC" not in html


def test_no_script_no_inline_style_no_other_host(issuer, today):
    certificate = issue_household_certificate(issuer, poor_household())
    html = page(certificate.token).content.decode()
    assert "<script" not in html.lower()
    assert "style=" not in html.lower() and "<style" not in html.lower()
    assert not re.search(r"\bon[a-z]+\s*=", html.lower())  # no inline event handlers
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert references == ["/static/certificates/verify.css"]
    assert finders.find("certificates/verify.css")
    assert not re.search(r"https?://", html)
    assert '<meta name="viewport"' in html


def test_large_type_for_a_reader_at_a_desk():
    css = open(finders.find("certificates/verify.css"), encoding="utf-8").read()
    assert "html { font-size: 20px; }" in css
    assert re.search(r"\.verdict h1 \{[^}]*font-size: 2\.4rem", css)  # 48 px verdict


def test_the_page_is_rate_limited(settings, today):
    settings.REGISTRY_VERIFY_THROTTLE = "2/min"
    assert [page("abc").status_code for _ in range(3)] == [200, 200, 429]
    throttled = page("abc")
    assert int(throttled["Retry-After"]) > 0
    assert "Quá nhiều lượt kiểm tra" in throttled.content.decode()
