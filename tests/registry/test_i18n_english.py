"""English (Accept-Language: en) for pages and API errors, and a complete English catalogue."""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import OWN_COMMUNE

ROOT = Path(settings.BASE_DIR)
SKIP_DIRS = {".venv", "var", "staticfiles", ".git", "node_modules", "tests", "bench"}
# One English catalogue per app (<app>/locale/en) and locale/en for the project's templates.
# locale/vi holds only DRF's own messages, translated into Vietnamese by hand.
PO_FILES = sorted(
    path
    for path in ROOT.glob("**/locale/en/LC_MESSAGES/django.po")
    if not SKIP_DIRS & set(path.relative_to(ROOT).parts)
)

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯạ-ỹẠ-Ỹ]")

HOUSEHOLD = {
    "commune_code": OWN_COMMUNE,
    "village": "Thôn Đông Hà",
    "address": "12 Lê Lợi",
    "area": "rural",
}
# The 4th digit (1) says female born in the 1900s; the person is a man born in 1960.
MAN_WITH_FEMALE_ID = {
    "full_name": "Nguyễn Văn Hùng",
    "sex": "male",
    "date_of_birth": "1960-05-17",
    "national_id": "045160012345",
    "ethnicity": "Kinh",
    "relation_to_head": "head",
}


# --- the .po / .mo files, read without Django or polib ----------------------------------------


def po_entries(path: Path) -> list[dict]:
    """Every entry of a .po file as {"msgid", "msgstr", "flags"}, the header included. A plural
    entry becomes one entry per form: msgid with msgstr[0], msgid_plural with each later form."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.extend(_plural_forms(entry))
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "msgstr": "", "flags": set(), "obsolete": False, "forms": {}}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt"):
            raise AssertionError(f"context entries are not expected here: {line}")
        elif line.startswith("msgid_plural "):
            field = "msgid_plural"
            entry[field] = ast.literal_eval(line[len("msgid_plural ") :])
        elif match := re.match(r"msgstr\[(\d+)\] ", line):
            field = f"msgstr[{match[1]}]"
            entry["forms"][field] = None
            entry[field] = ast.literal_eval(line[match.end() :])
        elif line.startswith("msgid "):
            field = "msgid"
            entry[field] = ast.literal_eval(line[len("msgid ") :])
        elif line.startswith("msgstr "):
            field = "msgstr"
            entry[field] = ast.literal_eval(line[len("msgstr ") :])
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            raise AssertionError(f"unexpected .po line: {line!r}")
    return entries


def _plural_forms(entry: dict) -> list[dict]:
    if not entry["forms"]:
        return [entry]
    forms = []
    for index, form in enumerate(entry["forms"]):
        msgid = entry["msgid"] if index == 0 else entry["msgid_plural"]
        # English has two forms: the first for one, the second for any other number.
        count = 1 if index == 0 else 2
        forms.append(
            {
                **entry,
                "msgid": msgid,
                "msgstr": entry[form],
                "count": count,
                "singular": entry["msgid"],
            }
        )
    return forms


def _entries(path: Path) -> list[dict]:
    return [e for e in po_entries(path) if e["msgid"] and not e["obsolete"]]


@pytest.fixture(scope="module")
def messages() -> list[dict]:
    return [entry for path in PO_FILES for entry in _entries(path)]


def test_every_app_with_messages_has_a_catalogue():
    catalogues = {str(path.relative_to(ROOT)) for path in PO_FILES}
    for app in ("registry", "beneficiaries"):
        assert f"{app}/locale/en/LC_MESSAGES/django.po" in catalogues
    assert "locale/en/LC_MESSAGES/django.po" in catalogues


def test_po_file_has_messages(messages):
    assert len(messages) > 200


def test_every_message_is_translated_and_none_is_fuzzy(messages):
    untranslated = [e["msgid"] for e in messages if not e["msgstr"].strip()]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_their_placeholders(messages):
    wrong = [
        (e["msgid"], e["msgstr"])
        for e in messages
        if sorted(PLACEHOLDER.findall(e["msgid"])) != sorted(PLACEHOLDER.findall(e["msgstr"]))
    ]
    assert wrong == []


def test_translations_are_english_not_copied_vietnamese(messages):
    # Import messages quote the Vietnamese values a spreadsheet cell must hold, so Vietnamese may
    # appear inside a translation, but never as the whole of it.
    copied = [
        e["msgid"]
        for e in messages
        if VIETNAMESE_LETTERS.search(e["msgid"]) and e["msgstr"] == e["msgid"]
    ]
    assert copied == []


def _compiled(catalogue: gettext.GNUTranslations, entry: dict) -> str:
    if "count" not in entry:
        return catalogue.gettext(entry["msgid"])
    return catalogue.ngettext(entry["singular"], entry["msgid_plural"], entry["count"])


@pytest.mark.parametrize("po_file", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_the_po_file(po_file):
    entries = _entries(po_file)
    with po_file.with_suffix(".mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [e["msgid"] for e in entries if _compiled(catalogue, e) != e["msgstr"]]
    assert stale == [], f"{po_file.name} differs from its .mo: run make messages"
    assert all(catalogue.gettext(e["msgid"]).strip() for e in entries)


@pytest.mark.slow
def test_catalogues_hold_every_message_of_the_source(tmp_path):
    """`make messages` on a copy of the tree changes no catalogue: nothing is left untranslated."""
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        copy,
        ignore=lambda directory, names: (
            [n for n in names if n in SKIP_DIRS or n.endswith((".mo", ".pyc"))]
            + (["tests"] if Path(directory) == ROOT else [])
        ),
    )
    ignores = [arg for d in sorted(SKIP_DIRS) for arg in ("-i", f"{d}/*")]
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--add-location", "file",
         "--no-obsolete", *ignores],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "REGISTRY_VAR_DIR": str(tmp_path / "var")},
    )  # fmt: skip
    for po_file in PO_FILES:
        fresh = {e["msgid"] for e in _entries(copy / po_file.relative_to(ROOT))}
        committed = {e["msgid"] for e in _entries(po_file)}
        missing = sorted(fresh - committed)
        assert missing == [], f"{po_file.relative_to(ROOT)}: run make messages and translate"
    new_catalogues = {
        str(path.relative_to(copy)) for path in copy.glob("**/locale/en/LC_MESSAGES/django.po")
    } - {str(path.relative_to(ROOT)) for path in PO_FILES}
    assert new_catalogues == set()


# --- what a person sees -----------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_in_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Log in</h1>" in html
    assert "Username" in html and "Password" in html
    assert "Social Security Beneficiary Registry" in html
    for vietnamese in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu", "Sổ đăng ký"):
        assert vietnamese not in html


@pytest.mark.django_db
def test_wrong_password_message_in_english(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    response = client.post(
        "/accounts/login/", {"username": "nobody", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert "Incorrect username or password." in html
    assert "không đúng" not in html


def _register_man_with_female_id(client, **headers):
    household = client.post("/api/v1/households/", HOUSEHOLD, format="json", **headers)
    assert household.status_code == 201, household.content
    return client.post(
        "/api/v1/persons/",
        {**MAN_WITH_FEMALE_ID, "household_id": household.json()["id"]},
        format="json",
        **headers,
    )


@pytest.mark.django_db
def test_service_error_in_english_when_asked(client_for, social_worker):
    response = _register_man_with_female_id(client_for(social_worker), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    error = response.json()["error"]
    assert error["code"] == "invalid_national_id"
    expected = "The 4th digit of the personal identification number does not match the sex."
    assert error["message"] == expected
    assert error["fields"]["national_id"] == [expected]
    assert not VIETNAMESE_LETTERS.search(str(error))


@pytest.mark.django_db
def test_service_error_in_vietnamese_by_default(client_for, social_worker):
    response = _register_man_with_female_id(client_for(social_worker))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_national_id"
    expected = "Chữ số thứ 4 của số định danh không khớp với giới tính."
    assert error["message"] == expected
    assert error["fields"]["national_id"] == [expected]


@pytest.mark.django_db
def test_choice_labels_and_field_names_translate():
    from django.utils import translation

    from beneficiaries.models import CaseStatus, Classification, Person, Programme

    with translation.override("en"):
        assert str(Classification.POOR.label) == "Poor household"
        assert str(Programme.SOCIAL_ASSISTANCE.label) == "Social assistance"
        assert (
            str(Programme.MERITORIOUS.label) == "People with meritorious services to the revolution"
        )
        assert str(CaseStatus.SUSPENDED.label) == "Suspended"
        assert str(Person._meta.get_field("ss_code").verbose_name) == "social-security code"
    with translation.override("vi"):
        assert str(Classification.POOR.label) == "Hộ nghèo"
