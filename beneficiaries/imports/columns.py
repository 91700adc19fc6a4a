"""The import template's columns: headers, rules shown to users, and the values each accepts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from beneficiaries.models import Area, Relation, Sex
from registry.crypto import normalise_text

IMPORT_PERMISSION = "beneficiaries.import_persons"
# Enough to show a user what is wrong with a file without building a multi-megabyte response.
MAX_ERRORS = 1000
# A commune rarely registers more than this at once; larger files are split (also bounds memory).
DEFAULT_MAX_ROWS = 50_000
# An .xlsx is a zip: refuse archives that would inflate far beyond the upload limit.
MAX_XLSX_EXPANSION = 20
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_FILENAME = "mau-nhap-ho-va-nhan-khau.xlsx"
DATA_SHEET_TITLE = "Danh sách"
NOTES_SHEET_TITLE = "Hướng dẫn"

# Registry-issued household codes: 5-digit commune + 7-digit serial (identifiers.household_codes_issue).
REGISTRY_HOUSEHOLD_CODE = re.compile(r"^\d{12}$")
COMMUNE_CODE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    required: str
    rule: str
    example: str
    text: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(
        "household_code", "Mã hộ", 16, "Có",
        "Mã tự đặt để gom các dòng cùng một hộ trong tệp (ví dụ H001), hoặc mã hộ 12 chữ số đã "
        "có trong sổ để thêm người vào hộ đó. Mã tự đặt không được gồm đúng 12 chữ số.",
        "H001", text=True,
    ),
    Column(
        "commune_code", "Mã xã", 10, "Có (hộ mới)",
        "Mã xã/phường 5 chữ số theo danh mục từ 01/7/2025, giữ số 0 ở đầu. Phải là xã bạn được "
        "giao. Với hộ đã có trong sổ có thể để trống.",
        "18859", text=True,
    ),
    Column(
        "village", "Thôn/xóm", 20, "Không",
        "Thôn, xóm, bản, ấp hoặc tổ dân phố của hộ.", "Thôn Đông",
    ),
    Column(
        "address", "Địa chỉ", 36, "Không",
        "Số nhà, đường phố của hộ.", "Số 12, đường Lê Lợi",
    ),
    Column(
        "area", "Khu vực", 12, "Có (hộ mới)",
        "Thành thị hoặc Nông thôn (dùng để xét chuẩn nghèo).", "Nông thôn",
    ),
    Column(
        "full_name", "Họ và tên", 28, "Có",
        "Họ và tên đầy đủ, có dấu.", "Nguyễn Thị Hồng Nhung",
    ),
    Column("sex", "Giới tính", 10, "Có", "Nam hoặc Nữ.", "Nữ"),
    Column(
        "date_of_birth", "Ngày sinh", 12, "Có",
        "Ngày/tháng/năm (dd/mm/yyyy) hoặc năm-tháng-ngày (yyyy-mm-dd).", "17/05/1960", text=True,
    ),
    Column(
        "national_id", "Số định danh cá nhân", 22, "Có (từ 14 tuổi)",
        "12 chữ số, giữ số 0 ở đầu (cột để dạng Văn bản). Chữ số thứ 4 phải khớp giới tính và thế "
        "kỷ sinh, chữ số 5–6 khớp năm sinh. Có thể để trống với trẻ dưới 14 tuổi.",
        "045160012345", text=True,
    ),
    Column("ethnicity", "Dân tộc", 12, "Không", "Tên dân tộc.", "Kinh"),
    Column(
        "relation_to_head", "Quan hệ với chủ hộ", 18, "Có",
        "Một trong: Chủ hộ, Vợ/chồng, Con, Bố/mẹ, Cháu, Anh/chị/em, Khác. Mỗi hộ mới có đúng một "
        "Chủ hộ.",
        "Chủ hộ",
    ),
    Column(
        "phone", "Số điện thoại", 16, "Không",
        "10 chữ số bắt đầu bằng 0, hoặc +84 và 9 chữ số.", "0912345678", text=True,
    ),
)  # fmt: skip
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HOUSEHOLD_COLUMNS = ("commune_code", "village", "address", "area")

SEX_VALUES = {"nam": Sex.MALE, "male": Sex.MALE, "nu": Sex.FEMALE, "female": Sex.FEMALE}
AREA_VALUES = {
    "thanh thi": Area.URBAN, "urban": Area.URBAN, "nong thon": Area.RURAL, "rural": Area.RURAL,
}  # fmt: skip
RELATION_VALUES = {
    "chu ho": Relation.HEAD, "head": Relation.HEAD,
    "vo/chong": Relation.SPOUSE, "vo": Relation.SPOUSE, "chong": Relation.SPOUSE,
    "spouse": Relation.SPOUSE,
    "con": Relation.CHILD, "child": Relation.CHILD,
    "bo/me": Relation.PARENT, "bo": Relation.PARENT, "me": Relation.PARENT, "cha": Relation.PARENT,
    "cha/me": Relation.PARENT, "parent": Relation.PARENT,
    "chau": Relation.GRANDCHILD, "grandchild": Relation.GRANDCHILD,
    "anh/chi/em": Relation.SIBLING, "anh": Relation.SIBLING, "chi": Relation.SIBLING,
    "em": Relation.SIBLING, "sibling": Relation.SIBLING,
    "khac": Relation.OTHER, "other": Relation.OTHER,
}  # fmt: skip
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def _header_aliases() -> dict[str, str]:
    aliases = {}
    for column in COLUMNS:
        for alias in (column.header, column.key, column.key.replace("_", " ")):
            aliases[normalise_text(alias)] = column.key
    return aliases


HEADER_ALIASES = _header_aliases()
