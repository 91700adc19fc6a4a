"""The jobs app's settings, with their defaults (documented in docs/deployment.md)."""

from __future__ import annotations

from django.conf import settings


def lease_seconds() -> float:
    """How long a running job stays claimed without a heartbeat before it counts as abandoned."""
    return float(getattr(settings, "REGISTRY_JOBS_LEASE_SECONDS", 60))


def lease_time():
    from datetime import timedelta

    return timedelta(seconds=lease_seconds())


def heartbeat_seconds() -> float:
    return float(getattr(settings, "REGISTRY_JOBS_HEARTBEAT_SECONDS", 10))


def sweep_seconds() -> float:
    return float(getattr(settings, "REGISTRY_JOBS_SWEEP_SECONDS", 15))


def max_attempts() -> int:
    return int(getattr(settings, "REGISTRY_JOBS_MAX_ATTEMPTS", 3))


# Progress is written at most this often (seconds): a poll every second sees it move, and a
# 20,000-row operation does not write 20,000 times.
PROGRESS_WRITE_SECONDS = 0.5
