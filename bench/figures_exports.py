"""Export figures: each format of the whole batch as the download view streams it, beside a bare
writer of the same rows with no decryption, each in a fresh process (time, CPU, peak RSS)."""

from __future__ import annotations

import csv
import hashlib
import importlib
import io
import multiprocessing
import resource
import tempfile
import time

from bench.figures import Figure

RAW_LINES = """
SELECT l.end_to_end_id, p.ss_code, p.full_name, l.commune_id, l.programme, l.category, l.channel,
    l.bank_bin, l.account_number, l.account_name, l.amount, l.arrears
FROM payments_paymentline l JOIN beneficiaries_person p ON p.id = l.person_id
WHERE l.batch_id = %s {where} ORDER BY l.id
"""


def _raw_lines(batch_id: int, cashless: bool):
    """The batch's rows as stored: personal columns still encrypted, nothing computed."""
    from django.db import connection

    with connection.cursor() as cursor:
        where = "AND l.channel <> 'cash'" if cashless else ""
        cursor.execute(RAW_LINES.format(where=where), [batch_id])
        while chunk := cursor.fetchmany(2000):
            yield from chunk


def _text(value) -> str:
    return value.hex() if isinstance(value, bytes | memoryview) else str(value)


def bare_csv(batch_id: int) -> None:
    digest, buffer = hashlib.sha256(), io.StringIO()
    writer = csv.writer(buffer)
    for n, row in enumerate(_raw_lines(batch_id, False)):
        writer.writerow([_text(value) for value in row])
        if n % 500 == 0:
            digest.update(buffer.getvalue().encode())
            buffer.seek(0)
            buffer.truncate()
    digest.update(buffer.getvalue().encode())


def bare_xlsx(batch_id: int) -> None:
    import xlsxwriter

    with tempfile.TemporaryFile() as output:
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        sheet = workbook.add_worksheet()
        for n, row in enumerate(_raw_lines(batch_id, False)):
            sheet.write_row(n, 0, [_text(value) for value in row])
        workbook.close()


def bare_xml(batch_id: int) -> None:
    from lxml import etree

    digest = hashlib.sha256()

    class Sink:
        def write(self, data: bytes) -> None:
            digest.update(data)

    with etree.xmlfile(Sink(), encoding="UTF-8") as xf, xf.element("Document"):
        for row in _raw_lines(batch_id, True):
            tx = etree.Element("CdtTrfTxInf")
            etree.SubElement(tx, "EndToEndId").text = row[0]
            etree.SubElement(tx, "InstdAmt", Ccy="VND").text = str(int(row[10]) + int(row[11]))
            etree.SubElement(tx, "Id").text = row[7]
            etree.SubElement(tx, "Nm").text = _text(row[9])
            etree.SubElement(tx, "Acct").text = _text(row[8])
            xf.write(tx)


PRELOAD = ("payments.exporting", "payments.exports", "payments.selectors", "registry.models",
           "lxml.etree", "xlsxwriter", "csv")  # fmt: skip


def export_file(batch_id: int, file_format: str, actor_pk: int) -> None:
    """The export as the view streams it (payments.exporting.batch_file), into a SHA-256."""
    from payments.exporting import batch_file
    from registry.models import User

    actor = User.objects.get(pk=actor_pk)
    digest = hashlib.sha256()
    for chunk in batch_file(actor=actor, batch_id=batch_id, file_format=file_format).chunks:
        digest.update(chunk)


def _child(job, args: tuple, database_url: str, pipe) -> None:
    import os

    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    for module in PRELOAD:  # imported before the clock starts: the job's time is its own
        importlib.import_module(module)
    started, started_cpu = time.perf_counter(), time.process_time()
    job(*args)
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    pipe.send((seconds, cpu, _peak_rss_mb()))
    pipe.close()


def _peak_rss_mb() -> float:
    """This process image's peak RSS. Not `ru_maxrss`: Linux keeps across exec the peak of the
    forked image before it, i.e. the runner's RSS at the moment it spawned the child."""
    for line in open("/proc/self/status", encoding="ascii"):  # noqa: SIM115
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_spawned(job, *args) -> tuple[float, float, float]:
    """(seconds, CPU seconds, peak RSS MB) of `job(*args)` in a fresh Python process (spawned,
    not forked: a fork would carry this process's memory into the child's peak RSS). The
    child's Django start-up is in its RSS (as in a web worker) but not in its time."""
    from bench.figures_load import database_url

    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(job, args, database_url(), sender))
    process.start()
    sender.close()  # so that a child which dies unanswered raises EOFError here, not a hang
    try:
        return receiver.recv()
    finally:
        process.join()


def export_figures(actor, batch) -> list[Figure]:
    from payments.models import PaymentLine

    lines = batch.line_count
    cashless = PaymentLine.objects.filter(batch=batch).exclude(channel="cash").count()
    out = []
    for file_format, bare in (("csv", bare_csv), ("xlsx", bare_xlsx), ("pain001", bare_xml)):
        count = cashless if file_format == "pain001" else lines
        bare_seconds, _cpu, bare_rss = measure_spawned(bare, batch.pk)
        seconds, cpu, rss = measure_spawned(export_file, batch.pk, file_format, actor.pk)
        out += [
            Figure(f"export_{file_format}_rate", count / seconds, "lines/s", None, True),
            Figure(f"export_{file_format}_bare_rate", count / bare_seconds, "lines/s"),
            Figure(f"export_{file_format}_peak_rss", rss, "MB", 250),
            Figure(f"export_{file_format}_bare_peak_rss", bare_rss, "MB"),
        ]
        if file_format == "csv":
            out.append(Figure("export_csv_vs_bare", seconds / bare_seconds, "x", 3.0))
        else:
            out.append(Figure(f"export_{file_format}_vs_bare", seconds / bare_seconds, "x"))
            out.append(
                Figure(f"export_{file_format}_600k_projected", seconds * 600_000 / count, "s", 180)
            )
        out.append(Figure(f"export_{file_format}_600k_cpu", cpu * 600_000 / count, "cpu-s"))
    return out
