"""A job whose worker died is found by its expired lease and re-queued; a run that lost its
lease writes nothing; a job interrupted too often fails with a clear error."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from jobs.exceptions import JobLeaseLost
from jobs.models import Job, JobInput, JobStatus
from jobs.operations import JobRun
from jobs.runner import _finish
from jobs.services import jobs_recover
from registry.models import AuditEvent
from tests.jobs.conftest import NAMES
from tests.jobs.factories import JobFactory
from tests.jobs.operations import rows_written, write_rows

pytestmark = pytest.mark.django_db


def abandoned(**fields) -> Job:
    """A job its worker was running when it died: lease expired a moment ago."""
    job = JobFactory(
        status=JobStatus.RUNNING,
        attempts=1,
        started_at=timezone.now() - timedelta(minutes=2),
        lease_expires_at=timezone.now() - timedelta(seconds=1),
        progress_done=2,
        progress_total=6,
        **fields,
    )
    JobInput.objects.create(job=job, name="names", content=base64.b64encode(NAMES).decode())
    return job


def test_an_expired_lease_requeues_the_job_and_the_next_attempt_finishes_it(database_queue):
    job = abandoned()
    assert jobs_recover() == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.lease_expires_at is None and job.task_id
    event = AuditEvent.objects.get(action="job.requeued")
    assert event.actor is None and event.data == {
        "kind": "test_rows",
        "attempts": 1,
        "was": "running",
    }

    write_rows.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2
    assert len(rows_written(job.pk)) == 3
    assert jobs_recover() == []


def test_a_live_lease_is_left_alone(database_queue):
    job = abandoned()
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() + timedelta(seconds=30))
    assert jobs_recover() == []
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1


def test_a_job_interrupted_as_often_as_allowed_fails_and_loses_its_input(settings):
    settings.REGISTRY_JOBS_MAX_ATTEMPTS = 2
    job = abandoned()
    Job.objects.filter(pk=job.pk).update(attempts=2)
    assert jobs_recover() == []
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error["code"] == "job_interrupted"
    assert job.finished_at and not JobInput.objects.exists()


def test_a_queued_job_whose_queue_row_was_lost_is_queued_again(database_queue, settings):
    settings.REGISTRY_JOBS_LEASE_SECONDS = 5
    job = abandoned()
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.QUEUED,
        lease_expires_at=None,
        task_id="00000000-0000-0000-0000-000000000000",
        queued_at=timezone.now() - timedelta(seconds=6),
    )
    assert jobs_recover() == [job.pk]
    job.refresh_from_db()
    assert job.task_id != "00000000-0000-0000-0000-000000000000"
    assert jobs_recover() == [], "its new queue row is waiting"


def test_a_run_that_lost_its_lease_can_neither_seal_nor_finish_the_job(worker_user):
    job = abandoned()
    # Another worker took the job over: attempt 2 is the live one.
    Job.objects.filter(pk=job.pk).update(attempts=2, lease_expires_at=timezone.now())
    stale = JobRun(
        job_id=job.pk, kind=job.kind, attempt=1, actor=job.started_by, params={}, language="vi"
    )
    with pytest.raises(JobLeaseLost), transaction.atomic():
        stale.seal({"written": 3})
    _finish(stale, JobStatus.DONE, result={"written": 3})
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.result is None and job.attempts == 2

    stale.progress(5, 6, "Đang lưu")
    stale.write_progress()
    assert stale.lost
    with pytest.raises(JobLeaseLost):
        stale.progress(6, 6, "Đang lưu")
    job.refresh_from_db()
    assert job.progress_done == 2, "the stale run's progress is not written"
