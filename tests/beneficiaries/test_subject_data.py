"""Data-subject access: everything about a person in one JSON file, for authorised roles, audited."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from beneficiaries import services
from registry.models import AuditEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    worker = make_user("sw_subject", "social_worker", ["18859"])
    household = services.household_register(actor=worker, commune_code="18859", area="rural")
    person = services.person_register(
        actor=worker, household_id=household.pk, full_name="Lê Thị Mận", sex="female",
        date_of_birth=date(1940, 4, 2), national_id="045140098765", relation_to_head="head",
    )  # fmt: skip
    services.case_create(actor=worker, person_id=person.pk, programme="social_assistance",
                         category="5.5c")  # fmt: skip
    return person


def test_an_auditor_exports_everything_about_a_person_and_it_is_audited(tmp_path, person):
    make_user("aud_subject", "auditor", [])
    target = tmp_path / "person.json"
    call_command("person_data_export", person.pk, actor="aud_subject", output=target)
    document = json.loads(target.read_text())
    assert document["person"]["full_name"] == "Lê Thị Mận"
    assert document["person"]["national_id"] == "045140098765"
    assert len(document["cases"]) == 1 and document["household"]["id"] == person.household_id
    assert {e["action"] for e in document["history"]} >= {"person.registered", "case.created"}
    event = AuditEvent.objects.get(action="person.data_exported")
    assert event.data["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert "Lê Thị Mận" not in json.dumps(event.data, ensure_ascii=False)


def test_a_social_worker_may_not_export(tmp_path, person):
    make_user("sw_nope", "social_worker", ["18859"])
    with pytest.raises(CommandError):
        call_command("person_data_export", person.pk, actor="sw_nope", output=tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()
    assert not AuditEvent.objects.filter(action="person.data_exported").exists()
