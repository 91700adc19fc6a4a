"""Export speed and memory: every exporter over N synthetic lines, beside the bare writer of the
same rows measured in the same run.

    .venv/bin/python bench/bench_exports.py                  # 20,000 lines
    .venv/bin/python bench/bench_exports.py --lines 600000   # the issue's figure (minutes)
    .venv/bin/python bench/bench_exports.py --formats xlsx,cash_xlsx

Each measurement runs in a forked child process so that its peak RSS (`ru_maxrss`) is its own;
the child streams the exporter's chunks into a SHA-256, as the export view does, and never keeps
the file. The bare writer ("limit") writes the same values of the same `ExportLine`s with nothing
else: `csv.writer` for the CSV formats, XlsxWriter in constant-memory mode for the XLSX ones, and
`etree.xmlfile` with one element per line (no cutting, folding or checks) for pain.001. Lines:

    <format>_rate         lines/s   limit = the bare writer's lines/s in this run
    <format>_peak_rss     MB        limit = the bare writer's peak RSS in this run
    <format>_rss_issue    MB        limit = 250 MB (issue 11, for 600,000 lines)
    <format>_600k         s         limit = 180 s (issue 11): this run's rate projected
    <format>_*_cpu        the same per CPU second of the child (what an idle core does: the
                          machine is shared, and wall-clock figures move with its load)

Output: `name value unit limit ratio`. Exits 1 when a projection or the RSS is over the issue's limit.
`--tracemalloc` adds each exporter's peak of Python allocations (slower; figures not comparable).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings.test")

ISSUE_SECONDS_600K = 180.0
ISSUE_RSS_MB = 250.0
NAMES = ("Nguyễn Thị Hồng Nhung", "Trần Văn Đức", "Lê Hoàng Ánh Tuyết", "Phạm Quốc Hưng")
BANKS = (("970436", "BFTVVNVX"), ("970415", "ICBVVNVX"), ("970422", ""), ("971005", ""))


def line(name: str, value: float, unit: str, limit: float) -> None:
    ratio = value / limit if limit else 0.0
    print(f"{name} {value:.1f} {unit} {limit:.1f} {ratio:.2f}", flush=True)


def synthetic_lines(count: int):
    from payments.exports import ExportLine

    for n in range(1, count + 1):
        kind = n % 10
        channel = "cash" if kind == 0 else ("ewallet" if kind == 9 else "bank")
        bank_bin, bic = BANKS[3] if channel == "ewallet" else BANKS[n % 3]
        yield ExportLine(
            end_to_end_id=f"B1-L{n}",
            ss_code=f"QT-{n:08d}",
            full_name=NAMES[n % 4],
            commune_code=f"{19000 + n % 500}",
            programme="Trợ cấp xã hội",
            category="Người cao tuổi từ đủ 80 tuổi",
            amount=Decimal(500000 + (n % 7) * 50000),
            arrears=Decimal((n % 5) * 100000),
            channel=channel,
            bank_bin="" if channel == "cash" else bank_bin,
            bank_bic="" if channel == "cash" else bic,
            account_number="" if channel == "cash" else f"{n:013d}",
            account_name="NGUYEN THI HONG NHUNG",
        )


def header(count: int):
    from payments.exports import ExportHeader

    cashless = [item for item in synthetic_lines(count) if item.channel != "cash"]
    return ExportHeader(
        batch_id=1,
        msg_id="BENCH-2026-05-1",
        created_at=datetime(2026, 5, 12, 1, 30, tzinfo=UTC),
        period="2026-05",
        commune_label="Xã Đông Hà",
        programme_label="Trợ cấp xã hội hằng tháng",
        debtor_name="Phòng Lao động - Thương binh và Xã hội",
        debtor_account="0771000123456",
        debtor_bic="BFTVVNVX",
        audit_chain_head="0" * 64,
        line_count=len(cashless),
        control_sum=sum((item.total for item in cashless), Decimal(0)),
    )


def values(item) -> list:
    return [
        item.end_to_end_id,
        item.ss_code,
        item.full_name,
        item.commune_code,
        item.programme,
        item.category,
        item.channel,
        item.bank_bin,
        item.account_number,
        item.account_name,
        int(item.amount),
        int(item.arrears),
        int(item.total),
    ]


def bare_csv(count: int, channels) -> bytes:
    digest = hashlib.sha256()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for n, item in enumerate(synthetic_lines(count)):
        if channels is None or item.channel in channels:
            writer.writerow(values(item))
        if n % 500 == 0:
            digest.update(buffer.getvalue().encode())
            buffer.seek(0)
            buffer.truncate()
    digest.update(buffer.getvalue().encode())
    return digest.digest()


def bare_xlsx(count: int, channels) -> bytes:
    import xlsxwriter

    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as output:
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        sheet = workbook.add_worksheet()
        row = 0
        for item in synthetic_lines(count):
            if channels is None or item.channel in channels:
                sheet.write_row(row, 0, values(item))
                row += 1
        workbook.close()
        output.seek(0)
        while chunk := output.read(65536):
            digest.update(chunk)
    return digest.digest()


def bare_xml(count: int, channels) -> bytes:
    from lxml import etree

    digest = hashlib.sha256()

    class Sink:
        def write(self, data: bytes) -> None:
            digest.update(data)

    with etree.xmlfile(Sink(), encoding="UTF-8") as xf:
        with xf.element("Document"):
            for item in synthetic_lines(count):
                if channels is None or item.channel in channels:
                    tx = etree.Element("CdtTrfTxInf")
                    etree.SubElement(tx, "EndToEndId").text = item.end_to_end_id
                    etree.SubElement(tx, "InstdAmt", Ccy="VND").text = str(int(item.total))
                    etree.SubElement(tx, "BIC").text = item.bank_bic or item.bank_bin
                    etree.SubElement(tx, "Nm").text = item.account_name
                    etree.SubElement(tx, "Id").text = item.account_number
                    xf.write(tx)
    return digest.digest()


def run_exporter(key: str, count: int, prepared_header) -> bytes:
    from payments.exports import EXPORTERS

    digest = hashlib.sha256()
    for chunk in EXPORTERS[key](prepared_header, synthetic_lines(count)).stream():
        digest.update(chunk)
    return digest.digest()


def child(job, count: int, use_tracemalloc: bool, pipe) -> None:
    import django

    django.setup()
    if use_tracemalloc:
        tracemalloc.start()
    started, started_cpu = time.perf_counter(), time.process_time()
    job(count)
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    peak_python = tracemalloc.get_traced_memory()[1] if use_tracemalloc else 0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    pipe.send((seconds, cpu, rss_mb, peak_python / 2**20))
    pipe.close()


def measure(job, count: int, use_tracemalloc: bool = False) -> tuple[float, float, float, float]:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=child, args=(job, count, use_tracemalloc, sender))
    process.start()
    result = receiver.recv()
    process.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--formats", help="comma-separated, e.g. xlsx,cash_xlsx (default: all)")
    args = parser.parse_args()
    count = args.lines
    cash, cashless = frozenset({"cash"}), frozenset({"bank", "ewallet"})
    formats = {
        "csv": lambda n: bare_csv(n, None),
        "xlsx": lambda n: bare_xlsx(n, None),
        "cash_xlsx": lambda n: bare_xlsx(n, cash),
        "pain001": lambda n: bare_xml(n, cashless),
        "vcb_bulk": lambda n: bare_csv(n, cashless),
    }
    if args.formats:
        formats = {key: formats[key] for key in args.formats.split(",")}
    print(
        f"# {count} lines (a tenth cash, a tenth e-wallet); load average {os.getloadavg()[0]:.1f}"
    )
    import django

    django.setup()
    prepared = header(count)  # the caller's aggregate query: outside the timed part
    failed = False
    for key, bare in formats.items():
        bare_seconds, bare_cpu, bare_rss, _ = measure(bare, count)
        export = lambda n, key=key: run_exporter(key, n, prepared)  # noqa: E731
        seconds, cpu, rss, _ = measure(export, count)
        rate, bare_rate = count / seconds, count / bare_seconds
        projected = 600_000 / rate
        line(f"{key}_rate", rate, "lines/s", bare_rate)
        line(f"{key}_rate_cpu", count / cpu, "lines/cpu-s", count / bare_cpu)
        line(f"{key}_peak_rss", rss, "MB", bare_rss)
        line(f"{key}_rss_issue", rss, "MB", ISSUE_RSS_MB)
        line(f"{key}_600k", projected, "s", ISSUE_SECONDS_600K)
        line(f"{key}_600k_cpu", 600_000 * cpu / count, "cpu-s", ISSUE_SECONDS_600K)
        if args.tracemalloc:
            python_peak = measure(export, count, True)[3]
            line(f"{key}_python_peak", python_peak, "MB", ISSUE_RSS_MB)
        failed |= projected > ISSUE_SECONDS_600K or rss > ISSUE_RSS_MB
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
