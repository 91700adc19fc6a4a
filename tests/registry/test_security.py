"""Access hardening: argon2, lock-out, idle sessions, the second factor, CSP, logins audited."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.models import AuditEvent
from tests.factories import TEST_PASSWORD, make_user

BASE_DIR = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def _login(client, username: str, password: str = TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def _code(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# --- password hashing ------------------------------------------------------------------------


def test_argon2_is_the_first_hasher_outside_the_test_settings():
    from registry.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()
    encoded = make_password("Mk-2026!", hasher=hasher)
    assert encoded.startswith("argon2$argon2id$") and hasher.verify("Mk-2026!", encoded)


# --- logins in the audit trail -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_login_a_failed_login_and_a_logout_are_audited(client):
    user = make_user("sw_audit", "social_worker", ["18859"])
    assert _login(client, "sw_audit", "wrong").status_code == 200
    _login(client, "nobody-here", "wrong")
    assert _login(client, "sw_audit").status_code == 302
    client.post("/accounts/logout/")
    events = list(AuditEvent.objects.filter(action__startswith="auth.").order_by("sequence"))
    assert [(e.action, e.actor_id) for e in events] == [
        ("auth.login_failed", user.pk),
        ("auth.login_failed", None),
        ("auth.login", user.pk),
        ("auth.logout", user.pk),
    ]
    assert events[0].data == {"channel": "web", "known_user": True, "locked_out": False}
    assert "nobody-here" not in str(events[1].data)


@pytest.mark.django_db
def test_a_failed_token_request_is_audited(api_client):
    make_user("sw_token", "social_worker", ["18859"])
    api_client.post(TOKEN, {"username": "sw_token", "password": "x"}, format="json")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.data["channel"] == "api"


# --- lock-out ------------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_user_out_even_with_the_right_password(client):
    make_user("sw_lock", "social_worker", ["18859"])
    for _ in range(2):
        assert _login(client, "sw_lock", "wrong").status_code == 200
    locked = _login(client, "sw_lock", "wrong")
    assert locked.status_code == 429
    assert "tạm bị khóa" in locked.content.decode()
    assert _login(client, "sw_lock").status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_an_address_guessing_many_usernames_is_locked_out(client):
    make_user("sw_other", "social_worker", ["18859"])
    for name in ("a1", "a2", "a3"):
        _login(client, name, "wrong")
    assert _login(client, "sw_other").status_code == 429


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_the_token_endpoint_locks_out_too_with_the_error_envelope(api_client):
    make_user("sw_api_lock", "social_worker", ["18859"])
    for _ in range(3):
        api_client.post(TOKEN, {"username": "sw_api_lock", "password": "x"}, format="json")
    response = api_client.post(
        TOKEN, {"username": "sw_api_lock", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"


# --- sessions end after inactivity -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_ends_after_thirty_idle_minutes_and_moves_on_with_each_request(client):
    make_user("sw_idle", "social_worker", ["18859"])
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert _login(client, "sw_idle").status_code == 302
        for _ in range(3):  # a request every 20 minutes keeps the session alive
            clock.shift(timedelta(minutes=20))
            assert client.get("/api/v1/cases/").status_code == 200
        clock.shift(timedelta(minutes=31))
        assert client.get("/api/v1/cases/").status_code in (401, 403)


# --- the second factor -------------------------------------------------------------------------------


@pytest.fixture
def otp_approver(db):
    user = make_user("appr_otp", "approver", ["18859"])
    TOTPDevice.objects.create(user=user, name="totp", confirmed=True)
    return user


@pytest.mark.django_db
@override_settings(REGISTRY_OTP_REQUIRED_ROLES=["approver", "payment_officer"])
def test_an_approver_needs_the_totp_code_to_log_in(client, otp_approver):
    refused = _login(client, "appr_otp")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert "mã xác thực hai lớp" in refused.content.decode()
    with time_machine.travel(datetime.now(tz=UTC), tick=False) as clock:
        assert _login(client, "appr_otp", otp_token="000000").status_code == 200
        # After a wrong code the device waits (1 s, then doubling) before it accepts another.
        assert _login(client, "appr_otp", otp_token=_code(otp_approver)).status_code == 200
        clock.shift(timedelta(seconds=3))
        assert _login(client, "appr_otp", otp_token=_code(otp_approver)).status_code == 302
        assert client.get("/api/v1/cases/").status_code == 200


@pytest.mark.django_db
@override_settings(REGISTRY_OTP_REQUIRED_ROLES=["approver"])
def test_other_roles_log_in_without_a_code(client):
    make_user("sw_no_otp", "social_worker", ["18859"])
    assert _login(client, "sw_no_otp").status_code == 302


@pytest.mark.django_db
@override_settings(REGISTRY_OTP_REQUIRED_ROLES=["approver"])
def test_a_session_that_skipped_the_second_factor_is_ended(client, otp_approver):
    client.force_login(otp_approver)  # e.g. through a login form that asks no code
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "otp_required"
    assert client.get("/").status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(REGISTRY_OTP_REQUIRED_ROLES=["approver"])
def test_the_token_endpoint_asks_the_code_of_those_roles(api_client, otp_approver):
    body = {"username": "appr_otp", "password": TEST_PASSWORD}
    response = api_client.post(TOKEN, body, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "otp_required"
    response = api_client.post(TOKEN, {**body, "otp_token": _code(otp_approver)}, format="json")
    assert response.status_code == 200 and response.json()["token"]


@pytest.mark.django_db
def test_otp_enrol_prints_an_otpauth_address_and_is_audited(capsys):
    from django.core.management import call_command

    user = make_user("appr_enrol", "approver", ["18859"])
    call_command("otp_enrol", "appr_enrol")
    assert capsys.readouterr().out.startswith("otpauth://totp/")
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert AuditEvent.objects.filter(action="auth.otp_enrolled", object_id=str(user.pk)).exists()


# --- Content-Security-Policy and headers -----------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_csp_without_inline_script(client):
    response = client.get(LOGIN)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


TEMPLATE_DIRS = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)


def test_no_template_has_inline_script_or_style():
    offenders = [
        str(path.relative_to(BASE_DIR))
        for folder in TEMPLATE_DIRS
        for path in folder.rglob("*.html")
        if INLINE.search(path.read_text())
    ]
    assert offenders == []


@pytest.mark.django_db
def test_the_api_docs_page_runs_without_inline_script(client):
    page = client.get("/api/docs/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    key = base64.b64encode(os.urandom(32)).decode()
    # Neither the suite's settings nor the browser tests' async switch reach the deploy check.
    inherited = ("REGISTRY_", "DATABASE_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
    env.update(
        DJANGO_SETTINGS_MODULE="registry.settings.production", SECRET_KEY=base64.b64encode(
            os.urandom(48)).decode(), ALLOWED_HOSTS="registry.example.org",
        DATABASE_URL="postgres://registry:pw@db.internal:5432/registry",
        REGISTRY_ENCRYPTION_KEYS=f"k1:{key}", REGISTRY_BLIND_INDEX_KEY=key,
        REGISTRY_CERTIFICATE_SIGNING_KEY=key, REGISTRY_PUBLIC_BASE_URL="https://registry.example.org",
        REGISTRY_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
