"""Bulk import of households and persons from the .xlsx/.csv template: every row is validated, then
everything is saved in one transaction or nothing is."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from beneficiaries.entitlements import age_on
from beneficiaries.identifiers import household_codes_issue, ss_codes_issue, validate_national_id
from beneficiaries.models import Area, Household, Person, Relation, Sex
from beneficiaries.services import national_id_buckets_lock
from registry.access import user_commune_codes
from registry.audit import AuditAction, audit_record, audit_record_many
from registry.crypto import normalise_text
from registry.exceptions import Forbidden, RegistryError
from registry.fields import blind_index_field
from registry.models import Commune

IMPORT_PERMISSION = "beneficiaries.import_persons"
# Enough to show a user what is wrong with a file without building a multi-megabyte response.
MAX_ERRORS = 1000
# A commune rarely registers more than this at once; larger files are split (also bounds memory).
DEFAULT_MAX_ROWS = 50_000
# Law on Identification 2023, Art. 19: citizens from 14 years of age must hold an ID card;
# younger children are often registered before their number is known.
DEFAULT_NATIONAL_ID_REQUIRED_FROM_AGE = 14
# An .xlsx is a zip: refuse archives that would inflate far beyond the upload limit.
MAX_XLSX_EXPANSION = 20
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_FILENAME = "mau-nhap-ho-va-nhan-khau.xlsx"
DATA_SHEET_TITLE = "Danh sách"
NOTES_SHEET_TITLE = "Hướng dẫn"

# Registry-issued household codes: 5-digit commune + 7-digit serial (identifiers.household_codes_issue).
REGISTRY_HOUSEHOLD_CODE = re.compile(r"^\d{12}$")
COMMUNE_CODE = re.compile(r"^\d{5}$")
PHONE_LOCAL = re.compile(r"^0\d{9}$")
PHONE_INTERNATIONAL = re.compile(r"^\+84\d{9}$")
MAX_NAME_LENGTH = 100
VILLAGE_MAX_LENGTH = Household._meta.get_field("village").max_length


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


@dataclass(frozen=True)
class ImportResult:
    created: int
    households_created: int
    dry_run: bool


# --- Reading the file -----------------------------------------------------------------------


@dataclass
class SheetRow:
    number: int  # the row number a user sees in the spreadsheet; the header is row 1
    values: dict[str, object]


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
            ) % {"total": _number(self.total), "shown": _number(len(rows))}
        else:
            message = _("Tệp có %(total)s lỗi. Chưa có dữ liệu nào được lưu.") % {
                "total": _number(self.total)
            }
        raise ImportInvalid(message, rows=rows, truncated=truncated)


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _read_upload(file, *, limit: int) -> bytes:
    if getattr(file, "size", None) is not None and file.size > limit:
        raise _too_large(limit)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def _too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(
        _("Tệp lớn hơn giới hạn %(mb)s MB; hãy chia thành nhiều tệp.")
        % {"mb": _number(max(1, limit // (1024 * 1024)))}
    )


def _file_kind(name: str, data: bytes) -> str:
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


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_sheet(kind: str, data: bytes, errors: Errors, max_rows: int) -> list[SheetRow]:
    raw_rows = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    header_row: list[object] | None = None
    positions: dict[str, int] = {}
    rows: list[SheetRow] = []
    for number, cells in raw_rows:
        if header_row is None:
            if all(_is_blank(cell) for cell in cells):
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
        if all(_is_blank(cell) for cell in cells):
            continue
        if len(rows) >= max_rows:
            raise ImportInvalid(
                _("Tệp có hơn %(max)s dòng; hãy chia thành nhiều tệp.")
                % {"max": _number(max_rows)},
                rows=[],
            )
        values = {
            key: (cells[index] if index < len(cells) else None) for key, index in positions.items()
        }
        rows.append(SheetRow(number=number, values=values))
    if header_row is None:
        raise UnsupportedFile(_("Tệp trống."))
    if not rows:
        raise ImportInvalid(_("Tệp không có dòng dữ liệu nào."), rows=[])
    return rows


# --- Validating one row ---------------------------------------------------------------------


@dataclass
class PersonRow:
    number: int
    household_key: str
    commune_code: str
    village: str
    address: str
    area: str
    full_name: str
    sex: str
    date_of_birth: date | None
    national_id: str
    ethnicity: str
    relation: str
    phone: str
    bad: set[str] = field(default_factory=set)  # columns that already have an error

    @property
    def valid(self) -> bool:
        return not self.bad


def _text(value: object) -> str:
    """Cell → NFC text with whitespace collapsed; numbers without a spurious ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = unicodedata.normalize("NFC", str(value))
    # Control characters (NUL, form feeds …) never belong in a name or address.
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(text.split())


def _choice(value: str, mapping: dict[str, str]) -> str | None:
    return mapping.get(normalise_text(value).replace(" / ", "/"))


def _parse_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _digits_from_number_cell(value: object) -> bool:
    """A numeric cell in an ID/phone column: Excel has already dropped the leading zero."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _validate_row(row: SheetRow, errors: Errors, today: date, id_required_from: int) -> PersonRow:
    v = row.values
    n = row.number
    bad: set[str] = set()

    def fail(key: str, message) -> None:
        errors.add(n, key, message)
        bad.add(key)

    def required(key: str) -> str:
        text = _text(v.get(key))
        if not text:
            fail(key, _("Không được để trống."))
        return text

    household_key = required("household_code")
    if _digits_from_number_cell(v.get("household_code")) and 8 <= len(household_key) < 12:
        fail(
            "household_code",
            _("Mã hộ bị lưu dạng số nên mất số 0 ở đầu; hãy định dạng cột là Văn bản (Text) "
              "rồi nhập lại."),
        )  # fmt: skip
    elif len(household_key) > 40:
        fail("household_code", _("Mã hộ dài quá 40 ký tự."))

    commune_code = _text(v.get("commune_code"))
    if _digits_from_number_cell(v.get("commune_code")) and commune_code.isdigit():
        commune_code = commune_code.zfill(5)  # commune codes are zero-padded identifiers
    if commune_code and not COMMUNE_CODE.match(commune_code):
        fail("commune_code", _("Mã xã phải gồm đúng 5 chữ số."))
        commune_code = ""

    village = _text(v.get("village"))
    address = _text(v.get("address"))
    for key, text, limit in (("village", village, VILLAGE_MAX_LENGTH), ("address", address, 200)):
        if len(text) > limit:
            fail(key, _("Dài quá %(max)s ký tự.") % {"max": limit})

    area = ""
    area_text = _text(v.get("area"))
    if area_text:
        area = _choice(area_text, AREA_VALUES) or ""
        if not area:
            fail("area", _("Khu vực phải là «Thành thị» hoặc «Nông thôn»."))

    full_name = required("full_name")
    if len(full_name) > MAX_NAME_LENGTH:
        fail("full_name", _("Họ và tên dài quá %(max)s ký tự.") % {"max": MAX_NAME_LENGTH})
    elif any(ch.isdigit() for ch in full_name):
        fail("full_name", _("Họ và tên không được chứa chữ số."))

    sex = ""
    sex_text = required("sex")
    if sex_text:
        sex = _choice(sex_text, SEX_VALUES) or ""
        if not sex:
            fail("sex", _("Giới tính phải là «Nam» hoặc «Nữ»."))

    date_of_birth = None
    raw_dob = v.get("date_of_birth")
    if _is_blank(raw_dob):
        fail("date_of_birth", _("Không được để trống."))
    else:
        date_of_birth = _parse_date(raw_dob)
        if date_of_birth is None:
            fail(
                "date_of_birth",
                _("Ngày sinh phải theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 17/05/1960."),
            )  # fmt: skip
        elif date_of_birth > today:
            fail("date_of_birth", _("Ngày sinh không được sau ngày hôm nay."))
            date_of_birth = None
        elif date_of_birth.year < 1900:
            fail("date_of_birth", _("Năm sinh phải từ 1900 trở đi."))
            date_of_birth = None

    national_id = ""
    raw_id = v.get("national_id")
    if _digits_from_number_cell(raw_id):
        fail(
            "national_id",
            _("Số định danh bị lưu dạng số nên mất số 0 ở đầu; hãy định dạng cột là Văn bản "
              "(Text) rồi nhập lại."),
        )  # fmt: skip
    else:
        national_id = "".join(_text(raw_id).split())
        if national_id:
            try:
                validate_national_id(national_id, sex=sex or None, date_of_birth=date_of_birth)
            except RegistryError as exc:
                fail("national_id", exc.message)
                national_id = ""
        elif date_of_birth is not None and age_on(date_of_birth, today) >= id_required_from:
            fail(
                "national_id",
                _("Người từ %(age)s tuổi trở lên phải có số định danh cá nhân.")
                % {"age": id_required_from},
            )  # fmt: skip

    ethnicity = _text(v.get("ethnicity"))
    if len(ethnicity) > 60:
        fail("ethnicity", _("Dài quá %(max)s ký tự.") % {"max": 60})

    relation = ""
    relation_text = required("relation_to_head")
    if relation_text:
        relation = _choice(relation_text, RELATION_VALUES) or ""
        if not relation:
            fail(
                "relation_to_head",
                _("Quan hệ với chủ hộ phải là một trong: Chủ hộ, Vợ/chồng, Con, Bố/mẹ, Cháu, "
                  "Anh/chị/em, Khác."),
            )  # fmt: skip

    phone = ""
    raw_phone = v.get("phone")
    if _digits_from_number_cell(raw_phone):
        fail(
            "phone",
            _("Số điện thoại bị lưu dạng số nên mất số 0 ở đầu; hãy định dạng cột là Văn bản "
              "(Text) rồi nhập lại."),
        )  # fmt: skip
    else:
        phone_text = re.sub(r"[\s.\-()]", "", _text(raw_phone))
        if phone_text:
            if PHONE_INTERNATIONAL.match(phone_text):
                phone = "0" + phone_text[3:]
            elif PHONE_LOCAL.match(phone_text):
                phone = phone_text
            else:
                fail(
                    "phone",
                    _("Số điện thoại phải gồm 10 chữ số bắt đầu bằng 0, hoặc +84 và 9 chữ số."),
                )  # fmt: skip

    return PersonRow(
        number=n,
        household_key=household_key,
        commune_code=commune_code,
        village=village,
        address=address,
        area=area,
        full_name=full_name,
        sex=sex,
        date_of_birth=date_of_birth,
        national_id=national_id,
        ethnicity=ethnicity,
        relation=relation,
        phone=phone,
        bad=bad,
    )


# --- Checks across rows and against the database --------------------------------------------


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _in_chunk_size() -> int:
    # Leave room for the other parameters of the query under SQLite's 999-variable limit.
    limit = connection.features.max_query_params or 10_000
    return max(1, min(limit - 10, 5_000))


@dataclass
class NewHousehold:
    key: str
    rows: list[PersonRow] = field(default_factory=list)
    commune_code: str = ""
    village: str = ""
    address: str = ""
    area: str = ""


@dataclass
class Plan:
    rows: list[PersonRow]
    new_households: dict[str, NewHousehold]
    existing_households: dict[str, Household]  # by code
    existing_members: dict[str, list[PersonRow]]


def _check_communes(rows: list[PersonRow], actor, errors: Errors) -> None:
    allowed = user_commune_codes(actor)
    codes = {row.commune_code for row in rows if row.commune_code}
    if allowed is None:
        known = set(Commune.objects.filter(code__in=codes).values_list("code", flat=True))
    else:
        known = codes & allowed
    for row in rows:
        if row.commune_code and row.commune_code not in known:
            if allowed is None:
                message = _("Không có xã/phường mã %(code)s.") % {"code": row.commune_code}
            else:
                # Same words whether or not the commune exists: reveal nothing about others.
                message = _("Bạn không được giao xã %(code)s.") % {"code": row.commune_code}
            errors.add(row.number, "commune_code", message)
            row.bad.add("commune_code")


def _group_households(rows: list[PersonRow], actor, errors: Errors) -> Plan:
    allowed = user_commune_codes(actor)
    registry_codes = sorted(
        {row.household_key for row in rows if REGISTRY_HOUSEHOLD_CODE.match(row.household_key)}
    )
    existing: dict[str, Household] = {}
    for chunk in _chunks(registry_codes, _in_chunk_size()):
        queryset = Household.objects.filter(code__in=chunk)
        if allowed is not None:
            queryset = queryset.filter(commune_id__in=allowed)
        existing.update({h.code: h for h in queryset.only("id", "code", "commune_id", "head_id")})

    new_households: dict[str, NewHousehold] = {}
    existing_members: dict[str, list[PersonRow]] = defaultdict(list)
    first_row_of: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        if not row.household_key:
            continue
        if REGISTRY_HOUSEHOLD_CODE.match(row.household_key):
            household = existing.get(row.household_key)
            if household is None:
                # Same words whether it exists elsewhere or not at all.
                errors.add(
                    row.number, "household_code",
                    _("Không tìm thấy hộ mã %(code)s trong các xã bạn được giao.")
                    % {"code": row.household_key},
                )  # fmt: skip
                row.bad.add("household_code")
                continue
            if row.commune_code and row.commune_code != household.commune_id:
                errors.add(
                    row.number, "commune_code",
                    _("Hộ %(code)s thuộc xã %(commune)s, khác với mã xã ở dòng này.")
                    % {"code": household.code, "commune": household.commune_id},
                )  # fmt: skip
                row.bad.add("commune_code")
            existing_members[household.code].append(row)
            continue
        group_key = row.household_key.casefold()
        group = new_households.setdefault(group_key, NewHousehold(key=row.household_key))
        group.rows.append(row)
        for attr in HOUSEHOLD_COLUMNS:
            value = getattr(row, attr)
            if not value:
                continue
            if not getattr(group, attr):
                setattr(group, attr, value)
                first_row_of[group_key][attr] = row.number
            elif getattr(group, attr) != value:
                errors.add(
                    row.number, attr,
                    _("Khác với dòng %(row)s của cùng hộ «%(key)s».")
                    % {"row": first_row_of[group_key][attr], "key": group.key},
                )  # fmt: skip
                row.bad.add(attr)

    for group in new_households.values():
        first = group.rows[0].number
        flagged = set().union(*(row.bad for row in group.rows))
        if not group.commune_code and "commune_code" not in flagged:
            errors.add(
                first, "commune_code",
                _("Cần nhập mã xã cho hộ «%(key)s».") % {"key": group.key},
            )  # fmt: skip
        if not group.area and "area" not in flagged:
            errors.add(first, "area", _("Cần nhập khu vực cho hộ «%(key)s».") % {"key": group.key})
        _check_heads(group.key, group.rows, errors, already_has_head=False)
    for code, members in existing_members.items():
        _check_heads(code, members, errors, already_has_head=existing[code].head_id is not None)
    return Plan(rows, new_households, existing, dict(existing_members))


def _check_heads(key: str, rows: list[PersonRow], errors: Errors, *, already_has_head: bool):
    heads = [row for row in rows if row.relation == Relation.HEAD]
    if already_has_head:
        for row in heads:
            errors.add(
                row.number, "relation_to_head", _("Hộ %(code)s đã có chủ hộ.") % {"code": key}
            )
        return
    if len(heads) > 1:
        numbers = ", ".join(str(row.number) for row in heads)
        for row in heads:
            errors.add(
                row.number, "relation_to_head",
                _("Hộ «%(key)s» có nhiều hơn một chủ hộ (dòng %(rows)s).")
                % {"key": key, "rows": numbers},
            )  # fmt: skip
    elif not heads and all(row.relation for row in rows):
        errors.add(
            rows[0].number, "relation_to_head",
            _("Hộ «%(key)s» chưa có chủ hộ: cần đúng một dòng «Chủ hộ».") % {"key": key},
        )  # fmt: skip


def _check_duplicates_in_file(rows: list[PersonRow], errors: Errors) -> None:
    by_id: dict[str, list[PersonRow]] = defaultdict(list)
    for row in rows:
        if row.national_id:
            by_id[row.national_id].append(row)
    for same in by_id.values():
        if len(same) > 1:
            for row in same:
                others = ", ".join(str(o.number) for o in same if o is not row)
                errors.add(
                    row.number, "national_id",
                    _("Số định danh cá nhân trùng với dòng %(rows)s trong tệp.") % {"rows": others},
                )  # fmt: skip


def _check_registered_ids(rows: list[PersonRow], errors: Errors) -> None:
    """Numbers already in the registry: the blind-index candidates of every number (one per
    index key) looked up in chunks, then decrypted to rule out collisions of the truncated index."""
    by_id: dict[str, list[PersonRow]] = defaultdict(list)
    for row in rows:
        if row.national_id:
            by_id[row.national_id].append(row)
    index = blind_index_field(Person, "national_id")
    ids_by_candidate: dict[str, set[str]] = defaultdict(set)
    for national_id in by_id:
        for candidate in index.candidates(national_id):
            ids_by_candidate[candidate].add(national_id)
    registered: set[str] = set()
    for chunk in _chunks(sorted(ids_by_candidate), _in_chunk_size()):
        matches = Person.objects.filter(national_id_index__in=chunk).values_list(
            "national_id_index", "national_id"
        )
        for candidate, plaintext in matches:
            if plaintext in ids_by_candidate[candidate]:
                registered.add(plaintext)
    for national_id in registered:
        for row in by_id[national_id]:
            errors.add(row.number, "national_id", _("Số định danh cá nhân đã có trong sổ đăng ký."))


# --- Saving ---------------------------------------------------------------------------------


def _batch_size(model: type[models.Model]) -> int:
    """Rows per INSERT that fit the backend's parameter limit (999 on SQLite)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return max(1, min(1000, connection.ops.bulk_batch_size(fields, [None] * 1000)))


def _person(row: PersonRow, *, ss_code: str, household: Household) -> Person:
    return Person(
        ss_code=ss_code,
        national_id=row.national_id or None,
        full_name=row.full_name,
        sex=row.sex,
        date_of_birth=row.date_of_birth,
        ethnicity=row.ethnicity or None,
        household=household,
        commune_id=household.commune_id,
        relation_to_head=row.relation,
        phone=row.phone or None,
    )


def _save(plan: Plan, *, actor) -> ImportResult:
    new_groups = list(plan.new_households.values())
    groups_by_commune: dict[str, list[NewHousehold]] = defaultdict(list)
    for group in new_groups:
        groups_by_commune[group.commune_code].append(group)
    household_of: dict[int, Household] = {}
    households: list[Household] = []
    for commune_code, groups in sorted(groups_by_commune.items()):
        codes = household_codes_issue(commune_code, len(groups))
        for group, code in zip(groups, codes, strict=True):
            household = Household(
                code=code,
                commune_id=commune_code,
                village=group.village,
                address=group.address or None,
                area=group.area,
            )
            households.append(household)
            household_of[id(group)] = household
    Household.objects.bulk_create(households, batch_size=_batch_size(Household))
    _ensure_pks(Household, households, "code")

    members: list[tuple[PersonRow, Household]] = []
    for group in new_groups:
        members.extend((row, household_of[id(group)]) for row in group.rows)
    for code, rows in plan.existing_members.items():
        members.extend((row, plan.existing_households[code]) for row in rows)
    members.sort(key=lambda pair: pair[0].number)

    communes = {household.commune_id for _row, household in members}
    province_of = dict(Commune.objects.filter(code__in=communes).values_list("code", "province_id"))
    by_province: dict[str, list[tuple[PersonRow, Household]]] = defaultdict(list)
    for row, household in members:
        by_province[province_of[household.commune_id]].append((row, household))
    persons: list[Person] = []
    for province_code, pairs in sorted(by_province.items()):
        ss_codes = ss_codes_issue(province_code, len(pairs))
        persons.extend(
            _person(row, ss_code=ss_code, household=household)
            for (row, household), ss_code in zip(pairs, ss_codes, strict=True)
        )
    Person.objects.bulk_create(persons, batch_size=_batch_size(Person))
    _ensure_pks(Person, persons, "ss_code")

    # One set-based UPDATE per chunk rather than a CASE per household (bulk_update).
    headed = sorted({p.household_id for p in persons if p.relation_to_head == Relation.HEAD})
    head_of = Person.objects.filter(
        household=OuterRef("pk"), relation_to_head=Relation.HEAD
    ).values("pk")[:1]
    for chunk in _chunks(headed, _in_chunk_size()):
        Household.objects.filter(pk__in=chunk).update(head=Subquery(head_of))

    result = ImportResult(created=len(persons), households_created=len(households), dry_run=False)
    import_id = str(uuid.uuid4())
    # Each household and person gets its own history entry, as if registered one by one.
    audit_record_many(
        actor=actor,
        action=AuditAction.HOUSEHOLD_REGISTERED,
        objects=households,
        data={"import_id": import_id},
    )
    audit_record_many(
        actor=actor,
        action=AuditAction.PERSON_REGISTERED,
        objects=persons,
        data={"import_id": import_id},
    )
    audit_record(
        actor=actor,
        action=AuditAction.PERSONS_IMPORTED,
        object_type="import",
        object_id=import_id,
        commune_code=next(iter(communes)) if len(communes) == 1 else "",
        data={
            "created": result.created,
            "households_created": result.households_created,
            "communes": sorted(communes),
        },
    )
    return result


def _ensure_pks(model: type[models.Model], objects: list[models.Model], key: str) -> None:
    """Backends without RETURNING leave pk unset after bulk_create: read them back by code."""
    missing = [obj for obj in objects if obj.pk is None]
    if not missing:
        return
    pk_by_key = {}
    for chunk in _chunks([getattr(obj, key) for obj in missing], _in_chunk_size()):
        pk_by_key.update(model.objects.filter(**{f"{key}__in": chunk}).values_list(key, "pk"))
    for obj in missing:
        obj.pk = pk_by_key[getattr(obj, key)]


# --- The service ----------------------------------------------------------------------------


# progress(done, total, message): rows checked, then rows saved, out of twice the row count.
ProgressCallback = Callable[[int, int, str], None]
PROGRESS_EVERY_ROWS = 500


def persons_import(
    *,
    actor,
    file,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    before_commit: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Validate every row of an uploaded template file; save all of it in one transaction, or
    raise ImportInvalid naming each bad row and column and save nothing.

    `before_commit(result)` runs inside the saving transaction, after the rows are written (a
    background job ends itself there, so that the import and the job's end commit together).
    """
    report = progress or (lambda done, total, message: None)
    if not (actor and actor.is_authenticated and actor.has_perm(IMPORT_PERMISSION)):
        raise Forbidden()
    data = _read_upload(file, limit=settings.REGISTRY_MAX_UPLOAD_BYTES)
    kind = _file_kind(getattr(file, "name", ""), data)
    errors = Errors()
    sheet_rows = _parse_sheet(
        kind, data, errors, getattr(settings, "REGISTRY_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    )
    id_required_from = getattr(
        settings,
        "REGISTRY_IMPORT_NATIONAL_ID_REQUIRED_FROM_AGE",
        DEFAULT_NATIONAL_ID_REQUIRED_FROM_AGE,
    )
    today = timezone.localdate()
    steps = 2 * len(sheet_rows)
    checking = _("Đang kiểm tra từng dòng")
    rows = []
    for index, row in enumerate(sheet_rows):
        if index % PROGRESS_EVERY_ROWS == 0:
            report(index, steps, checking)
        rows.append(_validate_row(row, errors, today, id_required_from))
    report(len(rows), steps, _("Đang đối chiếu với sổ đăng ký"))
    _check_communes(rows, actor, errors)
    plan = _group_households(rows, actor, errors)
    _check_duplicates_in_file(rows, errors)
    _check_registered_ids(rows, errors)
    errors.raise_if_any()

    if dry_run:
        return ImportResult(
            created=len(rows), households_created=len(plan.new_households), dry_run=True
        )
    report(len(rows), steps, _("Đang lưu"))
    with transaction.atomic(durable=True):
        # Another clerk may have registered one of these numbers since the check above: lock the
        # numbers' buckets (as person_register does) and check again before writing.
        national_id_buckets_lock([row.national_id for row in rows if row.national_id])
        late = Errors()
        _check_registered_ids(rows, late)
        late.raise_if_any()
        result = _save(plan, actor=actor)
        report(steps, steps, _("Đang lưu"))
        if before_commit is not None:
            before_commit(result)
        return result


# --- The template ---------------------------------------------------------------------------


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
