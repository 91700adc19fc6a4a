"""The import page: the template, a dry run, the table of row errors in Vietnamese, the real
import, and a large file as a job whose progress the page follows."""

from datetime import date

import pytest
from django.urls import reverse

from beneficiaries.models import Person
from jobs.models import Job
from tests.beneficiaries.test_imports import csv_upload, family_rows, person_row

pytestmark = pytest.mark.django_db


def test_only_roles_that_import_see_the_page(sw_client, approver, web_client):
    assert sw_client.get(reverse("web:import")).status_code == 200
    assert web_client(approver).get(reverse("web:import")).status_code == 403


def test_template_download(sw_client):
    response = sw_client.get(reverse("web:import-template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content[:2] == b"PK"  # an .xlsx is a zip


def test_dry_run_then_import(sw_client):
    response = sw_client.post(
        reverse("web:import"), {"file": csv_upload(family_rows()), "dry_run": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "sẽ thêm 4 người, 2 hộ mới" in html
    assert Person.objects.count() == 0
    response = sw_client.post(
        reverse("web:import"), {"file": csv_upload(family_rows())}, follow=True
    )
    assert Person.objects.count() == 4
    assert "Đã nhập 4 người, 2 hộ mới." in response.content.decode()


def test_row_errors_table(sw_client):
    rows = [
        person_row(
            "H1", "Nguyễn Văn A", "male", date(1960, 1, 1), "Chủ hộ", date_of_birth="31/02/1960"
        )
    ]
    response = sw_client.post(reverse("web:import"), {"file": csv_upload(rows), "dry_run": "on"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Các lỗi theo dòng" in html and "Chưa có dữ liệu nào được lưu." in html
    assert '<td class="num">2</td>' in html


def test_large_file_runs_as_a_job_with_progress(sw_client, settings):
    settings.REGISTRY_IMPORT_BACKGROUND_BYTES = 10
    response = sw_client.post(reverse("web:import"), {"file": csv_upload(family_rows())})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "web:import-job", args=[job.pk]
    )
    page = sw_client.get(response["Location"]).content.decode()
    # The tests run jobs at once: the job is done and the page stops polling.
    assert "<progress" in page and "Đã nhập 4 người, 2 hộ mới." in page
    assert "hx-trigger" not in page
    # While a job is running, the page asks for its progress every 2 seconds.
    Job.objects.filter(pk=job.pk).update(
        status="running", finished_at=None, result=None, progress_done=1, progress_total=4
    )
    partial = sw_client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'hx-trigger="every 2s"' in partial and "1/4" in partial
