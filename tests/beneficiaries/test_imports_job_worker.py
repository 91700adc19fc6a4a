"""The issue's "done when", end to end: a 20,000-row file through the HTTP API answers at once
with a job; the same file again while it runs is refused with that job; a real worker shows the
progress moving, is killed with SIGKILL while saving, and the restarted worker ends the job with
every row saved exactly once. A file with one bad row ends with nothing saved and the row named.

Runs a web server and db_worker processes against a database of their own (an SQLite file, or a
scratch PostgreSQL database when the suite runs on PostgreSQL).
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date

import pytest
import requests
from django.db import connection

from tests.beneficiaries.test_imports import csv_upload, person_row
from tests.jobs.test_with_worker import free_port
from tests.jobs.worker_site import FAST_LEASES, Worker, python_json
from tests.registry.test_key_rotation import KEY_A, ROOT_1, build_site

ROWS = 20_000

MAKE_USER = """
import json
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from registry.models import User
user = User.objects.create_user("sw_import")
user.groups.add(Group.objects.get(name="social_worker"))
user.communes.set(["18859"])
print("RESULT " + json.dumps({"token": Token.objects.create(user=user).key}))
"""


def twenty_thousand_rows() -> list[dict]:
    """5,000 households of four: head, spouse, two children (one under 14 without an ID)."""
    rows = []
    for h in range(ROWS // 4):
        year = 1940 + h % 50
        for member, (sex, born, relation, with_id) in enumerate((
            ("male", date(year, 1 + h % 12, 1 + h % 28), "Chủ hộ", True),
            ("female", date(year + 2, 1 + h % 12, 1 + h % 28), "Vợ/chồng", True),
            ("female", date(1995 + h % 10, 6, 15), "Con", True),
            ("male", date(2015 + h % 10, 2, 10), "Con", h % 2 == 0),
        )):  # fmt: skip
            name = "Nguyễn Thị Hồng Nhung" if sex == "female" else "Trần Văn Đức"
            serial = 4 * h + member + 1 if with_id else None
            rows.append(person_row(f"HO{h:05d}", name, sex, born, relation, serial=serial))
    return rows


class Database:
    """Reads the site's database directly: fast enough to watch a job from second to second."""

    def __init__(self, url: str):
        self.url = url

    def one(self, sql: str, *params):
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=120) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchone()
        import psycopg

        with psycopg.connect(self.url) as db:
            return db.execute(sql, params).fetchone()

    def job(self, job_id: int) -> tuple:
        return self.one(
            "SELECT status, attempts, progress_done, progress_total FROM jobs_job WHERE id = %s",
            job_id,
        )

    def counts(self) -> tuple[int, int]:
        persons = self.one("SELECT COUNT(*) FROM beneficiaries_person")[0]
        return persons, self.one("SELECT COUNT(*) FROM beneficiaries_household")[0]


@pytest.fixture
def site(tmp_path):
    built, drop = build_site(tmp_path, vendor=connection.vendor)
    built.env.update(FAST_LEASES)
    yield built
    for process in built.processes:
        if process.poll() is None:
            process.kill()
        process.wait()
    drop()


def wait_for_end(api, url: str, timeout: float = 600) -> tuple[dict, list[int]]:
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = api.get(url)
        if response.status_code != 200:
            # SQLite only: a reader waits at most 20 s for the lock of a writer, and a 20,000-row
            # save on a loaded machine can hold it longer (PostgreSQL readers never wait).
            assert connection.vendor == "sqlite", response.text
            assert response.json()["error"]["code"] == "server_error", response.text
            time.sleep(0.3)
            continue
        job = response.json()
        seen.append(job["progress"]["done"])
        if job["status"] in ("done", "failed"):
            return job, seen
        time.sleep(0.3)
    raise AssertionError(f"job still {job['status']} after {timeout} s")


@pytest.mark.slow
def test_twenty_thousand_rows_through_the_api_on_a_worker_killed_midway(site):
    database = Database(site.database_url)
    api = requests.Session()
    api.headers["Authorization"] = "Token " + python_json(site, MAKE_USER)["token"]
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    site.start("runserver", f"127.0.0.1:{port}", "--noreload", keys=KEY_A, roots=ROOT_1)
    for _ in range(150):
        try:
            requests.get(f"{base}/jobs/", timeout=2)
            break
        except requests.ConnectionError:
            time.sleep(0.2)
    rows = twenty_thousand_rows()

    def upload():
        content = csv_upload(rows).read()
        return api.post(f"{base}/imports/persons/", files={"file": ("danh-sach.csv", content)})

    # One bad row among 20,000: the job ends failed, naming it, and nothing is saved.
    good_id = rows[12_345]["national_id"]
    rows[12_345]["national_id"] = good_id[:3] + "0" + good_id[4:]  # a man's digit on a woman
    first = Worker(site)
    failing = upload()
    assert failing.status_code == 202, failing.text
    job, _seen = wait_for_end(api, failing.headers["Location"].replace("/api/v1", base, 1))
    assert job["status"] == "failed" and job["result"] is None
    assert job["error"]["code"] == "import_invalid"
    assert job["error"]["rows"] == [
        {"row": 12_347, "column": "Số định danh cá nhân",
         "message": "Chữ số thứ 4 của số định danh không khớp với giới tính."},
    ]  # fmt: skip
    assert database.counts() == (0, 0)

    # The fixed file: answered at once with a queued job; the same file again is refused.
    rows[12_345]["national_id"] = good_id
    started = upload()
    assert started.status_code == 202 and started.json()["status"] in ("queued", "running")
    job_id = started.json()["id"]
    again = upload()
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "job_already_running",
        "message": f"Việc này đang chạy (mã việc {job_id}); không chạy lần thứ hai.",
        "fields": {},
        "job_id": job_id,
    }

    # Kill the worker once every row is checked, while it saves (the save takes seconds).
    seen = []
    while True:
        status, attempts, done, total = database.job(job_id)
        seen.append(done)
        assert status in ("queued", "running"), status
        if total and done >= ROWS:
            break
        time.sleep(0.1)
    time.sleep(1)
    first.kill()
    status, attempts, done, total = database.job(job_id)
    assert (status, attempts, total) == ("running", 1, ROWS)
    assert database.counts() == (0, 0), "killed midway: nothing saved"
    assert len(set(seen)) >= 3, f"progress moved: {sorted(set(seen))}"

    Worker(site)
    job, seen_after = wait_for_end(api, f"{base}/jobs/{job_id}/")
    assert job["status"] == "done", job
    assert job["result"] == {"created": ROWS, "households_created": ROWS // 4}
    assert job["progress"] == {"done": ROWS, "total": ROWS, "message": "Đang lưu"}
    assert database.job(job_id)[1] == 2, "the restarted worker ran it once more"
    assert database.counts() == (ROWS, ROWS // 4), "every row saved, exactly once"
    assert database.one("SELECT COUNT(*) FROM jobs_jobinput")[0] == 0
