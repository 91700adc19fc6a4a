"""Production refuses to start without the signing key or the public base URL (fresh interpreter)."""

from __future__ import annotations

import pytest

from tests.registry.test_settings import PG_URL, PRODUCTION, run_settings

KEYS = {
    "REGISTRY_ENCRYPTION_KEYS": "k1:" + "A" * 43 + "=",
    "REGISTRY_BLIND_INDEX_KEY": "B" * 43 + "=",
    "REGISTRY_CERTIFICATE_SIGNING_KEY": "C" * 43 + "=",
    "REGISTRY_PUBLIC_BASE_URL": "https://registry.example.org",
}


def start(tmp_path, **env):
    return run_settings(
        tmp_path, PRODUCTION, "import django; django.setup(); print('started')",
        SECRET_KEY="x" * 60, ALLOWED_HOSTS="registry.example.org", DATABASE_URL=PG_URL, **env,
    )  # fmt: skip


def test_production_starts_with_everything_set(tmp_path):
    result = start(tmp_path, **KEYS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


@pytest.mark.parametrize(
    "missing", ["REGISTRY_CERTIFICATE_SIGNING_KEY", "REGISTRY_PUBLIC_BASE_URL"]
)
def test_production_refuses_to_start_without(tmp_path, missing):
    env = dict(KEYS)
    del env[missing]
    result = start(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr
    # No development key is generated as a fallback.
    assert not (tmp_path / "certificate_signing_key.json").exists()


def test_a_malformed_signing_key_is_refused(tmp_path):
    result = start(tmp_path, **{**KEYS, "REGISTRY_CERTIFICATE_SIGNING_KEY": "too-short"})
    assert result.returncode != 0 and "REGISTRY_CERTIFICATE_SIGNING_KEY" in result.stderr
