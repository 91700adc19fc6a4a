"""The cached summary is always the fresh one: served from the cache only while nothing was
written (the audit chain head has not moved), recomputed after a change through a service."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beneficiaries.services.households import household_register
from reports.period import period_for
from reports.summary import report_summary_build
from tests.factories import UserFactory
from tests.reports.population import A

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cached(settings):
    settings.REGISTRY_REPORT_CACHE_SECONDS = 600
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def _households(user, commune=A) -> int:
    report = report_summary_build(user=user, period=period_for(year=2026), commune=commune)
    return report["communes"][0]["households"]


def test_a_write_through_a_service_moves_the_cached_figure(population):
    worker = UserFactory(role="social_worker", communes=[A])
    before = _households(worker)
    with CaptureQueriesContext(connection) as queries:
        assert _households(worker) == before
    assert len(queries) <= 3  # the audit head, the permission and scope reads: no aggregate
    household_register(actor=worker, commune_code=A, area="rural", address="Thôn 2")
    assert _households(worker) == before + 1
    with override_cache_off():
        assert _households(worker) == before + 1  # the direct aggregate agrees


def test_the_warm_command_fills_the_cache_for_the_province(population):
    call_command("reports_warm", "--year", "2026", "--province", "44")
    auditor = UserFactory(role="auditor")
    with CaptureQueriesContext(connection) as queries:
        report = report_summary_build(user=auditor, period=period_for(year=2026), province="44")
    assert not any("beneficiaries_person" in q["sql"] for q in queries.captured_queries)
    with override_cache_off():
        fresh = report_summary_build(user=auditor, period=period_for(year=2026), province="44")
    assert report["communes"] == fresh["communes"] and report["provinces"] == fresh["provinces"]


class override_cache_off:
    def __enter__(self):
        from django.conf import settings

        self.saved, settings.REGISTRY_REPORT_CACHE_SECONDS = (
            settings.REGISTRY_REPORT_CACHE_SECONDS,
            0,
        )

    def __exit__(self, *exc):
        from django.conf import settings

        settings.REGISTRY_REPORT_CACHE_SECONDS = self.saved
