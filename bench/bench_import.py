"""Times the person import service on a 10,000-row file (CSV and XLSX) against the 30 s limit.

    .venv/bin/python bench/bench_import.py                  # SQLite on disk, in a temp dir
    .venv/bin/python bench/bench_import.py --database-url postgres://postgres@127.0.0.1:5432/h_import

The database is bench/scratch.py's: a fresh SQLite file (and REGISTRY_VAR_DIR for the keys) in a
temporary directory, or `test_<name>` created beside the given PostgreSQL database and dropped
afterwards, so the named database itself is never written to.
Each run imports a new file (new ID numbers), so the persons table grows as it would in use.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import scratch_database  # noqa: E402

LIMIT_SECONDS = 30.0
COMMUNE = "18859"  # a commune of Quảng Trị (province 44)


def national_id(sex: str, born: date, serial: int) -> str:
    century_sex = (born.year // 100 - 19) * 2 + (1 if sex == "female" else 0)
    return f"045{century_sex}{born.year % 100:02d}{serial:06d}"


def rows(count: int, first_serial: int) -> list[dict]:
    """Households of four (head, spouse, two children; the youngest half without an ID)."""
    out = []
    serial = first_serial
    for index in range(count):
        h, member = divmod(index, 4)
        year = 1940 + h % 50
        sex, born, relation, with_id = (
            ("male", date(year, 1 + h % 12, 1 + h % 28), "Chủ hộ", True),
            ("female", date(year + 2, 1 + h % 12, 1 + h % 28), "Vợ/chồng", True),
            ("female", date(1995 + h % 10, 6, 15), "Con", True),
            ("male", date(2015 + h % 10, 2, 10), "Con", h % 2 == 0),
        )[member]
        serial += 1
        out.append(
            {
                "household_code": f"B{first_serial}-{h:05d}",
                "commune_code": COMMUNE,
                "village": "Thôn Đông",
                "address": f"Số {h % 200 + 1}, đường Lê Lợi",
                "area": "Nông thôn",
                "full_name": "Nguyễn Thị Hồng Nhung" if sex == "female" else "Trần Văn Đức",
                "sex": "Nữ" if sex == "female" else "Nam",
                "date_of_birth": born.strftime("%d/%m/%Y"),
                "national_id": national_id(sex, born, serial) if with_id else "",
                "ethnicity": "Kinh",
                "relation_to_head": relation,
                "phone": f"09{serial % 10**8:08d}",
            }
        )
    return out


def csv_bytes(data: list[dict]) -> bytes:
    import csv

    from beneficiaries.imports import COLUMNS

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in COLUMNS])
    for row in data:
        writer.writerow([row[c.key] for c in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(data: list[dict]) -> bytes:
    from beneficiaries.imports import template_rows

    return template_rows(data)


def upload(name: str, content: bytes):
    handle = io.BytesIO(content)
    handle.name = name
    handle.size = len(content)
    return handle


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="postgres://… (default: SQLite file in a temp dir)")
    args = parser.parse_args()

    scratch = scratch_database("bench_import_", args.database_url)
    from django.db import connection

    from beneficiaries.imports import persons_import
    from beneficiaries.models import Person
    from registry.models import User
    from registry.roles import SOCIAL_WORKER, sync_roles

    try:
        sync_roles()
        from django.contrib.auth.models import Group

        user = User.objects.create_user("bench", password=None)
        user.groups.add(Group.objects.get(name=SOCIAL_WORKER))
        user.communes.set([COMMUNE])
        user = User.objects.get(pk=user.pk)  # fresh permission cache

        print(f"backend: {connection.vendor} {connection.settings_dict['NAME']}")
        print(
            f"rows per file: {args.rows:,}; runs per format: {args.runs}; limit {LIMIT_SECONDS:.0f} s"
        )
        print()
        print(f"{'format':<6} {'step':<16} {'median s':>9} {'min s':>7} {'rows/s':>8}  vs limit")
        serial = 0
        failed = False
        for fmt, build in (("csv", csv_bytes), ("xlsx", xlsx_bytes)):
            build_times, dry_times, import_times = [], [], []
            for _run in range(args.runs):
                data = rows(args.rows, serial)
                serial += args.rows
                started = time.perf_counter()
                content = build(data)
                build_times.append(time.perf_counter() - started)

                started = time.perf_counter()
                result = persons_import(
                    actor=user, file=upload(f"bench.{fmt}", content), dry_run=True
                )
                dry_times.append(time.perf_counter() - started)
                assert result.created == args.rows, result

                before = Person.objects.count()
                started = time.perf_counter()
                result = persons_import(actor=user, file=upload(f"bench.{fmt}", content))
                import_times.append(time.perf_counter() - started)
                assert result.created == args.rows, result
                assert Person.objects.count() == before + args.rows
            for step, times, limited in (
                ("write file", build_times, False),
                ("dry run", dry_times, False),
                ("import", import_times, True),
            ):
                median = statistics.median(times)
                verdict = ""
                if limited:
                    ok = median < LIMIT_SECONDS
                    failed |= not ok
                    verdict = f"{'OK' if ok else 'OVER'} ({median / LIMIT_SECONDS:.0%} of 30 s)"
                print(
                    f"{fmt:<6} {step:<16} {median:>9.2f} {min(times):>7.2f} "
                    f"{args.rows / median:>8,.0f}  {verdict}"
                )
        print()
        print(f"persons in the table at the end: {Person.objects.count():,}")
        return 1 if failed else 0
    finally:
        scratch.close()


if __name__ == "__main__":
    sys.exit(main())
