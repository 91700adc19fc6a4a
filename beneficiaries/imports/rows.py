"""Checking each row on its own: cells parsed into values, then the person rules every path shares."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from beneficiaries import builders
from beneficiaries.imports.columns import (
    AREA_VALUES,
    COMMUNE_CODE,
    DATE_FORMATS,
    RELATION_VALUES,
    SEX_VALUES,
)
from beneficiaries.imports.errors import Errors
from beneficiaries.imports.reading import SheetRow, is_blank
from registry.crypto import normalise_text


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
    """Cell → cleaned text (builders.clean_text); numbers without a spurious ".0", dates as shown."""
    if value is None:
        return ""
    if type(value) is str and value.isprintable() and unicodedata.is_normalized("NFC", value):
        # What clean_text gives for such text (no control character to drop, already composed),
        # without its character-by-character pass: most cells of a file.
        return " ".join(value.split())
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return builders.clean_text(value) or ""


# A few spellings of the allowed words fill the choice columns ("Nam", "Chủ hộ" …): each is
# normalised once. Only cells that name an allowed word are kept, so no other text a cell may
# hold stays in memory after the import.
_KNOWN_CHOICES: dict[tuple[str, int], str] = {}


def _choice(value: str, mapping: dict[str, str]) -> str | None:
    key = (value, id(mapping))
    if key in _KNOWN_CHOICES:
        return _KNOWN_CHOICES[key]
    found = mapping.get(normalise_text(value).replace(" / ", "/"))
    if found is not None and len(_KNOWN_CHOICES) < 1_000:
        _KNOWN_CHOICES[key] = found
    return found


# DATE_FORMATS[0], dd/mm/yyyy, with strptime's own patterns for %d, %m and %Y: the usual cell
# read without strptime (a string matching nothing else, so other formats need not be tried).
_DAY_MONTH_YEAR = re.compile(
    r"(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])/(1[0-2]|0[1-9]|[1-9])/(\d\d\d\d)", re.IGNORECASE
)


def _parse_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if DATE_FORMATS[0] == "%d/%m/%Y" and (match := _DAY_MONTH_YEAR.fullmatch(text)):
        day, month, year = match.groups()
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            return None  # 31/02/…: no other format has "/"
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _number_cell(value: object) -> bool:
    """A numeric cell in an ID/phone column: Excel has already dropped the leading zero."""
    return isinstance(value, int | float) and not isinstance(value, bool)


LOST_ZERO = {
    "household_code": _(
        "Mã hộ bị lưu dạng số nên mất số 0 ở đầu; hãy định dạng cột là Văn bản (Text) rồi nhập lại."
    ),
    "national_id": _(
        "Số định danh bị lưu dạng số nên mất số 0 ở đầu; hãy định dạng cột là Văn bản (Text) "
        "rồi nhập lại."
    ),
    "phone": _(
        "Số điện thoại bị lưu dạng số nên mất số 0 ở đầu; hãy định dạng cột là Văn bản (Text) "
        "rồi nhập lại."
    ),
}


def validate_row(row: SheetRow, errors: Errors, today: date, id_required_from: int) -> PersonRow:
    """Parse one row's cells (formats a spreadsheet gets wrong are named as such), then apply the
    household and person rules every path shares (`beneficiaries.builders`)."""
    cells = row.values
    bad: set[str] = set()

    def fail(key: str, message) -> None:
        if key not in bad:
            errors.add(row.number, key, message)
            bad.add(key)

    def required(key: str) -> str:
        text = _text(cells.get(key))
        if not text:
            fail(key, _("Không được để trống."))
        return text

    household_key = required("household_code")
    if _number_cell(cells.get("household_code")) and 8 <= len(household_key) < 12:
        fail("household_code", LOST_ZERO["household_code"])
    elif len(household_key) > 40:
        fail("household_code", _("Mã hộ dài quá 40 ký tự."))

    commune_code = _text(cells.get("commune_code"))
    if _number_cell(cells.get("commune_code")) and commune_code.isdigit():
        commune_code = commune_code.zfill(5)  # commune codes are zero-padded identifiers
    if commune_code and not COMMUNE_CODE.match(commune_code):
        fail("commune_code", _("Mã xã phải gồm đúng 5 chữ số."))
        commune_code = ""

    household = builders.household_clean(
        {"village": _text(cells.get("village")), "address": _text(cells.get("address"))}
    )
    area_text = _text(cells.get("area"))
    area = (_choice(area_text, AREA_VALUES) or "invalid") if area_text else ""
    if area:
        household["area"] = area

    person: dict[str, object] = {
        "full_name": required("full_name"),
        "ethnicity": _text(cells.get("ethnicity")),
        "national_id": None
        if _number_cell(cells.get("national_id"))
        else _text(cells.get("national_id")),
        "phone": None if _number_cell(cells.get("phone")) else _text(cells.get("phone")),
    }
    for key, choices in (("sex", SEX_VALUES), ("relation_to_head", RELATION_VALUES)):
        text = required(key)
        # An unknown word is left for the shared rule to name the allowed values.
        person[key] = (_choice(text, choices) or text) if text else None
    for key in ("national_id", "phone"):
        if _number_cell(cells.get(key)):
            fail(key, LOST_ZERO[key])
    raw_birth = cells.get("date_of_birth")
    if is_blank(raw_birth):
        fail("date_of_birth", _("Không được để trống."))
        person["date_of_birth"] = None
    else:
        person["date_of_birth"] = _parse_date(raw_birth)
        if person["date_of_birth"] is None:
            fail(
                "date_of_birth",
                _("Ngày sinh phải theo dạng ngày/tháng/năm (dd/mm/yyyy), ví dụ 17/05/1960."),
            )
    person = builders.person_clean(person)

    problems = builders.household_problems(household) + builders.person_problems(
        {**person, "vital_status": None},
        today=today,
        national_id_required_from_age=id_required_from,
    )
    for problem in problems:
        if problem.field == "date_of_birth" and person["date_of_birth"] is None:
            continue  # a blank or unreadable date is already named above
        fail(problem.field, problem.message)

    def kept(key: str, value):
        return value if key not in bad else None

    return PersonRow(
        number=row.number,
        household_key=household_key,
        commune_code=commune_code,
        village=kept("village", household.get("village")) or "",
        address=kept("address", household.get("address")) or "",
        area=kept("area", household.get("area")) or "",
        full_name=person["full_name"] or "",
        sex=kept("sex", person["sex"]) or "",
        date_of_birth=kept("date_of_birth", person["date_of_birth"]),
        national_id=kept("national_id", person["national_id"]) or "",
        ethnicity=person["ethnicity"] or "",
        relation=kept("relation_to_head", person["relation_to_head"]) or "",
        phone=kept("phone", person["phone"]) or "",
        bad=bad,
    )
