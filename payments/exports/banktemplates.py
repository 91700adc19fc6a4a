"""Banks' own bulk-transfer templates: one class of a few lines each over the CSV/XLSX bases.

`VcbBulkTransfer` is an EXAMPLE of how to add one, not a copy of Vietcombank's current template:
before sending such a file, check its columns against the template the bank hands the province
(column order, headings and whether the amount has separators change from bank to bank). To add a
bank: subclass `CsvListExporter` or `XlsxListExporter`, set `key` and `channels`, list the columns
and say what one line's row is.
"""

from __future__ import annotations

from collections.abc import Sequence

from payments.exports.base import CASHLESS, ExportLine, register
from payments.exports.tabular import Cell, Column, CsvListExporter
from payments.exports.text import cut, fold, vnd


@register
class VcbBulkTransfer(CsvListExporter):
    """Example layout of a bank's bulk-transfer upload: cashless lines, names without diacritics."""

    key = "vcb_bulk"
    channels = CASHLESS

    def columns(self) -> Sequence[Column]:
        return (
            Column("STT"),
            Column("So tai khoan nguoi huong"),
            Column("Ten nguoi huong"),
            Column("Ma ngan hang (BIN)"),
            Column("So tien"),
            Column("Noi dung"),
        )

    def row(self, number: int, line: ExportLine) -> Sequence[Cell]:
        period = self.header.period_label
        purpose = cut(fold(f"TRO CAP T{period} {line.ss_code} {line.end_to_end_id}"), 70)
        return [
            number,
            line.account_number,
            fold(line.account_name),
            line.bank_bin,
            vnd(line.total),
            purpose,
        ]
