"""`manage.py backup` / `restore`: an encrypted, integrity-checked archive that restores exactly
(every value decrypts, the audit chain verifies) and is refused when corrupted or truncated."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from beneficiaries import services
from beneficiaries.models import Household, Person
from registry.audit_chain import audit_chain_head, verify_chain
from registry.backup import decrypt_file
from registry.models import AuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db
KEY = base64.b64encode(os.urandom(32)).decode()
NATIONAL_ID = "045150012345"


@pytest.fixture(autouse=True)
def backup_key():
    with override_settings(REGISTRY_BACKUP_KEY=KEY):
        yield


@pytest.fixture
def registry_data():
    worker = make_user("sw_backup", "social_worker", ["18859"])
    household = services.household_register(
        actor=worker, commune_code="18859", area="rural", village="Thôn Đông",
        address="12 Lê Duẩn",
    )  # fmt: skip
    person = services.person_register(
        actor=worker, household_id=household.pk, full_name="Trần Thị Bưởi", sex="female",
        date_of_birth=date(1950, 4, 2), national_id=NATIONAL_ID, relation_to_head="head",
    )  # fmt: skip
    return household, person


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *map(str, args), stdout=out)
    return out.getvalue()


def test_a_backup_restores_exactly(tmp_path, registry_data):
    household, person = registry_data
    archive = tmp_path / "registry.rgbak"
    out = run("backup", archive)
    assert "registry.auditevent" in out and "[1/" in out  # progress per table
    # The archive's chain ends at "backup.started"; "backup.written" (recorded once the archive
    # was sealed) names that head.
    written = AuditEvent.objects.get(action="backup.written")
    sequence, hash_ = written.data["chain_head"].split(":")
    assert audit_chain_head().sequence == written.sequence == int(sequence) + 1
    counts = (Household.objects.count(), Person.objects.count(), AuditEvent.objects.count())

    # Life goes on after the backup, then the backup is restored.
    worker = make_user("sw_after", "social_worker", ["18859"])
    services.household_register(actor=worker, commune_code="18859", area="urban")
    Person.objects.filter(pk=person.pk).update(full_name="Tên đã sửa")

    out = run("restore", archive)
    assert "nguyên vẹn" in out
    assert (Household.objects.count(), Person.objects.count()) == counts[:2]
    restored = Person.objects.get(pk=person.pk)
    assert (restored.full_name, restored.national_id) == ("Trần Thị Bưởi", NATIONAL_ID)
    assert Household.objects.get(pk=household.pk).address == "12 Lê Duẩn"
    # The chain is the archived one plus the restore's own event, and it verifies.
    assert AuditEvent.objects.count() == (counts[2] - 1) + 1
    assert AuditEvent.objects.get(sequence=int(sequence)).hash == hash_
    assert AuditEvent.objects.order_by("-sequence").first().action == "backup.restored"
    assert verify_chain().ok


def test_the_archive_is_encrypted_and_holds_no_key(tmp_path, registry_data, settings):
    archive = tmp_path / "registry.rgbak"
    run("backup", archive)
    raw = archive.read_bytes()
    assert b"Tr\xe1\xba\xa7n" not in raw and NATIONAL_ID.encode() not in raw
    plain = io.BytesIO()
    with archive.open("rb") as source:
        decrypt_file(source, plain, base64.b64decode(KEY))
    with zipfile.ZipFile(plain) as inside:
        content = b"".join(inside.read(name) for name in inside.namelist())
        assert "manifest.json" in inside.namelist()
    assert KEY.encode() not in content
    for secret in (settings.SECRET_KEY, settings.REGISTRY_ENCRYPTION_KEYS,
                   settings.REGISTRY_BLIND_INDEX_KEY):  # fmt: skip
        if secret:
            assert secret.encode() not in content


def _refused(archive, match: str) -> None:
    before = (Person.objects.count(), AuditEvent.objects.count(), audit_chain_head())
    with pytest.raises(CommandError, match=match):
        run("restore", archive)
    assert (Person.objects.count(), AuditEvent.objects.count(), audit_chain_head()) == before


def test_a_corrupted_archive_is_refused_and_nothing_changes(tmp_path, registry_data):
    archive = tmp_path / "registry.rgbak"
    run("backup", archive)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    archive.write_bytes(bytes(data))
    _refused(archive, "corrupted")


@pytest.mark.parametrize("cut", [1, 100, "chunk"])
def test_a_truncated_archive_is_refused(tmp_path, registry_data, cut):
    archive = tmp_path / "registry.rgbak"
    run("backup", archive)
    data = archive.read_bytes()
    if cut == "chunk":  # cut exactly after a whole chunk: the last-chunk flag catches it
        import registry.backup as backup

        with override_settings(), pytest.MonkeyPatch.context() as patch:
            patch.setattr(backup, "CHUNK", 256)
            run("backup", archive)
        data = archive.read_bytes()
        header = len(backup.MAGIC) + 16
        first = int.from_bytes(data[header : header + 4], "big")
        data = data[: header + 4 + first]
    else:
        data = data[:-cut]
    archive.write_bytes(data)
    _refused(archive, "truncated|corrupted")


def test_the_wrong_key_is_refused(tmp_path, registry_data):
    archive = tmp_path / "registry.rgbak"
    run("backup", archive)
    with override_settings(REGISTRY_BACKUP_KEY=base64.b64encode(os.urandom(32)).decode()):
        _refused(archive, "key")


def test_no_backup_without_a_key(tmp_path):
    with override_settings(REGISTRY_BACKUP_KEY=""), pytest.raises(CommandError, match="32"):
        run("backup", tmp_path / "x.rgbak")
    assert not (tmp_path / "x.rgbak").exists()


def test_a_backup_is_an_audit_event_inside_the_archive(tmp_path, registry_data):
    archive = tmp_path / "a.rgbak"
    run("backup", archive)
    with transaction.atomic():
        assert AuditEvent.objects.filter(action="backup.written").count() == 1
    written = AuditEvent.objects.get(action="backup.written")
    assert written.data["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
    started = AuditEvent.objects.get(action="backup.started")
    assert started.sequence < written.sequence
    # "started" is inside the archive, "written" (recorded once the archive was sealed) is not.
    run("restore", archive)
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-2:] == ["backup.started", "backup.restored"]
    assert "backup.written" not in actions
