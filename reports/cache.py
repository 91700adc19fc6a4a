"""The summary, cached until the next write: every change to the registry appends to the audit
chain in its own transaction (registry/audit.py), so the chain head's sequence number says
whether anything changed since a summary was computed. A cached summary is served only while
the head is the one it was computed at, so it is always the figures a fresh computation would
give; the first request after a write (or `manage.py reports_warm`, run by cron) recomputes.

`REGISTRY_REPORT_CACHE_SECONDS` (0: no cache) bounds how long an entry lives, which also bounds
the damage of a change made outside the services (SQL by hand, which the audit never sees).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from registry.models import AuditChainHead
from reports.period import Period

CACHE_SETTING = "REGISTRY_REPORT_CACHE_SECONDS"


def cache_seconds() -> int:
    return int(getattr(settings, CACHE_SETTING, 0) or 0)


def snapshots_enabled() -> bool:
    """The per-commune figures are stored and reused (reports/snapshot.py) with the cache on."""
    return cache_seconds() > 0


def audit_head() -> int:
    """The audit chain's last sequence number (one row, read without a lock)."""
    return AuditChainHead.objects.filter(pk=1).values_list("sequence", flat=True).first() or 0


def _key(codes, period: Period, exact: bool, with_amounts: bool) -> str:
    scope = "all" if codes is None else ",".join(sorted(codes))
    payments = repr(getattr(settings, "REGISTRY_REPORT_PAYMENT_FIGURES", None))
    raw = f"{scope}|{period.year}|{period.month:%Y-%m}|{exact}|{with_amounts}|{payments}"
    return "reports.summary." + hashlib.sha256(raw.encode()).hexdigest()


def summary_cached(
    *, codes, period: Period, exact: bool, with_amounts: bool, compute: Callable[[], dict]
) -> dict:
    seconds = cache_seconds()
    if seconds <= 0:
        return compute()
    key = _key(codes, period, exact, with_amounts)
    head = audit_head()
    hit = cache.get(key)
    if hit is not None and hit["head"] == head:
        return hit["report"]
    report = compute()
    if audit_head() == head:  # nothing was written while it was computed
        cache.set(key, {"head": head, "report": report}, seconds)
    return report
