"""One way to build a household or a person, whichever path the data comes by.

The API services, the spreadsheet import and the demo all clean values with `*_clean`, check
them with `*_problems` (every problem of the record's own values, as field → message, limits
read from the model) and construct the row with `*_build`. What needs the database — the commune
being the user's, a duplicate personal ID number, a household's head — is checked by the caller.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from beneficiaries.entitlements import age_on
from beneficiaries.identifiers import validate_national_id
from beneficiaries.models import Area, Household, Person, Relation, Sex, VitalStatus
from registry.exceptions import RegistryError, ValidationFailed

HOUSEHOLD_FIELDS = ("village", "address", "area")
PERSON_FIELDS = (
    "national_id", "full_name", "sex", "date_of_birth", "ethnicity", "relation_to_head",
    "phone", "street_address", "hiv_status", "custody_status", "vital_status",
)  # fmt: skip
# Free text a person types: composed form, single spaces, no control characters.
PERSON_TEXT_FIELDS = (
    "full_name", "ethnicity", "street_address", "hiv_status", "custody_status",
)  # fmt: skip
PHONE_LOCAL = re.compile(r"^0\d{9}$")
PHONE_INTERNATIONAL = re.compile(r"^\+84\d{9}$")
PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
EARLIEST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field, in the user's language; `code` is machine-readable."""

    field: str
    message: str
    code: str = "invalid"


def max_length(model: type[models.Model], field: str) -> int | None:
    return model._meta.get_field(field).max_length


def clean_text(value: object) -> str | None:
    """NFC, whitespace collapsed, control characters dropped; blank → None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(text.split()) or None


def clean_phone(value: object) -> str | None:
    """ "+84 912 345 678" and "0912.345.678" → "0912345678"; anything else is kept for checking."""
    text = PHONE_SEPARATORS.sub("", clean_text(value) or "")
    if PHONE_INTERNATIONAL.match(text):
        return "0" + text[3:]
    return text or None


def raise_first(problems: list[Problem]) -> None:
    """The API's answer to a record's problems: the first one's code and message, every field."""
    if not problems:
        return
    fields: dict[str, list[str]] = {}
    for problem in problems:
        fields.setdefault(problem.field, []).append(str(problem.message))
    raise ValidationFailed(problems[0].message, code=problems[0].code, fields=fields)


def _too_long(model: type[models.Model], field: str, value: str | None) -> Problem | None:
    limit = max_length(model, field)
    if value and limit is not None and len(value) > limit:
        return Problem(field, _("Dài quá %(max)s ký tự.") % {"max": limit}, "too_long")
    return None


# --- Households -------------------------------------------------------------------------------


def household_clean(values: Mapping) -> dict:
    cleaned = {key: values[key] for key in HOUSEHOLD_FIELDS if key in values}
    for key in ("village", "address"):
        if key in cleaned:
            cleaned[key] = clean_text(cleaned[key])
    if "village" in cleaned:
        cleaned["village"] = cleaned["village"] or ""
    return cleaned


def household_problems(values: Mapping) -> list[Problem]:
    problems = [
        problem
        for key in ("village", "address")
        if (problem := _too_long(Household, key, values.get(key)))
    ]
    if "area" in values and values["area"] not in Area.values:
        problems.append(
            Problem("area", _("Khu vực phải là «Thành thị» hoặc «Nông thôn»."), "invalid_choice")
        )
    return problems


def household_build(*, code: str, commune_code: str, values: Mapping) -> Household:
    return Household(
        code=code,
        commune_id=commune_code,
        village=values.get("village") or "",
        address=values.get("address"),
        area=values["area"],
    )


# --- Persons ----------------------------------------------------------------------------------


def person_clean(values: Mapping) -> dict:
    """Normalised values of the person fields present in `values` (others are left out)."""
    cleaned = {key: values[key] for key in PERSON_FIELDS if key in values}
    for key in PERSON_TEXT_FIELDS:
        if key in cleaned:
            cleaned[key] = clean_text(cleaned[key])
    if "national_id" in cleaned:
        cleaned["national_id"] = "".join((clean_text(cleaned["national_id"]) or "").split()) or None
    if "phone" in cleaned:
        cleaned["phone"] = clean_phone(cleaned["phone"])
    return cleaned


def person_problems(
    values: Mapping, *, today: date, national_id_required_from_age: int | None = None
) -> list[Problem]:
    """Every problem of one person's own values (a complete record: the fields of PERSON_FIELDS).

    `national_id_required_from_age`: from this age the personal ID number is required (the
    import's REGISTRY_IMPORT_NATIONAL_ID_REQUIRED_FROM_AGE); None when it may come later.
    """
    problems: list[Problem] = []

    def add(problem: Problem | None) -> None:
        if problem is not None:
            problems.append(problem)

    full_name = values.get("full_name")
    if not full_name:
        add(Problem("full_name", _("Họ và tên không được để trống."), "required"))
    elif any(ch.isdigit() for ch in full_name):
        add(Problem("full_name", _("Họ và tên không được chứa chữ số.")))
    add(_too_long(Person, "full_name", full_name))

    sex = values.get("sex")
    if sex not in Sex.values:
        add(Problem("sex", _("Giới tính phải là «Nam» hoặc «Nữ»."), "invalid_choice"))
        sex = None

    born = values.get("date_of_birth")
    if not isinstance(born, date):
        add(Problem("date_of_birth", _("Ngày sinh không được để trống."), "required"))
        born = None
    elif born > today:
        add(Problem("date_of_birth", _("Ngày sinh không được ở tương lai.")))
        born = None
    elif born.year < EARLIEST_BIRTH_YEAR:
        add(Problem("date_of_birth", _("Năm sinh phải từ 1900 trở đi.")))
        born = None

    national_id = values.get("national_id")
    if national_id:
        try:
            validate_national_id(national_id, sex=sex, date_of_birth=born)
        except RegistryError as exc:
            add(Problem("national_id", exc.message, exc.code))
    elif (
        national_id_required_from_age is not None
        and born is not None
        and age_on(born, today) >= national_id_required_from_age
    ):
        add(
            Problem(
                "national_id",
                _("Người từ %(age)s tuổi trở lên phải có số định danh cá nhân.")
                % {"age": national_id_required_from_age},
                "required",
            )
        )

    if values.get("relation_to_head") not in Relation.values:
        add(
            Problem(
                "relation_to_head",
                _(
                    "Quan hệ với chủ hộ phải là một trong: Chủ hộ, Vợ/chồng, Con, Bố/mẹ, Cháu, "
                    "Anh/chị/em, Khác."
                ),
                "invalid_choice",
            )
        )

    phone = values.get("phone")
    if phone and not PHONE_LOCAL.match(phone):
        add(
            Problem(
                "phone",
                _("Số điện thoại phải gồm 10 chữ số bắt đầu bằng 0, hoặc +84 và 9 chữ số."),
            )
        )
    for key in ("ethnicity", "street_address", "hiv_status", "custody_status"):
        add(_too_long(Person, key, values.get(key)))
    return problems


def person_build(*, ss_code: str, household: Household, values: Mapping) -> Person:
    return Person(
        ss_code=ss_code,
        household=household,
        commune_id=household.commune_id,
        **{key: values.get(key) for key in PERSON_FIELDS if key != "vital_status"},
        vital_status=values.get("vital_status") or VitalStatus.ALIVE,
    )
