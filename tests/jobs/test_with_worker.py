"""`manage.py with_worker runserver …` (what `make demo` runs): the web server answers, the
worker runs jobs, and one SIGINT stops both — even mid-job, whose data is then untouched and
which waits in the queue for the next worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from tests.jobs.test_worker import ROWS, START
from tests.jobs.worker_site import FAST_LEASES, job_state, python_json, wait_for_status
from tests.registry.test_key_rotation import KEY_A, ROOT, ROOT_1, build_site


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.slow
def test_one_sigint_stops_the_web_server_and_the_worker_even_mid_job(tmp_path):
    site, drop = build_site(tmp_path, vendor=connection.vendor)
    site.env.update(FAST_LEASES)
    port = free_port()
    supervisor = subprocess.Popen(
        [sys.executable, "manage.py", "with_worker", "--grace", "1",
         "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=site._env(KEY_A, ROOT_1), stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    pids: list[int] = []
    try:
        pids += [int(supervisor.stdout.readline().rsplit(" ", 1)[1]) for _ in range(2)]
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/jobs/", timeout=2)
            except urllib.error.HTTPError as answer:
                assert answer.code == 401  # the API answers: the web part is up
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the web server never answered")

        job = python_json(site, START.format(count=8))["job"]
        assert wait_for_status(site, job, {"done", "failed"})["status"] == "done"

        slow = python_json(site, START.format(count=30).replace("Thứ", "Thứ hai"))["job"]
        wait_for_status(site, slow, {"running"})
        supervisor.send_signal(signal.SIGINT)
        assert supervisor.wait(timeout=60) == 0
        assert not any(alive(pid) for pid in pids), "both children are gone"
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)

        stopped = job_state(site, slow)
        assert stopped["status"] == "queued", "handed back to the queue, not lost"
        assert stopped["actions"][-1] == "job.requeued"
        assert python_json(site, ROWS.format(job=slow)) == {"rows": []}
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
        supervisor.wait()
        for pid in pids:  # a failed test must not leave the children running
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        drop()
