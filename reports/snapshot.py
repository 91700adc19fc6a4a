"""Per-commune figures maintained incrementally: a summary is assembled from each commune's
stored raw figures (reports/models.py `CommuneFigures`), and only the communes whose data
changed since their figures were computed are computed again.

"Changed" is read from the audit chain: every write appends an event in its own transaction,
numbered in commit order (registry/audit_chain.py locks the head row until commit), with the
commune it concerns. A commune's stored figures are stale when a later event names it, or names
no commune and can change figures (the legal rates and amounts, a restore, a multi-commune
payment batch: every commune), or when they are older than REGISTRY_REPORT_CACHE_SECONDS (which
bounds the life of a change made outside the services, SQL by hand, that the audit never sees).
Events that change no figure (reads, logins, users and roles, certificates, jobs, backups) are
ignored wherever they are.

A commune's figures can also depend on another commune's rows: a case counts in its paying
commune, but its person's death, age and household's poverty are read from the person and the
household, which after a move between communes are in the new commune while the old cases stay
on the old commune's rolls until the month's end. So the communes of the cases of the persons
living in (or in a household of) a changed commune are stale too.

Concurrency: the head is read first, then the events and the figures, in one consistent read
where the database gives one (PostgreSQL: a REPEATABLE READ transaction; SQLite in WAL mode: a
deferred read transaction, which never blocks a writer), and the figures are stored as valid at
that head. Where no consistent read is available (already inside a transaction), a write
committed after the head was read may or may not be in the figures; its event has a higher
sequence, so they are computed again at the next request — never missed.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from beneficiaries.models import Case, Household, Person
from registry.audit import AuditAction
from registry.models import AuditEvent, Commune
from reports.cache import audit_head, cache_seconds
from reports.figures import Row, commune_rows
from reports.models import CommuneFigures
from reports.period import Period

# Bump when what a stored row holds, or how a figure is counted, changes: old rows are ignored.
FORMAT = 1
A = AuditAction
# Events that change no figure of any report, wherever they are.
NO_FIGURES = frozenset(
    action.value
    for action in (
        A.USER_CREATED, A.USER_UPDATED, A.TOKEN_ISSUED, A.TOKEN_REUSED, A.KEYS_ROTATED,
        A.PERSON_UNMASKED_READ, A.CERTIFICATE_ISSUED, A.CERTIFICATE_PRINTED,
        A.CERTIFICATES_BATCH_PRINTED, A.CERTIFICATE_REVOKED, A.CERTIFICATE_KEY_ACTIVATED,
        A.CERTIFICATE_KEY_ROTATED, A.PAYMENT_LIST_PRINTED, A.JOB_QUEUED, A.JOB_STARTED,
        A.JOB_REQUEUED, A.JOB_DONE, A.JOB_FAILED, A.PAYMENT_ACCOUNT_UNMASKED_READ,
        A.LOGIN_SUCCEEDED, A.LOGIN_FAILED, A.LOGGED_OUT, A.OTP_DEVICE_ENROLLED,
        A.BACKUP_WRITTEN, A.BACKUP_STARTED, A.PERSON_DATA_EXPORTED, A.LOGIN_UNLOCKED,
    )
)  # fmt: skip
# Where an event names more communes than its own `commune_code`: a move's old commune, an
# import's or a payment batch's communes.
DATA_COMMUNES = ("from_commune", "communes", "commune_codes")


def period_key(period: Period, *, with_amounts: bool) -> str:
    """What the stored figures of a commune depend on besides its data."""
    raw = repr(
        (
            FORMAT, period.year, period.month.isoformat(), with_amounts,
            list(settings.REGISTRY_REPORT_HEALTH_INSURANCE_PROGRAMMES),
            getattr(settings, "REGISTRY_REPORT_PAYMENT_FIGURES", None),
        )
    )  # fmt: skip
    return hashlib.sha256(raw.encode()).hexdigest()


def event_communes(action: str, commune_code: str, data) -> set[str] | None:
    """The communes whose figures an event can change: an empty set for none, None for all."""
    if action in NO_FIGURES:
        return set()
    named = {commune_code} if commune_code else set()
    if isinstance(data, dict):
        for field in DATA_COMMUNES:
            value = data.get(field)
            values = [value] if isinstance(value, str) else value or []
            named |= {str(code) for code in values if code}
    return named or None


# -- encoding: counts stay ints, money is a Decimal string -----------------------------------


def _enc(value):
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, dict):
        return {str(k): _enc(v) for k, v in value.items()}
    return value


def _dec(value):
    if isinstance(value, dict):
        if set(value) == {"$d"}:
            return Decimal(value["$d"])
        return {k: _dec(v) for k, v in value.items()}
    return value


def encode(row: Row) -> dict:
    return {
        "counts": row.counts,
        "by_category": [[p, c, n] for (p, c), n in row.by_category.items()],
        "due": _enc(row.due),
        "previous": dict(row.previous),
        "paid": _enc(row.paid),
        "previous_paid": _enc(row.previous_paid),
        "held": row.held,
    }


def decode(figures: dict) -> Row:
    row = Row()
    row.counts.update(figures["counts"])
    row.by_category.update({(p, c): n for p, c, n in figures["by_category"]})
    row.due.update(_dec(figures["due"]))
    row.previous.update(figures["previous"])
    row.paid = _dec(figures["paid"])
    row.previous_paid = _dec(figures["previous_paid"])
    row.held = figures["held"]
    return row


# -- staleness ---------------------------------------------------------------------------------


@contextlib.contextmanager
def consistent_read() -> Iterator[bool]:
    """One snapshot for every query inside, where it can be had without blocking writers;
    yields whether this is PostgreSQL's own read-only transaction (see few_communes_plans)."""
    if connection.in_atomic_block:
        yield False  # the caller's transaction: READ COMMITTED on PostgreSQL, see the module doc
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield True
    elif connection.vendor == "sqlite":
        # Django's atomic() would BEGIN IMMEDIATE (the write lock, settings): a plain BEGIN
        # starts a read transaction whose snapshot (WAL) lasts until COMMIT.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield False
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
    else:
        yield False


# Up to this many stale communes, PostgreSQL is steered to the commune indexes (below).
FEW_COMMUNES = 8


def few_communes_plans() -> None:
    """For a few communes, make PostgreSQL reach the rows through the commune indexes: left to
    itself it hashes every assessment (or household) of the year against the commune's
    households — a scan of the whole table that grows with the province, not the commune.
    SET LOCAL: for this read-only transaction only."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")


def candidate_communes() -> set[str]:
    """Every commune holding a household, a person or a case (an auditor's unfiltered scope)."""
    held = Commune.objects.filter(
        Exists(Household.objects.filter(commune_id=OuterRef("code")))
        | Exists(Person.objects.filter(commune_id=OuterRef("code")))
        | Exists(Case.objects.filter(commune_id=OuterRef("code")))
    )
    return set(held.values_list("code", flat=True))


def linked_communes(changed: Iterable[str]) -> set[str]:
    """The paying communes of the cases of persons living in (or in a household of) these, and
    the communes of persons in their households."""
    changed = sorted(changed)
    if not changed:
        return set()
    households = Household.objects.filter(commune_id__in=changed).values("id")
    found: set[str] = set()
    # Two queries, each down one index (an OR of the two would scan every person).
    for persons in (
        Person.objects.filter(commune_id__in=changed).values("id"),
        Person.objects.filter(household_id__in=households).values("id"),
    ):
        cases = Case.objects.filter(person_id__in=persons).exclude(commune_id__in=changed)
        found |= set(cases.values_list("commune_id", flat=True).distinct().order_by())
    # A person counts in their own commune with their household's review (the same commune
    # after every service; checked rather than assumed).
    elsewhere = Person.objects.filter(household_id__in=households).exclude(commune_id__in=changed)
    found |= set(elsewhere.values_list("commune_id", flat=True).distinct().order_by())
    return found


def stale_communes(stored: dict[str, CommuneFigures], max_age: int) -> set[str]:
    """The stored communes an event later than their figures can have changed, or too old."""
    if not stored:
        return set()
    too_old = timezone.now() - timedelta(seconds=max_age)
    stale = {code for code, row in stored.items() if row.computed_at < too_old}
    oldest = min(row.audit_sequence for row in stored.values())
    events = (
        AuditEvent.objects.filter(sequence__gt=oldest)
        .exclude(action__in=NO_FIGURES)
        .values_list("sequence", "action", "commune_code", "data")
        .order_by()
    )
    latest: dict[str, int] = defaultdict(int)  # changed commune → its latest event
    everything = 0
    for sequence, action, commune_code, data in events.iterator():
        named = event_communes(action, commune_code, data)
        if named is None:
            everything = max(everything, sequence)
        for code in named or ():
            latest[code] = max(latest[code], sequence)
    stale |= {code for code, row in stored.items() if row.audit_sequence < everything}
    stale |= {c for c, seq in latest.items() if c in stored and stored[c].audit_sequence < seq}
    stale |= linked_communes(latest) & set(stored)
    return stale


# -- the summary's rows ------------------------------------------------------------------------


def stored_rows(codes, period: Period, *, with_amounts: bool) -> tuple[dict[str, Row], bool]:
    """Like figures.commune_rows, from the stored rows where they are still valid; the stale
    and missing ones computed (in one pass over those communes) and stored."""
    key = period_key(period, with_amounts=with_amounts)
    with consistent_read() as own_transaction:
        head = audit_head()
        scope = set(codes) if codes is not None else candidate_communes()
        if not scope:  # nothing to store: as a fresh computation says
            return commune_rows(codes, period, with_amounts=with_amounts)
        stored = {
            row.commune_id: row
            for row in CommuneFigures.objects.filter(key=key, commune_id__in=sorted(scope))
        }
        stale = stale_communes(stored, cache_seconds()) | (scope - set(stored))
        if own_transaction and 0 < len(stale) <= FEW_COMMUNES:
            few_communes_plans()
        fresh, payments = (
            commune_rows(stale, period, with_amounts=with_amounts) if stale else ({}, None)
        )
        rows = {code: decode(stored[code].figures) for code in scope - stale}
    rows.update(fresh)
    if payments is None:  # nothing computed: as the stored rows say
        payments = all(row.paid is not None for row in rows.values()) if rows else False
    store(fresh, key=key, period=period, head=head, stored=stored)
    confirmed = [row.pk for code, row in stored.items() if code not in stale]
    # Checked up to the head: the next request scans the events from there on.
    CommuneFigures.objects.filter(pk__in=confirmed, audit_sequence__lt=head).update(
        audit_sequence=head
    )
    return rows, payments


def store(fresh: dict[str, Row], *, key: str, period: Period, head: int, stored: dict) -> None:
    """Save computed rows as valid at `head`, never over a row valid at a later one."""
    now = timezone.now()
    new = []
    for code, row in fresh.items():
        values = {"figures": encode(row), "audit_sequence": head, "computed_at": now}
        if code in stored:
            CommuneFigures.objects.filter(
                key=key, commune_id=code, audit_sequence__lte=head
            ).update(**values)
        else:
            new.append(
                CommuneFigures(commune_id=code, key=key, year=period.year, month=period.month,
                               **values)
            )  # fmt: skip
    CommuneFigures.objects.bulk_create(new, ignore_conflicts=True)
