"""Writes on jobs: start one (never twice at once), end one, re-queue those whose worker died."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from jobs import conf, queue
from jobs.exceptions import JobAlreadyRunning, job_error_body
from jobs.models import ACTIVE_STATUSES, Job, JobInput, JobStatus
from registry.audit import AuditAction, audit_record
from registry.exceptions import Forbidden
from registry.models import User

MAX_DEDUPE_KEY_LENGTH = Job._meta.get_field("dedupe_key").max_length


def job_kind(task: queue.Task) -> str:
    kind = getattr(task.func, "job_kind", None)
    if not kind:
        raise TypeError(f"{task.module_path} is not a jobs.operations.job_task")
    return kind


def job_start(
    *,
    actor: User,
    task: queue.Task,
    dedupe_key: str,
    commune_code: str = "",
    params: dict | None = None,
    inputs: dict[str, bytes] | None = None,
) -> Job:
    """Queue one run of `task` for `actor`, or raise JobAlreadyRunning (409, with the running
    job's id) when a job of the same kind and dedupe key is queued or running.

    The database refuses the second job (a partial unique constraint on kind + dedupe key while
    queued or running), so two requests racing each other cannot both start it. `inputs` are
    stored encrypted and deleted when the job ends; `params` must hold no personal data.
    """
    if not (actor and actor.is_authenticated):
        raise Forbidden()
    kind = job_kind(task)
    if not dedupe_key or len(dedupe_key) > MAX_DEDUPE_KEY_LENGTH:
        raise ValueError("dedupe_key must be 1–64 characters (see jobs.operations.dedupe_key)")
    for _round in range(3):
        with transaction.atomic(durable=True):
            try:
                with transaction.atomic():
                    job = Job.objects.create(
                        kind=kind,
                        task_path=task.module_path,
                        started_by=actor,
                        commune_code=commune_code or "",
                        dedupe_key=dedupe_key,
                        params=params or {},
                        language=translation.get_language() or settings.LANGUAGE_CODE,
                    )
            except IntegrityError:
                running = Job.objects.filter(
                    kind=kind, dedupe_key=dedupe_key, status__in=ACTIVE_STATUSES
                ).first()
                if running is None:
                    continue  # it ended between our insert and this read: try once more
                raise JobAlreadyRunning(running) from None
            JobInput.objects.bulk_create(
                JobInput(job=job, name=name, content=base64.b64encode(data).decode("ascii"))
                for name, data in (inputs or {}).items()
            )
            audit_record(
                actor=actor,
                action=AuditAction.JOB_QUEUED,
                obj=job,
                commune_code=job.commune_code,
                data={"kind": kind, "inputs": sorted(inputs or {})},
            )
            after_commit = queue.enqueue(job, task)
        after_commit()
        job.refresh_from_db()
        return job
    raise JobAlreadyRunning(job)  # pragma: no cover - three races lost in a row


def job_end(job: Job, *, status: str, result=None, error: dict | None = None) -> bool:
    """Inside the caller's transaction: end the job unless another run changed it meanwhile
    (same attempt, still active); delete its inputs; audit. Returns whether it ended."""
    now = timezone.now()
    fields = {"status": status, "result": result, "error": error, "finished_at": now}
    if status == JobStatus.DONE and job.progress_total:
        fields["progress_done"] = job.progress_total
    changed = Job.objects.filter(
        pk=job.pk, status__in=ACTIVE_STATUSES, attempts=job.attempts
    ).update(lease_expires_at=None, **fields)
    if not changed:
        return False
    for name, value in fields.items():
        setattr(job, name, value)
    JobInput.objects.filter(job=job).delete()
    audit_record(
        actor=job.started_by,
        action=AuditAction.JOB_DONE if status == JobStatus.DONE else AuditAction.JOB_FAILED,
        obj=job,
        commune_code=job.commune_code,
        data={
            "kind": job.kind,
            "attempts": job.attempts,
            **({"error_code": error["code"]} if error else {}),
        },
    )
    return True


def jobs_recover(*, now: datetime | None = None) -> list[int]:
    """Re-queue every job whose worker died: running with an expired lease, or queued while its
    queue row was lost. A job interrupted `REGISTRY_JOBS_MAX_ATTEMPTS` times fails instead.

    Every worker runs this every few seconds (jobs/management/commands/db_worker.py); runs on
    several machines at once are safe: each change is conditional on the state it read.
    Returns the ids re-queued.
    """
    now = now or timezone.now()
    expired = Job.objects.filter(status=JobStatus.RUNNING, lease_expires_at__lt=now)
    waiting_long = Job.objects.filter(
        status=JobStatus.QUEUED, queued_at__lt=now - timedelta(seconds=conf.lease_seconds())
    )
    candidates = list(expired.values_list("pk", flat=True)[:100])
    candidates += [job.pk for job in waiting_long[:100] if queue.task_is_waiting(job) is False]
    return [pk for pk in candidates if _recover(pk, now)]


def _recover(pk: int, now: datetime) -> bool:
    with transaction.atomic(durable=True):
        job = (
            Job.objects.select_for_update(skip_locked=True)
            .select_related("started_by")
            .filter(pk=pk, status__in=ACTIVE_STATUSES)
            .first()
        )
        if job is None:
            return False
        if job.status == JobStatus.RUNNING and not job.lease_expires_at < now:
            return False  # a heartbeat arrived since the list was read
        try:
            task = queue.task_for(job)
        except LookupError:
            job_end(job, status=JobStatus.FAILED, error=job_error_body("job_error"))
            return False
        queue.task_mark_lost(job)
        if job.status == JobStatus.RUNNING:
            if job.attempts >= conf.max_attempts():
                job_end(job, status=JobStatus.FAILED, error=job_error_body("job_interrupted"))
                return False
        previous = job.status
        changed = Job.objects.filter(
            pk=pk, status=previous, attempts=job.attempts, task_id=job.task_id
        ).update(status=JobStatus.QUEUED, lease_expires_at=None, worker="", queued_at=now)
        if not changed:
            return False
        job.status = JobStatus.QUEUED
        audit_record(
            actor=None,
            action=AuditAction.JOB_REQUEUED,
            obj=job,
            commune_code=job.commune_code,
            data={"kind": job.kind, "attempts": job.attempts, "was": previous},
        )
        after_commit = queue.enqueue(job, task)
    after_commit()
    return True
