"""The audit trail is a hash chain: tampering with rows directly in the database is caught, and
`verify_audit` names the first event changed, deleted, inserted or reordered."""

from __future__ import annotations

import io
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from registry.audit import AuditAction, audit_chain_head, audit_record, audit_record_many
from registry.audit_chain import GENESIS_HASH, event_hash, verify_chain
from registry.models import AuditEvent, AuditTrailIsAppendOnly, Province

TABLE = AuditEvent._meta.db_table
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and roles: PostgreSQL only"
)


def record(count: int = 5) -> list[AuditEvent]:
    with transaction.atomic():
        for index in range(count):
            audit_record(
                actor=None,
                action=AuditAction.DEMO_SEEDED,
                object_type="province",
                object_id=str(index),
                data={"fields": ["name"], "n": index},
            )
    return list(AuditEvent.objects.order_by("sequence"))


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def broken() -> str:
    with pytest.raises(CommandError) as caught:
        verify()
    return str(caught.value)


def sql(statement: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_events_are_numbered_linked_and_hashed_and_the_head_is_printed():
    events = record(3)
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    head = audit_chain_head()
    assert (head.sequence, head.hash) == (3, events[-1].hash)
    output = verify()
    assert "3" in output and events[-1].hash in output


@pytest.mark.django_db
def test_a_bulk_record_chains_every_event_in_one_pass(django_assert_max_num_queries):
    record(1)
    provinces = list(Province.objects.order_by("code")[:20])
    with transaction.atomic(), django_assert_max_num_queries(6):
        audit_record_many(actor=None, action=AuditAction.DEMO_SEEDED, objects=provinces)
    assert AuditEvent.objects.count() == 21
    assert audit_chain_head().sequence == 21
    verify()


@pytest.mark.django_db
def test_a_bulk_record_hashes_exactly_the_canonical_serialisation(admin_user):
    """The bulk path builds the canonical bytes from pre-serialised parts: every event must still
    hash as `event_hash` says, whatever its strings hold (quotes, accents, control characters)."""
    record(1)
    provinces = list(Province.objects.order_by("code")[:3])
    provinces[1].commune_id = '0"1\\'  # an odd commune code, escaped in JSON
    data = {"z": [1, 2.5, None, True], "a": {"tên": "Đắk Lắk\n", "b": 'say "hi"'}, "n": 10**20}
    with transaction.atomic():
        audit_record_many(
            actor=admin_user, action=AuditAction.DEMO_SEEDED, objects=provinces, data=data
        )
    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.object_id for e in events[1:]] == [p.code for p in provinces]
    assert events[2].commune_code == '0"1\\'
    for event, before in zip(events[1:], events, strict=False):
        assert event.actor_id == admin_user.pk and event.data == json.loads(json.dumps(data))
        assert event.prev_hash == before.hash
        assert event.hash == event_hash(
            sequence=event.sequence, at=event.at, actor_id=admin_user.pk, action="demo.seeded",
            object_type="province", object_id=event.object_id, commune_code=event.commune_code,
            data=event.data, prev_hash=before.hash,
        )  # fmt: skip
    assert audit_chain_head().hash == events[-1].hash
    verify()


@pytest.mark.django_db
def test_the_hash_is_sha256_over_the_canonical_serialisation():
    event = record(1)[0]
    assert event.hash == event_hash(
        sequence=1, at=event.at, actor_id=None, action="demo.seeded", object_type="province",
        object_id="0", commune_code="", data={"fields": ["name"], "n": 0}, prev_hash=GENESIS_HASH,
    )  # fmt: skip


@pytest.mark.django_db
def test_the_application_cannot_change_or_delete_an_event():
    event = record(1)[0]
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.audit_chain_tampered
def test_a_changed_event_is_named():
    events = record()
    sql(f"UPDATE {TABLE} SET data = %s WHERE id = %s", [json.dumps({"n": 99}), events[2].pk])
    message = broken()
    assert "changed" in message and f"id={events[2].pk}" in message and "số 3" in message


@pytest.mark.django_db
@pytest.mark.audit_chain_tampered
def test_a_changed_actor_or_time_is_named():
    events = record()
    sql(f"UPDATE {TABLE} SET commune_code = '18859' WHERE id = %s", [events[1].pk])
    assert f"changed: sự kiện id={events[1].pk}" in broken()


@pytest.mark.django_db
@pytest.mark.audit_chain_tampered
def test_a_deleted_event_is_named_by_its_number_and_the_event_after_it():
    events = record()
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[2].pk])
    message = broken()
    assert "deleted" in message and f"id={events[3].pk}" in message and "số 3" in message


@pytest.mark.django_db
@pytest.mark.audit_chain_tampered
def test_a_deleted_last_event_is_caught_by_the_recorded_head():
    events = record()
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [events[-1].pk])
    message = broken()
    assert "deleted" in message and "số 5" in message


def _forge(*, sequence: int, prev_hash: str) -> int:
    """Insert an event the way an intruder with the database password would: hash included."""
    event = AuditEvent(
        sequence=sequence, action="case.approved", object_type="case", object_id="7",
        data={}, prev_hash=prev_hash,
    )  # fmt: skip
    event.hash = event_hash(
        sequence=sequence, at=event.at, actor_id=None, action=event.action,
        object_type="case", object_id="7", commune_code="", data={}, prev_hash=prev_hash,
    )  # fmt: skip
    sql(
        f"INSERT INTO {TABLE} (sequence, at, action, object_type, object_id, commune_code, data,"
        " prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        [sequence, event.at, event.action, "case", "7", "", "{}", prev_hash, event.hash],
    )
    return AuditEvent.objects.get(sequence=sequence).pk


@pytest.mark.django_db
@pytest.mark.audit_chain_tampered
def test_a_forged_event_appended_with_a_valid_hash_is_named():
    events = record()
    forged = _forge(sequence=6, prev_hash=events[-1].hash)
    message = broken()
    assert "inserted" in message and f"id={forged}" in message and "số 6" in message


@pytest.mark.django_db
@pytest.mark.audit_chain_tampered
def test_a_forged_event_inserted_in_the_middle_is_named():
    events = record()
    # Make room at number 3 (two steps: the unique constraint holds row by row).
    sql(f"UPDATE {TABLE} SET sequence = sequence + 1000 WHERE sequence >= 3")
    sql(f"UPDATE {TABLE} SET sequence = sequence - 999 WHERE sequence >= 1000")
    forged = _forge(sequence=3, prev_hash=events[1].hash)
    message = broken()
    assert "inserted" in message and f"id={forged}" in message and "số 3" in message


@pytest.mark.django_db
@pytest.mark.audit_chain_tampered
def test_two_swapped_events_are_named_as_reordered():
    events = record()
    a, b = events[1], events[3]
    sql(f"UPDATE {TABLE} SET sequence = 1000 WHERE id = %s", [a.pk])
    sql(f"UPDATE {TABLE} SET sequence = %s WHERE id = %s", [a.sequence, b.pk])
    sql(f"UPDATE {TABLE} SET sequence = %s WHERE id = %s", [b.sequence, a.pk])
    message = broken()
    assert "reordered" in message and f"id={b.pk}" in message and "số 2" in message


@pytest.mark.django_db
def test_verification_streams_in_chunks():
    record(7)
    report = verify_chain(chunk=2)
    assert report.ok and report.events == 7 and report.head.sequence == 7


@pytest.mark.django_db
def test_direct_model_create_is_chained_too():
    record(2)
    with transaction.atomic():
        event = AuditEvent.objects.create(action="demo.seeded", object_type="province")
    assert event.sequence == 3
    verify()


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_event_and_the_chain_intact():
    record(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action=AuditAction.DEMO_SEEDED, object_type="province")
        raise RuntimeError
    assert audit_chain_head().sequence == 2
    record(1)
    verify()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_never_fork_the_chain():
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def writer(index: int) -> None:
        try:
            start.wait()
            for n in range(10):
                with transaction.atomic():
                    audit_record(
                        actor=None, action=AuditAction.DEMO_SEEDED, object_type="thread",
                        object_id=f"{index}-{n}",
                    )  # fmt: skip
            if index % 2:
                with transaction.atomic():
                    audit_record_many(
                        actor=None, action=AuditAction.DEMO_SEEDED,
                        # Built here: a transactional test before this one may have flushed
                        # the provinces the migrations loaded.
                        objects=[Province(code=f"{p:02d}") for p in range(1, 6)],
                    )  # fmt: skip
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, 6 * 10 + 3 * 5 + 1))
    assert verify_chain().ok


# The grants docs/security.md gives the application's role on the audit tables.
AUDIT_GRANTS = [
    f"GRANT SELECT, INSERT ON {TABLE} TO {{role}}",
    "GRANT SELECT, UPDATE ON registry_auditchainhead TO {role}",
    "GRANT SELECT ON registry_user TO {role}",
]


@postgres_only
@pytest.mark.django_db
def test_an_insert_only_role_appends_but_cannot_change_or_delete_events():
    from django.db.utils import ProgrammingError

    record(2)
    role = "registry_audit_grants_test"
    sql(f"CREATE ROLE {role} NOLOGIN")
    for grant in AUDIT_GRANTS:
        sql(grant.format(role=role))
    sql(f"SET LOCAL ROLE {role}")
    try:
        with transaction.atomic():
            audit_record(actor=None, action=AuditAction.DEMO_SEEDED, object_type="province")
        for statement in (
            f"UPDATE {TABLE} SET data = '{{}}' WHERE sequence = 1",
            f"DELETE FROM {TABLE} WHERE sequence = 1",
            f"TRUNCATE {TABLE}",
        ):
            with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
                sql(statement)
    finally:
        sql("RESET ROLE")
    assert audit_chain_head().sequence == 3
    assert verify_chain().ok
