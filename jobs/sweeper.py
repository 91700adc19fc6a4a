"""The sweeper thread every worker runs: it re-queues jobs whose worker died (see jobs.runner)."""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, connections

from jobs import conf
from jobs.services import jobs_recover

logger = logging.getLogger("jobs")


class Sweeper(threading.Thread):
    """Runs `jobs_recover` at start and every REGISTRY_JOBS_SWEEP_SECONDS, on its own
    connection, beside the worker's loop. Several workers sweeping at once is safe."""

    def __init__(self) -> None:
        super().__init__(name="jobs-sweeper", daemon=True)
        self._halt = threading.Event()

    def run(self) -> None:
        while True:
            try:
                requeued = jobs_recover()
                if requeued:
                    logger.warning("re-queued jobs whose worker stopped: %s", requeued)
            except DatabaseError:  # database restarting, SQLite locked: next round
                logger.warning("job sweep skipped: database unavailable")
            except Exception as exc:  # keep sweeping whatever one round met
                logger.error("job sweep failed: %s", type(exc).__name__)
            finally:
                connections.close_all()  # this thread's connections only
            if self._halt.wait(conf.sweep_seconds()):
                return

    def stop(self) -> None:
        self._halt.set()
