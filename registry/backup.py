"""Backup archives: every table's rows plus the audit chain, encrypted and integrity-checked.

An archive is a zip (one JSON-lines member per model and a manifest with each member's SHA-256,
row count, the migrations it was taken at and the audit chain head) encrypted in 1 MiB chunks
with AES-256-GCM (the STREAM construction: a chunk counter and a last-chunk flag in each nonce,
so a reordered, altered or truncated archive fails to decrypt). The key comes from
REGISTRY_BACKUP_KEY (32 bytes, base64) and is never written into the archive; nor are the field
encryption keys: encrypted columns are stored decrypted inside the encrypted archive and
encrypted again, with the keys in force, when restored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from registry.audit_chain import audit_chain_head, verify_chain

MAGIC = b"RGBAK1\n"
CHUNK = 1 << 20
FORMAT = 1
Progress = Callable[[str], None]


class BackupError(Exception):
    """The archive cannot be written or restored; nothing was changed."""


# --- encryption --------------------------------------------------------------------------------


def backup_key() -> bytes:
    value = getattr(settings, "REGISTRY_BACKUP_KEY", "") or ""
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupError("REGISTRY_BACKUP_KEY must be 32 random bytes, base64-encoded")
    return key


def _cipher(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(hashes.SHA256(), 32, salt=salt, info=b"registry backup v1").derive(key)
    return AESGCM(derived)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def encrypt_file(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    salt = os.urandom(16)
    aad = MAGIC + salt
    cipher = _cipher(key, salt)
    target.write(aad)
    counter, chunk = 0, source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = cipher.encrypt(_nonce(counter, last), chunk, aad)
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        counter, chunk = counter + 1, following


def decrypt_file(source: BinaryIO, target: BinaryIO, key: bytes) -> None:
    magic = source.read(len(MAGIC))
    salt = source.read(16)
    if magic != MAGIC or len(salt) != 16:
        raise BackupError("not a registry backup archive")
    aad = magic + salt
    cipher = _cipher(key, salt)
    counter = 0
    while True:
        size = source.read(4)
        if len(size) != 4:
            raise BackupError("the archive is truncated")
        (length,) = struct.unpack(">I", size)
        sealed = source.read(length)
        if len(sealed) != length:
            raise BackupError("the archive is truncated")
        last = source.peek(1)[:1] == b"" if hasattr(source, "peek") else _at_end(source)
        try:
            target.write(cipher.decrypt(_nonce(counter, last), sealed, aad))
        except InvalidTag:
            raise BackupError(
                "the archive is corrupted or truncated, or the key is not the one it was "
                f"written with (chunk {counter})"
            ) from None
        if last:
            return
        counter += 1


def _at_end(source: BinaryIO) -> bool:
    position = source.tell()
    at_end = source.read(1) == b""
    source.seek(position)
    return at_end


# --- rows ----------------------------------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _encode(field: models.Field, obj: models.Model):
    value = field.value_from_object(obj)
    if value is None or isinstance(field, models.JSONField):
        return value
    if isinstance(value, bool | int | float | str):
        return value
    return field.value_to_string(obj)  # dates and times in full ISO, decimals, bytes (base64)


def _rows(model: type[models.Model]) -> Iterator[bytes]:
    fields = model._meta.concrete_fields
    for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
        row = {field.attname: _encode(field, obj) for field in fields}
        yield json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _migrations() -> dict[str, str]:
    applied: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied[app] = max(applied.get(app, ""), name)
    return applied


def backup_write(target: Path, *, progress: Progress = lambda line: None) -> dict:
    """Write an archive of the whole database to `target`; returns its manifest."""
    key = backup_key()
    chosen = backed_up_models()
    with tempfile.TemporaryDirectory() as scratch:
        plain = Path(scratch) / "backup.zip"
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:  # one consistent snapshot of every table
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            head = audit_chain_head()
            members = {}
            with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as archive:
                for index, model in enumerate(chosen, 1):
                    digest, count = hashlib.sha256(), 0
                    name = f"models/{model._meta.label_lower}.jsonl"
                    with archive.open(name, "w", force_zip64=True) as member:
                        for line in _rows(model):
                            member.write(line)
                            digest.update(line)
                            count += 1
                    members[name] = {"rows": count, "sha256": digest.hexdigest()}
                    progress(f"[{index}/{len(chosen)}] {model._meta.label_lower}: {count}")
                manifest = {
                    "format": FORMAT,
                    "created_at": timezone.now().isoformat(),
                    "vendor": connection.vendor,
                    "migrations": _migrations(),
                    "chain_head": {"sequence": head.sequence, "hash": head.hash},
                    "members": members,
                }
                archive.writestr("manifest.json", json.dumps(manifest, indent=1))
        partial = target.with_name(target.name + ".partial")
        with plain.open("rb") as source, partial.open("wb") as sink:
            encrypt_file(source, sink, key)
            sink.flush()
            os.fsync(sink.fileno())
        partial.replace(target)  # never a half-written archive under the final name
    return manifest


def file_sha256(path: Path) -> str:
    """The SHA-256 of a written archive, read in chunks (recorded in the audit trail)."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- restore -------------------------------------------------------------------------------------


def _checked_members(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise BackupError("the archive has no readable manifest") from None
    if manifest.get("format") != FORMAT:
        raise BackupError("unknown archive format")
    for name, expected in manifest["members"].items():
        digest, count = hashlib.sha256(), 0
        with archive.open(name) as member:
            for line in member:
                digest.update(line)
                count += 1
        if digest.hexdigest() != expected["sha256"] or count != expected["rows"]:
            raise BackupError(f"{name} does not match the manifest")
    return manifest


def _insert(model: type[models.Model], lines) -> int:
    fields = model._meta.concrete_fields
    batch, count = [], 0
    size = max(1, min(500, connection.ops.bulk_batch_size(fields, [None] * 500)))
    for line in lines:
        row = json.loads(line)
        values = {}
        for field in fields:
            raw = row[field.attname]
            values[field.attname] = None if raw is None else field.to_python(raw)
        batch.append(model(**values))
        if len(batch) >= size:
            model._base_manager._insert(batch, fields=fields, raw=True)
            count, batch = count + len(batch), []
    if batch:
        model._base_manager._insert(batch, fields=fields, raw=True)
        count += len(batch)
    return count


def backup_restore(source: Path, *, progress: Progress = lambda line: None) -> dict:
    """Replace every table's rows with the archive's, all or nothing; returns its manifest."""
    key = backup_key()
    with tempfile.TemporaryDirectory() as scratch:
        plain = Path(scratch) / "backup.zip"
        with source.open("rb") as encrypted, plain.open("wb") as sink:
            decrypt_file(encrypted, sink, key)
        try:
            archive = zipfile.ZipFile(plain)
        except zipfile.BadZipFile:
            raise BackupError("the archive's content is not readable") from None
        with archive:
            manifest = _checked_members(archive)
            if manifest["migrations"] != _migrations():
                raise BackupError("the database is not at the migrations the archive was taken at")
            chosen = backed_up_models()
            names = {f"models/{m._meta.label_lower}.jsonl": m for m in chosen}
            if set(names) != set(manifest["members"]):
                raise BackupError("the archive's tables are not this database's tables")
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for model in reversed(chosen):
                        cursor.execute(
                            f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}"
                        )
                for index, (name, model) in enumerate(names.items(), 1):
                    with archive.open(name) as member:
                        count = _insert(model, member)
                    progress(f"[{index}/{len(names)}] {model._meta.label_lower}: {count}")
                with connection.cursor() as cursor:
                    for statement in connection.ops.sequence_reset_sql(no_style(), chosen):
                        cursor.execute(statement)
                report = verify_chain()
                head = manifest["chain_head"]
                if not report.ok or (report.head.sequence, report.head.hash) != (
                    head["sequence"],
                    head["hash"],
                ):
                    raise BackupError(f"the restored audit chain does not verify: {report.broken}")
    return manifest
