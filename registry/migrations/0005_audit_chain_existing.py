"""Chain the events written before the hash chain existed, in the order they were written."""

import json

from django.db import migrations

GENESIS = "0" * 64


def chain(apps, schema_editor):
    from registry.audit_chain import event_hash

    AuditEvent = apps.get_model("registry", "AuditEvent")
    AuditChainHead = apps.get_model("registry", "AuditChainHead")
    prev_hash, sequence = GENESIS, 0
    batch = []
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        sequence += 1
        event.sequence = sequence
        event.data = json.loads(json.dumps(event.data or {}))
        event.prev_hash = prev_hash
        event.hash = prev_hash = event_hash(
            sequence=sequence, at=event.at, actor_id=event.actor_id, action=event.action,
            object_type=event.object_type, object_id=event.object_id,
            commune_code=event.commune_code, data=event.data, prev_hash=event.prev_hash,
        )
        batch.append(event)
        if len(batch) >= 2000:
            AuditEvent.objects.bulk_update(batch, ["sequence", "data", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["sequence", "data", "prev_hash", "hash"])
    AuditChainHead.objects.update_or_create(pk=1, defaults={"sequence": sequence, "hash": prev_hash})


def unchain(apps, schema_editor):
    apps.get_model("registry", "AuditChainHead").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0004_audit_chain_fields'),
    ]

    operations = [migrations.RunPython(chain, unchain)]
