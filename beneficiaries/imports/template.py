"""The .xlsx template users fill in, and a helper that fills it (tests, benchmarks, demos)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from beneficiaries.imports.columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    DATA_SHEET_TITLE,
    DEFAULT_MAX_ROWS,
    NOTES_SHEET_TITLE,
)


def persons_import_template() -> bytes:
    """The .xlsx users fill in: headers, widths, Text-formatted code columns, drop-down lists,
    and a second sheet explaining each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET_TITLE
    sheet.append([column.header for column in COLUMNS])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.text:
            # Text, so that Excel keeps leading zeros and does not turn codes into numbers.
            dimension.number_format = "@"
    sheet.freeze_panes = "A2"
    for key, choices in (
        ("sex", "Nam,Nữ"),
        ("area", "Thành thị,Nông thôn"),
        ("relation_to_head", "Chủ hộ,Vợ/chồng,Con,Bố/mẹ,Cháu,Anh/chị/em,Khác"),
    ):
        letter = get_column_letter(list(COLUMN_BY_KEY).index(key) + 1)
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.add(f"{letter}2:{letter}{DEFAULT_MAX_ROWS + 1}")
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet(NOTES_SHEET_TITLE)
    notes.append(["Cột", "Bắt buộc", "Cách ghi", "Ví dụ"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    for column in COLUMNS:
        notes.append([column.header, column.required, column.rule, column.example])
    notes.append([])
    for line in (
        "Nhập dữ liệu ở trang «Danh sách», mỗi dòng là một người; dòng 1 là tiêu đề, giữ nguyên.",
        "Các dòng có cùng «Mã hộ» thuộc cùng một hộ; mỗi hộ mới có đúng một «Chủ hộ».",
        "Mã xã, Thôn/xóm, Địa chỉ, Khu vực là thông tin của hộ: ghi ở một dòng của hộ là đủ; "
        "nếu ghi ở nhiều dòng thì phải giống nhau.",
        "Hệ thống kiểm tra tất cả các dòng trước khi lưu: nếu có lỗi, không dòng nào được lưu và "
        "mỗi lỗi được báo kèm số dòng và tên cột như trong Excel.",
        "Có thể lưu tệp dạng .xlsx hoặc CSV UTF-8. Mã an sinh xã hội và mã hộ do hệ thống cấp.",
    ):
        notes.append([line])
    for letter, width in zip("ABCD", (22, 16, 90, 24), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_rows(rows: Iterable[dict[str, object]]) -> bytes:
    """Fill a copy of the template with rows keyed by column key (tests, benchmarks, demos)."""
    workbook = load_workbook(io.BytesIO(persons_import_template()))
    sheet = workbook[DATA_SHEET_TITLE]
    keys = [column.key for column in COLUMNS]
    text_keys = {column.key for column in COLUMNS if column.text}
    for row_index, row in enumerate(rows, start=2):
        for col_index, key in enumerate(keys, start=1):
            value = row.get(key)
            if value is None:
                continue
            cell = sheet.cell(row=row_index, column=col_index, value=value)
            if key in text_keys and isinstance(value, str):
                cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
