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


# --- auditgaps: the readable PDF of the same export ------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_export_shows_every_section_in_vietnamese_and_is_audited(client_for, person):
    from beneficiaries.subject_data_pdf import SECTIONS

    auditor = client_for(make_user("aud_pdf", "auditor", []))
    answer = auditor.get(f"/api/v1/persons/{person.pk}/data-export/", {"format": "pdf"})
    assert answer.status_code == 200, answer.content[:300]
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].endswith(f'person-{person.pk}.pdf"')
    pdf = answer.content
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    assert "Lê Thị Mận" in text and "045140098765" in text
    for key, heading, _model in SECTIONS:
        assert heading in text, key
    assert "Lập hồ sơ" in text  # the case's history, by its Vietnamese name
    event = AuditEvent.objects.get(action="person.data_exported")
    assert event.data["format"] == "pdf"
    assert event.data["sha256"] == hashlib.sha256(pdf).hexdigest() == answer["X-Content-SHA256"]
    assert event.data["chain_head"].split(":")[1] in text.replace("\n", "")
    assert "Lê Thị Mận" not in json.dumps(event.data, ensure_ascii=False)


def test_the_pdf_embeds_its_font(client_for, person):
    import io

    import pypdf

    auditor = client_for(make_user("aud_pdf_font", "auditor", []))
    pdf = auditor.get(f"/api/v1/persons/{person.pk}/data-export/?format=pdf").content
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            assert "BeVietnamPro" in str(font.get_object()["/BaseFont"])


def test_the_pdf_export_is_refused_to_the_same_roles_and_bad_formats(client_for, person):
    worker = client_for(make_user("sw_pdf", "social_worker", ["18859"]))
    answer = worker.get(f"/api/v1/persons/{person.pk}/data-export/?format=pdf")
    assert answer.status_code == 403 and answer.json()["error"]["code"]
    auditor = client_for(make_user("aud_pdf_bad", "auditor", []))
    answer = auditor.get(f"/api/v1/persons/{person.pk}/data-export/?format=docx")
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid_format"
    assert auditor.get("/api/v1/persons/999999/data-export/?format=pdf").status_code == 404
    assert not AuditEvent.objects.filter(action="person.data_exported").exists()


def test_the_command_writes_the_pdf_too(tmp_path, person):
    make_user("aud_pdf_cmd", "auditor", [])
    target = tmp_path / "person.pdf"
    call_command("person_data_export", person.pk, actor="aud_pdf_cmd", output=target, format="pdf")
    assert "Lê Thị Mận" in _pdf_text(target.read_bytes())
