"""What can be wrong with an uploaded file, and the list of row errors shown to the user."""

from __future__ import annotations

from django.utils.translation import gettext as _

from beneficiaries.imports.columns import COLUMN_BY_KEY, COLUMNS, MAX_ERRORS
from registry.exceptions import RegistryError


class ImportInvalid(RegistryError):
    """The file was read but some rows are wrong; `extra["rows"]` names each row and column."""

    status = 400
    code = "import_invalid"

    def __init__(self, message, *, rows: list[dict], truncated: bool = False):
        super().__init__(message)
        self.extra = {"rows": rows, "truncated": truncated}


class UnsupportedFile(RegistryError):
    status = 400
    code = "unsupported_file"


class UploadTooLarge(RegistryError):
    status = 413
    code = "request_too_large"


class Errors:
    """Row errors in the order found, capped at MAX_ERRORS (the total is still counted)."""

    def __init__(self) -> None:
        self.items: list[dict] = []
        self.total = 0

    def add(self, row: int, key: str, message) -> None:
        self.total += 1
        if len(self.items) < MAX_ERRORS:
            header = COLUMN_BY_KEY[key].header if key in COLUMN_BY_KEY else key
            self.items.append({"row": row, "column": header, "message": str(message)})

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if not self:
            return
        order = {column.header: index for index, column in enumerate(COLUMNS)}
        rows = sorted(self.items, key=lambda e: (e["row"], order.get(e["column"], -1)))
        truncated = self.total > len(rows)
        if truncated:
            message = _(
                "Tệp có %(total)s lỗi; danh sách chỉ nêu %(shown)s lỗi đầu tiên. "
                "Chưa có dữ liệu nào được lưu."
            ) % {"total": number(self.total), "shown": number(len(rows))}
        else:
            message = _("Tệp có %(total)s lỗi. Chưa có dữ liệu nào được lưu.") % {
                "total": number(self.total)
            }
        raise ImportInvalid(message, rows=rows, truncated=truncated)


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")
