"""Django admin: personal data never shown, legal configuration edited with an audit trail, the
audit trail itself read-only."""

from datetime import date
from decimal import Decimal
from html import escape

import pytest
from django.contrib.auth import get_user_model

from beneficiaries.models import BaseAmount, BaseAmountKind
from registry.models import AuditEvent
from tests.factories import make_person

NAME = "Trần Thị Mỹ Duyên"
NATIONAL_ID = "045185123456"  # Quảng Trị, female born in the 1900s, 1985
PHONE = "0912345678"


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", password="x")


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def test_person_pages_never_show_name_national_id_or_phone(admin_client):
    person = make_person(
        full_name=NAME, sex="female", date_of_birth=date(1985, 3, 9),
        national_id=NATIONAL_ID, phone=PHONE,
    )  # fmt: skip
    person.refresh_from_db()
    assert (person.full_name, person.national_id, person.phone) == (NAME, NATIONAL_ID, PHONE)
    personal = [NAME, "Mỹ Duyên", NATIONAL_ID, PHONE]
    for url in (
        "/admin/beneficiaries/person/",
        f"/admin/beneficiaries/person/?q={person.ss_code}",
        f"/admin/beneficiaries/person/{person.pk}/change/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert person.ss_code in html, url  # the page does show the person, by code
        leaked = [v for v in personal if v in html or escape(v) in html]
        assert not leaked, (url, leaked)


def test_editing_a_base_amount_saves_it_and_is_audited(admin_client, root):
    row = BaseAmount.objects.create(
        kind=BaseAmountKind.SOCIAL_ASSISTANCE,
        valid_from=date(2026, 1, 1),
        amount=Decimal("550000"),
        province_id="44",
        legal_basis="Nghị quyết HĐND tỉnh",
    )
    url = f"/admin/beneficiaries/baseamount/{row.pk}/change/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "kind": row.kind,
            "valid_from": "2026-01-01",
            "amount": "600000",
            "province": "44",
            "legal_basis": "Nghị quyết HĐND tỉnh (sửa đổi)",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row.refresh_from_db()
    assert row.amount == Decimal("600000")
    assert row.legal_basis == "Nghị quyết HĐND tỉnh (sửa đổi)"
    event = AuditEvent.objects.get(action="baseamount.changed")
    assert (event.actor, event.object_type, event.object_id) == (root, "baseamount", str(row.pk))
    assert event.data == {"fields": ["amount", "legal_basis"]}


def test_audit_events_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, root):
    event = AuditEvent.objects.create(actor=root, action="demo.seeded", object_type="province",
                                      object_id="44")  # fmt: skip
    assert admin_client.get("/admin/registry/auditevent/add/").status_code == 403
    assert admin_client.post("/admin/registry/auditevent/add/", {}).status_code == 403
    assert admin_client.get("/admin/registry/auditevent/").status_code == 200
    change = f"/admin/registry/auditevent/{event.pk}/change/"
    assert admin_client.get(change).status_code == 200  # view only
    assert admin_client.post(change, {"action": "tampered"}).status_code == 403
    assert admin_client.post(f"/admin/registry/auditevent/{event.pk}/delete/").status_code == 403
    event.refresh_from_db()
    assert event.action == "demo.seeded"


@pytest.mark.django_db
def test_the_admin_is_for_superusers_only_even_staff_are_sent_to_its_login(client):
    from tests.factories import UserFactory

    staff = UserFactory(role="auditor", is_staff=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
