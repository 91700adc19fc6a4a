"""Registering, reading, searching, updating persons over the API as a commune social worker would."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from beneficiaries.models import Household, Person
from registry.models import AuditEvent
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_household, make_person, make_user

pytestmark = pytest.mark.django_db

HUNG = {
    "full_name": "Nguyễn Văn Hùng",
    "sex": "male",
    "date_of_birth": "1960-05-17",
    "national_id": "045060012345",
    "ethnicity": "Kinh",
    "relation_to_head": "head",
    "phone": "0912345678",
}


def register_household(client, commune=OWN_COMMUNE):
    response = client.post(
        "/api/v1/households/",
        {
            "commune_code": commune,
            "village": "Thôn Đông Hà",
            "address": "12 Lê Lợi",
            "area": "rural",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def register_person(client, household_id, **overrides):
    return client.post(
        "/api/v1/persons/", {**HUNG, "household_id": household_id, **overrides}, format="json"
    )


def test_register_household_then_head_issues_codes_and_masks(client_for, social_worker):
    client = client_for(social_worker)
    household = register_household(client)
    assert household["code"].startswith(OWN_COMMUNE) and len(household["code"]) == 12

    response = register_person(client, household["id"])
    assert response.status_code == 201, response.content
    person = response.json()
    assert len(person["ss_code"]) == 14 and person["ss_code"].startswith("44")
    assert int(person["ss_code"]) % 97 == 1
    assert person["national_id"] == "045*******45"
    assert person["phone"] == "091*****78"
    assert person["full_name"] == "Nguyễn Văn Hùng"
    assert person["commune_code"] == OWN_COMMUNE

    household = client.get(f"/api/v1/households/{household['id']}/").json()
    assert household["head_person_id"] == person["id"]
    assert household["members"] == [
        {
            "person_id": person["id"],
            "ss_code": person["ss_code"],
            "full_name": "Nguyễn Văn Hùng",
            "relation_to_head": "head",
        }
    ]


def test_invalid_national_id_is_400_with_envelope_and_saves_nothing(client_for, social_worker):
    client = client_for(social_worker)
    household = register_household(client)
    response = register_person(client, household["id"], national_id="045160012345")  # female digit
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_national_id"
    assert "national_id" in error["fields"]
    assert Person.objects.count() == 0


def test_duplicate_national_id_is_409(client_for, social_worker):
    client = client_for(social_worker)
    household = register_household(client)
    assert register_person(client, household["id"]).status_code == 201
    other = register_household(client)
    response = register_person(client, other["id"], full_name="Trần Văn Hùng")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_national_id"
    assert Person.objects.count() == 1


def test_second_head_in_a_household_is_refused(client_for, social_worker):
    client = client_for(social_worker)
    household = register_household(client)
    assert register_person(client, household["id"]).status_code == 201
    response = register_person(
        client, household["id"], national_id=None, full_name="Lê Thị Lan", sex="female"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "household_has_head"


def test_child_without_national_id_gets_a_code(client_for, social_worker):
    client = client_for(social_worker)
    household = register_household(client)
    response = register_person(
        client,
        household["id"],
        national_id="",
        full_name="Hồ Thị Ngọc Ánh",
        sex="female",
        date_of_birth="2024-02-29",
        relation_to_head="child",
        phone=None,
    )
    assert response.status_code == 201, response.content
    assert response.json()["national_id"] is None


def test_search_by_national_id_name_and_phone_in_body_not_url(client_for, social_worker):
    client = client_for(social_worker)
    household = register_household(client)
    person_id = register_person(client, household["id"]).json()["id"]
    for criteria in (
        {"national_id": "045060012345"},
        {"name": "nguyen van hung"},
        {"name": "NGUYỄN  VĂN HÙNG"},
        {"phone": "+84912345678"},
    ):
        response = client.post("/api/v1/persons/search/", criteria, format="json")
        assert response.status_code == 200, response.content
        assert [p["id"] for p in response.json()["results"]] == [person_id], criteria
    response = client.post("/api/v1/persons/search/", {"name": "Nguyễn Văn Hải"}, format="json")
    assert response.json()["results"] == []


def test_search_never_leaves_the_users_communes(client_for, social_worker):
    make_person(make_household(OTHER_COMMUNE), national_id="045060012345")
    client = client_for(social_worker)
    response = client.post(
        "/api/v1/persons/search/", {"national_id": "045060012345"}, format="json"
    )
    assert response.json()["results"] == []


def test_unmask_needs_permission_and_is_audited(client_for, social_worker, auditor):
    person = make_person(national_id="045060012345", phone="0912345678")
    response = client_for(social_worker).get(f"/api/v1/persons/{person.pk}/?unmask=1")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "unmask_not_allowed"

    response = client_for(auditor).get(f"/api/v1/persons/{person.pk}/")
    assert response.json()["national_id"] == "045*******45"
    assert not AuditEvent.objects.filter(action="person.unmasked_read").exists()

    response = client_for(auditor).get(f"/api/v1/persons/{person.pk}/?unmask=1")
    assert response.json()["national_id"] == "045060012345"
    assert response.json()["phone"] == "0912345678"
    event = AuditEvent.objects.get(action="person.unmasked_read")
    assert event.actor == auditor and event.object_id == str(person.pk)
    assert "045060012345" not in str(event.data)


def test_lookup_by_mistyped_ss_code_is_invalid_not_empty(client_for, social_worker):
    person = make_person(make_household(OWN_COMMUNE))
    client = client_for(social_worker)
    assert client.get(f"/api/v1/persons/?ss_code={person.ss_code}").json()["count"] == 1
    wrong = person.ss_code[:-1] + str((int(person.ss_code[-1]) + 1) % 10)
    response = client.get(f"/api/v1/persons/?ss_code={wrong}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_ss_code"


def test_other_commune_person_is_404_for_read_and_write(client_for, social_worker):
    person = make_person(make_household(OTHER_COMMUNE))
    client = client_for(social_worker)
    assert client.get(f"/api/v1/persons/{person.pk}/").status_code == 404
    response = client.patch(f"/api/v1/persons/{person.pk}/", {"ethnicity": "Tày"}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_patch_keeps_id_consistent_with_sex(client_for, social_worker):
    person = make_person(make_household(OWN_COMMUNE), national_id="045060012345")
    client = client_for(social_worker)
    response = client.patch(f"/api/v1/persons/{person.pk}/", {"sex": "female"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_national_id"
    person.refresh_from_db()
    assert person.sex == "male"
    response = client.patch(
        f"/api/v1/persons/{person.pk}/", {"ethnicity": "Vân Kiều"}, format="json"
    )
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.ethnicity == "Vân Kiều"
    assert AuditEvent.objects.filter(action="person.updated", object_id=str(person.pk)).exists()


def test_move_within_commune_changes_household_and_head(client_for, social_worker):
    first = make_household(OWN_COMMUNE)
    person = make_person(first)
    Household.objects.filter(pk=first.pk).update(head=person)
    second = make_household(OWN_COMMUNE)
    client = client_for(social_worker)
    response = client.post(
        f"/api/v1/persons/{person.pk}/move/",
        {"household_id": second.pk, "relation_to_head": "head"},
        format="json",
    )
    assert response.status_code == 200, response.content
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.head_id is None and second.head_id == person.pk


def test_user_without_communes_sees_nothing(client_for):
    make_person(make_household(OWN_COMMUNE))
    nobody = make_user("nobody", "social_worker", [])
    response = client_for(nobody).get("/api/v1/persons/")
    assert response.status_code == 200 and response.json()["count"] == 0


# A leap day: the day after it (1 March) is already in the future.
@time_machine.travel(datetime(2028, 2, 29, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False)
def test_death_date_in_future_is_refused(client_for, social_worker):
    person = make_person(make_household(OWN_COMMUNE))
    client = client_for(social_worker)
    response = client.post(
        f"/api/v1/persons/{person.pk}/death/", {"date_of_death": "2028-03-01"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["date_of_death"]
    person.refresh_from_db()
    assert person.vital_status == "alive"


def test_unmask_accepts_only_zero_or_one(client_for, auditor):
    person = make_person(national_id="045060012345")
    client = client_for(auditor)
    assert client.get(f"/api/v1/persons/{person.pk}/?unmask=0").json()["masked"] is True
    response = client.get(f"/api/v1/persons/{person.pk}/?unmask=5")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"unmask": ["unmask phải là 0 hoặc 1."]}


def test_saving_only_the_phone_keeps_phone_search_working(client_for, social_worker):
    person = make_person(make_household(OWN_COMMUNE), phone="0912345678")
    person.phone = "0987654321"
    person.save(update_fields=["phone"])
    client = client_for(social_worker)
    found = client.post("/api/v1/persons/search/", {"phone": "0987654321"}, format="json").json()
    assert [p["id"] for p in found["results"]] == [person.pk]
