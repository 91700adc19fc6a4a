"""Reading an uploaded file: size, kind (.xlsx or UTF-8 .csv), and its rows by header."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from beneficiaries.imports.columns import (
    COLUMNS,
    DATA_SHEET_TITLE,
    HEADER_ALIASES,
    MAX_XLSX_EXPANSION,
)
from beneficiaries.imports.errors import (
    Errors,
    ImportInvalid,
    UnsupportedFile,
    UploadTooLarge,
    number,
)
from registry.crypto import normalise_text
from registry.exceptions import RegistryError


@dataclass
class SheetRow:
    number: int  # the row number a user sees in the spreadsheet; the header is row 1
    values: dict[str, object]


def read_upload(file, *, limit: int) -> bytes:
    if getattr(file, "size", None) is not None and file.size > limit:
        raise _too_large(limit)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def _too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(
        _("Tệp lớn hơn giới hạn %(mb)s MB; hãy chia thành nhiều tệp.")
        % {"mb": number(max(1, limit // (1024 * 1024)))}
    )


def file_kind(name: str, data: bytes) -> str:
    lowered = (name or "").lower()
    if lowered.endswith(".xlsx") or (not lowered.endswith(".csv") and data[:4] == b"PK\x03\x04"):
        if data[:4] != b"PK\x03\x04":
            raise UnsupportedFile(_("Tệp .xlsx bị hỏng hoặc không phải tệp Excel."))
        return "xlsx"
    if lowered.endswith(".csv"):
        return "csv"
    raise UnsupportedFile(
        _("Chỉ nhận tệp Excel .xlsx hoặc .csv (UTF-8). Tệp .xls cũ hãy lưu lại dạng .xlsx.")
    )


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnsupportedFile(
            _("Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: CSV UTF-8).")
        ) from None
    first_line = text.split("\n", 1)[0]
    # Excel set to Vietnamese (decimal comma) writes ';'-separated "CSV".
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error:  # NUL bytes, a field beyond csv's size limit …
        raise UnsupportedFile(_("Không đọc được tệp CSV (nội dung không phải văn bản?).")) from None


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        if inflated > max(len(data), 1024 * 1024) * MAX_XLSX_EXPANSION:
            raise UnsupportedFile(_("Tệp .xlsx có cấu trúc bất thường; không thể đọc."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except RegistryError:
        raise
    except Exception:  # untrusted bytes: any parser failure means "not a readable workbook"
        raise UnsupportedFile(_("Không đọc được tệp Excel (.xlsx bị hỏng?).")) from None
    try:
        # The template's data sheet, even if a user moved the notes sheet to the front.
        titles = workbook.sheetnames
        sheet = workbook[DATA_SHEET_TITLE] if DATA_SHEET_TITLE in titles else workbook.worksheets[0]
        # Some writers store a wrong <dimension>; read every row regardless.
        sheet.reset_dimensions()
        try:
            yield from enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        except (RegistryError, GeneratorExit):
            raise
        except Exception:  # a malformed sheet part deep inside the archive
            raise UnsupportedFile(_("Không đọc được tệp Excel (.xlsx bị hỏng?).")) from None
    finally:
        workbook.close()


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_sheet(kind: str, data: bytes, errors: Errors, max_rows: int) -> list[SheetRow]:
    raw_rows = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    header_row: list[object] | None = None
    positions: dict[str, int] = {}
    rows: list[SheetRow] = []
    for row_number, cells in raw_rows:
        if header_row is None:
            if all(is_blank(cell) for cell in cells):
                raise UnsupportedFile(_("Dòng 1 của tệp phải là dòng tiêu đề của mẫu."))
            header_row = list(cells)
            for index, cell in enumerate(header_row):
                key = HEADER_ALIASES.get(normalise_text(str(cell or "")).rstrip(" *"))
                if key is None:
                    continue  # extra columns (notes, STT) are allowed and ignored
                if key in positions:
                    errors.add(1, key, _("Cột này xuất hiện hai lần."))
                positions[key] = index
            for column in COLUMNS:
                if column.key not in positions and column.required != "Không":
                    errors.add(
                        1, column.key, _("Thiếu cột «%(header)s».") % {"header": column.header}
                    )
            if errors:
                errors.raise_if_any()
            continue
        if all(is_blank(cell) for cell in cells):
            continue
        if len(rows) >= max_rows:
            raise ImportInvalid(
                _("Tệp có hơn %(max)s dòng; hãy chia thành nhiều tệp.") % {"max": number(max_rows)},
                rows=[],
            )
        values = {
            key: (cells[index] if index < len(cells) else None) for key, index in positions.items()
        }
        rows.append(SheetRow(number=row_number, values=values))
    if header_row is None:
        raise UnsupportedFile(_("Tệp trống."))
    if not rows:
        raise ImportInvalid(_("Tệp không có dòng dữ liệu nào."), rows=[])
    return rows
