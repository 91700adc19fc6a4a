"""`make bench` / `make bench-full`: a generated province, then every figure of issue 17 beside
its limit, measured in the same run.

    .venv/bin/python bench/run.py                                # 100,000 persons, SQLite file
    .venv/bin/python bench/run.py --persons 1000000              # make bench-full
    .venv/bin/python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/bench_pg

PostgreSQL: a fresh `test_<name>` database is created beside the named one and dropped at the
end (bench/scratch.py); SQLite: a file in a temporary directory. Output: one line per figure,
`name value unit limit ratio` (limit prefixed ≤ or ≥; ratio = value / limit), then the machine.
Exit status 1 when a figure misses its limit; every figure is printed either way.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import scratch_database  # noqa: E402

STEPS = ("import", "lookup", "batch", "exports", "certificates", "reports", "load")


class LoadSampler:
    """The machine's 1-minute load average, sampled every 10 s during the run."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(10):
            self.samples.append(os.getloadavg()[0])

    def stop(self) -> str:
        self._stop.set()
        samples = self.samples or [os.getloadavg()[0]]
        return f"min {min(samples):.1f}, median {sorted(samples)[len(samples) // 2]:.1f}, max {max(samples):.1f}"


def machine() -> str:
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return f"nproc {os.cpu_count()}, RAM {pages / 2**30:.1f} GiB, Python {sys.version.split()[0]}"


def users():
    from django.contrib.auth.models import Group

    from registry.models import User
    from registry.roles import AUDITOR, sync_roles

    sync_roles()
    clerk = User.objects.create(username="bench_clerk", is_superuser=True)
    approver = User.objects.create(username="bench_approver", is_superuser=True)
    auditor = User.objects.create(username="bench_auditor")
    auditor.groups.add(Group.objects.get(name=AUDITOR))
    return clerk, approver, auditor


def social_worker(commune_code: str):
    """A social worker of one commune (the name lookup as a commune searches)."""
    from django.contrib.auth.models import Group

    from registry.models import Commune, User
    from registry.roles import SOCIAL_WORKER

    worker = User.objects.create(username="bench_social_worker")
    worker.groups.add(Group.objects.get(name=SOCIAL_WORKER))
    worker.communes.set([Commune.objects.get(code=commune_code)])
    return worker


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=44)
    parser.add_argument("--database-url", help="postgres://… (default: SQLite file in a temp dir)")
    parser.add_argument("--load-seconds", type=int, default=30)
    parser.add_argument("--load-wait", type=float, default=0.5, help="max pause between requests")
    parser.add_argument("--pages", type=int, default=300, help="certificates in the batch print")
    parser.add_argument("--skip", action="append", default=[], choices=STEPS)
    args = parser.parse_args()
    sampler = LoadSampler()
    started = time.perf_counter()
    scratch = scratch_database("bench_run_", args.database_url)
    from django.db import connection

    from bench import figures, figures_exports, figures_load
    from bench.population import Population, communes, populate

    def show(items) -> None:
        for item in items:
            print(item.line(), flush=True)
            results.append(item)

    results: list = []
    try:
        clerk, approver, auditor = users()
        print(
            f"# backend {connection.vendor}; {args.persons:,} persons, seed {args.seed}; {machine()}"
        )
        stats = populate(
            Population(persons=args.persons, seed=args.seed), actor=clerk, approver=approver
        )
        if scratch.postgres:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        codes = communes()
        print(f"{'name':<34} {'value':>10} {'unit':<11} {'limit':>10} {'ratio':>6}")
        steps = [s for s in STEPS if s not in args.skip]
        batch = None
        for step in steps:
            try:
                if step == "import":
                    show(figures.import_figures(stats, figures.raw_executemany(stats.persons)))
                elif step == "lookup":
                    show(
                        figures.lookup_figures(
                            clerk, stats.national_ids, stats.names, worker=social_worker(codes[0])
                        )
                    )
                elif step == "batch":
                    items, batch = figures.batch_figures(clerk, approver, codes)
                    show(items)
                elif step == "exports" and batch is not None:
                    show(figures_exports.export_figures(clerk, batch))
                elif step == "certificates":
                    show(figures.certificate_figures(approver, args.pages))
                elif step == "reports":
                    show(figures.report_figures(auditor, clerk, codes[7]))
                elif step == "load":
                    show(
                        figures_load.load_figures(
                            stats, codes, seconds=args.load_seconds, wait=args.load_wait
                        )
                    )
            except Exception as error:  # noqa: BLE001 — one broken figure must not hide the others
                print(f"{step + '_failed':<34} {type(error).__name__}: {error}"[:300], flush=True)
                results.append(figures.Figure(f"{step}_failed", 1, "error", 0))
        missed = [item.name for item in results if not item.ok]
        print(f"# {len(results)} figures, missed: {', '.join(missed) or 'none'}")
        print(f"# {machine()}; load average during the run: {sampler.stop()}; "
              f"total {time.perf_counter() - started:.0f} s")  # fmt: skip
        return 1 if missed else 0
    finally:
        scratch.close()


if __name__ == "__main__":
    sys.exit(main())
