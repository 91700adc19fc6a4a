"""Key rotation: re-encrypt stored values under the current key and rebuild blind indexes under the
current root key, in small resumable batches that leave every value readable at every moment.

Works on the raw columns (from_db_value would decrypt), so it lives next to registry.crypto and is
the only other place that sees ciphertext. See docs/encryption.md for the runbook.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from registry import crypto
from registry.audit import AuditAction, audit_record
from registry.fields import (
    BlindIndexField,
    EncryptedTextField,
    blind_index_fields,
    encrypted_fields,
)

DEFAULT_BATCH_SIZE = 1000

# progress(model label, rows done, rows to do)
ProgressCallback = Callable[[str, int, int], None]


class RotationError(Exception):
    """A stored value could not be read with the configured keys. The batch holding it is rolled
    back; batches committed before it stay done, and nothing after it is touched."""


@dataclass
class RotationReport:
    """What one run changed, per model; safe to log and audit (counts and ids only)."""

    kind: str  # "encryption" or "blind_index"
    key_id: str  # encryption key id, or blind-index root key fingerprint
    rows: dict[str, int] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)
    # Rows rewritten by someone else between our read and our write; a re-run picks them up if
    # they are still under an old key.
    changed_concurrently: int = 0

    @property
    def total_values(self) -> int:
        return sum(self.values.values())


def _own_fields(model: type[models.Model], fields: list) -> list:
    # Inherited columns live in the parent's table and are handled with the parent.
    own = set(model._meta.local_concrete_fields)
    return [f for f in fields if f in own]


def _concrete_models() -> Iterator[type[models.Model]]:
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label_lower):
        if model._meta.proxy or not model._meta.managed:
            continue
        yield model


def encrypted_models() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every model with encrypted columns in its own table, with those columns."""
    found = []
    for model in _concrete_models():
        fields = _own_fields(model, encrypted_fields(model))
        if fields:
            found.append((model, fields))
    return found


def blind_indexed_models() -> list[tuple[type[models.Model], list[BlindIndexField]]]:
    """Every model with blind-index columns in its own table, with those columns."""
    found = []
    for model in _concrete_models():
        fields = _own_fields(model, blind_index_fields(model))
        if fields:
            found.append((model, fields))
    return found


def stored_key_ids(*, using: str = DEFAULT_DB_ALIAS) -> dict[str, dict[str, int]]:
    """Count stored values per encryption key id and per blind-index root fingerprint.

    Keys are `model.column`; ids not in the configured key ring are counted under "?". This is
    what tells an operator that an old key is no longer used and may be removed.
    """
    ring = crypto.keyring()
    encryption_ids = [key_id for key_id, _ in ring.encryption_keys]
    usage: dict[str, dict[str, int]] = {}
    for model, enc_fields in encrypted_models():
        table = _Table(model, using)
        for enc_field in enc_fields:
            usage[f"{model._meta.label_lower}.{enc_field.name}"] = table.prefix_counts(
                enc_field.column, encryption_ids
            )
    for model, index_fields in blind_indexed_models():
        table = _Table(model, using)
        for index_field in index_fields:
            usage[f"{model._meta.label_lower}.{index_field.name}"] = table.prefix_counts(
                index_field.column, list(ring.blind_index_key_ids)
            )
    return usage


# --- Raw SQL (the ORM would decrypt; rotation needs the stored text) ---------------------------


@dataclass(frozen=True)
class _Write:
    """Set `column` to params[0] on row params[1] only if it still holds params[2] (and the guard
    column still holds params[3])."""

    column: str
    params: tuple
    guard_column: str = ""


@dataclass(frozen=True)
class _Table:
    model: type[models.Model]
    using: str

    @property
    def connection(self):
        return connections[self.using]

    def q(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    @property
    def name(self) -> str:
        return self.q(self.model._meta.db_table)

    @property
    def pk(self) -> str:
        return self.q(self.model._meta.pk.column)

    def _stale(self, columns: list[str], prefix: str) -> tuple[str, list]:
        """SQL true when any of `columns` holds a value not starting with `prefix`."""
        parts, params = [], []
        for column in columns:
            parts.append(
                f"({self.q(column)} IS NOT NULL AND SUBSTR({self.q(column)}, 1, %s) <> %s)"
            )
            params += [len(prefix), prefix]
        return "(" + " OR ".join(parts) + ")", params

    def count_stale(self, columns: list[str], prefix: str) -> int:
        condition, params = self._stale(columns, prefix)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.name} WHERE {condition}", params)
            return cursor.fetchone()[0]

    def lock_stale_batch(
        self, *, stale_columns: list[str], prefix: str, read_columns: list[str], after_pk, size: int
    ) -> list[tuple]:
        """The next `size` stale rows after `after_pk` in pk order: (pk, *read_columns).

        Locked with SELECT … FOR UPDATE where the backend has it (PostgreSQL); SQLite lets one
        writer at a time into the transaction anyway.
        """
        condition, params = self._stale(stale_columns, prefix)
        if after_pk is not None:
            condition = f"{self.pk} > %s AND {condition}"
            params = [after_pk, *params]
        selected = ", ".join([self.pk, *(self.q(c) for c in read_columns)])
        sql = f"SELECT {selected} FROM {self.name} WHERE {condition} ORDER BY {self.pk} LIMIT %s"
        if self.connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, size])
            return cursor.fetchall()

    def compare_and_set(self, writes: list[_Write]) -> int:
        """Apply the writes; returns how many rows were still as read. A concurrent save wins, so
        nothing computed from stale plaintext is ever written."""
        groups: dict[tuple[str, str], list[tuple]] = {}
        for write in writes:
            groups.setdefault((write.column, write.guard_column), []).append(write.params)
        written = 0
        with self.connection.cursor() as cursor:
            for (column, guard), params in groups.items():
                sql = (
                    f"UPDATE {self.name} SET {self.q(column)} = %s "
                    f"WHERE {self.pk} = %s AND {self.q(column)} = %s"
                )
                if guard:
                    sql += f" AND {self.q(guard)} = %s"
                cursor.executemany(sql, params)
                written += cursor.rowcount
        return written

    def prefix_counts(self, column: str, ids: list[str]) -> dict[str, int]:
        sums = [
            f"SUM(CASE WHEN SUBSTR({self.q(column)}, 1, %s) = %s THEN 1 ELSE 0 END)" for _ in ids
        ]
        params: list = []
        for key_id in ids:
            params += [len(key_id) + 1, f"{key_id}:"]
        sql = f"SELECT COUNT({self.q(column)}){''.join(', ' + s for s in sums)} FROM {self.name}"
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            total, *counts = cursor.fetchone()
        result = {key_id: int(n or 0) for key_id, n in zip(ids, counts, strict=True) if n}
        unknown = total - sum(result.values())
        if unknown:
            result["?"] = unknown
        return result


@dataclass(frozen=True)
class _Pace:
    """How a rewrite runs: rows per transaction, progress reports, and the tests' pause hook."""

    batch_size: int
    progress: ProgressCallback | None
    pause_per_batch: float


def _run_batches(
    table: _Table,
    report: RotationReport,
    *,
    stale_columns: list[str],
    read_columns: list[str],
    prefix: str,
    rewrite: Callable[[tuple], list[_Write]],
    pace: _Pace,
) -> None:
    """Rewrite stale rows in pk order, one transaction per batch, counting into `report`.

    A row is stale while any of its columns lacks `prefix`; once rewritten it no longer matches,
    which is what makes a re-run after a kill skip the finished part cheaply.
    """
    batch_size, progress, pause_per_batch = pace.batch_size, pace.progress, pace.pause_per_batch
    label = table.model._meta.label_lower
    total = table.count_stale(stale_columns, prefix)
    done = values = lost = 0
    after_pk = None
    while True:
        with transaction.atomic(using=table.using):
            rows = table.lock_stale_batch(
                stale_columns=stale_columns,
                prefix=prefix,
                read_columns=read_columns,
                after_pk=after_pk,
                size=batch_size,
            )
            if not rows:
                break
            writes = [write for row in rows for write in rewrite(row)]
            written = table.compare_and_set(writes)
            if pause_per_batch:
                # Test hook: keeps each batch's transaction open long enough for a test to kill
                # the process inside one.
                time.sleep(pause_per_batch)
        values += written
        lost += len(writes) - written
        after_pk = rows[-1][0]
        done += len(rows)
        if progress:
            progress(label, done, max(total, done))
    report.rows[label] = done
    report.values[label] = values
    report.changed_concurrently += lost


def _decrypt_or_fail(token: str, *, field: EncryptedTextField, pk) -> str:
    try:
        return crypto.decrypt(token, context=field.context)
    except crypto.DecryptionError as exc:
        # Names the column, row and key id only; never the value. Batches already committed
        # are complete; the current one is rolled back.
        raise RotationError(f"{exc} (row pk={pk})") from None


# --- Rotations ---------------------------------------------------------------------------------


def encrypted_values_rotate(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
    using: str = DEFAULT_DB_ALIAS,
    pause_per_batch: float = 0.0,
) -> RotationReport:
    """Re-encrypt every stored value that is not under the current key id.

    Each value is decrypted with the key named in it and re-encrypted under the first configured
    key, so old and new keys must both be configured while this runs. Values already under the
    current key are skipped in SQL, so a killed run resumes where it stopped.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    key_id = crypto.keyring().current_key_id
    prefix = f"{key_id}:"
    report = RotationReport(kind="encryption", key_id=key_id)
    for model, fields in encrypted_models():

        def rewrite(row: tuple, fields=fields) -> list[_Write]:
            pk, stored = row[0], row[1:]
            writes = []
            for enc_field, token in zip(fields, stored, strict=True):
                if token is None or token.startswith(prefix):
                    continue
                plain = _decrypt_or_fail(token, field=enc_field, pk=pk)
                fresh = crypto.encrypt(plain, context=enc_field.context)
                writes.append(_Write(enc_field.column, (fresh, pk, token)))
            return writes

        columns = [f.column for f in fields]
        _run_batches(
            _Table(model, using),
            report,
            stale_columns=columns,
            read_columns=columns,
            prefix=prefix,
            rewrite=rewrite,
            pace=_Pace(batch_size, progress, pause_per_batch),
        )
    return report


def blind_indexes_rebuild(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
    using: str = DEFAULT_DB_ALIAS,
    pause_per_batch: float = 0.0,
) -> RotationReport:
    """Recompute every blind index not made with the current (first) root key.

    Search looks up the candidates of every configured root key, so lookups keep working while
    this runs; once it has finished, the old root key can be removed.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    root = crypto.keyring().blind_index_keys[0]
    fingerprint = crypto.blind_index_key_id(root)
    prefix = f"{fingerprint}:"
    report = RotationReport(kind="blind_index", key_id=fingerprint)
    for model, fields in blind_indexed_models():
        sources = [model._meta.get_field(f.source) for f in fields]

        def rewrite(row: tuple, fields=fields, sources=sources) -> list[_Write]:
            pk = row[0]
            stored_indexes, stored_sources = row[1 : 1 + len(fields)], row[1 + len(fields) :]
            writes = []
            for index_field, source, stored, raw in zip(
                fields, sources, stored_indexes, stored_sources, strict=True
            ):
                if stored is None or stored.startswith(prefix):
                    continue
                if raw is None:
                    # An index left behind by a cleared source: it indexes nothing.
                    writes.append(_Write(index_field.column, (None, pk, stored)))
                    continue
                if isinstance(source, EncryptedTextField):
                    plain = _decrypt_or_fail(raw, field=source, pk=pk)
                else:
                    plain = str(raw)
                fresh = index_field.compute(plain, root=root)
                # Guarded on the source too: an index must match the value it was computed from.
                writes.append(_Write(index_field.column, (fresh, pk, stored, raw), source.column))
            return writes

        index_columns = [f.column for f in fields]
        _run_batches(
            _Table(model, using),
            report,
            stale_columns=index_columns,
            read_columns=index_columns + [s.column for s in sources],
            prefix=prefix,
            rewrite=rewrite,
            pace=_Pace(batch_size, progress, pause_per_batch),
        )
    return report


def keys_rotate(
    *,
    blind_index: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
    using: str = DEFAULT_DB_ALIAS,
    pause_per_batch: float = 0.0,
) -> RotationReport:
    """Run one rotation to the end and record it in the audit log (counts and key ids only)."""
    rotate = blind_indexes_rebuild if blind_index else encrypted_values_rotate
    report = rotate(
        batch_size=batch_size, progress=progress, using=using, pause_per_batch=pause_per_batch
    )
    with transaction.atomic(using=using):
        audit_record(
            actor=None,
            action=AuditAction.KEYS_ROTATED,
            object_type="keyring",
            object_id=report.key_id,
            data={
                "kind": report.kind,
                "rows": report.rows,
                "values": report.values,
                "changed_concurrently": report.changed_concurrently,
            },
        )
    return report
