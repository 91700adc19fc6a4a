"""The XLSX lists' fast row writer gives the same bytes as XlsxWriter's per-cell path, for the
texts that need escaping, formula guards, blanks, deductions and the cash list's taller rows."""

from __future__ import annotations

from decimal import Decimal

import pytest

from payments.exports import EXPORTERS
from payments.exports.tabular import XlsxListExporter
from tests.payments.test_exports_lists import sheet_rows
from tests.payments.test_exports_pain001 import header, line, mixed_lines

TRICKY = [
    line(1, full_name="Lê <Văn> & \"Tám\"", account_name=" NGUYEN VAN A "),
    line(2, full_name="=HYPERLINK(\"http://x\")", category="+5.5c", channel="cash", bank_bin="",
         bank_bic="", account_number=""),
    line(3, full_name="Tab\tand _x0041_ and \x07bell", arrears=Decimal("150000")),
    line(4, deduction=Decimal("500000")),
    line(5, amount=Decimal("500000.5")),
]  # fmt: skip


def export(key: str, lines, *, fast: bool, monkeypatch) -> bytes:
    monkeypatch.setattr(XlsxListExporter, "fast_rows", fast)
    return b"".join(EXPORTERS[key](header(), iter(lines)).stream())


@pytest.mark.parametrize("key", ["xlsx", "cash_xlsx"])
@pytest.mark.parametrize("lines", [TRICKY, mixed_lines(40)], ids=["tricky", "mixed"])
def test_fast_rows_write_the_bytes_of_the_per_cell_path(key, lines, monkeypatch):
    fast = export(key, lines, fast=True, monkeypatch=monkeypatch)
    assert fast == export(key, lines, fast=False, monkeypatch=monkeypatch)
    assert fast == export(key, lines, fast=True, monkeypatch=monkeypatch)  # a re-export


def test_the_list_reads_back_with_the_deduction_in_its_last_column(monkeypatch):
    rows = sheet_rows(export("xlsx", TRICKY, fast=True, monkeypatch=monkeypatch))
    heading = next(row for row in rows if row and row[0] == "STT")
    assert heading[-1] == "Khấu trừ thu hồi"
    deducted = next(row for row in rows if row and row[13] == "B7-L4")
    assert (deducted[10], deducted[12], deducted[15]) == (500000, 0, 500000)
    guarded = next(row for row in rows if row and row[13] == "B7-L2")
    assert not str(guarded[2]).startswith("=")
