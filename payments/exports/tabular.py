"""CSV and XLSX writers for exporters that are lists of rows (the pretix pattern).

A list exporter says what its columns are (`columns`) and what one line's row is (`row`); these
bases write them. CSV: UTF-8 with a BOM so that Excel shows Vietnamese, every text cell guarded
against formula injection, flushed every few hundred rows. XLSX: XlsxWriter in `constant_memory`
mode (each row goes to a temporary file as soon as it is written), the finished file is then read
back in chunks; its zip entries carry XlsxWriter's fixed 1980 timestamp and the document's
creation time is the header's, so the same batch gives the same bytes.

The documents are in Vietnamese whatever the user's language: a payment list is an official
paper, and an export must give the same bytes (and SHA-256) to every user.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal

import xlsxwriter

from payments.exports.base import Exporter, ExportLine, Totals
from payments.exports.text import amount_in_words, safe_cell
from payments.exports.xlsx_rows import FastRows

Cell = str | int | Decimal | None

CHANNEL_LABELS = {"bank": "Ngân hàng", "ewallet": "Ví điện tử", "cash": "Tiền mặt"}


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    width: float = 14
    money: bool = False


class ListExporter(Exporter):
    """An exporter that is a table: one heading row, then one row per selected line."""

    def columns(self) -> Sequence[Column]:
        raise NotImplementedError

    def row(self, number: int, line: ExportLine) -> Sequence[Cell]:
        raise NotImplementedError

    def title_rows(self) -> Sequence[str]:
        """Lines above the table (XLSX only: a CSV stays a bare table a program can read)."""
        return ()

    def footer_rows(self, totals: Totals) -> Sequence[Sequence[Cell]]:
        """Rows under the table (XLSX only), once every line is written."""
        return ()


def _csv_value(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(safe_cell(str(value)) if isinstance(value, str) else value)


class CsvListExporter(ListExporter):
    content_type = "text/csv; charset=utf-8"
    extension = "csv"
    flush_rows: int = 500

    def stream(self) -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([_csv_value(c.heading) for c in self.columns()])
        yield b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
        pending = 0
        for number, line in enumerate(self.selected(), start=1):
            writer.writerow([_csv_value(value) for value in self.row(number, line)])
            pending += 1
            if pending >= self.flush_rows:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
                pending = 0
        if pending:
            yield buffer.getvalue().encode("utf-8")


class XlsxListExporter(ListExporter):
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    extension = "xlsx"
    sheet_name: str = "Danh sách"
    row_height: float | None = None  # taller rows leave room for a signature
    # Data rows written as XML in one call each (xlsx_rows); False: XlsxWriter's per-cell path.
    fast_rows: bool = True

    def stream(self) -> Iterator[bytes]:
        with tempfile.TemporaryFile() as output:
            self._write(output)
            output.seek(0)
            while chunk := output.read(self.chunk_size):
                yield chunk

    def _write(self, output) -> None:
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
        workbook.set_properties(
            {
                "title": self.title_rows()[0] if self.title_rows() else "",
                "author": "",
                "company": "",
                "created": self.header.created_at.astimezone(UTC),
            }
        )
        bold = workbook.add_format({"bold": True})
        title = workbook.add_format({"bold": True, "font_size": 13})
        head = workbook.add_format(
            {"bold": True, "border": 1, "text_wrap": True, "valign": "vcenter", "align": "center"}
        )
        text = workbook.add_format({"border": 1, "valign": "vcenter"})
        money = workbook.add_format({"border": 1, "num_format": "#,##0", "valign": "vcenter"})
        money_bold = workbook.add_format({"border": 1, "num_format": "#,##0", "bold": True})
        sheet = workbook.add_worksheet(self.sheet_name)
        columns = self.columns()
        for index, column in enumerate(columns):
            sheet.set_column(index, index, column.width)
        row_index = 0
        for index, line_text in enumerate(self.title_rows()):
            sheet.write_string(row_index, 0, line_text, title if index == 0 else bold)
            row_index += 1
        if row_index:
            row_index += 1
        for index, column in enumerate(columns):
            sheet.write_string(row_index, index, column.heading, head)
        sheet.freeze_panes(row_index + 1, 0)
        row_index += 1
        totals = Totals()
        formats = [money if column.money else text for column in columns]
        if not self.fast_rows:
            for number, line in enumerate(self.selected(), start=1):
                totals.add(line)
                if self.row_height:
                    sheet.set_row(row_index, self.row_height)
                for index, value in enumerate(self.row(number, line)):
                    self._cell(sheet, row_index, index, value, formats[index])
                row_index += 1
        else:
            rows = FastRows(sheet, formats)
            rows.start(row_index)
            for number, line in enumerate(self.selected(), start=1):
                totals.add(line)
                rows.write(row_index, self.row(number, line), self.row_height)
                row_index += 1
            rows.finish(row_index, len(columns) - 1)
        for footer in self.footer_rows(totals):
            for index, value in enumerate(footer):
                is_money = index < len(columns) and columns[index].money and value is not None
                self._cell(sheet, row_index, index, value, money_bold if is_money else bold)
            row_index += 1
        workbook.close()

    @staticmethod
    def _cell(sheet, row: int, col: int, value: Cell, fmt) -> None:
        if value is None or value == "":
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, Decimal):
            whole = value == value.to_integral_value()
            sheet.write_number(row, col, int(value) if whole else float(value), fmt)
        elif isinstance(value, int):
            sheet.write_number(row, col, value, fmt)
        else:
            # write_string never turns text into a formula; the guard is for whoever copies the
            # cell into another sheet or saves the list as CSV.
            sheet.write_string(row, col, str(safe_cell(value)), fmt)


def words_row(totals: Totals, width: int) -> list[Cell]:
    return ["Số tiền bằng chữ: " + amount_in_words(totals.total)] + [None] * (width - 1)
