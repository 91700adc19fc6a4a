"""Computes the year's summary of every province (and of every commune holding data, as an
auditor's unfiltered report): the per-commune figures are stored (reports/snapshot.py) and the
whole reports cached (reports/cache.py), so the next request answers from them. Run it after a
deployment and from cron (a commune changed since is recomputed alone, by the warm run or by
the next request); without REGISTRY_REPORT_CACHE_SECONDS it does nothing."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from beneficiaries.models import Household
from registry.models import Commune, User
from reports.cache import CACHE_SETTING
from reports.period import period_for
from reports.summary import report_summary_build


class Command(BaseCommand):
    help = "Tính trước báo cáo tổng hợp của năm vào bộ nhớ đệm."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--province", action="append", default=None)

    def handle(self, *args, year=None, province=None, **options):
        if not getattr(settings, CACHE_SETTING, 0):
            self.stdout.write(f"{CACHE_SETTING} = 0: nothing to warm")
            return
        # A system reader that sees every commune: the scope and figures of an auditor.
        reader = User(username="reports_warm", is_superuser=True, is_active=True)
        period = period_for(year=year)
        held = Household.objects.values_list("commune_id", flat=True).distinct().order_by()
        provinces = province or sorted(
            set(Commune.objects.filter(code__in=held).values_list("province_id", flat=True))
        )
        for exact in (False, True):
            started = time.perf_counter()
            report_summary_build(user=reader, period=period, exact_small_numbers=exact)
            for code in provinces:
                report_summary_build(
                    user=reader, period=period, province=code, exact_small_numbers=exact
                )
            self.stdout.write(
                f"warmed {len(provinces)} provinces in {time.perf_counter() - started:.1f} s"
            )
