"""Writing audit events: called inside the same transaction as the change it records."""

from __future__ import annotations

from django.db import models

from registry.models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    commune_code: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Record one event. `data` must hold ids, codes and field names only — never personal values."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        commune_code=commune_code or "",
        data=data or {},
    )


def audit_record_many(
    *, actor, action: str, objects: list[models.Model], data: dict | None = None
) -> None:
    """One event per object in a single bulk insert (imports): each record keeps its history."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                action=action,
                object_type=obj._meta.model_name,
                object_id=str(obj.pk),
                commune_code=getattr(obj, "commune_id", "") or "",
                data=data or {},
            )
            for obj in objects
        ],
        batch_size=500,
    )
