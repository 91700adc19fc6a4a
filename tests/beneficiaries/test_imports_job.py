"""A large import file answers 202 with a job; the job's outcome is what the request would have
answered; the same file twice while the first runs is refused with the running job's id."""

from __future__ import annotations

from datetime import date

import pytest

from beneficiaries.models import Household, Person
from jobs.models import Job, JobInput
from registry.models import AuditEvent
from tests.beneficiaries.test_imports import csv_upload, family_rows, person_row, post

pytestmark = pytest.mark.django_db

SMALL = 200  # bytes: every test file here is larger, so it runs as a job


@pytest.fixture
def client(social_worker, client_for, settings):
    settings.REGISTRY_IMPORT_BACKGROUND_BYTES = SMALL
    return client_for(social_worker)


def bad_rows() -> list[dict]:
    rows = family_rows()
    rows[1]["sex"] = "?"
    rows[3]["date_of_birth"] = "31/02/1945"
    return rows


def test_a_large_file_answers_202_with_a_job_whose_result_is_the_import(client, social_worker):
    response = post(client, csv_upload(family_rows()))
    assert response.status_code == 202, response.content
    body = response.json()
    assert set(body) == {"id", "kind", "status", "progress", "result", "error", "created_at",
                         "finished_at"}  # fmt: skip
    assert body["kind"] == "persons_import"
    assert response["Location"] == f"/api/v1/jobs/{body['id']}/"

    # The test settings run jobs at once; a worker would get there a moment later.
    job = client.get(f"/api/v1/jobs/{body['id']}/").json()
    assert job["status"] == "done"
    assert job["result"] == {"created": 4, "households_created": 2}
    assert job["progress"] == {"done": 4, "total": 4, "message": "Đang lưu"}
    assert Person.objects.count() == 4 and Household.objects.count() == 2
    assert Person.objects.get(full_name_index__isnull=False, relation_to_head="spouse")
    imported = AuditEvent.objects.get(action="persons.imported")
    assert imported.actor == social_worker
    assert not JobInput.objects.exists()
    assert "Nguyễn" not in str(Job.objects.values_list("params", "result", "error").get())


def test_a_large_invalid_file_fails_its_job_with_the_same_rows_as_the_request_would(
    client, settings
):
    response = post(client, csv_upload(bad_rows()))
    assert response.status_code == 202
    error = client.get(response["Location"]).json()["error"]

    settings.REGISTRY_IMPORT_BACKGROUND_BYTES = 10 * 1024 * 1024
    answered = post(client, csv_upload(bad_rows()))
    assert answered.status_code == 400
    assert error == answered.json()["error"]
    assert error["code"] == "import_invalid" and len(error["rows"]) == 2
    assert not Person.objects.exists() and not Household.objects.exists()


def test_the_job_speaks_the_language_the_upload_was_sent_in(client):
    response = client.post(
        "/api/v1/imports/persons/",
        {"file": csv_upload(bad_rows())},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    error = client.get(response["Location"]).json()["error"]
    assert error["message"] == "Errors found in the file: 2. No data has been saved."


def test_dry_runs_and_small_files_still_answer_in_the_request(client, settings):
    response = post(client, csv_upload(family_rows()), dry_run="1")
    assert response.status_code == 200 and response.json()["dry_run"] is True
    settings.REGISTRY_IMPORT_BACKGROUND_BYTES = 10 * 1024 * 1024
    assert post(client, csv_upload(family_rows())).status_code == 200
    assert not Job.objects.exists()


def test_the_same_file_twice_while_the_first_runs_is_refused_with_its_job(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # jobs wait
    first = post(client, csv_upload(family_rows()))
    assert first.status_code == 202 and first.json()["status"] == "queued"
    again = post(client, csv_upload(family_rows(), name="ban-sao.csv"))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "job_already_running"
    assert again.json()["error"]["job_id"] == first.json()["id"]
    other = [person_row("H9", "Lê Văn Tám", "male", date(1950, 3, 3), "Chủ hộ", serial=99)] * 3
    assert post(client, csv_upload(other[:1] * 3)).status_code == 202
    assert Job.objects.count() == 2 and not Person.objects.exists()


def test_a_wrong_file_is_refused_at_once_not_in_a_job(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("danh-sach.pdf", b"%PDF-1.4" + b"x" * 500)
    response = post(client, pdf)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unsupported_file"
    assert not Job.objects.exists()


def test_without_the_import_permission_no_job_is_started(approver, client_for, settings):
    settings.REGISTRY_IMPORT_BACKGROUND_BYTES = SMALL
    response = post(client_for(approver), csv_upload(family_rows()))
    assert response.status_code == 403 and not Job.objects.exists()
