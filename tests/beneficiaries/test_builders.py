"""One way to build a household or a person: the API and the import apply the same rules and the
same limits, which come from the model."""

from datetime import date

import pytest
import time_machine

from beneficiaries.builders import max_length, person_clean, person_problems
from beneficiaries.models import Household, Person
from tests.beneficiaries.test_imports import csv_upload, error_rows, family_rows, post

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


@pytest.fixture
def api(client_for, social_worker):
    return client_for(social_worker)


def register_household(api, **values):
    body = {"commune_code": "18859", "area": "rural", "village": "Thôn Đông", **values}
    return api.post("/api/v1/households/", body, format="json")


def register_person(api, household_id, **values):
    body = {
        "household_id": household_id,
        "full_name": "Nguyễn Văn Hùng",
        "sex": "male",
        "date_of_birth": "1960-05-17",
        "national_id": "045060012345",
        "relation_to_head": "head",
        **values,
    }
    return api.post("/api/v1/persons/", body, format="json")


def test_limits_are_the_model_columns():
    assert max_length(Person, "full_name") == 100
    assert max_length(Household, "address") == 200
    assert max_length(Household, "village") == Household._meta.get_field("village").max_length


@pytest.mark.parametrize("length, accepted", [(100, True), (101, False)])
def test_a_name_is_limited_the_same_way_through_the_api_and_the_import(api, length, accepted):
    name = ("Nguyễn Thị Hồng Nhung " * 6)[:length].strip()
    name = name + "a" * (length - len(name))
    household = register_household(api).json()
    through_api = register_person(api, household["id"], full_name=name)
    assert (through_api.status_code == 201) is accepted, through_api.content

    rows = family_rows()
    rows[0]["full_name"] = name
    Person.objects.all().delete()
    Household.objects.all().delete()
    response = post(api, csv_upload(rows))
    if accepted:
        assert response.status_code == 200, response.content
    else:
        assert [(e["row"], e["column"]) for e in error_rows(response)] == [(2, "Họ và tên")]


def test_an_address_is_limited_the_same_way_through_the_api_and_the_import(api):
    address = "Số 12, đường Lê Lợi, " + "x" * 190  # 211 characters, over the 200 of the model
    assert register_household(api, address=address).status_code == 400
    rows = family_rows()
    rows[0]["address"] = address
    assert [(e["row"], e["column"]) for e in error_rows(post(api, csv_upload(rows)))] == [
        (2, "Địa chỉ")
    ]


def test_a_name_with_digits_is_refused_by_both(api):
    household = register_household(api).json()
    response = register_person(api, household["id"], full_name="Nguyễn Văn 2")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["full_name"] == ["Họ và tên không được chứa chữ số."]
    rows = family_rows()
    rows[0]["full_name"] = "Nguyễn Văn 2"
    messages = {e["message"] for e in error_rows(post(api, csv_upload(rows)))}
    assert messages == {"Họ và tên không được chứa chữ số."}


def test_a_phone_typed_with_spaces_or_plus_84_is_stored_the_same_way(api):
    household = register_household(api).json()
    response = register_person(api, household["id"], phone="+84 912 345 678")
    assert response.status_code == 201, response.content
    assert Person.objects.get(pk=response.json()["id"]).phone == "0912345678"


@time_machine.travel(TODAY, tick=False)
def test_person_problems_names_every_bad_field_at_once():
    values = person_clean(
        {
            "full_name": "  Trần   Văn Đức ",
            "sex": "male",
            "date_of_birth": date(2027, 1, 1),
            "national_id": "045 160 012 345",
            "relation_to_head": "neighbour",
            "phone": "12345",
        }
    )
    assert values["full_name"] == "Trần Văn Đức"
    assert values["national_id"] == "045160012345"
    problems = {p.field for p in person_problems(values, today=TODAY)}
    assert problems == {"date_of_birth", "national_id", "relation_to_head", "phone"}
