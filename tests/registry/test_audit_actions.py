"""Audit events: one vocabulary of actions, and never written outside the change's transaction."""

import pytest
from django.db import transaction

from registry.audit import AuditAction, AuditOutsideTransaction, audit_record
from registry.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused_and_nothing_is_written():
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=None, action=AuditAction.DEMO_SEEDED, object_type="province")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_inside_a_transaction_is_written_with_its_action_code():
    with transaction.atomic():
        audit_record(actor=None, action=AuditAction.DEMO_SEEDED, object_type="province")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["demo.seeded"]


@pytest.mark.django_db
def test_an_action_outside_the_list_is_refused():
    with pytest.raises(ValueError):
        audit_record(actor=None, action="case.approvd", object_type="case")


def test_every_action_has_a_label_and_a_dotted_code():
    for action in AuditAction:
        assert "." in action.value and str(action.label)
