"""A test-only operation on a job: reads its (personal) input, checks it, then writes one row
per line in one transaction, reporting progress and printing a line per row written (the
kill-and-restart test kills the worker on those lines)."""

from __future__ import annotations

import time

from django.db import transaction

from jobs.operations import JobRun, job_task
from registry.counters import Counter
from registry.exceptions import ValidationFailed

SCOPE = "jobtest:{job}:{row}"


@job_task(kind="test_rows")
def write_rows(run: JobRun) -> dict:
    names = run.input("names").decode("utf-8").splitlines()
    pause = float(run.params.get("pause", 0))
    fail = run.params.get("fail")
    if fail == "invalid":
        raise ValidationFailed(code="test_invalid", fields={"names": ["thiếu"]})
    if fail == "crash":
        raise RuntimeError(f"could not write {names[0]}")  # quotes personal data
    total = len(names) * 2
    for index in range(len(names)):
        run.progress(index + 1, total, "Đang kiểm tra")
        time.sleep(pause / 2)
    with transaction.atomic(durable=True):
        for index, name in enumerate(names):
            Counter.objects.create(scope=SCOPE.format(job=run.job_id, row=index), value=len(name))
            print(f"jobs-test: wrote {index + 1}", flush=True)
            run.progress(len(names) + index + 1, total, "Đang lưu")
            time.sleep(pause)
        if run.params.get("seal", True):
            run.seal({"written": len(names)})
    return {"written": len(names)}


def rows_written(job_id: int) -> list[tuple[str, int]]:
    prefix = f"jobtest:{job_id}:"
    return sorted(Counter.objects.filter(scope__startswith=prefix).values_list("scope", "value"))
