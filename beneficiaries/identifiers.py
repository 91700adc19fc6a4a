"""Personal identification numbers (domain.md §1) and the registry's own social-security codes."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from registry.counters import counter_reserve
from registry.exceptions import ValidationFailed

# The 63 pre-2025 province codes used in personal identification numbers (not reissued after 2025).
PRE_2025_PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)

SS_CODE_LENGTH = 14


def _invalid_national_id(message) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_national_id", fields={"national_id": [message]})


def validate_national_id(value: str, *, sex: str | None, date_of_birth: date | None) -> str:
    """Return the 12-digit number, or raise `invalid_national_id` naming what disagrees."""
    if not isinstance(value, str) or len(value) != 12 or not value.isascii() or not value.isdigit():
        raise _invalid_national_id(_("Số định danh cá nhân phải gồm đúng 12 chữ số."))
    place = value[:3]
    if place not in PRE_2025_PROVINCE_CODES and not settings.REGISTRY_ACCEPT_FOREIGN_BIRTH_CODES:
        raise _invalid_national_id(
            _("Ba chữ số đầu của số định danh không phải mã tỉnh nơi đăng ký khai sinh hợp lệ.")
        )
    gender_century = int(value[3])
    if sex is not None:
        is_female = gender_century % 2 == 1
        if is_female != (sex == "female"):
            raise _invalid_national_id(_("Chữ số thứ 4 của số định danh không khớp với giới tính."))
    if date_of_birth is not None:
        century = 1900 + (gender_century // 2) * 100
        if date_of_birth.year // 100 * 100 != century:
            raise _invalid_national_id(
                _("Chữ số thứ 4 của số định danh không khớp với thế kỷ của năm sinh.")
            )
        if value[4:6] != f"{date_of_birth.year % 100:02d}":
            raise _invalid_national_id(
                _("Chữ số thứ 5–6 của số định danh không khớp với năm sinh.")
            )
    return value


def ss_code_check_digits(body: str) -> str:
    """ISO 7064 MOD 97-10 check digits for a digit string: the full number is then ≡ 1 (mod 97)."""
    return f"{98 - (int(body) * 100) % 97:02d}"


def ss_code_build(province_code: str, serial: int) -> str:
    """2-digit province of registration + 10-digit serial + 2 check digits."""
    if not (len(province_code) == 2 and province_code.isdigit()) or not 0 < serial < 10**10:
        raise ValueError("province code must be 2 digits and serial 1..9999999999")
    body = f"{province_code}{serial:010d}"
    return body + ss_code_check_digits(body)


def ss_code_is_valid(code: str) -> bool:
    return (
        isinstance(code, str)
        and len(code) == SS_CODE_LENGTH
        and code.isascii()
        and code.isdigit()
        and int(code) % 97 == 1
    )


def validate_ss_code(code: str) -> str:
    if not ss_code_is_valid(code):
        message = _("Mã an sinh xã hội không hợp lệ (sai độ dài hoặc sai chữ số kiểm tra).")
        raise ValidationFailed(message, code="invalid_ss_code", fields={"ss_code": [message]})
    return code


def ss_codes_issue(province_code: str, count: int = 1) -> list[str]:
    """Issue `count` new codes; serials come from a locked counter and are never reused."""
    first = counter_reserve(f"ss:{province_code}", count)
    return [ss_code_build(province_code, serial) for serial in range(first, first + count)]


def household_codes_issue(commune_code: str, count: int = 1) -> list[str]:
    """Registry-issued household codes: 5-digit commune + 7-digit serial ("188590000012")."""
    first = counter_reserve(f"household:{commune_code}", count)
    return [f"{commune_code}{serial:07d}" for serial in range(first, first + count)]
