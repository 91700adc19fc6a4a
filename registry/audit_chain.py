"""The audit trail's hash chain: sealing new events under one lock, reading the head, verifying.

Each event's `hash` is SHA-256 over a canonical serialisation of the event (sorted-key JSON of
its sequence number, time in UTC, actor id, action, object, commune, data and the previous
event's hash). Appends are serialised by a row lock on the one-row `AuditChainHead` taken in the
transaction of the change being recorded, so two writers never fork the chain and the lock is
released only when the change commits or rolls back. The canonical form must never change: the
hashes already written depend on it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.bulk_rows import rows_insert
from registry.models import GENESIS_HASH, AuditChainHead, AuditEvent

CHUNK = 5000


@dataclass(frozen=True)
class ChainHead:
    """Where the chain ends: printed on exports and payment lists to anchor it outside the DB."""

    sequence: int
    hash: str

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hash}"


def normalise_data(data: dict | None) -> dict:
    """The data exactly as it reads back from the JSON column (tuples → lists, keys → str)."""
    return json.loads(json.dumps(data or {}))


def utc_iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def canonical(
    *,
    sequence: int,
    at: datetime | str,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    commune_code: str,
    data: dict,
    prev_hash: str,
) -> bytes:
    document = {
        "sequence": sequence,
        "at": at if isinstance(at, str) else utc_iso(at),
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "commune_code": commune_code,
        "data": data,
        "prev_hash": prev_hash,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


_json_text = json.encoder.encode_basestring_ascii  # a string as json.dumps(ensure_ascii) writes it


def event_hash(**fields) -> str:
    return hashlib.sha256(canonical(**fields)).hexdigest()


def _hash_of(event: AuditEvent, at: str | None = None) -> str:
    return event_hash(
        sequence=event.sequence,
        at=at or event.at,
        actor_id=event.actor_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        commune_code=event.commune_code,
        data=event.data,
        prev_hash=event.prev_hash,
    )


def _locked_head() -> AuditChainHead:
    """The head row, locked until the end of the transaction (created after a flush)."""
    try:
        return AuditChainHead.objects.select_for_update().get(pk=1)
    except AuditChainHead.DoesNotExist:
        pass
    last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(
                pk=1,
                sequence=last["sequence"] if last else 0,
                hash=last["hash"] if last else GENESIS_HASH,
            )
    except IntegrityError:
        pass  # another writer created it first
    return AuditChainHead.objects.select_for_update().get(pk=1)


def chain_append(events: Sequence[AuditEvent]) -> list[AuditEvent]:
    """Number, link and hash `events` in order, then insert them (one bulk insert for many)."""
    if not events:
        return []
    with transaction.atomic():
        head = _locked_head()
        now = timezone.now()
        now_iso = utc_iso(now)
        prev_hash, sequence = head.hash, head.sequence
        normalised: dict[int, dict] = {}  # a bulk record shares one `data` dict
        for event in events:
            sequence += 1
            event.sequence = sequence
            event.at = now
            key = id(event.data)
            if key not in normalised:
                normalised[key] = normalise_data(event.data)
            event.data = normalised[key]
            event.prev_hash = prev_hash
            event.hash = prev_hash = _hash_of(event, now_iso)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events, batch_size=500)
        AuditChainHead.objects.filter(pk=1).update(sequence=sequence, hash=prev_hash)
    return list(events)


def chain_append_many(
    *,
    actor_id: int | None,
    action: str,
    data: dict | None,
    objects: Sequence[tuple[str, str, str]],
) -> None:
    """One event per (object_type, object_id, commune_code), all of one actor, action and data
    (a bulk record: imports), appended as `chain_append` would: numbered and linked in order,
    each hashed over `canonical`'s exact bytes — built here from parts serialised once, since
    the fields shared by every event need not be encoded again for each — and inserted as rows
    (`registry.bulk_rows`) rather than as model instances."""
    if not objects:
        return
    with transaction.atomic():
        head = _locked_head()
        now = timezone.now()
        data = normalise_data(data)
        shared = (
            f'{{"action":{_json_text(action)},"actor":{json.dumps(actor_id)},'
            f'"at":{_json_text(utc_iso(now))},"commune_code":'
        )
        data_part = ',"data":' + json.dumps(
            data, sort_keys=True, separators=(",", ":"), ensure_ascii=True
        )
        communes: dict[str, str] = {}
        types: dict[str, str] = {}
        prev_hash, sequence = head.hash, head.sequence
        rows = []
        sha256 = hashlib.sha256
        for object_type, object_id, commune_code in objects:
            sequence += 1
            commune_part = communes.get(commune_code)
            if commune_part is None:
                commune_part = communes[commune_code] = _json_text(commune_code)
            type_part = types.get(object_type)
            if type_part is None:
                type_part = types[object_type] = _json_text(object_type)
            document = (
                f"{shared}{commune_part}{data_part},"
                f'"object_id":{_json_text(object_id)},"object_type":{type_part},'
                f'"prev_hash":{_json_text(prev_hash)},"sequence":{sequence}}}'
            )
            event = sha256(document.encode()).hexdigest()
            rows.append((sequence, object_type, object_id, commune_code, prev_hash, event))
            prev_hash = event
        _insert_events(rows, now=now, actor_id=actor_id, action=action, data=data)
        AuditChainHead.objects.filter(pk=1).update(sequence=sequence, hash=prev_hash)


_BULK_COLUMNS = ("sequence", "object_type", "object_id", "commune_code", "prev_hash", "hash")
_BULK_SHARED = ("at", "actor_id", "action", "data")


def _insert_events(rows: list[tuple], *, now: datetime, actor_id, action: str, data) -> None:
    """INSERT rows of `_BULK_COLUMNS`, with the `_BULK_SHARED` values of every one prepared by
    their fields once."""
    meta = AuditEvent._meta
    fields = {f.attname: f for f in meta.concrete_fields if not f.primary_key}
    if set(fields) != set(_BULK_COLUMNS + _BULK_SHARED):  # a new field must be filled here
        raise RuntimeError(f"chain_append_many writes {_BULK_COLUMNS + _BULK_SHARED}, not {fields}")
    shared = (
        fields["at"].get_db_prep_save(now, connection),
        actor_id,
        action,
        fields["data"].get_db_prep_save(data, connection),
    )
    rows_insert(
        meta.db_table,
        [fields[name].column for name in _BULK_COLUMNS + _BULK_SHARED],
        (row + shared for row in rows),
    )


def audit_chain_head() -> ChainHead:
    """The chain's head now (inside a transaction: as that transaction sees it)."""
    head = AuditChainHead.objects.filter(pk=1).values("sequence", "hash").first()
    if head is None:
        last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
        head = last or {"sequence": 0, "hash": GENESIS_HASH}
    return ChainHead(sequence=head["sequence"], hash=head["hash"])


# --- verification ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    """The first place the chain does not hold: which event, and what was done to it."""

    kind: str  # changed | deleted | inserted | reordered
    event_id: int | None
    sequence: int
    detail: str

    def __str__(self) -> str:
        who = f"id={self.event_id}" if self.event_id is not None else "id=?"
        return _("%(kind)s: sự kiện %(who)s, số %(sequence)s: %(detail)s") % {
            "kind": self.kind,
            "who": who,
            "sequence": self.sequence,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class ChainReport:
    events: int
    head: ChainHead
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


_FIELDS = ("id", "sequence", "at", "actor_id", "action", "object_type", "object_id")
_FIELDS += ("commune_code", "data", "prev_hash", "hash")


def _rows(chunk: int, after: int | None) -> Iterator[dict]:
    """The events after `after` in sequence order, read in chunks by key (constant memory)."""
    while True:
        queryset = AuditEvent.objects.order_by("sequence")
        if after is not None:
            queryset = queryset.filter(sequence__gt=after)
        rows = list(queryset.values(*_FIELDS)[:chunk])
        if not rows:
            return
        yield from rows
        after = rows[-1]["sequence"]


def _fields(row: dict, **override) -> dict:
    return {**{k: row[k] for k in _FIELDS if k not in ("id", "hash")}, **override}


def _moved_from(row: dict) -> int | None:
    """The sequence this event was hashed at, when it holds at another place (reordering)."""
    if row["prev_hash"] == GENESIS_HASH:
        original = 1
    else:
        before = AuditEvent.objects.filter(hash=row["prev_hash"]).values("sequence").first()
        if before is None:
            return None
        original = before["sequence"] + 1
    if original != row["sequence"] and event_hash(**_fields(row, sequence=original)) == row["hash"]:
        return original
    return None


def _check(row: dict, expected: int, prev_hash: str, prev: dict | None) -> ChainBreak | None:
    event_id, sequence = row["id"], row["sequence"]
    if sequence > expected:
        missing = f"{expected}" if sequence == expected + 1 else f"{expected}–{sequence - 1}"
        return ChainBreak(
            "deleted",
            event_id,
            sequence,
            _("thiếu (các) sự kiện số %(missing)s ngay trước nó") % {"missing": missing},
        )
    if sequence < expected:
        return ChainBreak(
            "inserted",
            event_id,
            sequence,
            _("số thứ tự đứng trước đầu chuỗi (%(expected)s)") % {"expected": expected},
        )
    if prev is not None and event_id < prev["id"]:
        # Ids grow with the sequence (both are taken under the chain's lock): the event before
        # this one was written after it, so it was put there afterwards.
        return ChainBreak(
            "inserted",
            prev["id"],
            prev["sequence"],
            _("được ghi sau sự kiện id=%(next)s nhưng lại đứng trước nó") % {"next": event_id},
        )
    if event_hash(**_fields(row)) != row["hash"]:
        original = _moved_from(row)
        if original is not None:
            return ChainBreak(
                "reordered",
                event_id,
                sequence,
                _("sự kiện vốn mang số %(original)s") % {"original": original},
            )
        return ChainBreak(
            "changed", event_id, sequence, _("nội dung không còn khớp với mã băm của nó")
        )
    if row["prev_hash"] != prev_hash:
        return ChainBreak(
            "inserted",
            event_id,
            sequence,
            _("liên kết tới sự kiện trước bị đứt (có sự kiện bị chèn hoặc thay ngay trước nó)"),
        )
    return None


def _recorded_head() -> dict | None:
    return AuditChainHead.objects.filter(pk=1).values("sequence", "hash").first()


def verify_chain(*, chunk: int = CHUNK, progress=None) -> ChainReport:
    """Walk the whole chain; stop at the first event that was changed, deleted, inserted or moved.

    Safe while the application writes: events appended during the walk are walked too, until the
    recorded head stops moving ahead of the walk.
    """
    expected, prev_hash, prev, count = 1, GENESIS_HASH, None, 0
    while True:
        for row in _rows(chunk, after=None if prev is None else expected - 1):
            broken = _check(row, expected, prev_hash, prev)
            if broken is not None:
                return ChainReport(count, ChainHead(expected - 1, prev_hash), broken)
            expected, prev_hash, prev = row["sequence"] + 1, row["hash"], row
            count += 1
            if progress is not None and count % chunk == 0:
                progress(count)
        recorded = _recorded_head()
        if recorded is None or recorded["sequence"] <= expected - 1:
            break
        if not AuditEvent.objects.filter(sequence__gte=expected).exists():
            break  # the head is ahead of every event: the tail was deleted
    last = ChainHead(expected - 1, prev_hash)
    if recorded is not None and (recorded["sequence"], recorded["hash"]) != (
        last.sequence,
        last.hash,
    ):
        return ChainReport(count, last, _head_break(recorded, last))
    return ChainReport(count, last, None)


def _head_break(recorded: dict, last: ChainHead) -> ChainBreak:
    if last.sequence > recorded["sequence"]:
        row = AuditEvent.objects.filter(sequence=recorded["sequence"] + 1).values("id").first()
        return ChainBreak(
            "inserted",
            row and row["id"],
            recorded["sequence"] + 1,
            _("nó nằm sau đầu chuỗi đã ghi (số %(head)s)") % {"head": recorded["sequence"]},
        )
    if last.sequence < recorded["sequence"]:
        return ChainBreak(
            "deleted",
            None,
            last.sequence + 1,
            _("thiếu (các) sự kiện cuối chuỗi, tới số %(head)s") % {"head": recorded["sequence"]},
        )
    row = AuditEvent.objects.filter(sequence=last.sequence).values("id").first()
    return ChainBreak(
        "changed",
        row and row["id"],
        last.sequence,
        _("mã băm của sự kiện cuối khác đầu chuỗi đã ghi"),
    )
