"""Driving real `manage.py db_worker` processes against a database of their own (an SQLite file,
or a scratch PostgreSQL database when the suite runs on PostgreSQL), as the kill tests need."""

from __future__ import annotations

import json
import os
import queue
import signal
import threading
import time

from tests.registry.test_key_rotation import KEY_A, ROOT_1, Site

# Short lease and sweep so that a killed worker's job is taken over within seconds.
FAST_LEASES = {
    "REGISTRY_JOBS_LEASE_SECONDS": "3",
    "REGISTRY_JOBS_HEARTBEAT_SECONDS": "0.5",
    "REGISTRY_JOBS_SWEEP_SECONDS": "0.5",
}

JOB_STATE = """
import json
from jobs.models import Job, JobInput
from registry.models import AuditEvent
job = Job.objects.get(pk={job})
events = AuditEvent.objects.filter(object_type="job", object_id=str(job.pk)).order_by("id")
print("RESULT " + json.dumps({{
    "status": job.status, "attempts": job.attempts, "result": job.result, "error": job.error,
    "progress": [job.progress_done, job.progress_total], "inputs": JobInput.objects.filter(
        job=job).count(), "actions": list(events.values_list("action", flat=True)),
}}))
"""


class Worker:
    """A db_worker process whose output lines are read as they come."""

    def __init__(self, site: Site):
        self.process = site.start(
            "db_worker", "--interval", "0.2", "--no-startup-delay", keys=KEY_A, roots=ROOT_1
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.errors: list[str] = []
        threading.Thread(target=self._read, args=(self.process.stdout, True), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stderr, False), daemon=True).start()

    def _read(self, stream, keep: bool) -> None:
        for line in stream:
            (self.lines.put if keep else self.errors.append)(line.rstrip("\n"))
        if keep:
            self.lines.put(None)

    def wait_for_line(self, wanted: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            assert line is not None, "worker ended early: " + "\n".join(self.errors[-30:])
            if line == wanted:
                return

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


def job_state(site: Site, job_id: int) -> dict:
    return site.python(JOB_STATE.format(job=job_id), keys=KEY_A, roots=ROOT_1)


def wait_for_status(site: Site, job_id: int, statuses: set[str], timeout: float = 180) -> dict:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        state = job_state(site, job_id)
        seen.append(state["progress"])
        if state["status"] in statuses:
            state["seen_progress"] = seen
            return state
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} still {state['status']} after {timeout}s: {state}")


def python_json(site: Site, code: str) -> dict:
    return site.python(code, keys=KEY_A, roots=ROOT_1)


__all__ = ["FAST_LEASES", "Worker", "job_state", "json", "python_json", "wait_for_status"]
