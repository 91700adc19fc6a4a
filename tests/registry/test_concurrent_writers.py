"""Parallel writers against a live server: every request is answered, none with "database is
locked" (SQLite in WAL mode, IMMEDIATE transactions, a busy timeout), and the audit chain the
writers extend together still verifies. Runs on the backend the suite runs on."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from django.db import connection

from tests.jobs.test_with_worker import free_port
from tests.jobs.worker_site import python_json
from tests.registry.test_key_rotation import KEY_A, ROOT_1, build_site

WRITERS, REQUESTS_EACH = 8, 6

MAKE_USERS = """
import json
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from registry.models import User
tokens = []
for n in range({count}):
    user = User.objects.create_user(f"sw_parallel_{{n}}")
    user.groups.add(Group.objects.get(name="social_worker"))
    user.communes.set(["18859"])
    tokens.append(Token.objects.create(user=user).key)
print("RESULT " + json.dumps({{"tokens": tokens}}))
"""

JOURNAL = """
import json
from django.db import connection
with connection.cursor() as cursor:
    mode = None
    if connection.vendor == "sqlite":
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
print("RESULT " + json.dumps({"journal_mode": mode}))
"""


@pytest.fixture
def site(tmp_path):
    built, drop = build_site(tmp_path, vendor=connection.vendor)
    yield built
    for process in built.processes:
        if process.poll() is None:
            process.kill()
        process.wait()
    drop()


def wait_until_up(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)
            return
        except requests.ConnectionError:
            time.sleep(0.3)
    raise AssertionError("the server did not start")


@pytest.mark.slow
def test_parallel_writers_are_all_answered_and_the_chain_verifies(site):
    tokens = python_json(site, MAKE_USERS.format(count=WRITERS))["tokens"]
    if connection.vendor == "sqlite":
        assert python_json(site, JOURNAL)["journal_mode"] == "wal"
    port = free_port()
    server = site.start("runserver", f"127.0.0.1:{port}", "--noreload", keys=KEY_A, roots=ROOT_1)
    base = f"http://127.0.0.1:{port}/api/v1"
    wait_until_up(f"{base}/admin-units/provinces/")
    answers: list[tuple[int, str]] = []
    start = threading.Barrier(WRITERS)

    def writer(token: str) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token}"
        start.wait()
        for n in range(REQUESTS_EACH):
            response = session.post(
                f"{base}/households/",
                json={
                    "commune_code": "18859",
                    "village": f"Thôn {n}",
                    "area": "rural",
                    "address": f"{n} Lê Lợi",
                },  # fmt: skip
                timeout=120,
            )
            answers.append((response.status_code, response.text[:300]))

    threads = [threading.Thread(target=writer, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.terminate()
    _, errors = server.communicate(timeout=30)
    assert [status for status, _ in answers] == [201] * (WRITERS * REQUESTS_EACH), answers
    assert "database is locked" not in errors
    out = site.manage("verify_audit")
    assert f"{WRITERS * REQUESTS_EACH} " in out or "nguyên vẹn" in out
