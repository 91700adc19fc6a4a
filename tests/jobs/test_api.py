"""GET /api/v1/jobs/{id}/ and the list: the contract's fields, and who may see a job."""

from __future__ import annotations

import pytest
from django.utils import timezone

from jobs.models import JobStatus
from tests.conftest import OWN_COMMUNE
from tests.factories import UserFactory
from tests.jobs.factories import JobFactory

pytestmark = pytest.mark.django_db

FIELDS = {"id", "kind", "status", "progress", "result", "error", "created_at", "finished_at"}


def test_the_starter_sees_status_and_progress_exactly_as_the_contract_says(client_for, worker_user):
    job = JobFactory(
        started_by=worker_user,
        status=JobStatus.RUNNING,
        progress_done=1200,
        progress_total=20000,
        progress_message="Đang kiểm tra từng dòng",
    )
    body = client_for(worker_user).get(f"/api/v1/jobs/{job.pk}/").json()
    assert set(body) == FIELDS
    assert body["id"] == job.pk and body["kind"] == "test_rows" and body["status"] == "running"
    assert body["progress"] == {"done": 1200, "total": 20000, "message": "Đang kiểm tra từng dòng"}
    assert body["result"] is None and body["error"] is None and body["finished_at"] is None


def test_a_done_job_carries_its_result_and_a_failed_one_its_error(client_for, worker_user):
    done = JobFactory(
        started_by=worker_user,
        status=JobStatus.DONE,
        result={"created": 3, "households_created": 1},
        finished_at=timezone.now(),
    )
    failed = JobFactory(
        started_by=worker_user,
        status=JobStatus.FAILED,
        error={"code": "job_interrupted", "message": "…", "fields": {}},
        finished_at=timezone.now(),
    )
    client = client_for(worker_user)
    assert client.get(f"/api/v1/jobs/{done.pk}/").json()["result"] == {
        "created": 3,
        "households_created": 1,
    }
    error = client.get(f"/api/v1/jobs/{failed.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    assert error["code"] == "job_interrupted"
    assert error["message"].startswith("The job was interrupted")
    vi = client.get(f"/api/v1/jobs/{failed.pk}/").json()["error"]["message"]
    assert vi.startswith("Việc bị gián đoạn")


def test_only_the_starter_and_auditors_see_a_job(client_for, worker_user, auditor):
    job = JobFactory(started_by=worker_user)
    colleague = UserFactory(role="social_worker", communes=[OWN_COMMUNE])
    approver = UserFactory(role="approver", communes=[OWN_COMMUNE])
    for user, status in ((worker_user, 200), (auditor, 200), (colleague, 404), (approver, 404)):
        response = client_for(user).get(f"/api/v1/jobs/{job.pk}/")
        assert response.status_code == status, user
    missing = client_for(colleague).get(f"/api/v1/jobs/{job.pk + 1000}/")
    assert missing.status_code == 404
    assert missing.json() == client_for(colleague).get(f"/api/v1/jobs/{job.pk}/").json()
    assert client_for(worker_user).get("/api/v1/jobs/abc/").status_code == 404


def test_the_list_holds_the_users_own_jobs_newest_first(client_for, worker_user, auditor):
    older, newer = JobFactory(started_by=worker_user), JobFactory(started_by=worker_user)
    other = JobFactory()
    mine = client_for(worker_user).get("/api/v1/jobs/").json()
    assert [item["id"] for item in mine["results"]] == [newer.pk, older.pk]
    everything = client_for(auditor).get("/api/v1/jobs/").json()
    assert {item["id"] for item in everything["results"]} == {older.pk, newer.pk, other.pk}


def test_anonymous_clients_get_401(api_client, worker_user):
    job = JobFactory(started_by=worker_user)
    response = api_client.get(f"/api/v1/jobs/{job.pk}/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"
