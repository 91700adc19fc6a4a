"""Property-based tests of the personal identification number and social-security code rules."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings
from hypothesis import assume, given
from hypothesis import strategies as st

from beneficiaries.identifiers import (
    PRE_2025_PROVINCE_CODES,
    ss_code_build,
    ss_code_is_valid,
    validate_national_id,
    validate_ss_code,
)
from registry.exceptions import ValidationFailed

# --- personal identification numbers (domain.md §1) --------------------------------------------

# Digit 4 encodes century and sex: 0/1 1900s, 2/3 2000s, … 8/9 2300s; odd means female.
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2399, 12, 31))
sexes = st.sampled_from(["male", "female"])
provinces = st.sampled_from(sorted(PRE_2025_PROVINCE_CODES))
randoms = st.integers(0, 999_999).map(lambda n: f"{n:06d}")
unlisted_provinces = (
    st.integers(0, 999).map(lambda n: f"{n:03d}").filter(lambda c: c not in PRE_2025_PROVINCE_CODES)
)


def century_sex_digit(sex: str, year: int) -> int:
    return (year - 1900) // 100 * 2 + (1 if sex == "female" else 0)


def build_national_id(province: str, sex: str, born: date, tail: str) -> str:
    return f"{province}{century_sex_digit(sex, born.year)}{born.year % 100:02d}{tail}"


def assert_invalid(value, *, sex, date_of_birth):
    with override_settings(REGISTRY_ACCEPT_FOREIGN_BIRTH_CODES=False):
        with pytest.raises(ValidationFailed) as exc:
            validate_national_id(value, sex=sex, date_of_birth=date_of_birth)
    assert exc.value.code == "invalid_national_id"
    assert "national_id" in exc.value.fields
    if isinstance(value, str) and len(value) >= 9:
        assert value not in str(exc.value)  # never echo the number in the exception text


@given(province=provinces, sex=sexes, born=births, tail=randoms)
def test_every_well_formed_number_passes(province, sex, born, tail):
    number = build_national_id(province, sex, born, tail)
    with override_settings(REGISTRY_ACCEPT_FOREIGN_BIRTH_CODES=False):
        assert validate_national_id(number, sex=sex, date_of_birth=born) == number
        assert validate_national_id(number, sex=None, date_of_birth=None) == number


@given(province=unlisted_provinces, sex=sexes, born=births, tail=randoms)
def test_unlisted_province_code_fails(province, sex, born, tail):
    number = build_national_id(province, sex, born, tail)
    assert_invalid(number, sex=sex, date_of_birth=born)
    assert_invalid(number, sex=None, date_of_birth=None)


@given(province=provinces, sex=sexes, born=births, tail=randoms, digit=st.integers(0, 9))
def test_sex_digit_of_the_wrong_parity_fails(province, sex, born, tail, digit):
    assume((digit % 2 == 1) != (sex == "female"))
    number = build_national_id(province, sex, born, tail)
    number = number[:3] + str(digit) + number[4:]
    assert_invalid(number, sex=sex, date_of_birth=born)
    assert_invalid(number, sex=sex, date_of_birth=None)


@given(province=provinces, sex=sexes, born=births, tail=randoms, digit=st.integers(0, 9))
def test_wrong_century_fails(province, sex, born, tail, digit):
    number = build_national_id(province, sex, born, tail)
    assume(digit % 2 == int(number[3]) % 2 and digit != int(number[3]))
    number = number[:3] + str(digit) + number[4:]
    assert_invalid(number, sex=sex, date_of_birth=born)
    assert_invalid(number, sex=None, date_of_birth=born)


@given(province=provinces, sex=sexes, born=births, tail=randoms, yy=st.integers(0, 99))
def test_wrong_year_digits_fail(province, sex, born, tail, yy):
    assume(yy != born.year % 100)
    number = build_national_id(province, sex, born, tail)
    number = number[:4] + f"{yy:02d}" + number[6:]
    assert_invalid(number, sex=sex, date_of_birth=born)
    assert_invalid(number, sex=None, date_of_birth=born)


@given(
    value=st.text(alphabet="0123456789", max_size=20).filter(lambda v: len(v) != 12),
    sex=st.none() | sexes,
    born=st.none() | births,
)
def test_wrong_length_fails(value, sex, born):
    assert_invalid(value, sex=sex, date_of_birth=born)


@given(
    province=provinces,
    sex=sexes,
    born=births,
    tail=randoms,
    position=st.integers(0, 11),
    # Includes non-ASCII digits (Arabic-Indic, superscripts) which str.isdigit() accepts.
    char=st.characters(codec="utf-8").filter(lambda c: c not in "0123456789")
    | st.sampled_from(["٣", "²", "５", " ", "-", "a"]),
)
def test_non_digits_fail(province, sex, born, tail, position, char):
    number = build_national_id(province, sex, born, tail)
    number = number[:position] + char + number[position + 1 :]
    assert_invalid(number, sex=sex, date_of_birth=born)
    assert_invalid(number, sex=None, date_of_birth=None)


def test_non_strings_fail():
    for value in (None, 1234567890123, b"001090012345"):
        assert_invalid(value, sex=None, date_of_birth=None)


# --- social-security codes (ISO 7064 MOD 97-10) -------------------------------------------------

province_codes = st.integers(0, 99).map(lambda n: f"{n:02d}")
serials = st.integers(1, 10**10 - 1)


@given(province=province_codes, serial=serials)
def test_every_built_code_is_valid(province, serial):
    code = ss_code_build(province, serial)
    assert len(code) == 14 and code.isdigit()
    assert code.startswith(province) and int(code[2:12]) == serial
    assert int(code) % 97 == 1
    assert ss_code_is_valid(code)
    assert validate_ss_code(code) == code


@given(
    province=province_codes, serial=serials, position=st.integers(0, 13), digit=st.integers(0, 9)
)
def test_any_single_digit_substitution_is_detected(province, serial, position, digit):
    code = ss_code_build(province, serial)
    assume(code[position] != str(digit))
    typo = code[:position] + str(digit) + code[position + 1 :]
    assert not ss_code_is_valid(typo)
    with pytest.raises(ValidationFailed) as exc:
        validate_ss_code(typo)
    assert exc.value.code == "invalid_ss_code"


@given(province=province_codes, serial=serials, position=st.integers(0, 12))
def test_any_adjacent_transposition_is_detected(province, serial, position):
    code = ss_code_build(province, serial)
    assume(code[position] != code[position + 1])
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert not ss_code_is_valid(swapped)


@given(value=st.text(max_size=20).filter(lambda v: len(v) != 14 or not v.isascii()))
def test_malformed_codes_are_invalid(value):
    assert not ss_code_is_valid(value)


@pytest.mark.parametrize(("province", "serial"), [("1", 5), ("ab", 5), ("01", 0), ("01", 10**10)])
def test_build_refuses_bad_parts(province, serial):
    with pytest.raises(ValueError):
        ss_code_build(province, serial)
