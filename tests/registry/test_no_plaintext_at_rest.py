"""Personal values never reach the database in any readable form.

Persons with known values are written through the models, then the raw storage is searched: the
SQLite file's bytes (and its journal), and on PostgreSQL every row of every table as JSON.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest
from django.db import connection

from beneficiaries.models import Case, CaseSuspension
from registry import crypto
from tests.factories import make_household, make_person
from tests.registry.test_key_rotation import (
    CASE_REASON,
    KEY_A,
    PERSONS,
    ROOT_1,
    SUSPENSION_REASON,
    build_site,
    household_address,
    person_values,
)

# A value of a plain (unencrypted) column, written by the factories: it must be found, which
# proves the search below can see text at all.
CONTROL = "Thôn Đông"


def readable_forms(value: str) -> set[str]:
    """Every form in which a value could leak: as typed, NFC, NFD, casefolded, upper-case, and
    the accent-free form blind indexes hash (which is what a careless 'search column' stores)."""
    forms = set()
    for base in (value, unicodedata.normalize("NFC", value), unicodedata.normalize("NFD", value)):
        forms |= {base, base.casefold(), base.upper()}
    forms |= {crypto.normalise_text(value), crypto.normalise_text(value).upper()}
    digits = crypto.normalise_digits(value)
    if len(digits) >= 8:
        forms.add(digits)
    return {form for form in forms if len(form) >= 4}


def secrets_written(count: int) -> set[str]:
    values = {CASE_REASON, SUSPENSION_REASON}
    for i in range(count):
        values.add(household_address(i))
        values |= set(person_values(i).values())
    return values


def assert_nothing_readable(haystack: bytes | str, secrets: set[str]) -> None:
    if isinstance(haystack, str):
        haystack = haystack.encode("utf-8")
    found = sorted(
        form
        for secret in secrets
        for form in readable_forms(secret)
        if form.encode("utf-8") in haystack
    )
    assert found == [], f"{len(found)} personal values readable at rest, e.g. {found[:3]}"


def test_readable_forms_cover_the_usual_leaks():
    forms = readable_forms("Nguyễn Văn Hùng")
    assert {"Nguyễn Văn Hùng", "nguyễn văn hùng", "NGUYỄN VĂN HÙNG", "nguyen van hung"} <= forms
    assert unicodedata.normalize("NFD", "Nguyễn Văn Hùng") in forms
    assert "045190000123" in readable_forms("045 190 000 123")


@pytest.mark.slow
def test_sqlite_file_holds_no_plaintext(tmp_path):
    # Always an SQLite file, whatever the suite runs on: it is the byte-level check.
    site, drop = build_site(tmp_path, vendor="sqlite")
    try:
        site.seed(PERSONS)
        # Rotating rewrites every value once more; old pages must not keep plaintext either.
        site.manage("rotate_keys", keys=f"{crypto.generate_key_entry('B')},{KEY_A}", roots=ROOT_1)
    finally:
        drop()
    files = [p for p in site.var_dir.iterdir() if p.name.startswith("registry.sqlite3")]
    data = b"".join(p.read_bytes() for p in files)
    assert len(data) > 100_000

    assert CONTROL.encode() in data, "the control value should be visible in a plain column"
    assert_nothing_readable(data, secrets_written(PERSONS))


@pytest.mark.django_db
def test_postgresql_rows_hold_no_plaintext():
    if connection.vendor != "postgresql":
        pytest.skip("runs when DATABASE_URL points at PostgreSQL; SQLite is covered byte-wise")
    for i in range(PERSONS):
        person = make_person(make_household(address=household_address(i)), **person_values(i))
        if i % 4 == 0:
            case = Case.objects.create(
                person=person,
                commune_id=person.commune_id,
                programme="social_assistance",
                category="5.5a",
                disability_level="extremely_severe",
                status_reason=CASE_REASON,
            )
            CaseSuspension.objects.create(
                case=case, from_month=date(2025, 7, 1), reason=SUSPENSION_REASON
            )

    dumped = []
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT row_to_json(t)::text FROM {q(table)} t")
            for (row,) in cursor.fetchall():
                dumped.append(row)
                # Decoded as well, in case the server escaped non-ASCII text.
                dumped.extend(str(v) for v in json.loads(row).values())
    text = "\n".join(dumped)

    assert CONTROL in text, "the control value should be visible in a plain column"
    assert_nothing_readable(text, secrets_written(PERSONS))
