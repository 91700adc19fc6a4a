"""Times `entitlements_for_month` (what payments calls for every case, every month).

    .venv/bin/python bench/bench_entitlements.py                 # 60,000 cases, SQLite temp file
    .venv/bin/python bench/bench_entitlements.py --cases 600000
    .venv/bin/python bench/bench_entitlements.py --database-url postgres://postgres@127.0.0.1:5432/h_ent

Cases of every programme are written with bulk_create (persons with their encrypted columns
empty, a 5.6 case's disability level encrypted as usual), a tenth of them suspended. What is
measured is one call of `entitlements_for_month(Case.objects.all(), month)` and its number of
queries. The limit is measured in the same run: 10 × the time of reading the same case rows
(`values()` with the joined person and commune, the suspensions and the adjustments) without
computing anything, so the rules may cost at most nine times the database read. The run fails
when the queries are not 5 or the time is over the limit. Output: `name value unit limit ratio`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import scratch_database  # noqa: E402

COMMUNE = "18859"


def fill(n: int) -> None:
    from beneficiaries.identifiers import household_codes_issue
    from beneficiaries.models import Case, CaseSuspension, Household, Person

    rng = random.Random(9)
    household = Household.objects.create(
        code=household_codes_issue(COMMUNE)[0], commune_id=COMMUNE, area="rural"
    )
    chunk = 5_000
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        persons = Person.objects.bulk_create(
            [
                Person(
                    ss_code=f"B{start + i:013d}",
                    full_name="x",
                    sex="male",
                    date_of_birth=date(rng.randint(1930, 2015), rng.randint(1, 12), 1),
                    household=household,
                    relation_to_head="other",
                    commune_id=COMMUNE,
                )  # fmt: skip
                for i in range(size)
            ]
        )
        cases = []
        for person in persons:
            kind = rng.random()
            if kind < 0.5:
                cases.append(
                    Case(
                        person=person,
                        commune_id=COMMUNE,
                        programme="social_assistance",
                        category="5.6",
                        other_categories=["5.5a"],
                        disability_level=rng.choice(["severe", "extremely_severe"]),
                        status="approved",
                        decision_number="1/QĐ",
                        decision_date=date(2024, 1, 5),
                        start_month=date(2024, 1, 1),
                    )
                )
            elif kind < 0.8:
                cases.append(
                    Case(
                        person=person,
                        commune_id=COMMUNE,
                        programme="social_pension",
                        category="pension",
                        status="approved",
                        decision_number="1/QĐ",
                        decision_date=date(2025, 7, 5),
                        start_month=date(2025, 7, 1),
                    )
                )
            else:
                cases.append(
                    Case(
                        person=person,
                        commune_id=COMMUNE,
                        programme="meritorious",
                        category="relative",
                        meritorious_grade="martyrs_1",
                        status="approved",
                        decision_number="1/QĐ",
                        decision_date=date(2024, 1, 5),
                        start_month=date(2024, 1, 1),
                    )
                )
            # fmt: skip
        Case.objects.bulk_create(cases)
        CaseSuspension.objects.bulk_create(
            [CaseSuspension(case=c, from_month=date(2026, 6, 1)) for c in cases[::10]]
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=60_000)
    parser.add_argument("--database-url", help="postgres://… (default: SQLite file in a temp dir)")
    args = parser.parse_args()
    scratch = scratch_database("bench_entitlements_", args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from beneficiaries.entitlements import entitlements_for_month
    from beneficiaries.entitlements.batch import _CASE_FIELDS
    from beneficiaries.models import Case, CaseAdjustment, CaseSuspension

    try:
        fill(args.cases)
        month = date(2026, 11, 1)
        started = time.perf_counter()
        rows = list(Case.objects.values(*_CASE_FIELDS).iterator(chunk_size=5000))
        list(CaseSuspension.objects.values_list("case_id", "from_month", "to_month"))
        list(CaseAdjustment.objects.filter(status="approved").values())
        read = time.perf_counter() - started
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = entitlements_for_month(Case.objects.all(), month)
            elapsed = time.perf_counter() - started
        limit = 10 * read
        paid = sum(1 for e in result.values() if e.amount > 0)
        print(f"backend: {connection.vendor}; cases {len(rows):,}; paid {paid:,}")
        print("name value unit limit ratio")
        print(f"entitlements_for_month_queries {len(queries)} queries 5 {len(queries) / 5:.2f}")
        print(f"entitlements_for_month {elapsed:.2f} s {limit:.2f} {elapsed / limit:.2f}")
        print(f"per_case {elapsed / len(rows) * 1e6:.1f} us - -")
        return 0 if len(queries) == 5 and elapsed <= limit and len(result) == len(rows) else 1
    finally:
        scratch.close()


if __name__ == "__main__":
    sys.exit(main())
