"""The figures of `make bench` measured on a generated population, each beside its limit.

Every function returns a list of `Figure`s; `bench/run.py` prints them. Limits are the issue's
targets (issue 17), scaled to the run's size where the target is stated for another size, or
the reference measured in the same run (a bare query or writer)."""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass
from datetime import date

from bench.population import PERIOD, PROVINCE

LOOKUPS = 1000  # of each kind, drawn from the population's sample (100 rows of each file)


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    limit: float | None = None  # None: shown for reference only
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        return self.value / self.limit if self.limit else None

    @property
    def ok(self) -> bool:
        if self.limit is None:
            return True
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit

    def line(self) -> str:
        limit = (
            "-"
            if self.limit is None
            else f"{'≥' if self.higher_is_better else '≤'}{_num(self.limit)}"
        )
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}"
        verdict = "" if self.limit is None else ("ok" if self.ok else "MISSED")
        return f"{self.name:<34} {_num(self.value):>10} {self.unit:<11} {limit:>10} {ratio:>6}  {verdict}"


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# --- import vs raw executemany ----------------------------------------------------------------


def raw_executemany(persons: int) -> float:
    """Persons/s of a plain `executemany` of the stored household and person rows (already
    encrypted, as the import wrote them) into copies of the tables without indexes."""
    from django.db import connection, transaction

    seconds = 0.0
    with connection.cursor() as cursor:
        for table in ("beneficiaries_household", "beneficiaries_person"):
            copy = f"bench_raw_{table.split('_', 1)[1]}"
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {table} WHERE 1 = 0")
            reader = connection.connection.cursor()  # a second cursor: read while writing
            reader.execute(f"SELECT * FROM {table} ORDER BY id")
            width = len(reader.description)
            insert = f"INSERT INTO {copy} VALUES ({', '.join(['%s'] * width)})"
            while chunk := reader.fetchmany(20_000):
                started = time.perf_counter()
                with transaction.atomic():
                    cursor.executemany(insert, chunk)
                seconds += time.perf_counter() - started
            reader.close()
            cursor.execute(f"DROP TABLE {copy}")
    return persons / seconds


def import_figures(stats, raw_rate: float) -> list[Figure]:
    return [
        Figure("import_rate", stats.import_rate, "persons/s", 1_000_000 / 600, True),
        Figure(
            "import_rate_cpu",
            stats.persons / stats.import_cpu,
            "persons/cpu-s",
            1_000_000 / 600,
            True,
        ),
        Figure("import_raw_executemany", raw_rate, "persons/s"),
        Figure("import_vs_raw", stats.import_rate / raw_rate, "x", 0.25, True),
        Figure("import_1m_projected", 1_000_000 / stats.import_rate, "s", 600),
    ]


# --- lookups ------------------------------------------------------------------------------------


# What the API does with a search: the exact count, then the first page (PersonList's size).
LOOKUP_PAGE = 50


def _lookup(persons_search, user, key: str, value: str) -> int:
    result = persons_search(user=user, **{key: value})
    count = len(result)
    list(result[:LOOKUP_PAGE])
    return count


def lookup_figures(user, national_ids: list[str], names: list[str], *, worker=None) -> list[Figure]:
    """By national ID and by name as `user` (every commune), then by name as `worker` (a
    social worker of one commune, the everyday search: fewer namesakes in scope)."""
    from beneficiaries.selectors import persons_search

    out, rng = [], random.Random(5)
    runs = [("national_id", "national_id", national_ids, user), ("name", "name", names, user)]
    if worker is not None:
        runs.append(("name_one_commune", "name", names, worker))
    for label, key, values, who in runs:
        values = rng.sample(values, min(len(values), LOOKUPS))
        _lookup(persons_search, who, key, values[0])  # warm
        times, found, started_cpu = [], 0, time.process_time()
        for value in values:
            started = time.perf_counter()
            found += _lookup(persons_search, who, key, value) > 0
            times.append((time.perf_counter() - started) * 1000)
        cpu_ms = (time.process_time() - started_cpu) * 1000 / len(values)
        out += [
            Figure(f"lookup_{label}_p50", statistics.median(times), "ms"),
            Figure(f"lookup_{label}_p99", percentile(times, 0.99), "ms", 5.0),
            Figure(f"lookup_{label}_cpu_mean", cpu_ms, "cpu-ms"),
        ]
        if who is user:  # every sampled value is someone's in the province
            out.append(Figure(f"lookup_{label}_found", found / len(values), "share", 1.0, True))
    return out


# --- one month's batch --------------------------------------------------------------------------

INSERT_SELECT_ACTIVE = """
INSERT INTO payments_paymentline (batch_id, case_id, person_id, commune_id, period, claimed,
    programme, category, amount, arrears, channel, bank_bin, end_to_end_id, status,
    failure_reason, reversed, one_off)
SELECT %s, c.id, c.person_id, c.commune_id, %s, %s, c.programme, c.category, 500000, 0,
    'cash', '', 'X' || c.id, 'pending', '', %s, 0
FROM beneficiaries_case c WHERE c.status = 'approved'
"""


def batch_figures(actor, approver, commune_codes: list[str]):
    """(figures, batch): `payment_batch_generate` for every active case of the province, approved
    by a second user, beside one INSERT … SELECT of the same lines (then deleted)."""
    from django.db import connection, transaction

    from payments import services
    from payments.models import PaymentBatch, PaymentLine

    started, started_cpu = time.perf_counter(), time.process_time()
    batch = services.payment_batch_generate(
        actor=actor, period=f"{PERIOD:%Y-%m}", commune_codes=commune_codes
    )
    generate, generate_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    services.payment_batch_approve(actor=approver, batch_id=batch.pk)

    reference = PaymentBatch.objects.create(period=date(2026, 8, 1), created_by=actor)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(INSERT_SELECT_ACTIVE, [reference.pk, date(2026, 8, 1), True, False])
    insert_select = time.perf_counter() - started
    PaymentLine.objects.filter(batch=reference).delete()
    reference.delete()
    lines = batch.line_count
    return [
        Figure("batch_lines", lines, "lines"),
        Figure("batch_generate", generate, "s", 60 * lines / 600_000),
        Figure("batch_600k_projected", generate * 600_000 / lines, "s", 60),
        Figure("batch_600k_cpu", generate_cpu * 600_000 / lines, "cpu-s", 60),
        Figure("batch_insert_select", insert_select, "s"),
        Figure("batch_vs_insert_select", generate / insert_select, "x"),
    ], batch


# --- certificates -------------------------------------------------------------------------------


def certificate_figures(approver, pages: int, runs: int = 2) -> list[Figure]:
    """Issue about `pages` certificates (beneficiary status of each approved case, then poor
    households) in the communes with most cases, time `certificates_batch_print` commune by
    commune (pages over seconds, median of `runs`), beside the household renderer without QR
    codes on as many synthetic pages."""
    from django.db.models import Count

    from bench.bench_certificates import documents
    from beneficiaries.models import Case, Household
    from certificates import printing, services
    from certificates.renderers import HouseholdPovertyRenderer

    ranked = (
        Case.objects.filter(status="approved")
        .values("commune_id")
        .annotate(n=Count("id"))
        .order_by("-n", "commune_id")
    )
    chosen, issued = [], 0
    for row in ranked:
        if issued >= pages:
            break
        commune = row["commune_id"]
        chosen.append(commune)
        cases = Case.objects.filter(commune_id=commune, status="approved").values_list(
            "pk", flat=True
        )
        for case_id in cases[: pages - issued]:
            services.certificate_issue(actor=approver, kind="beneficiary_status", case_id=case_id)
            issued += 1
        poor = Household.objects.filter(
            commune_id=commune,
            poverty_assessments__year=2026,
            poverty_assessments__classification="poor",
        ).values_list("pk", flat=True)
        for household_id in poor[: max(0, pages - issued)]:
            services.certificate_issue(
                actor=approver, kind="household_poverty", household_id=household_id
            )
            issued += 1

    def timed(render) -> tuple[float, float]:
        walls, cpus = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            render()
            walls.append(time.perf_counter() - started)
            cpus.append(time.process_time() - started_cpu)
        return statistics.median(walls), statistics.median(cpus)

    wall, cpu = timed(
        lambda: [printing.certificates_batch_print(actor=approver, commune_code=c) for c in chosen]
    )
    renderer = HouseholdPovertyRenderer()
    household_docs, _status = documents(issued)
    renderer.render(household_docs[:5])
    plain, plain_cpu = timed(lambda: renderer.render(household_docs, total=issued))
    return [
        Figure("certificates_pages", issued, f"pages/{len(chosen)}c"),
        Figure("certificates_batch_print", issued / wall, "pages/s", 150, True),
        Figure("certificates_batch_print_cpu", issued / cpu, "pages/cpu-s", 150, True),
        Figure("certificates_renderer_no_qr", issued / plain, "pages/s"),
        Figure("certificates_renderer_no_qr_cpu", issued / plain_cpu, "pages/cpu-s"),
        Figure("certificates_vs_no_qr", plain / wall, "x"),
    ]


# --- report summary -----------------------------------------------------------------------------


def report_figures(auditor, writer, commune_code: str, runs: int = 3) -> list[Figure]:
    """The summary computed from nothing (every commune: what the first request of a period
    costs, or `reports_warm`), and as it answers once figures are stored: after a household
    registered in one commune (only that commune recomputed, reports/snapshot.py) — beside a
    bare GROUP BY of the same counts."""
    from django.conf import settings
    from django.db import connection

    from bench.bench_reports import BARE
    from beneficiaries.services.households import household_register
    from reports.period import period_for
    from reports.summary import report_summary_build

    period = period_for(year=2026)

    def summary():
        report_summary_build(user=auditor, period=period, province=PROVINCE, with_amounts=False)

    def bare():
        with connection.cursor() as cursor:
            for sql in BARE:
                cursor.execute(sql)
                cursor.fetchall()

    def timed(function) -> float:
        started = time.perf_counter()
        function()
        return time.perf_counter() - started

    def median(function) -> float:
        return statistics.median(timed(function) for _ in range(runs))

    def after_write() -> float:
        household_register(actor=writer, commune_code=commune_code, area="rural", address="-")
        return timed(summary)

    saved = settings.REGISTRY_REPORT_CACHE_SECONDS
    try:
        settings.REGISTRY_REPORT_CACHE_SECONDS = 0
        summary()
        bare()
        cold, floor = median(summary), median(bare)
        settings.REGISTRY_REPORT_CACHE_SECONDS = 86400  # production's setting
        summary()  # every commune stored
        after_write()
        written = statistics.median(after_write() for _ in range(runs))
    finally:
        settings.REGISTRY_REPORT_CACHE_SECONDS = saved
    return [
        Figure("report_summary_cold", cold, "s"),
        Figure("report_summary_after_one_write", written, "s", 2.0),
        Figure("report_bare_group_by", floor, "s"),
        Figure("report_cold_vs_group_by", cold / floor, "x", 10.0),
    ]
