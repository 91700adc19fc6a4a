"""Load for `make bench`: 16 clerks searching, listing, reading and correcting households.

Run by bench/figures_load.py (locust headless, a process of its own, against gunicorn on
loopback). `BENCH_LOAD_DATA` names a JSON file written by the runner: the token, national IDs
and names to search for, persons to read, communes to list, households to correct. Each write
gives a distinct household a new address and is logged (one JSON line) to `BENCH_LOAD_WRITES`,
so the runner can check afterwards that every acknowledged write is in the database.
`BENCH_LOAD_WAIT` is each client's pause between requests (seconds, uniform from 0 to it).
"""

from __future__ import annotations

import itertools
import json
import os
import random

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["BENCH_LOAD_DATA"], encoding="utf-8").read())
WRITES = open(os.environ["BENCH_LOAD_WRITES"], "a", encoding="utf-8")  # noqa: SIM115
HOUSEHOLDS = itertools.cycle(DATA["households"])  # shared by every client: one write each
SERIAL = itertools.count(1)


class Clerk(HttpUser):
    wait_time = between(0, float(os.environ.get("BENCH_LOAD_WAIT", "0.5")))

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Token {DATA['token']}"
        self.rng = random.Random()

    @task(4)
    def search_national_id(self) -> None:
        body = {"national_id": self.rng.choice(DATA["national_ids"])}
        self.client.post("/api/v1/persons/search/", json=body, name="search national_id")

    @task(2)
    def search_name(self) -> None:
        body = {"name": self.rng.choice(DATA["names"])}
        self.client.post("/api/v1/persons/search/", json=body, name="search name")

    @task(3)
    def list_persons(self) -> None:
        commune = self.rng.choice(DATA["communes"])
        self.client.get(f"/api/v1/persons/?commune={commune}&page_size=50", name="list persons")

    @task(3)
    def detail_person(self) -> None:
        person = self.rng.choice(DATA["persons"])
        self.client.get(f"/api/v1/persons/{person}/", name="detail person")

    @task(1)
    def write_household(self) -> None:
        household = next(HOUSEHOLDS)
        address = f"Số {next(SERIAL)}, đường Hùng Vương (bench)"
        with self.client.patch(
            f"/api/v1/households/{household}/",
            json={"address": address},
            name="write household",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                WRITES.write(json.dumps({"household": household, "address": address}) + "\n")
                WRITES.flush()
                response.success()
            else:
                response.failure(f"status {response.status_code}")
