"""One attempt at a job: claim it, keep its lease alive while the work runs, record the end.

How a dead worker is noticed: a claimed job carries a lease (`lease_expires_at`), renewed by a
heartbeat thread every REGISTRY_JOBS_HEARTBEAT_SECONDS while the work runs. A worker killed
midway stops renewing; once the lease has expired, any worker's sweeper re-queues the job
(`jobs.services.jobs_recover`), and the next attempt starts the work from the beginning — the
work's own transaction left nothing behind. Every write of an attempt is conditional on its
attempt number, so a run that lost its lease can never end the job or overwrite its progress.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable

from django.db import DatabaseError, connections, transaction
from django.utils import timezone, translation

from jobs import conf, queue
from jobs.exceptions import JobLeaseLost, job_error_body
from jobs.models import ENDED_STATUSES, Job, JobStatus
from jobs.operations import JobRun
from jobs.services import job_end
from registry.api.errors import error_from_exception
from registry.audit import AuditAction, audit_record
from registry.exceptions import RegistryError

logger = logging.getLogger("jobs")


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def run_job(job_id: int, func: Callable[[JobRun], dict | None]) -> None:
    """The body of every job Task. Never raises for a failure of the work (the job records it;
    the queue row's traceback could otherwise carry personal data), only for a stop signal."""
    # Inside someone else's transaction (the test suite, the immediate backend in a request
    # that holds one), another connection would not see the job: write progress inline.
    inline = transaction.get_connection().in_atomic_block
    run = _claim(job_id, inline=inline)
    if run is None:
        return
    heartbeat = None if inline else _Heartbeat(run)
    with translation.override(run.language):
        try:
            if heartbeat:
                heartbeat.start()
            try:
                result = func(run)
            finally:
                if heartbeat:
                    heartbeat.stop()
        except JobLeaseLost:
            logger.warning("job %s attempt %s lost its lease; stopped", run.job_id, run.attempt)
        except RegistryError as exc:
            _finish(run, JobStatus.FAILED, error=error_from_exception(exc).body["error"])
        except (KeyboardInterrupt, SystemExit):
            _release(run)
            raise
        except Exception as exc:
            _log_unexpected(run, exc)
            _finish(run, JobStatus.FAILED, error=job_error_body("job_error"))
        else:
            _finish(run, JobStatus.DONE, result=result if result is not None else {})


def _claim(job_id: int, *, inline: bool) -> JobRun | None:
    now = timezone.now()
    with transaction.atomic(durable=True):
        job = Job.objects.select_for_update().select_related("started_by").filter(pk=job_id)
        job = job.first()
        if job is None or job.status in ENDED_STATUSES:
            return None  # a duplicate delivery of a job already ended
        if job.status == JobStatus.RUNNING and job.lease_expires_at > now:
            return None  # a live run holds it
        if job.attempts >= conf.max_attempts():
            job_end(job, status=JobStatus.FAILED, error=job_error_body("job_interrupted"))
            return None
        attempt = job.attempts + 1
        claimed = Job.objects.filter(pk=job_id, status=job.status, attempts=job.attempts).update(
            status=JobStatus.RUNNING,
            attempts=attempt,
            started_at=job.started_at or now,
            lease_expires_at=now + conf.lease_time(),
            worker=worker_id(),
        )
        if not claimed:
            return None
        job.attempts = attempt
        audit_record(
            actor=job.started_by,
            action=AuditAction.JOB_STARTED,
            obj=job,
            commune_code=job.commune_code,
            data={"kind": job.kind, "attempt": attempt, "worker": worker_id()},
        )
    return JobRun(
        job_id=job.pk,
        kind=job.kind,
        attempt=attempt,
        actor=job.started_by,
        params=job.params,
        language=job.language,
        commune_code=job.commune_code,
        inline=inline,
    )


def _finish(run: JobRun, status: str, *, result=None, error: dict | None = None) -> None:
    with transaction.atomic(durable=True):
        job = Job.objects.select_for_update().select_related("started_by").filter(pk=run.job_id)
        job = job.first()
        if job is None or job.attempts != run.attempt or job.status != JobStatus.RUNNING:
            return  # sealed by the work itself, or taken over by another run
        run.write_progress(job=job)
        job_end(job, status=status, result=result, error=error)
    logger.info("job %s %s (attempt %s)", run.job_id, status, run.attempt)


def _release(run: JobRun) -> None:
    """The worker is being stopped mid-job: put the job back in the queue at once (the work's
    transaction is rolled back) rather than waiting for the lease to expire."""
    try:
        with transaction.atomic(durable=True):
            job = Job.objects.select_for_update().filter(pk=run.job_id).first()
            released = job is not None and Job.objects.filter(
                pk=run.job_id, status=JobStatus.RUNNING, attempts=run.attempt
            ).update(
                status=JobStatus.QUEUED, lease_expires_at=None, worker="", queued_at=timezone.now()
            )
            if not released:
                return
            audit_record(
                actor=None,
                action=AuditAction.JOB_REQUEUED,
                obj=job,
                commune_code=job.commune_code,
                data={"kind": job.kind, "attempts": run.attempt, "was": "stopped"},
            )
            after_commit = queue.enqueue(job, queue.task_for(job))
        after_commit()
    except Exception:  # the lease will expire and the sweeper re-queues it instead
        logger.warning("job %s not released; re-queued when its lease expires", run.job_id)


def _log_unexpected(run: JobRun, exc: BaseException) -> None:
    # Type and place only: an exception's message can quote personal data.
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else "?"
    logger.error(
        "job %s (%s) attempt %s failed: %s at %s",
        run.job_id,
        run.kind,
        run.attempt,
        type(exc).__name__,
        where,
    )


class _Heartbeat(threading.Thread):
    """Writes the run's progress and renews its lease from a connection of its own, so neither
    waits for, nor joins, the transaction of the work."""

    def __init__(self, job_run: JobRun):
        super().__init__(name=f"job-{job_run.job_id}-heartbeat", daemon=True)
        self.job_run = job_run
        self._halt = threading.Event()

    def run(self) -> None:
        last_renewal = time.monotonic()
        try:
            while not self._halt.wait(conf.PROGRESS_WRITE_SECONDS):
                renew = time.monotonic() - last_renewal >= conf.heartbeat_seconds()
                try:
                    self.job_run.write_progress(renew_lease=renew)
                except DatabaseError:
                    # SQLite: the work's transaction holds the write lock; next tick.
                    connections.close_all()
                    continue
                if renew:
                    last_renewal = time.monotonic()
                if self.job_run.lost:
                    return
        finally:
            connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=30)
