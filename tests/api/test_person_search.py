"""POST /api/v1/persons/search/ with many homonyms: exact counts, pages in id order, blind-index
false positives dropped, and a cost that does not grow with the number of matches."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beneficiaries.models import Person
from beneficiaries.selectors import persons_search
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_household, make_person

pytestmark = pytest.mark.django_db

NAME = "Nguyễn Thị Lan"


def homonyms(count: int, commune: str = OWN_COMMUNE) -> list[int]:
    household = make_household(commune)
    return [
        make_person(household, full_name=NAME, relation_to_head="child").pk for _ in range(count)
    ]


def search(client, body: dict, query: str = ""):
    response = client.post(f"/api/v1/persons/search/{query}", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_every_homonym_is_counted_and_paged_in_id_order(client_for, social_worker):
    ids = homonyms(7)
    homonyms(2, OTHER_COMMUNE)  # outside the user's communes: neither counted nor shown
    make_person(make_household(OWN_COMMUNE), full_name="Nguyễn Thị Lành")
    client = client_for(social_worker)

    first = search(client, {"name": "nguyen thi lan"}, "?page_size=3")
    assert first["count"] == 7
    assert [p["id"] for p in first["results"]] == ids[:3]
    assert first["results"][0]["full_name"] == NAME
    assert first["next"] and first["previous"] is None
    last = search(client, {"name": NAME}, "?page_size=3&page=3")
    assert [p["id"] for p in last["results"]] == ids[6:]
    assert last["next"] is None


def test_a_blind_index_collision_is_neither_shown_nor_counted(client_for, social_worker):
    ids = homonyms(2)
    other = make_person(make_household(OWN_COMMUNE), full_name="Trần Văn Bình")
    # The index is truncated on purpose, so another name can share its value: simulate that.
    index = Person.objects.get(pk=ids[0]).full_name_index
    Person.objects.filter(pk=other.pk).update(full_name_index=index)

    found = search(client_for(social_worker), {"name": NAME})
    assert found["count"] == 2
    assert [p["id"] for p in found["results"]] == ids


def test_criteria_combine_and_the_commune_narrows(client_for, social_worker):
    household = make_household(OWN_COMMUNE)
    wanted = make_person(household, full_name=NAME, phone="0912345678")
    make_person(household, full_name=NAME, phone="0987654321", relation_to_head="child")
    client = client_for(social_worker)
    found = search(client, {"name": NAME, "phone": "+84912345678"})
    assert [p["id"] for p in found["results"]] == [wanted.pk]
    assert search(client, {"name": NAME, "commune": OWN_COMMUNE})["count"] == 2
    response = client.post(
        "/api/v1/persons/search/", {"name": NAME, "commune": OTHER_COMMUNE}, format="json"
    )
    assert response.status_code == 404


def test_the_selector_is_a_sequence_of_persons(social_worker):
    ids = homonyms(3)
    result = persons_search(user=social_worker, name=NAME)
    assert len(result) == 3 and bool(result)
    assert [p.pk for p in result] == ids
    assert result[1].pk == ids[1] and [p.pk for p in result[1:]] == ids[1:]
    assert result[0].full_name == NAME
    assert not persons_search(user=social_worker, name="Không Ai Cả")


def test_queries_do_not_grow_with_the_homonyms(client_for, social_worker):
    client = client_for(social_worker)
    homonyms(2)
    search(client, {"name": NAME})  # the user's permissions and communes cached alike
    with CaptureQueriesContext(connection) as few:
        assert search(client, {"name": NAME})["count"] == 2
    homonyms(40)
    with CaptureQueriesContext(connection) as many:
        assert search(client, {"name": NAME})["count"] == 42
    assert len(many.captured_queries) == len(few.captured_queries)
