"""Writing a list's data rows straight into XlsxWriter's constant-memory row file.

XlsxWriter spends most of a 600,000-line list in its per-cell path (argument conversion,
dimension checks, a cell object, then escaping it again when the row is flushed). A payment
list repeats a few hundred distinct texts (names, programmes, banks), so each distinct text's
escaped XML is built once and every row is one string written in one call. The XML is exactly
what XlsxWriter writes for `write_string` / `write_number` / `write_blank` with a format in
constant-memory mode (tests compare the bytes with the per-cell path), and the worksheet's
dimensions are brought up to date, so the rest of the workbook is XlsxWriter's own.

A taller row (the cash list leaves room for a signature) gets XlsxWriter's own <row> tag.
"""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name

from payments.exports.text import safe_cell

XLSX_STRING_MAX = 32767  # what write_string keeps of a longer text
TEXTS_PER_COLUMN = 512


class FastRows:
    def __init__(self, sheet, formats: list) -> None:
        """`formats`: each column's cell format (already added to the workbook)."""
        if not sheet.constant_memory:
            raise ValueError("FastRows needs a constant_memory worksheet")
        self.sheet = sheet
        self.formats = formats
        self.styles: list[str] = []
        self.letters = [xl_col_to_name(col) for col in range(len(formats))]
        # Per column: its distinct texts' XML. A column of distinct values (references, account
        # numbers) stops growing at TEXTS_PER_COLUMN, so memory stays flat.
        self.texts: list[dict[str, str]] = [{} for _format in formats]
        self.first_row: int | None = None
        self.last_row: int | None = None

    def start(self, row: int) -> None:
        """Flush the rows XlsxWriter still holds (the heading) before writing from `row` on."""
        self.sheet._write_single_row(row)
        self.first_row = row
        # Style indexes are numbered in order of first use: after the heading's, as XlsxWriter
        # would number them when flushing the first data row.
        self.styles = [
            f' s="{fmt._get_xf_index()}"' if fmt is not None else "" for fmt in self.formats
        ]

    def _text(self, col: int, value: str) -> str:
        texts = self.texts[col]
        found = texts.get(value)
        if found is None:
            sheet = self.sheet
            text = str(safe_cell(value))[:XLSX_STRING_MAX]
            text = sheet._escape_control_characters(text)
            preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
            found = f' t="inlineStr"><is><t{preserve}>{sheet._escape_data(text)}</t></is></c>'
            if len(texts) < TEXTS_PER_COLUMN:
                texts[value] = found
        return found

    def write(self, row: int, values, height: float | None = None) -> None:
        number = row + 1
        if height:
            # XlsxWriter's own <row> tag for a taller row (its height attributes).
            self.sheet.set_row(row, height)
            self.sheet._write_row(row, None, self.sheet.row_info[row])
            parts = []
        else:
            parts = [f'<row r="{number}">']
        append = parts.append
        for col, value in enumerate(values):
            ref = f'<c r="{self.letters[col]}{number}"{self.styles[col]}'
            if value is None or value == "":
                append(ref + "/>")
            elif isinstance(value, Decimal):
                whole = value == value.to_integral_value()
                append(f"{ref}><v>{(int(value) if whole else float(value)):.16G}</v></c>")
            elif isinstance(value, int | float) and not isinstance(value, bool):
                append(f"{ref}><v>{value:.16G}</v></c>")
            else:
                append(ref + self._text(col, str(value)))
        append("</row>")
        self.sheet.fh.write("".join(parts))
        self.last_row = row

    def finish(self, next_row: int, last_col: int) -> None:
        """Record the rows written in the sheet's dimensions; XlsxWriter goes on at `next_row`."""
        if self.last_row is not None:
            self.sheet._check_dimensions(self.first_row, 0)
            self.sheet._check_dimensions(self.last_row, last_col)
        self.sheet.previous_row = next_row
