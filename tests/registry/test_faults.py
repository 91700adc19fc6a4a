"""SIGKILL in the middle of a payment batch generation, a key rotation and a backup, then
restart: the data is exactly as before the operation, and the operation re-runs to success.

Each operation runs in a `manage.py shell` process against a database of its own (see
tests/registry/test_key_rotation.py `build_site`). The process is stopped at a known point
inside the operation (after its writes, before its commit or rename) by wrapping one internal
function to print a marker and wait; the test SIGKILLs it on that marker, so the kill always
hits the operation half done rather than before or after it.
"""

from __future__ import annotations

import base64
import os
import queue
import signal
import threading

import pytest
from django.db import connection

from tests.factories import DEFAULT_COMMUNE
from tests.registry.test_key_rotation import DUMP, KEY_A, KEY_B, ROOT_1, Site, build_site

MARKER = "KILL-ME-NOW"
BACKUP_KEY = base64.b64encode(os.urandom(32)).decode()

# Wraps `module.name` so that, once the original returned, the process reports and waits.
STOP_AFTER = """
import sys, time
import {module} as target
original = target.{name}
def stopped(*args, **kwargs):
    result = original(*args, **kwargs)
    print({marker!r}, flush=True)
    time.sleep(600)
    return result
target.{name} = stopped
"""

SEED_PAYMENTS = """
import json
from datetime import date
from tests.factories import make_user
from tests.payments.factories import bank_account, elder_case
make_user("pay_gen", "payment_officer", ["{commune}"])
for i in range(12):
    case = elder_case("{commune}", start=date(2026, 5, 1), name=f"Lê Văn Số {{i}}")
    bank_account(case.person, number=f"01234567{{i:02d}}")
print("RESULT " + json.dumps({{"seeded": 12}}))
"""

GENERATE = """
import json
from payments import services
from registry.models import User
batch = services.payment_batch_generate(
    actor=User.objects.get(username="pay_gen"), period="2026-07", commune_codes=["{commune}"]
)
print("RESULT " + json.dumps({{"lines": batch.line_count}}))
"""

PAYMENT_STATE = """
import json
from payments.models import PaidMonth, PaymentBatch, PaymentLine
from registry.models import AuditEvent
print("RESULT " + json.dumps({
    "batches": PaymentBatch.objects.count(), "lines": PaymentLine.objects.count(),
    "paid_months": PaidMonth.objects.count(),
    "events": list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)),
}))
"""

ROTATE = """
import json
from registry import key_rotation
report = key_rotation.keys_rotate(batch_size=5)
print("RESULT " + json.dumps({"rows": report.rows}))
"""

BACKUP = """
import json
from pathlib import Path
from django.core.management import call_command
call_command("backup", {path!r})
print("RESULT " + json.dumps({{"written": Path({path!r}).exists()}}))
"""


@pytest.fixture
def site(tmp_path):
    """A fresh database on the backend the suite runs on (as in test_key_rotation.py)."""
    built, drop = build_site(tmp_path, vendor=connection.vendor)
    yield built
    for process in built.processes:
        if process.poll() is None:
            process.kill()
        process.wait()
    drop()


def _killed_at_marker(site: Site, code: str, *, keys: str = KEY_A, timeout: float = 180) -> None:
    """Run `code` in a shell process, SIGKILL it as soon as it prints the marker."""
    process = site.start("shell", "--no-imports", "-c", code, keys=keys, roots=ROOT_1)
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    while True:
        line = lines.get(timeout=timeout)
        assert line is not None, f"ended before the marker: {process.stderr.read()[-3000:]}"
        if line == MARKER:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            assert process.returncode == -signal.SIGKILL
            return


def _stop_after(module: str, name: str) -> str:
    return STOP_AFTER.format(module=module, name=name, marker=MARKER)


@pytest.mark.slow
def test_killed_batch_generation_leaves_no_batch_and_a_rerun_generates_it(site):
    commune = DEFAULT_COMMUNE
    assert site.python(SEED_PAYMENTS.format(commune=commune)) == {"seeded": 12}
    before = site.python(PAYMENT_STATE)
    # Stopped after every line and paid month is written, before the totals, audit and commit.
    _killed_at_marker(
        site,
        _stop_after("payments.services.batches", "lines_fill") + GENERATE.format(commune=commune),
    )
    assert site.python(PAYMENT_STATE) == before
    assert before["batches"] == before["lines"] == 0
    assert site.python(GENERATE.format(commune=commune)) == {"lines": 12}
    after = site.python(PAYMENT_STATE)
    assert (after["batches"], after["lines"]) == (1, 12)
    assert after["events"] == [*before["events"], "payment_batch.generated"]
    site.manage("verify_audit")


@pytest.mark.slow
def test_killed_key_rotation_inside_a_batch_changes_nothing_and_a_rerun_finishes(site):
    site.seed(20)
    before = site.python(DUMP, keys=KEY_A)
    # Stopped after the first batch's rows are rewritten under B, before that batch commits.
    _killed_at_marker(
        site, _stop_after("registry.key_rotation._Table", "compare_and_set").replace(
            "import registry.key_rotation._Table as target",
            "from registry.key_rotation import _Table as target",
        ) + ROTATE, keys=f"{KEY_B},{KEY_A}",
    )  # fmt: skip
    midway = site.python(DUMP, keys=KEY_A)  # readable with the old key alone: nothing moved
    assert midway == before
    rerun = site.python(ROTATE, keys=f"{KEY_B},{KEY_A}")
    assert rerun["rows"]["beneficiaries.person"] == 20
    after = site.python(DUMP, keys=KEY_B)
    assert after["values"] == before["values"]
    assert {key for counts in after["usage"].values() for key in counts} <= {"B"} | {
        key for column, counts in after["usage"].items() if column.endswith("_index")
        for key in counts
    }  # fmt: skip
    assert len(after["audits"]) == 1
    site.manage("verify_audit", keys=KEY_B)


@pytest.mark.slow
def test_killed_backup_leaves_no_archive_under_its_name_and_a_rerun_writes_it(site, tmp_path):
    site.env["REGISTRY_BACKUP_KEY"] = BACKUP_KEY
    site.seed(12)
    target = tmp_path / "registry.rgbak"
    before = site.python(DUMP, keys=KEY_A)
    # Stopped after the encrypted archive is written to FILE.partial, before the rename.
    _killed_at_marker(
        site, _stop_after("registry.backup", "encrypt_file") + BACKUP.format(path=str(target))
    )
    assert not target.exists()
    assert site.python(DUMP, keys=KEY_A)["values"] == before["values"]
    # The killed run shows as started, never as written: no archive was completed.
    killed = site.python(PAYMENT_STATE)["events"]
    assert killed.count("backup.started") == 1 and "backup.written" not in killed
    assert site.python(BACKUP.format(path=str(target))) == {"written": True}
    rerun = site.python(PAYMENT_STATE)["events"]
    assert rerun[-2:] == ["backup.started", "backup.written"]
    assert rerun.count("backup.written") == 1
    assert not target.with_name(target.name + ".partial").exists()
    # The archive is whole: restore accepts it and the chain verifies afterwards.
    site.manage("restore", str(target))
    assert site.python(DUMP, keys=KEY_A)["values"] == before["values"]
    site.manage("verify_audit")
    events = site.python(PAYMENT_STATE)["events"]
    # The archive holds both "started" events; its own "written" came after it was sealed.
    assert events.count("backup.started") == 2 and "backup.written" not in events
    assert events[-1] == "backup.restored"
