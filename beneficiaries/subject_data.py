"""Data-subject access (Law 91/2025 on personal data protection): everything held about one
person, as one JSON document (or the same as a readable PDF, beneficiaries/subject_data_pdf.py),
for a user whose role may read personal data unmasked.

The export is an audit event carrying the SHA-256 of the document and the audit chain head of
that moment, so the copy handed to the person can later be matched with the trail.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

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


def _person(actor, person_id) -> Person:
    if not actor.has_perm(SENSITIVE_PERMISSION):
        raise Forbidden()
    try:
        return scope_to_user(Person.objects.all(), actor).get(pk=person_id)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def person_document(person: Person) -> dict[str, Any]:
    """Everything held about `person`, section by section (the JSON export's document)."""
    cases = list(Case.objects.filter(person=person).order_by("pk"))
    case_ids = [case.pk for case in cases]
    return {
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


def _audit_export(actor, person: Person, digest: str, head, **extra) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.PERSON_DATA_EXPORTED,
        obj=person,
        data={"sha256": digest, "chain_head": str(head), **extra},
    )


def person_data_export(*, actor, person_id: int) -> tuple[bytes, str]:
    """The person's data as UTF-8 JSON and its SHA-256; audited as PERSON_DATA_EXPORTED."""
    with transaction.atomic():
        person = _person(actor, person_id)
        payload = json.dumps(
            person_document(person), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1,
            sort_keys=True,
        ).encode()  # fmt: skip
        digest = hashlib.sha256(payload).hexdigest()
        _audit_export(actor, person, digest, audit_chain_head())
    return payload, digest


def person_data_export_pdf(*, actor, person_id: int) -> tuple[bytes, str]:
    """The same document as a readable PDF (every section) and its SHA-256; audited like the
    JSON export, with `"format": "pdf"`. The chain head printed on it is the one of the moment
    the data was read; the PDF is rendered outside the transaction (no lock held meanwhile)."""
    from beneficiaries.subject_data_pdf import SubjectDataPdf

    with transaction.atomic():
        person = _person(actor, person_id)
        document = person_document(person)
        head = audit_chain_head()
    pdf = SubjectDataPdf().render(document, exported_at=timezone.now(), chain_head=str(head))
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        _audit_export(actor, person, digest, head, format="pdf")
    return pdf, digest
