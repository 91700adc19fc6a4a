"""Each certificates test signs with its own development key (in tmp_path), on a fixed day, with
an empty throttle cache."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from tests.factories import UserFactory

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime(2026, 3, 5, 9, 30, tzinfo=HCM)


@pytest.fixture(autouse=True)
def signing_key_file(settings, tmp_path):
    settings.REGISTRY_CERTIFICATE_KEY_FILE = tmp_path / "certificate_signing_key.json"
    settings.REGISTRY_CERTIFICATE_SIGNING_KEY = ""
    settings.REGISTRY_PUBLIC_BASE_URL = "https://registry.example.org"
    cache.clear()
    yield settings.REGISTRY_CERTIFICATE_KEY_FILE
    cache.clear()


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def issuer(db):
    """An approver of the test commune: issues, prints and revokes there."""
    return UserFactory(role="approver", communes=["18859"])
