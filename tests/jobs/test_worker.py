"""A real worker process, killed with SIGKILL inside a job's transaction and started again:
the data is as before the kill, and the job, re-run, ends done with exactly the expected rows.

Runs on the database the suite runs on (an SQLite file, or a scratch PostgreSQL database), so
`.ci/run` covers both.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.jobs.worker_site import FAST_LEASES, Worker, job_state, python_json, wait_for_status
from tests.registry.test_key_rotation import build_site

COUNT = 8

START = """
import json
from jobs.operations import dedupe_key, job_start
from registry.models import User
from tests.jobs.operations import write_rows
user, _created = User.objects.get_or_create(username="sw_worker_test")
names = "\\n".join(f"Nguyễn Văn Thứ {{i}}" for i in range({count})).encode()
job = job_start(actor=user, task=write_rows, dedupe_key=dedupe_key(names),
                params={{"pause": 0.4}}, inputs={{"names": names}})
again = None
try:
    job_start(actor=user, task=write_rows, dedupe_key=dedupe_key(names), inputs={{"names": names}})
except Exception as exc:
    again = [exc.code, exc.extra]
print("RESULT " + json.dumps({{"job": job.pk, "status": job.status, "again": again}}))
"""

ROWS = """
import json
from tests.jobs.operations import rows_written
print("RESULT " + json.dumps({{"rows": rows_written({job})}}))
"""


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


@pytest.mark.slow
def test_a_worker_killed_midway_leaves_nothing_and_the_restarted_worker_finishes_the_job(site):
    started = python_json(site, START.format(count=COUNT))
    job = started["job"]
    assert started["status"] == "queued"
    assert started["again"] == ["job_already_running", {"job_id": job}]

    first = Worker(site)
    first.wait_for_line("jobs-test: wrote 3")  # inside the job's one transaction
    first.kill()

    midway = job_state(site, job)
    assert midway["status"] == "running" and midway["attempts"] == 1
    assert 0 < midway["progress"][0] < midway["progress"][1] == 2 * COUNT, "progress moved"
    assert python_json(site, ROWS.format(job=job)) == {"rows": []}, "the kill rolled back"
    assert midway["inputs"] == 1

    second = Worker(site)
    done = wait_for_status(site, job, {"done", "failed"})
    assert done["status"] == "done", done
    assert done["result"] == {"written": COUNT}
    assert done["attempts"] == 2 and done["progress"] == [2 * COUNT, 2 * COUNT]
    assert done["inputs"] == 0, "the input is deleted when the job ends"
    # Queued once, handed back at least once (the dead worker's lease ran out), done once. On a
    # heavily loaded machine a live worker's heartbeat can also miss its lease, so the number of
    # `job.requeued` and `job.started` events is not fixed; the rows below prove it ran once.
    actions = done["actions"]
    assert actions[0] == "job.queued" and actions[-1] == "job.done", actions
    assert actions.count("job.requeued") >= 1 and actions.count("job.done") == 1, actions
    assert set(actions) == {"job.queued", "job.started", "job.requeued", "job.done"}, actions
    rows = python_json(site, ROWS.format(job=job))["rows"]
    assert rows == sorted([f"jobtest:{job}:{i}", len(f"Nguyễn Văn Thứ {i}")] for i in range(COUNT))
    assert second.stop() == 0


START_MANY = """
import json
from jobs.operations import dedupe_key, job_start
from registry.models import User
from tests.jobs.operations import write_rows
user, _created = User.objects.get_or_create(username="sw_worker_test")
jobs = []
for n in range({jobs}):
    names = "\\n".join(f"Trần Thị Số {{n}}-{{i}}" for i in range(4)).encode()
    jobs.append(job_start(actor=user, task=write_rows, dedupe_key=dedupe_key(names),
                          params={{"pause": 0.3}}, inputs={{"names": names}}).pk)
print("RESULT " + json.dumps({{"jobs": jobs}}))
"""

WORKERS_OF = """
import json
from jobs.models import Job
from tests.jobs.operations import rows_written
print("RESULT " + json.dumps({{"jobs": [
    [job.status, job.attempts, job.worker, len(rows_written(job.pk))]
    for job in Job.objects.filter(pk__in={jobs}).order_by("pk")
]}}))
"""


@pytest.mark.slow
def test_two_workers_share_the_queue_and_run_each_job_once(site):
    jobs = python_json(site, START_MANY.format(jobs=4))["jobs"]
    workers = [Worker(site), Worker(site)]
    for job in jobs:
        wait_for_status(site, job, {"done", "failed"})
    states = python_json(site, WORKERS_OF.format(jobs=jobs))["jobs"]
    assert [(status, attempts, rows) for status, attempts, _w, rows in states] == [
        ("done", 1, 4)
    ] * 4
    assert len({worker for _s, _a, worker, _r in states}) == 2, "both workers took jobs"
    assert [worker.stop() for worker in workers] == [0, 0]
