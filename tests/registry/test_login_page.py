"""The login page: Vietnamese by default, English when asked and translated."""

import pytest
from django.utils import translation

from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def english_translation_exists() -> bool:
    with translation.override("en"):
        return translation.gettext("Đăng nhập") != "Đăng nhập"


def test_login_page_is_vietnamese_by_default(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "<h1>Đăng nhập</h1>" in html
    assert "Mật khẩu" in html
    assert response["Content-Language"] == "vi"


def test_unsupported_language_falls_back_to_vietnamese(client):
    response = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="fr")
    assert "<h1>Đăng nhập</h1>" in response.content.decode()


def test_login_page_in_english_when_asked(client):
    if not english_translation_exists():
        pytest.skip("no compiled English translation under locale/en/ yet")
    response = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    with translation.override("en"):
        heading = translation.gettext("Đăng nhập")
    assert f"<h1>{heading}</h1>" in html
    assert "Đăng nhập" not in html


def test_wrong_password_shows_an_error_and_right_one_logs_in(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user("sw_login", "social_worker", ["18859"])
    wrong = client.post(LOGIN_URL, {"username": "sw_login", "password": "nope"})
    assert wrong.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in wrong.content.decode()
    right = client.post(LOGIN_URL, {"username": "sw_login", "password": "Mk-test-2026!"})
    assert right.status_code == 302
    assert right["Location"] == "/"


def test_admin_sends_anonymous_users_to_its_login(client):
    assert client.get("/admin/").status_code == 302
