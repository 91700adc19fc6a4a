"""Key rotation: killed midway with SIGKILL, every value stays readable; re-run, the old key goes.

The kill tests drive `manage.py` in subprocesses against a database of their own (an SQLite file
in a temporary REGISTRY_VAR_DIR, or a scratch PostgreSQL database when the suite runs on
PostgreSQL), because a kill must hit a real process holding a real transaction.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from beneficiaries.models import Household, Person
from registry import crypto, key_rotation
from registry.models import AuditEvent
from tests.factories import make_person

ROOT = Path(__file__).resolve().parents[2]
PROGRESS = re.compile(r"^(?P<model>[a-z_]+\.[a-z_]+): (?P<done>\d+)/(?P<total>\d+)$")

KEY_A = crypto.generate_key_entry("A")
KEY_B = crypto.generate_key_entry("B")
ROOT_1 = base64.b64encode(os.urandom(32)).decode()
ROOT_2 = base64.b64encode(os.urandom(32)).decode()

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hồ", "Đặng", "Võ", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Ngọc", "Đức"]
GIVEN = ["Hùng", "Nhung", "Quế", "Thuỷ", "Dũng", "Khánh", "Ơn", "Yến"]


def person_values(i: int) -> dict[str, str]:
    """Known personal values for person i (generated here, never committed as fixtures)."""
    return {
        "full_name": f"{FAMILY[i % 8]} {MIDDLE[i % 5]} {GIVEN[(i * 3) % 8]}",
        "national_id": f"0451{(i * 7919 + 4242) % 10**8:08d}",
        "phone": f"091{(i * 104729 + 1357) % 10**7:07d}",
        "ethnicity": ["Vân Kiều", "Pa Kô", "Cơ Tu", "Tà Ôi"][i % 4],
        "street_address": f"Số {i + 3} đường Lê Duẩn, khu phố Khe Sanh {i}",
        "hiv_status": ["dương tính", "âm tính", "chưa xét nghiệm"][i % 3],
        "custody_status": ["đang chấp hành án phạt tù", "đang bị tạm giam", "không bị tạm giam"][
            i % 3
        ],
    }


def household_address(i: int) -> str:
    return f"Bản Cù Bai {i}, xã Hướng Lập"


CASE_REASON = "Khuyết tật vận động, không tự phục vụ sinh hoạt"
SUSPENSION_REASON = "Đang chấp hành án phạt tù tại trại giam Bình Điền"

SEED = """
import json
from datetime import date
from beneficiaries.models import Case, CaseSuspension
from tests.factories import make_household, make_person
for i, (address, values) in enumerate(json.loads({payload!r})):
    person = make_person(make_household(address=address), **values)
    if i % 4 == 0:
        case = Case.objects.create(
            person=person, commune_id=person.commune_id, programme="social_assistance",
            category="5.5a", disability_level="extremely_severe", status_reason={reason!r},
        )
        if i % 8 == 0:
            CaseSuspension.objects.create(case=case, from_month=date(2025, 7, 1), reason={why!r})
print("RESULT " + json.dumps({{"seeded": i + 1}}))
"""

DUMP = """
import json
from registry import key_rotation
from registry.models import AuditEvent
values = {}
for model, fields in key_rotation.encrypted_models():
    for obj in model.objects.order_by("pk"):
        key = f"{model._meta.label_lower}:{obj.pk}"
        values[key] = {f.name: getattr(obj, f.attname) for f in fields}
audits = list(
    AuditEvent.objects.filter(action="keys.rotated").values_list("object_id", "data")
)
print("RESULT " + json.dumps(
    {"values": values, "usage": key_rotation.stored_key_ids(), "audits": audits}
))
"""

SEARCH = """
import json
from beneficiaries.models import Person
from registry import crypto, key_rotation
from registry.fields import blind_index_field
misses, searched = [], 0
for person in Person.objects.order_by("pk"):
    # Searched the way a user types: name without accents in capitals, phone with +84.
    queries = {
        "national_id": person.national_id,
        "phone": "+84 " + person.phone[1:],
        "full_name": crypto.normalise_text(person.full_name).upper(),
    }
    for source, query in queries.items():
        field = blind_index_field(Person, source)
        found = Person.objects.filter(**{field.attname + "__in": field.candidates(query)})
        searched += 1
        if person.pk not in {p.pk for p in found}:
            misses.append([person.pk, source])
print("RESULT " + json.dumps(
    {"searched": searched, "misses": misses, "usage": key_rotation.stored_key_ids()}
))
"""


@dataclass
class Site:
    """A migrated database of its own plus the environment to run manage.py against it."""

    env: dict[str, str]
    database_url: str
    var_dir: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def _env(self, keys: str, roots: str) -> dict[str, str]:
        return {**self.env, "REGISTRY_ENCRYPTION_KEYS": keys, "REGISTRY_BLIND_INDEX_KEY": roots}

    def manage(self, *args: str, keys: str = KEY_A, roots: str = ROOT_1) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self._env(keys, roots),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def python(self, code: str, *, keys: str = KEY_A, roots: str = ROOT_1) -> dict:
        out = self.manage("shell", "--no-imports", "-c", code, keys=keys, roots=roots)
        [line] = [line for line in out.splitlines() if line.startswith("RESULT ")]
        return json.loads(line.removeprefix("RESULT "))

    def start(self, *args: str, keys: str, roots: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self._env(keys, roots),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.processes.append(process)
        return process

    def seed(self, count: int) -> None:
        payload = json.dumps([(household_address(i), person_values(i)) for i in range(count)])
        code = SEED.format(payload=payload, reason=CASE_REASON, why=SUSPENSION_REASON)
        assert self.python(code) == {"seeded": count}


def _scratch_postgres_database() -> tuple[str, callable]:
    import psycopg

    settings = connection.settings_dict
    name = f"{settings['NAME']}_scratch_{uuid.uuid4().hex[:8]}"
    params = {
        "host": settings["HOST"] or "localhost",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    auth = params["user"] + (f":{params['password']}" if params["password"] else "")
    return f"postgres://{auth}@{params['host']}:{params['port']}/{name}", drop


def build_site(tmp_path: Path, *, vendor: str) -> tuple[Site, callable]:
    var_dir = tmp_path / "var"
    drop = lambda: None  # noqa: E731
    if vendor == "postgresql":
        database_url, drop = _scratch_postgres_database()
    else:
        database_url = f"sqlite:///{var_dir / 'registry.sqlite3'}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REGISTRY_", "DATABASE_URL", "PYTEST_", "DJANGO_"))
    }
    env.update(
        DATABASE_URL=database_url,
        REGISTRY_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="registry.settings.base",
        PYTHONUNBUFFERED="1",
    )
    site = Site(env=env, database_url=database_url, var_dir=var_dir)
    site.manage("migrate", "-v0")
    return site, drop


@pytest.fixture
def site(tmp_path):
    """A fresh database on the backend the suite runs on."""
    built, drop = build_site(tmp_path, vendor=connection.vendor)
    yield built
    for process in built.processes:
        if process.poll() is None:
            process.kill()
        process.wait()
    drop()


def kill_after_first_progress(process: subprocess.Popen, timeout: float = 120) -> str:
    """SIGKILL the process as soon as it reports its first committed batch."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    while True:
        line = lines.get(timeout=timeout)
        assert line is not None, f"ended before any progress: {process.stderr.read()[-2000:]}"
        if PROGRESS.match(line):
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            assert process.returncode == -signal.SIGKILL
            return line


def progress_totals(output: str) -> dict[str, int]:
    """The last done/total reported per model."""
    totals = {}
    for line in output.splitlines():
        if match := PROGRESS.match(line):
            totals[match["model"]] = int(match["total"])
    return totals


def encryption_key_ids_in_use(usage: dict[str, dict[str, int]]) -> set[str]:
    """Key ids found in encrypted columns (blind-index columns are counted separately)."""
    return {
        key_id
        for column, counts in usage.items()
        if not column.endswith("_index")
        for key_id in counts
    }


PERSONS = 40
ROOT_1_ID = crypto.blind_index_key_id(base64.b64decode(ROOT_1))
ROOT_2_ID = crypto.blind_index_key_id(base64.b64decode(ROOT_2))
INDEX_COLUMNS = ("national_id_index", "full_name_index", "phone_index")


@pytest.mark.slow
def test_killed_rotation_leaves_everything_readable_and_a_rerun_retires_the_old_key(site):
    site.seed(PERSONS)
    before = site.python(DUMP, keys=KEY_A)
    assert len(before["values"]) == PERSONS * 2 + PERSONS // 4 + PERSONS // 8
    assert encryption_key_ids_in_use(before["usage"]) == {"A"}

    process = site.start(
        "rotate_keys", "--batch-size", "5", "--sleep-per-batch", "0.5",
        keys=f"{KEY_B},{KEY_A}", roots=ROOT_1,
    )  # fmt: skip
    first = kill_after_first_progress(process)
    assert first == "beneficiaries.case: 5/10"

    # Killed midway: some values moved to B, the rest still under A, all readable with B,A.
    midway = site.python(DUMP, keys=f"{KEY_B},{KEY_A}")
    assert midway["values"] == before["values"]
    assert encryption_key_ids_in_use(midway["usage"]) == {"A", "B"}
    assert midway["usage"]["beneficiaries.case.disability_level"] == {"A": 5, "B": 5}
    assert midway["audits"] == [], "an unfinished run is not recorded as a rotation"

    # Without the old key the unrotated values refuse loudly rather than show garbage.
    failed = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", DUMP],
        cwd=ROOT,
        env=site._env(KEY_B, ROOT_1),
        capture_output=True,
        text=True,
    )
    assert failed.returncode != 0 and "DecryptionError" in failed.stderr
    assert "unknown encryption key id 'A'" in failed.stderr

    rerun = site.manage("rotate_keys", "--batch-size", "5", keys=f"{KEY_B},{KEY_A}")
    totals = progress_totals(rerun)
    assert totals["beneficiaries.case"] == 5, "the re-run skips the batch already done"
    assert totals["beneficiaries.person"] == PERSONS
    assert "Xong:" in rerun.splitlines()[-1]

    after = site.python(DUMP, keys=KEY_B)
    assert after["values"] == before["values"]
    assert encryption_key_ids_in_use(after["usage"]) == {"B"}
    [(key_id, data)] = after["audits"]
    assert key_id == "B" and data["kind"] == "encryption"
    assert data["values"]["beneficiaries.person"] == PERSONS * 7  # every encrypted field is set

    # Nothing left to do: a third run touches nothing.
    assert progress_totals(site.manage("rotate_keys", keys=f"{KEY_B},{KEY_A}")) == {}


@pytest.mark.slow
def test_killed_blind_index_rebuild_keeps_search_working_and_a_rerun_retires_the_old_root(site):
    site.seed(PERSONS)
    both_roots = f"{ROOT_2},{ROOT_1}"

    process = site.start(
        "rotate_keys", "--blind-index", "--batch-size", "5", "--sleep-per-batch", "0.5",
        keys=KEY_A, roots=both_roots,
    )  # fmt: skip
    assert kill_after_first_progress(process) == f"beneficiaries.person: 5/{PERSONS}"

    midway = site.python(SEARCH, roots=both_roots)
    assert midway["searched"] == PERSONS * 3
    assert midway["misses"] == []
    for column in INDEX_COLUMNS:
        assert midway["usage"][f"beneficiaries.person.{column}"] == {
            ROOT_2_ID: 5,
            ROOT_1_ID: PERSONS - 5,
        }

    rerun = site.manage("rotate_keys", "--blind-index", "--batch-size", "5", roots=both_roots)
    assert progress_totals(rerun) == {"beneficiaries.person": PERSONS - 5}

    after = site.python(SEARCH, roots=ROOT_2)
    assert after["misses"] == []
    for column in INDEX_COLUMNS:
        assert after["usage"][f"beneficiaries.person.{column}"] == {ROOT_2_ID: PERSONS}

    # The old root alone finds nobody any more: nothing depends on it.
    stale = site.python(SEARCH, roots=ROOT_1)
    assert len(stale["misses"]) == PERSONS * 3


# --- In-process behaviour (the test database of the suite) ---------------------------------------


@pytest.fixture
def keys_a():
    with override_settings(REGISTRY_ENCRYPTION_KEYS=KEY_A, REGISTRY_BLIND_INDEX_KEY=ROOT_1):
        yield


def raw(model, pk, column: str) -> str:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q(column)} FROM {q(model._meta.db_table)} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_value_under_a_key_no_longer_configured_stops_the_run_without_damage(keys_a):
    person = make_person(full_name="Trần Thị Ơn", national_id="045190000123")
    stored = raw(Person, person.pk, "full_name")
    with override_settings(REGISTRY_ENCRYPTION_KEYS=KEY_B):
        with pytest.raises(key_rotation.RotationError) as caught:
            key_rotation.keys_rotate(batch_size=10)
    message = str(caught.value)
    assert "unknown encryption key id 'A'" in message and f"pk={person.household.pk}" in message
    assert "Trần" not in message and "045190000123" not in message
    assert raw(Person, person.pk, "full_name") == stored
    assert not AuditEvent.objects.filter(action="keys.rotated").exists()


@pytest.mark.django_db
def test_rotation_skips_values_already_under_the_current_key(keys_a):
    make_person(full_name="Võ Văn Khánh")
    with override_settings(REGISTRY_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}"):
        seen: list[tuple[str, int, int]] = []
        first = key_rotation.keys_rotate(progress=lambda *args: seen.append(args))
        second = key_rotation.keys_rotate()
    assert first.values == {
        "beneficiaries.case": 0,
        "beneficiaries.caseadjustment": 0,
        "beneficiaries.casesuspension": 0,
        "beneficiaries.household": 1,
        "beneficiaries.oneoffentitlement": 0,
        "beneficiaries.person": 1,
        "certificates.certificate": 0,  # revocation_reason
        "jobs.jobinput": 0,  # a job's uploaded file is re-encrypted too
        "payments.paymentaccount": 0,  # payments: account number, name, holder
        "payments.paymentline": 0,  # payments: the account frozen on each line
        "payments.paymentrecovery": 0,  # paygaps: the reason a recovery was settled
    }
    assert seen == [("beneficiaries.household", 1, 1), ("beneficiaries.person", 1, 1)]
    assert second.total_values == 0
    assert AuditEvent.objects.filter(action="keys.rotated", object_id="B").count() == 2


@pytest.mark.django_db
def test_a_save_during_rotation_is_never_overwritten_with_stale_data(keys_a, monkeypatch):
    person = make_person(full_name="Bùi Thị Yến")
    real_encrypt = crypto.encrypt
    renamed = []

    def encrypt_while_someone_saves(plaintext: str, *, context: str) -> str:
        if context == "beneficiaries.person.full_name" and not renamed:
            # Another user renames the person between the batch read and its write.
            renamed.append(True)
            Person.objects.filter(pk=person.pk).update(full_name="Bùi Thị Yến Nhi")
        return real_encrypt(plaintext, context=context)

    monkeypatch.setattr(key_rotation.crypto, "encrypt", encrypt_while_someone_saves)
    with override_settings(REGISTRY_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}"):
        report = key_rotation.encrypted_values_rotate(batch_size=10)
        assert report.changed_concurrently == 1
        assert Person.objects.get(pk=person.pk).full_name == "Bùi Thị Yến Nhi"


@pytest.mark.django_db
def test_blind_index_rebuild_in_process_finds_by_new_root_only(keys_a):
    person = make_person(full_name="Hồ Ngọc Quế", phone="0912345678", national_id="045190000123")
    Household.objects.update(address=None)  # a null encrypted value stays null
    with override_settings(REGISTRY_BLIND_INDEX_KEY=f"{ROOT_2},{ROOT_1}"):
        report = key_rotation.keys_rotate(blind_index=True, batch_size=1)
    assert report.key_id == ROOT_2_ID
    assert report.values == {"beneficiaries.person": 3, "payments.paymentaccount": 0}
    with override_settings(REGISTRY_BLIND_INDEX_KEY=ROOT_2):
        field = Person._meta.get_field("full_name_index")
        assert list(Person.objects.filter(full_name_index__in=field.candidates("ho ngoc que"))) == [
            person
        ]
        assert raw(Person, person.pk, "phone_index").startswith(f"{ROOT_2_ID}:")


def test_generate_key_entry_round_trips_through_the_settings_parser():
    entry = crypto.generate_key_entry()
    [(key_id, key)] = crypto.parse_encryption_keys(entry)
    assert entry.startswith(f"{key_id}:") and len(key) == 32
