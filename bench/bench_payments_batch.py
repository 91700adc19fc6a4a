"""Times `payment_batch_generate` (a month's batch) against a single INSERT … SELECT of the same lines.

    .venv/bin/python bench/bench_payments_batch.py                  # 20,000 cases, SQLite temp file
    .venv/bin/python bench/bench_payments_batch.py --cases 600000   # the issue's size (minutes)
    .venv/bin/python bench/bench_payments_batch.py --database-url postgres://postgres@127.0.0.1:5432/h_pay
    .venv/bin/python bench/bench_payments_batch.py --history 12     # a year already paid first

Approved social-assistance and social-pension cases starting in the batch's month (so no
arrears) are written with bulk_create, half of the persons with a bank account. Measured: one
`payment_batch_generate` for the month (entitlements read and computed by the CaseBook, accounts
decrypted and frozen encrypted on each line, lines and paid months inserted, totals, audit).
Beside it, in the same run, a single `INSERT … SELECT` writing one line per case with a constant
amount and no encryption: what the database alone needs to write that many lines. The issue's
limit is 60 s for 600,000 cases; for a smaller run it is scaled to the number of cases.
Output: `name value unit limit ratio`; the exit status is 1 when a figure is over its limit.

`--history N`: the cases start N months earlier and those N months are generated and marked
paid first (not timed), with 1 % of the cases saved again afterwards (a change since they were
paid): the timed batch then also reads the paid history for arrears and recoveries.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import scratch_database  # noqa: E402

COMMUNE = "18859"
PERIOD = date(2026, 7, 1)
LIMIT_600K = 60.0


def fill(n: int, first_month: date = PERIOD) -> None:
    from beneficiaries.identifiers import household_codes_issue
    from beneficiaries.models import Case, Household, Person
    from payments.models import PaymentAccount

    household = Household.objects.create(
        code=household_codes_issue(COMMUNE)[0], commune_id=COMMUNE, area="rural"
    )
    chunk = 5_000
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        persons = Person.objects.bulk_create(
            [
                Person(
                    ss_code=f"P{start + i:013d}",
                    full_name="Nguyễn Văn An",
                    sex="male",
                    date_of_birth=date(1930 + (start + i) % 15, 1, 1),
                    household=household,
                    relation_to_head="other",
                    commune_id=COMMUNE,
                )  # fmt: skip
                for i in range(size)
            ]
        )
        Case.objects.bulk_create(
            [
                Case(
                    person=person,
                    commune_id=COMMUNE,
                    status="approved",
                    programme="social_pension" if i % 3 == 0 else "social_assistance",
                    category="pension" if i % 3 == 0 else "5.5c",
                    decision_number="1/QĐ",
                    decision_date=first_month,
                    start_month=first_month,
                )  # fmt: skip
                for i, person in enumerate(persons)
            ]
        )
        PaymentAccount.objects.bulk_create(
            [
                PaymentAccount(
                    person=person,
                    channel="bank",
                    bank_bin="970436",
                    account_number=f"{1000000000 + start + i}",
                    account_name="NGUYEN VAN AN",
                )  # fmt: skip
                for i, person in enumerate(persons)
                if i % 2 == 0
            ]
        )


INSERT_SELECT = """
INSERT INTO payments_paymentline (batch_id, case_id, person_id, commune_id, period, claimed,
    programme, category, amount, arrears, channel, bank_bin, end_to_end_id, status,
    failure_reason, reversed, one_off, deduction)
SELECT %s, c.id, c.person_id, c.commune_id, %s, %s, c.programme, c.category, 500000, 0,
    'cash', '', 'X' || c.id, 'pending', '', %s, 0, 0
FROM beneficiaries_case c
"""


def history(actor, months: int, cases: int) -> None:
    """Generate and mark paid the months before PERIOD, then save 1 % of the cases again."""
    from django.utils import timezone

    from beneficiaries.entitlements import add_months
    from beneficiaries.models import Case
    from payments import services
    from payments.models import PaymentLine

    for back in range(months, 0, -1):
        month = add_months(PERIOD, -back)
        batch = services.payment_batch_generate(
            actor=actor, period=f"{month:%Y-%m}", commune_codes=[COMMUNE]
        )
        PaymentLine.objects.filter(batch=batch).update(status="paid", paid_at=month)
        batch.status = "reconciled"
        batch.save(update_fields=["status"])
    Case.objects.filter(pk__in=Case.objects.order_by("pk").values("pk")[: cases // 100]).update(
        updated_at=timezone.now()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--database-url", help="postgres://… (default: SQLite file in a temp dir)")
    parser.add_argument("--history", type=int, default=0, help="months paid before (not timed)")
    args = parser.parse_args()
    scratch = scratch_database("bench_payments_", args.database_url)
    from django.db import connection, transaction

    from payments import services
    from payments.models import PaymentBatch, PaymentLine
    from registry.models import User

    try:
        from beneficiaries.entitlements import add_months

        fill(args.cases, add_months(PERIOD, -args.history))
        actor = User.objects.create(username="bench", is_superuser=True)
        if args.history:
            history(actor, args.history, args.cases)

        started, started_cpu = time.perf_counter(), time.process_time()
        batch = services.payment_batch_generate(
            actor=actor, period=f"{PERIOD:%Y-%m}", commune_codes=[COMMUNE]
        )
        generate = time.perf_counter() - started
        generate_cpu = time.process_time() - started_cpu

        from beneficiaries.entitlements import entitlements_for_month
        from payments.services.generation import payable_cases

        started, started_cpu = time.perf_counter(), time.process_time()
        entitlements_for_month(payable_cases(date(2026, 8, 1), [COMMUNE]), date(2026, 8, 1))
        entitlements = time.perf_counter() - started
        entitlements_cpu = time.process_time() - started_cpu

        reference = PaymentBatch.objects.create(period=date(2026, 8, 1), created_by=actor)
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(INSERT_SELECT, [reference.pk, date(2026, 8, 1), True, False])
        insert_select = time.perf_counter() - started
        inserted = PaymentLine.objects.filter(batch=reference).count()

        limit = LIMIT_600K * args.cases / 600_000
        print(f"backend: {connection.vendor}; cases {args.cases:,}; lines {batch.line_count:,}; "
              f"reference lines {inserted:,}; cashless {batch.cashless_count:,}")  # fmt: skip
        print("name value unit limit ratio")
        print(f"# load average {os.getloadavg()[0]:.1f} (2 cores): wall figures move with it")
        print(f"payment_batch_generate {generate:.2f} s {limit:.2f} {generate / limit:.2f}")
        print(f"payment_batch_generate_cpu {generate_cpu:.2f} cpu-s {limit:.2f} "
              f"{generate_cpu / limit:.2f}")  # fmt: skip
        print(f"insert_select_same_lines {insert_select:.2f} s - -")
        print(f"entitlements_for_month_same_cases {entitlements:.2f} s - -")
        print(f"entitlements_for_month_same_cases_cpu {entitlements_cpu:.2f} cpu-s - -")
        print(f"generate_vs_insert_select {generate / insert_select:.1f} x - -")
        print(f"per_line {generate / max(batch.line_count, 1) * 1e6:.1f} us - -")
        if args.history:
            print(f"# with {args.history} months already paid ({args.history * args.cases:,} "
                  "paid months read for arrears and recoveries)")  # fmt: skip
        ok = batch.line_count == args.cases == inserted and generate <= limit
        return 0 if ok else 1
    finally:
        scratch.close()


if __name__ == "__main__":
    sys.exit(main())
