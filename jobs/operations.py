"""What an operation uses to run on a job: `job_task`, `JobRun`, `dedupe_key`, `job_start`.

    @job_task(kind="persons_import")
    def persons_import_job(run: JobRun) -> dict:
        data = run.input("file")
        ...  # the work, calling run.progress(done, total, message) as it goes
        return {"created": 12}  # ids, counts, codes: never personal data

    job = job_start(actor=user, task=persons_import_job, dedupe_key=dedupe_key(data), ...)

A RegistryError raised by the work fails the job with its code and message (in the language of
the request that started it); anything else fails it with `job_error` and is logged by type
and place only. See docs/architecture.md, "Putting an operation on a job".
"""

from __future__ import annotations

import base64
import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.crypto import salted_hmac

from jobs import conf
from jobs.exceptions import JobLeaseLost
from jobs.models import Job, JobInput, JobStatus
from jobs.queue import Task, task
from jobs.services import job_end, job_start
from registry.models import User

__all__ = ["JobRun", "JobLeaseLost", "dedupe_key", "job_start", "job_task"]

MESSAGE_LENGTH = Job._meta.get_field("progress_message").max_length


def dedupe_key(*parts: bytes | str) -> str:
    """A keyed hash of what makes two starts the same operation (e.g. the uploaded file's
    bytes): equal inputs give equal keys, and the key reveals nothing of the input."""
    joined = b"\x1f".join(p.encode("utf-8") if isinstance(p, str) else p for p in parts)
    return salted_hmac("jobs.dedupe_key", joined, algorithm="sha256").hexdigest()


@dataclass
class JobRun:
    """One attempt at running a job, handed to the operation's function."""

    job_id: int
    kind: str
    attempt: int
    actor: User
    params: dict
    language: str
    commune_code: str = ""
    lost: bool = False  # set by the heartbeat when another run took the job over
    inline: bool = False  # progress written on the work's own connection (tests, immediate)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _progress: tuple[int, int, str] | None = field(default=None, repr=False)
    _written: tuple[int, int, str] | None = field(default=None, repr=False)
    _last_write: float = field(default=0.0, repr=False)

    def input(self, name: str) -> bytes:
        """An input given to job_start, decrypted."""
        stored = JobInput.objects.get(job_id=self.job_id, name=name).content
        return base64.b64decode(stored)

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Report progress; cheap to call often. Raises JobLeaseLost when this run lost the
        job (the work must stop: another run has it)."""
        if self.lost:
            raise JobLeaseLost()
        done, total = max(0, int(done)), max(0, int(total))
        with self._lock:
            previous = self._progress
            self._progress = (done, max(done, total), str(message)[:MESSAGE_LENGTH])
        if self.inline and time.monotonic() - self._last_write >= conf.PROGRESS_WRITE_SECONDS:
            self.write_progress()
        elif (previous is None or previous[2] != self._progress[2]) and not (
            transaction.get_connection().in_atomic_block
        ):
            # A new stage shows at once, written before the stage's transaction begins: on
            # SQLite the heartbeat cannot write while that transaction holds the write lock.
            self.write_progress()

    def seal(self, result: dict) -> None:
        """End the job as done inside the work's own transaction, so that the work and the
        job's end commit together: a worker killed after that commit leaves a done job, never
        a job that a retry would run a second time. Raises JobLeaseLost (rolling the work
        back) when another run holds the job."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("JobRun.seal() belongs inside the work's transaction")
        job = Job.objects.select_for_update().select_related("started_by").get(pk=self.job_id)
        if job.status != JobStatus.RUNNING or job.attempts != self.attempt:
            raise JobLeaseLost()
        self.write_progress(job=job)
        if not job_end(job, status=JobStatus.DONE, result=result):
            raise JobLeaseLost()

    # --- used by jobs.runner ---------------------------------------------------------------

    def write_progress(self, *, job: Job | None = None, renew_lease: bool = False) -> None:
        """Write the latest progress (and renew the lease) unless nothing changed."""
        from django.utils import timezone

        with self._lock:
            snapshot = self._progress
        changes: dict = {}
        if snapshot is not None and snapshot != self._written:
            done, total, message = snapshot
            changes = {"progress_done": done, "progress_total": total, "progress_message": message}
        if renew_lease:
            changes["lease_expires_at"] = timezone.now() + conf.lease_time()
        if not changes:
            return
        updated = Job.objects.filter(
            pk=self.job_id, status=JobStatus.RUNNING, attempts=self.attempt
        ).update(**changes)
        if not updated:
            self.lost = True
            return
        self._written = snapshot
        self._last_write = time.monotonic()
        if job is not None:
            for name, value in changes.items():
                setattr(job, name, value)


def job_task(*, kind: str, priority: int = 0, queue_name: str = "default") -> Callable:
    """Make `func(run: JobRun) -> dict` a Task of Django's Tasks framework that runs one job.

    The Task takes the job id; it is what `job_start(task=...)` queues, under `kind`. The
    function must be defined at module level (a worker imports it by its path).
    """

    def decorate(func: Callable[[JobRun], dict | None]) -> Task:
        @functools.wraps(func)
        def run_job_task(job_id: int) -> None:
            from jobs.runner import run_job

            run_job(job_id, func)

        run_job_task.job_kind = kind
        return task(priority=priority, queue_name=queue_name)(run_job_task)

    return decorate
