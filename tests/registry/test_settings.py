"""Settings come from the environment: each case runs in a fresh interpreter with a chosen environment."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

# Variables the settings read; cleared so the developer's shell cannot leak into a case.
SETTINGS_ENV = [
    "DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS",
    "REGISTRY_VAR_DIR", "REGISTRY_ENCRYPTION_KEYS", "REGISTRY_BLIND_INDEX_KEY",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DJANGO_SETTINGS_MODULE",
    "REGISTRY_PUBLIC_BASE_URL", "REGISTRY_CERTIFICATE_SIGNING_KEY",
]  # fmt: skip

DUMP = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "user": db.get("USER"),
    "password": db.get("PASSWORD"), "host": db.get("HOST"), "port": db.get("PORT"),
    "secret_key": settings.SECRET_KEY, "debug": settings.DEBUG,
    "allowed_hosts": settings.ALLOWED_HOSTS, "language_code": settings.LANGUAGE_CODE,
    "languages": [code for code, _ in settings.LANGUAGES], "time_zone": settings.TIME_ZONE,
    "use_tz": settings.USE_TZ, "var_dir": str(settings.VAR_DIR),
}))
"""


def run_settings(var_dir: Path, module: str = "registry.settings.base", code: str = DUMP, **env):
    clean = {key: value for key, value in os.environ.items() if key not in SETTINGS_ENV}
    clean.update(REGISTRY_VAR_DIR=str(var_dir), DJANGO_SETTINGS_MODULE=module, **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=clean, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def load(var_dir: Path, **env) -> dict:
    result = run_settings(var_dir, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_default_database_is_sqlite_file_under_var_dir(tmp_path):
    values = load(tmp_path)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert Path(values["name"]).parent == tmp_path
    assert values["var_dir"] == str(tmp_path)


def test_postgres_url_selects_postgresql_with_its_parts(tmp_path):
    values = load(tmp_path, DATABASE_URL="postgres://u:p@h:5432/db")
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["name"], values["user"], values["password"]) == ("db", "u", "p")
    assert (values["host"], int(values["port"])) == ("h", 5432)


def test_development_secret_key_is_generated_once_private_and_stable(tmp_path):
    first = load(tmp_path)["secret_key"]
    second = load(tmp_path)["secret_key"]
    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # Another var/ directory gets its own key.
    assert load(tmp_path / "other")["secret_key"] != first


def test_secret_key_from_environment_wins_and_writes_no_file(tmp_path):
    assert load(tmp_path, SECRET_KEY="from-the-env")["secret_key"] == "from-the-env"
    assert not (tmp_path / "secret_key").exists()


def test_debug_is_off_unless_asked(tmp_path):
    assert load(tmp_path)["debug"] is False
    assert load(tmp_path, DEBUG="0")["debug"] is False
    assert load(tmp_path, DEBUG="1")["debug"] is True


def test_allowed_hosts_from_environment(tmp_path):
    values = load(tmp_path, ALLOWED_HOSTS="registry.example.org, www.example.org")
    assert values["allowed_hosts"] == ["registry.example.org", "www.example.org"]


def test_language_and_time_zone(tmp_path):
    values = load(tmp_path)
    assert values["language_code"] == "vi"
    assert "en" in values["languages"]
    assert values["time_zone"] == "Asia/Ho_Chi_Minh"
    assert values["use_tz"] is True


PRODUCTION = "registry.settings.production"


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = run_settings(tmp_path, PRODUCTION, ALLOWED_HOSTS="registry.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
    # It must not fall back to generating a development key.
    assert not (tmp_path / "secret_key").exists()


PG_URL = "postgres://registry:pw@db.internal:5432/registry"


def test_production_refuses_to_start_without_database_url(tmp_path):
    result = run_settings(
        tmp_path, PRODUCTION, SECRET_KEY="x" * 60, ALLOWED_HOSTS="registry.example.org"
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
    assert not (tmp_path / "registry.sqlite3").exists()


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    result = run_settings(tmp_path, PRODUCTION, SECRET_KEY="x" * 60, DATABASE_URL=PG_URL)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_ignores_debug_and_is_hardened(tmp_path):
    code = (
        "import json; from django.conf import settings as s; print(json.dumps([s.DEBUG, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER, "
        "s.REGISTRY_REQUIRE_KEYS_FROM_ENV, s.ALLOWED_HOSTS]))"
    )
    result = run_settings(
        tmp_path, PRODUCTION, code, SECRET_KEY="x" * 60, ALLOWED_HOSTS="registry.example.org",
        DEBUG="1", DATABASE_URL=PG_URL,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    debug, session_secure, csrf_secure, proxy_header, keys_from_env, hosts = json.loads(
        result.stdout
    )
    assert debug is False
    assert session_secure and csrf_secure and keys_from_env
    assert proxy_header == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert hosts == ["registry.example.org"]


@pytest.mark.parametrize("missing", ["REGISTRY_ENCRYPTION_KEYS", "REGISTRY_BLIND_INDEX_KEY"])
def test_production_refuses_to_start_without_encryption_keys(tmp_path, missing):
    keys = {
        "REGISTRY_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
        "REGISTRY_BLIND_INDEX_KEY": "B" * 43 + "=",
    }
    del keys[missing]
    result = run_settings(
        tmp_path, PRODUCTION, "import django; django.setup()", SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="registry.example.org", DATABASE_URL=PG_URL, **keys,
    )  # fmt: skip
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert not (tmp_path / "encryption_keys.json").exists()
