"""Starting, running and ending jobs in-process: the states, the outcome, the never-twice rule."""

from __future__ import annotations

import base64

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from jobs.exceptions import JobAlreadyRunning
from jobs.models import Job, JobInput, JobStatus
from jobs.operations import dedupe_key, job_start
from registry import crypto
from registry.api.errors import error_from_exception
from registry.models import AuditEvent
from tests.jobs.conftest import NAMES
from tests.jobs.factories import JobFactory
from tests.jobs.operations import rows_written, write_rows
from tests.registry.test_no_plaintext_at_rest import readable_forms

pytestmark = pytest.mark.django_db


def start(user, *, names: bytes = NAMES, **params) -> Job:
    return job_start(
        actor=user,
        task=write_rows,
        dedupe_key=dedupe_key(names),
        commune_code="18859",
        params=params,
        inputs={"names": names},
    )


def test_a_job_runs_to_done_with_its_result_progress_and_audit_trail(worker_user):
    job = start(worker_user)
    assert job.status == JobStatus.DONE
    assert job.result == {"written": 3}
    assert (job.progress_done, job.progress_total, job.progress_message) == (6, 6, "Đang lưu")
    assert job.attempts == 1 and job.started_at and job.finished_at >= job.started_at
    assert [value for _scope, value in rows_written(job.pk)] == [21, 11, 11]
    assert not JobInput.objects.exists(), "the input is deleted when the job ends"
    events = AuditEvent.objects.filter(object_type="job", object_id=str(job.pk))
    assert list(events.values_list("action", flat=True)) == [
        "job.queued",
        "job.started",
        "job.done",
    ]
    assert {e.actor_id for e in events} == {worker_user.pk}
    assert all(e.commune_code == "18859" for e in events)
    assert "Nguyễn" not in str(list(events.values_list("data", flat=True)))


def test_a_queued_job_keeps_its_input_encrypted_and_nothing_personal_elsewhere(
    worker_user, database_queue
):
    job = start(worker_user)
    assert job.status == JobStatus.QUEUED and job.task_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM jobs_jobinput WHERE job_id = %s", [job.pk])
        [(stored,)] = cursor.fetchall()
    # Neither the text nor its base64 (what the column holds before encryption) is readable.
    for name in NAMES.decode().splitlines():
        assert not {form for form in readable_forms(name) if form in stored}
    assert base64.b64encode(NAMES).decode()[:16] not in stored
    assert stored.startswith(crypto.keyring().current_key_id + ":")
    assert base64.b64decode(JobInput.objects.get(job=job).content) == NAMES
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.get(id=job.task_id)
    assert queued.task_path == "tests.jobs.operations.write_rows"
    assert queued.args_kwargs == {"args": [job.pk], "kwargs": {}}

    write_rows.call(job.pk)  # what a worker does with that row
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and not JobInput.objects.exists()


def test_starting_the_same_operation_while_it_runs_answers_the_running_job(
    worker_user, database_queue
):
    first = start(worker_user)
    with pytest.raises(JobAlreadyRunning) as caught:
        start(worker_user)
    error = error_from_exception(caught.value)
    assert error.status == 409
    assert error.body["error"]["code"] == "job_already_running"
    assert error.body["error"]["job_id"] == first.pk
    assert Job.objects.count() == 1
    # Another operation (other input) is another job.
    assert start(worker_user, names=b"Hoa\n").pk != first.pk
    # Once the first has ended the same input may run again.
    write_rows.call(first.pk)
    assert start(worker_user).status == JobStatus.QUEUED


def test_the_database_itself_refuses_a_second_active_job_with_the_same_key(worker_user):
    JobFactory(dedupe_key="same", status=JobStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobFactory(dedupe_key="same")
    JobFactory(dedupe_key="same", status=JobStatus.DONE, result={}, finished_at=timezone.now())


def test_a_registry_error_fails_the_job_with_its_code_in_the_starters_language(worker_user):
    with translation.override("en"):
        job = start(worker_user, fail="invalid")
    assert job.status == JobStatus.FAILED and job.result is None
    assert job.error == {
        "code": "test_invalid",
        "message": "Invalid input.",
        "fields": {"names": ["thiếu"]},
    }
    assert rows_written(job.pk) == [] and not JobInput.objects.exists()
    assert AuditEvent.objects.filter(action="job.failed", data__error_code="test_invalid").exists()


def test_an_unexpected_error_fails_the_job_without_its_message(worker_user, caplog):
    job = start(worker_user, fail="crash")
    assert job.status == JobStatus.FAILED
    assert job.error["code"] == "job_error"
    assert "Nguyễn" not in str(job.error) and "Nguyễn" not in caplog.text
    assert "RuntimeError" in caplog.text


def test_a_job_not_sealed_by_its_work_is_ended_by_the_runner(worker_user):
    job = start(worker_user, seal=False)
    assert job.status == JobStatus.DONE and job.result == {"written": 3}
    assert AuditEvent.objects.filter(action="job.done", object_id=str(job.pk)).count() == 1


def test_dedupe_keys_are_equal_for_equal_input_and_reveal_nothing():
    assert dedupe_key(NAMES) == dedupe_key(NAMES) != dedupe_key(NAMES + b" ")
    assert len(dedupe_key(NAMES)) == 64 and "Nguy" not in dedupe_key(NAMES)
