"""Data-subject access (Law 91/2025 on personal data protection): everything held about one
person, as one JSON document, for a user whose role may read personal data unmasked.

The export is an audit event carrying the SHA-256 of the document and the audit chain head of
that moment, so the copy handed to the person can later be matched with the trail.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from beneficiaries.models import Case, OneOffEntitlement, Person, PovertyAssessment
from registry.access import scope_to_user
from registry.audit import AuditAction, audit_chain_head, audit_record
from registry.exceptions import Forbidden, NotFound
from registry.fields import BlindIndexField
from registry.models import AuditEvent

SENSITIVE_PERMISSION = "beneficiaries.view_sensitive"


def _record(obj: models.Model) -> dict[str, Any]:
    """Every stored field of a row, decrypted; blind-index columns are not data about anyone."""
    return {
        field.attname: field.value_from_object(obj)
        for field in obj._meta.concrete_fields
        if not isinstance(field, BlindIndexField)
    }


def _events(object_type: str, ids: list[int]) -> list[dict]:
    queryset = AuditEvent.objects.filter(
        object_type=object_type, object_id__in=[str(i) for i in ids]
    )
    return [
        {
            "sequence": e.sequence,
            "at": e.at,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "data": e.data,
        }  # fmt: skip
        for e in queryset.order_by("sequence")
    ]


def person_data_export(*, actor, person_id: int) -> tuple[bytes, str]:
    """The person's data as UTF-8 JSON and its SHA-256; audited as PERSON_DATA_EXPORTED."""
    if not actor.has_perm(SENSITIVE_PERMISSION):
        raise Forbidden()
    with transaction.atomic():
        try:
            person = scope_to_user(Person.objects.all(), actor).get(pk=person_id)
        except (Person.DoesNotExist, ValueError, TypeError):
            raise NotFound() from None
        cases = list(Case.objects.filter(person=person).order_by("pk"))
        case_ids = [case.pk for case in cases]
        document = {
            "person": _record(person),
            "household": _record(person.household),
            "poverty_assessments": [
                _record(a) for a in PovertyAssessment.objects.filter(household=person.household)
            ],
            "cases": [
                {
                    **_record(case),
                    "suspensions": [_record(s) for s in case.suspensions.all()],
                    "adjustments": [_record(a) for a in case.adjustments.all()],
                }  # fmt: skip
                for case in cases
            ],
            "one_offs": [
                _record(o)
                for o in OneOffEntitlement.objects.filter(
                    models.Q(deceased=person) | models.Q(payee_person=person)
                ).order_by("pk")
            ],
            "history": _events("person", [person.pk]) + _events("case", case_ids),
        }
        payload = json.dumps(
            document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1, sort_keys=True
        ).encode()
        digest = hashlib.sha256(payload).hexdigest()
        head = audit_chain_head()
        audit_record(
            actor=actor,
            action=AuditAction.PERSON_DATA_EXPORTED,
            obj=person,
            data={"sha256": digest, "chain_head": str(head)},
        )
    return payload, digest
