"""Lock-out records keep keyed hashes of usernames and addresses, never the plaintext, and still
lock out per username and per address; a superuser unlocks by the plain username or address."""

from __future__ import annotations

import io
import ipaddress

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.management import call_command
from django.test import override_settings

from registry.models import AuditEvent
from registry.security import axes_address_key, axes_username_key
from tests.factories import TEST_PASSWORD, make_user

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
ADDRESS = "203.0.113.7"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lockout")]


@pytest.fixture
def lockout():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        yield


def _login(client, username: str, password: str = TEST_PASSWORD, address: str = ADDRESS):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def _stored_text() -> str:
    rows = AccessAttempt.objects.values_list("username", "ip_address", "get_data", "post_data")
    return " ".join(str(value) for row in rows for value in row)


def test_failed_logins_are_stored_as_keyed_hashes(client, api_client):
    make_user("sw_hash", "social_worker", ["18859"])
    _login(client, "sw_hash", "wrong")
    api_client.post(
        TOKEN, {"username": "sw_hash", "password": "x"}, format="json", REMOTE_ADDR=ADDRESS
    )
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 2  # the form and the API count as one username
    assert attempt.username == axes_username_key("sw_hash") and attempt.username.startswith("h:")
    assert ipaddress.IPv6Address(attempt.ip_address) in ipaddress.IPv6Network("fd00::/8")
    assert attempt.ip_address == axes_address_key(ADDRESS)
    stored = _stored_text()
    assert "sw_hash" not in stored and ADDRESS not in stored


def test_a_username_locked_out_from_one_address_is_locked_from_another(client):
    make_user("sw_roam", "social_worker", ["18859"])
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        _login(client, "sw_roam", "wrong", address=address)
    assert _login(client, "sw_roam", address="198.51.100.9").status_code == 429


def test_a_success_leaves_no_plain_username_in_the_access_log(client):
    make_user("sw_ok", "social_worker", ["18859"])
    _login(client, "sw_ok", "wrong")
    assert _login(client, "sw_ok").status_code == 302
    assert not AccessLog.objects.exists()
    assert not AccessAttempt.objects.exists()  # a success resets the user's count


def test_unlock_login_lifts_a_username_lock_out_and_is_audited(client):
    user = make_user("sw_unlock", "social_worker", ["18859"])
    for _ in range(3):
        _login(client, "sw_unlock", "wrong")
    assert _login(client, "sw_unlock").status_code == 429
    out = io.StringIO()
    call_command("unlock_login", "sw_unlock", stdout=out)
    assert "3" in out.getvalue() or "1" in out.getvalue()
    assert _login(client, "sw_unlock").status_code == 302
    event = AuditEvent.objects.filter(action="auth.unlocked").get()
    assert event.object_id == str(user.pk)
    assert event.data == {"by_username": True, "by_address": False}


def test_unlock_login_by_address_lifts_an_address_lock_out(client):
    make_user("sw_addr", "social_worker", ["18859"])
    for name in ("g1", "g2", "g3"):
        _login(client, name, "wrong", address="198.51.100.20")
    assert _login(client, "sw_addr", address="198.51.100.20").status_code == 429
    call_command("unlock_login", "--address", "198.51.100.20", stdout=io.StringIO())
    assert _login(client, "sw_addr", address="198.51.100.20").status_code == 302


def test_the_superuser_finds_a_lock_out_in_the_admin_by_the_plain_username(client):
    make_user("sw_admin_find", "social_worker", ["18859"])
    admin = make_user("root_axes", None, is_superuser=True, is_staff=True)
    _login(client, "sw_admin_find", "wrong")
    client.force_login(admin)
    page = client.get("/admin/axes/accessattempt/", {"q": "sw_admin_find"})
    assert page.status_code == 200
    assert axes_username_key("sw_admin_find") in page.content.decode()
    assert (
        axes_username_key("sw_admin_find")
        not in client.get("/admin/axes/accessattempt/", {"q": "someone_else"}).content.decode()
    )


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(rf, settings):
    from registry.security import client_address

    request = rf.post(LOGIN, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.5, 10.0.0.9")
    assert client_address(request) == "10.0.0.1"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert client_address(request) == "10.0.0.9"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 2}
    assert client_address(request) == "198.51.100.5"
