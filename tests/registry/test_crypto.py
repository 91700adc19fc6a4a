"""Field encryption and blind indexes as a user of the registry would notice them."""

from __future__ import annotations

import base64
import unicodedata

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from beneficiaries.models import Household, Person
from registry import crypto
from registry.fields import blind_index_field
from tests.factories import make_household, make_person

KEY_A = crypto.generate_key_entry("A")
KEY_B = crypto.generate_key_entry("B")
BLIND_ROOT = base64.b64encode(b"\x01" * 32).decode()

NAME = "Nguyễn Thị Hồng Nhung"
ADDRESS = "Thôn Vĩnh Hoà, xã Hướng Hoá, tỉnh Quảng Trị — số 12, ngõ 3"


@pytest.fixture(autouse=True)
def keys():
    with override_settings(REGISTRY_ENCRYPTION_KEYS=KEY_A, REGISTRY_BLIND_INDEX_KEY=BLIND_ROOT):
        yield


def raw_column(model, pk, column: str) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [pk]
        )
        return cursor.fetchone()[0]


def write_raw_column(model, pk, column: str, value: str) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s",
            [value, pk],
        )


# --- Encryption --------------------------------------------------------------------------------


def test_round_trip_keeps_vietnamese_text_exactly():
    text = unicodedata.normalize("NFC", f"{NAME} · {ADDRESS} · dân tộc Vân Kiều")
    token = crypto.encrypt(text, context="beneficiaries.person.full_name")

    assert token.startswith("A:")
    assert text not in token
    assert crypto.decrypt(token, context="beneficiaries.person.full_name") == text


def test_same_value_encrypts_differently_each_time():
    # Random nonces: equal plaintexts must not be recognisable as equal in the database.
    first = crypto.encrypt(NAME, context="beneficiaries.person.full_name")
    second = crypto.encrypt(NAME, context="beneficiaries.person.full_name")
    assert first != second


@pytest.mark.django_db
def test_model_round_trip_through_the_database():
    person = make_person(
        full_name=NAME,
        national_id="045190000123",
        phone="0912 345 678",
        ethnicity="Vân Kiều",
        hiv_status="dương tính",
        custody_status="đang chấp hành án",
        street_address=ADDRESS,
    )
    stored = raw_column(Person, person.pk, "full_name")
    assert stored.startswith("A:") and NAME not in stored

    fresh = Person.objects.get(pk=person.pk)
    assert fresh.full_name == NAME
    assert fresh.national_id == "045190000123"
    assert fresh.ethnicity == "Vân Kiều"
    assert fresh.street_address == ADDRESS
    assert list(Person.objects.filter(pk=person.pk).values_list("hiv_status", flat=True)) == [
        "dương tính"
    ]


@pytest.mark.django_db
def test_empty_string_and_null_stay_distinct():
    person = make_person(phone="", national_id=None)
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.phone == ""
    assert fresh.national_id is None


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("hiv_status", ["dương tính", "âm tính", "không", ""]),
        ("disability_level", ["severe", "extremely_severe"]),
        ("custody_status", ["đang tạm giam", "không"]),
    ],
)
def test_ciphertext_length_does_not_tell_short_values_apart(field, values):
    # Without padding, GCM would reveal "dương tính" from "âm tính" by length alone.
    lengths = {len(crypto.encrypt(v, context=f"beneficiaries.person.{field}")) for v in values}
    assert len(lengths) == 1


def test_longer_values_round_trip_across_the_padding_boundary():
    for size in range(0, 50):
        text = ("ệ" * size)[:size]
        assert crypto.decrypt(crypto.encrypt(text, context="x.y.z"), context="x.y.z") == text


def test_text_with_nul_is_refused_rather_than_stored_ambiguously():
    with pytest.raises(ValueError, match="NUL"):
        crypto.encrypt("Nguyễn\0", context="x.y.z")


def test_values_written_before_padding_still_decrypt():
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    key = base64.b64decode(KEY_A.partition(":")[2])
    nonce = b"\x07" * 12
    sealed = AESGCM(key).encrypt(nonce, "Vân Kiều".encode(), b"beneficiaries.person.ethnicity")
    token = "A:" + base64.b64encode(nonce + sealed).decode()
    assert crypto.decrypt(token, context="beneficiaries.person.ethnicity") == "Vân Kiều"


def test_ciphertext_moved_to_another_field_fails():
    token = crypto.encrypt("045190000123", context="beneficiaries.person.national_id")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="beneficiaries.person.phone")


@pytest.mark.django_db
def test_ciphertext_copied_to_another_column_or_model_does_not_decrypt():
    person = make_person(national_id="045190000123", phone="0912345678")
    household = person.household
    national_id_token = raw_column(Person, person.pk, "national_id")
    write_raw_column(Person, person.pk, "phone", national_id_token)
    write_raw_column(Household, household.pk, "address", national_id_token)

    with pytest.raises(crypto.DecryptionError, match="person.phone"):
        Person.objects.get(pk=person.pk)
    with pytest.raises(crypto.DecryptionError, match="household.address"):
        Household.objects.get(pk=household.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("position", [0, 5, 12, 20, -1])
def test_one_flipped_byte_is_detected_and_the_error_hides_the_value(position):
    person = make_person(full_name=NAME)
    token = raw_column(Person, person.pk, "full_name")
    key_id, _, encoded = token.partition(":")
    raw = bytearray(base64.b64decode(encoded))
    raw[position] ^= 0x01
    tampered = f"{key_id}:{base64.b64encode(bytes(raw)).decode()}"
    write_raw_column(Person, person.pk, "full_name", tampered)

    with pytest.raises(crypto.DecryptionError) as caught:
        Person.objects.get(pk=person.pk)

    message = str(caught.value)
    assert "failed authentication" in message
    for secret in (NAME, crypto.normalise_text(NAME), encoded, tampered):
        assert secret not in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_truncated_or_non_base64_ciphertext_raises():
    token = crypto.encrypt(NAME, context="x.y.z")
    for broken in (token[:10], "A:not base64!", "A:", "no-key-id"):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(broken, context="x.y.z")


@pytest.mark.django_db
def test_unknown_key_id_raises_naming_the_key_not_the_value():
    person = make_person(full_name=NAME)
    with override_settings(REGISTRY_ENCRYPTION_KEYS=KEY_B):
        with pytest.raises(crypto.DecryptionError, match="unknown encryption key id 'A'") as caught:
            Person.objects.get(pk=person.pk)
    assert NAME not in str(caught.value)


@pytest.mark.django_db
def test_old_key_kept_behind_the_new_one_still_decrypts():
    person = make_person(full_name=NAME)
    with override_settings(REGISTRY_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}"):
        assert Person.objects.get(pk=person.pk).full_name == NAME
        person.save()
        assert raw_column(Person, person.pk, "full_name").startswith("B:")


@pytest.mark.django_db
def test_changing_secret_key_does_not_touch_personal_data():
    person = make_person(full_name=NAME)
    with override_settings(SECRET_KEY="a-completely-different-secret-key-0123456789"):
        assert Person.objects.get(pk=person.pk).full_name == NAME


@pytest.mark.parametrize(
    "lookup",
    [
        {"full_name": NAME},
        {"full_name__icontains": "Nhung"},
        {"national_id__in": ["045190000123"]},
        {"national_id__startswith": "045"},
        {"phone__gt": "0"},
    ],
)
def test_filtering_on_an_encrypted_field_is_refused(lookup):
    # A comparison with randomised ciphertext would silently match nothing.
    with pytest.raises(FieldError):
        Person.objects.filter(**lookup)


def test_isnull_is_the_one_lookup_allowed():
    assert "IS NULL" in str(Person.objects.filter(national_id__isnull=True).query)


# --- Key configuration -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "keys",
    [
        {"REGISTRY_ENCRYPTION_KEYS": "", "REGISTRY_BLIND_INDEX_KEY": ""},
        {"REGISTRY_ENCRYPTION_KEYS": KEY_A, "REGISTRY_BLIND_INDEX_KEY": ""},
        {"REGISTRY_ENCRYPTION_KEYS": "", "REGISTRY_BLIND_INDEX_KEY": BLIND_ROOT},
    ],
)
def test_production_without_keys_refuses(keys, tmp_path):
    key_file = tmp_path / "encryption_keys.json"
    with override_settings(REGISTRY_REQUIRE_KEYS_FROM_ENV=True, REGISTRY_KEY_FILE=key_file, **keys):
        with pytest.raises(ImproperlyConfigured, match="must be set in production"):
            crypto.load_keyring()
    assert not key_file.exists(), "production must never fall back to a generated key file"


def test_production_with_keys_uses_them(tmp_path):
    with override_settings(
        REGISTRY_REQUIRE_KEYS_FROM_ENV=True,
        REGISTRY_ENCRYPTION_KEYS=f"{KEY_B},{KEY_A}",
        REGISTRY_KEY_FILE=tmp_path / "encryption_keys.json",
    ):
        ring = crypto.load_keyring()
    assert ring.current_key_id == "B"
    assert [key_id for key_id, _ in ring.encryption_keys] == ["B", "A"]


@pytest.mark.parametrize(
    "value",
    [
        "A",  # no key
        "A:" + base64.b64encode(b"short").decode(),  # 5 bytes, not 32
        "A:%%%",  # not base64
        f"{KEY_A},{KEY_A}",  # same id twice
        "bad id:" + KEY_A.partition(":")[2],
    ],
    ids=["no-key", "short-key", "not-base64", "duplicate-id", "bad-id"],
)
def test_malformed_keys_refuse(value):
    with override_settings(REGISTRY_ENCRYPTION_KEYS=value):
        with pytest.raises(ImproperlyConfigured):
            crypto.load_keyring()


def test_development_key_file_is_generated_once_and_private(tmp_path):
    key_file = tmp_path / "var" / "encryption_keys.json"
    with override_settings(
        REGISTRY_ENCRYPTION_KEYS="", REGISTRY_BLIND_INDEX_KEY="", REGISTRY_KEY_FILE=key_file
    ):
        first = crypto.load_keyring()
        second = crypto.load_keyring()
    assert first == second
    assert key_file.stat().st_mode & 0o077 == 0


def test_generate_key_prints_a_usable_entry_last(capsys):
    from django.core.management import call_command

    call_command("generate_key", "--key-id", "k2026")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) >= 2, "an explanation comes before the key"
    entry = lines[-1]
    assert entry.startswith("k2026:")
    assert crypto.parse_encryption_keys(entry)[0][0] == "k2026"

    call_command("generate_key", "--blind-index")
    root = capsys.readouterr().out.strip().splitlines()[-1]
    assert len(crypto.parse_blind_index_keys(root)[0]) == 32


# --- Blind indexes -----------------------------------------------------------------------------


def index_of(field_name: str, text: str) -> str:
    return blind_index_field(Person, field_name).compute(text)


def test_name_index_ignores_case_accents_spacing_and_normal_form():
    expected = index_of("full_name", "Nguyễn Văn Hùng")
    for variant in (
        "nguyen van hung",
        "NGUYỄN  VĂN HÙNG",
        " Nguyen Van  Hung ",
        unicodedata.normalize("NFD", "Nguyễn Văn Hùng"),
    ):
        assert index_of("full_name", variant) == expected
    assert index_of("full_name", "Đặng Thị Lan") == index_of("full_name", "dang thi lan")
    assert index_of("full_name", "Nguyễn Văn Hưng") == expected  # ư folds to u too
    assert index_of("full_name", "Nguyễn Văn Hoà") != expected


def test_phone_and_national_id_indexes_ignore_formatting():
    assert index_of("phone", "+84 912 345 678") == index_of("phone", "0912345678")
    assert index_of("phone", "0912.345.678") == index_of("phone", "0912345678")
    assert index_of("national_id", "045 190 000 123") == index_of("national_id", "045190000123")


def test_same_text_in_different_fields_gives_unrelated_indexes():
    # Per-field HKDF sub-keys: an equal value in two columns cannot be linked by its index.
    text = "0912345678"
    a = crypto.blind_index(text, field="beneficiaries.person.phone", bits=32)
    b = crypto.blind_index(text, field="beneficiaries.person.national_id", bits=32)
    assert a != b
    assert index_of("phone", text).split(":")[1] not in index_of("national_id", text)


@pytest.mark.parametrize(
    ("field_name", "hex_digits"), [("national_id", 8), ("phone", 6), ("full_name", 5)]
)
def test_indexes_are_truncated_to_their_planned_width(field_name, hex_digits):
    fingerprint, _, digest = index_of(field_name, "Nguyễn Văn Hùng 0912345678").partition(":")
    assert fingerprint == crypto.blind_index_key_id(base64.b64decode(BLIND_ROOT))
    assert len(digest) == hex_digits


def test_index_depends_on_the_root_key():
    other_root = base64.b64encode(b"\x02" * 32).decode()
    before = index_of("full_name", NAME)
    with override_settings(REGISTRY_BLIND_INDEX_KEY=other_root):
        assert index_of("full_name", NAME) != before


@pytest.mark.django_db
def test_search_by_normalised_name_finds_the_person_and_no_one_else():
    wanted = make_person(full_name="Nguyễn Văn Hùng")
    make_person(make_household(), full_name="Nguyễn Văn Hoà")
    field = blind_index_field(Person, "full_name")

    found = Person.objects.filter(full_name_index__in=field.candidates("nguyen van hung"))
    matches = [
        p
        for p in found
        if crypto.normalise_text(p.full_name) == crypto.normalise_text("nguyen van hung")
    ]
    assert [p.pk for p in matches] == [wanted.pk]


@pytest.mark.django_db
def test_search_works_under_every_configured_root_key():
    person = make_person(national_id="045190000123")
    old_root = BLIND_ROOT
    new_root = base64.b64encode(b"\x03" * 32).decode()
    field = blind_index_field(Person, "national_id")
    with override_settings(REGISTRY_BLIND_INDEX_KEY=f"{new_root},{old_root}"):
        candidates = field.candidates("045190000123")
        assert len(candidates) == 2
        assert list(Person.objects.filter(national_id_index__in=candidates)) == [person]
    with override_settings(REGISTRY_BLIND_INDEX_KEY=new_root):
        # Not rebuilt yet: the new key alone does not find it (rotate_keys --blind-index does).
        candidates = field.candidates("045190000123")
        assert not Person.objects.filter(national_id_index__in=candidates).exists()
