"""The person import's rate beside its limits (issue 17): `name value unit limit ratio` lines.

    .venv/bin/python bench/bench_import.py --rows 40000     # SQLite on disk, in a temp dir
    .venv/bin/python bench/bench_import.py --database-url postgres://postgres@127.0.0.1:5432/h_import

`--rows` persons of the generated province (bench/population.py: Faker vi_VN names, households
of 1–8 over the 78 communes) are imported by `persons_import` in CSV files of `--file-rows`, as
`make bench` does; then the figures of bench/figures.py: persons/s, persons per CPU-second of
this process, a raw `executemany` of the same stored rows into the same database, and their
ratio. Last, issue 4's check: one 10,000-row .xlsx file (households of four) under 30 s.

The database is bench/scratch.py's: a fresh SQLite file (and REGISTRY_VAR_DIR for the keys) in a
temporary directory, or `test_<name>` created beside the given PostgreSQL database and dropped
afterwards, so the named database itself is never written to.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import scratch_database  # noqa: E402

LIMIT_SECONDS = 30.0
COMMUNE = "18859"  # a commune of Quảng Trị (province 44)


def national_id(sex: str, born: date, serial: int, place: str = "045") -> str:
    century_sex = (born.year // 100 - 19) * 2 + (1 if sex == "female" else 0)
    return f"{place}{century_sex}{born.year % 100:02d}{serial:06d}"


def rows(count: int, first_serial: int, place: str = "045") -> list[dict]:
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
                "national_id": national_id(sex, born, serial, place) if with_id else "",
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


def _ten_thousand_xlsx(user, serial: int):
    """Issue 4's check: one 10,000-row .xlsx file (households of four) imported under 30 s."""
    import time

    from bench.figures import Figure
    from beneficiaries.imports import persons_import

    # Birth province 052: no number of bench/population.py's, which uses 045, 044, 046 …
    content = xlsx_bytes(rows(10_000, serial, place="052"))
    started = time.perf_counter()
    result = persons_import(actor=user, file=upload("bench.xlsx", content))
    seconds = time.perf_counter() - started
    assert result.created == 10_000, result
    return Figure("import_xlsx_10k", seconds, "s", LIMIT_SECONDS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40_000, help="persons imported in all")
    parser.add_argument("--file-rows", type=int, default=20_000, help="rows per CSV file")
    parser.add_argument("--no-xlsx", action="store_true", help="skip the 10,000-row .xlsx file")
    parser.add_argument("--database-url", help="postgres://… (default: SQLite file in a temp dir)")
    args = parser.parse_args()

    scratch = scratch_database("bench_import_", args.database_url)
    from django.contrib.auth.models import Group
    from django.db import connection

    from bench import figures, population
    from beneficiaries.models import Person
    from registry.models import User
    from registry.roles import SOCIAL_WORKER, sync_roles

    try:
        sync_roles()
        clerk = User.objects.create(username="bench_clerk", is_superuser=True)
        print(f"# backend {connection.vendor}; {args.rows:,} persons in files of "
              f"{args.file_rows:,} rows; load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        population.FILE_ROWS = args.file_rows
        stats = population.Stats()
        population.import_rows(
            population.Population(persons=args.rows), clerk, stats, progress=lambda _m: None
        )
        assert Person.objects.count() == stats.persons == args.rows
        items = figures.import_figures(stats, figures.raw_executemany(stats.persons))
        if not args.no_xlsx:
            user = User.objects.create_user("bench", password=None)
            user.groups.add(Group.objects.get(name=SOCIAL_WORKER))
            user.communes.set([COMMUNE])
            items.append(_ten_thousand_xlsx(User.objects.get(pk=user.pk), 0))
        print(f"{'name':<34} {'value':>10} {'unit':<11} {'limit':>10} {'ratio':>6}")
        for item in items:
            print(item.line())
        print(f"# load average at the end {os.getloadavg()[0]:.1f}; "
              f"persons in the table {Person.objects.count():,}")  # fmt: skip
        return 0 if all(item.ok for item in items) else 1
    finally:
        scratch.close()


if __name__ == "__main__":
    sys.exit(main())
