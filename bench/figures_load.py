"""The API under load: gunicorn on loopback serving the bench's database, locust headless in a
second process (bench/locustfile.py), then a database cross-check of the writes it made."""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.figures import Figure

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LIMIT_P95_MS = 100.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user, host, port = (
            settings["USER"],
            settings["HOST"] or "127.0.0.1",
            settings["PORT"] or 5432,
        )
        return f"postgres://{user}@{host}:{port}/{settings['NAME']}"
    return f"sqlite:///{settings['NAME']}"


def _load_user(commune_codes: list[str]):
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from registry.models import User
    from registry.roles import SOCIAL_WORKER

    user = User.objects.create_user("bench_load", password=None)
    user.groups.add(Group.objects.get(name=SOCIAL_WORKER))
    user.communes.set(commune_codes)
    return Token.objects.create(user=user).key


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ended with status {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 (loopback)
            return
        except urllib.error.HTTPError:
            return  # 401 without a token: it answers
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer")


def _warm_up(base: str, data: dict, workers: int) -> None:
    """A few of each request, several at once, so that every worker has loaded what its first
    requests load (URL patterns, translations, serializers): start-up, not the load's CPU."""
    from concurrent.futures import ThreadPoolExecutor

    headers = {"Authorization": f"Token {data['token']}", "Content-Type": "application/json"}
    paths = [
        ("POST", "/api/v1/persons/search/", {"national_id": data["national_ids"][0]}),
        ("POST", "/api/v1/persons/search/", {"name": data["names"][0]}),
        ("GET", f"/api/v1/persons/?commune={data['communes'][0]}&page_size=50", None),
        ("GET", f"/api/v1/persons/{data['persons'][0]}/", None),
    ]

    def call(item) -> None:
        method, path, body = item
        payload = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(base + path, data=payload, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
            response.read()

    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(call, paths * workers * 3))


def load_figures(stats, commune_codes: list[str], *, seconds: int, users: int = 16, wait: float = 0.5,
                 workers: int = 3) -> list[Figure]:  # fmt: skip
    from beneficiaries.models import Household, Person

    rng = random.Random(17)
    workdir = Path(tempfile.mkdtemp(prefix="bench_load_"))
    households = list(Household.objects.values_list("pk", flat=True))
    data = {
        "token": _load_user(commune_codes),
        "national_ids": stats.national_ids,
        "names": stats.names,
        "communes": commune_codes,
        "persons": rng.sample(list(Person.objects.values_list("pk", flat=True)), 2000),
        "households": rng.sample(households, min(len(households), 20_000)),
    }
    (workdir / "data.json").write_text(json.dumps(data), encoding="utf-8")
    writes = workdir / "writes.jsonl"
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "registry.settings.base",
        "BENCH_LOAD_DATA": str(workdir / "data.json"),
        "BENCH_LOAD_WRITES": str(writes),
        "BENCH_LOAD_WAIT": str(wait),
    }
    from django.db import connections

    connections.close_all()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "registry.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", "--chdir", str(ROOT)],
        env=env, cwd=ROOT, stderr=open(workdir / "gunicorn.log", "wb"),  # noqa: SIM115
    )  # fmt: skip
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/api/v1/admin-units/provinces/", server)
        time.sleep(2)  # every worker booted: their start-up is not the load's CPU
        _warm_up(f"http://127.0.0.1:{port}", data, workers)
        boot_cpu = _children_cpu(server.pid)
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host",
             f"http://127.0.0.1:{port}", "--csv", str(workdir / "load"), "--only-summary",
             "--loglevel", "WARNING", "--stop-timeout", "10"],
            env=env, cwd=ROOT, check=False, stdout=subprocess.DEVNULL,
            stderr=open(workdir / "locust.log", "wb"),  # noqa: SIM115
        )  # fmt: skip
        server_cpu = _children_cpu(server.pid) - boot_cpu
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures = []
    with open(workdir / "load_stats.csv", encoding="utf-8") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    for name, row in rows.items():
        key = "load_" + name.lower().replace(" ", "_")
        search = name.startswith("search") or name == "Aggregated"
        figures += [
            Figure(f"{key}_rps", float(row["Requests/s"]), "req/s"),
            Figure(f"{key}_p50", float(row["50%"]), "ms"),
            Figure(
                f"{key}_p95",
                float(row["95%"]),
                "ms",
                LIMIT_P95_MS if search and name != "Aggregated" else None,
            ),
            Figure(f"{key}_p99", float(row["99%"]), "ms"),
        ]
    aggregated = rows["Aggregated"]
    figures.append(Figure("load_requests", float(aggregated["Request Count"]), "requests"))
    figures.append(
        Figure(
            "load_server_cpu_per_request",
            server_cpu * 1000 / max(1, float(aggregated["Request Count"])),
            "cpu-ms",
        )
    )
    figures.append(Figure("load_errors", float(aggregated["Failure Count"]), "errors", 0))
    written = len(writes.read_text(encoding="utf-8").splitlines()) if writes.exists() else 0
    figures.append(Figure("load_writes_acknowledged", written, "writes"))
    figures.append(Figure("load_writes_missing", _missing_writes(writes), "writes", 0))
    shutil.rmtree(workdir, ignore_errors=True)
    return figures


def _children_cpu(parent: int) -> float:
    """CPU seconds used so far by the processes whose parent is `parent` (gunicorn's workers)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:  # ppid; then utime, stime are fields 11 and 12 after ")"
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _missing_writes(log: Path) -> int:
    """Acknowledged writes whose value is not in the database (each went to its own household)."""
    from beneficiaries.models import Household

    written = (
        [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        if log.exists()
        else []
    )
    if not written:
        return 1  # no write made at all is a failure of the load itself
    last = {w["household"]: w["address"] for w in written}  # the log is in the order of answers
    stored = dict(Household.objects.filter(pk__in=list(last)).values_list("pk", "address"))
    return sum(stored.get(pk) != value for pk, value in last.items())
