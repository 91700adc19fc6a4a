"""The busiest endpoints ask the database a fixed number of questions, however many records they
return: the token, the user's access (permissions, all-commune role, communes: one query), then
the data. Authenticated by token, as clients are, so each request reloads its user."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from registry.access import access_load, sees_all_communes, user_commune_codes
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_household, make_person, make_user

pytestmark = pytest.mark.django_db

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
NATIONAL_ID = "045060012345"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def queries(call) -> tuple[int, object]:
    """Statements sent for one request, leaving out transaction control (which differs between
    SQLite and PostgreSQL); and the response."""
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    statements = [q["sql"] for q in captured.captured_queries]
    return sum(not s.upper().startswith(TRANSACTION_CONTROL) for s in statements), response


@pytest.fixture
def clerk(db):
    return make_user("clerk", "social_worker", [OWN_COMMUNE])


def fill(household_count: int, members: int = 1) -> list:
    households = []
    for _ in range(household_count):
        household = make_household(OWN_COMMUNE)
        for index in range(members):
            make_person(household, relation_to_head="head" if index == 0 else "child")
        households.append(household)
    return households


def test_search_by_national_id_is_three_queries(clerk):
    make_person(make_household(OWN_COMMUNE), national_id=NATIONAL_ID)
    client = token_client(clerk)
    count, response = queries(
        lambda: client.post("/api/v1/persons/search/", {"national_id": NATIONAL_ID}, format="json")
    )
    assert response.json()["count"] == 1
    assert count == 3  # token, access, the blind-index candidates


def test_listing_a_communes_persons_does_not_grow_with_the_page(clerk):
    client = token_client(clerk)
    url = f"/api/v1/persons/?commune={OWN_COMMUNE}&page_size=50"
    fill(2)
    few, response = queries(lambda: client.get(url))
    assert response.json()["count"] == 2
    fill(30)
    many, response = queries(lambda: client.get(url))
    assert response.json()["count"] == 32 and len(response.json()["results"]) == 32
    assert few == many == 4  # token, access, count, page


def test_a_persons_detail_is_three_queries(clerk):
    person = make_person(make_household(OWN_COMMUNE))
    client = token_client(clerk)
    count, response = queries(lambda: client.get(f"/api/v1/persons/{person.pk}/"))
    assert response.json()["id"] == person.pk
    assert count == 3


def test_correcting_a_households_address_does_not_grow_with_its_members(clerk):
    client = token_client(clerk)
    small, large = fill(1, members=1)[0], fill(1, members=7)[0]
    counts = []
    for household in (small, large):
        count, response = queries(
            lambda h=household: client.patch(
                f"/api/v1/households/{h.pk}/", {"address": "Số 9 Hùng Vương"}, format="json"
            )
        )
        assert response.json()["address"] == "Số 9 Hùng Vương"
        counts.append(count)
    assert counts[0] == counts[1]
    assert counts[0] <= 14


def test_access_is_read_once_and_matches_the_roles(clerk):
    auditor = make_user("aud2", "auditor", [])
    with CaptureQueriesContext(connection) as captured:
        access_load(clerk)
        assert user_commune_codes(clerk) == {OWN_COMMUNE}
        assert not sees_all_communes(clerk)
        assert clerk.has_perm("beneficiaries.change_household")
        assert not clerk.has_perm("beneficiaries.view_sensitive")
        assert sees_all_communes(auditor) and user_commune_codes(auditor) is None
        assert auditor.has_perm("beneficiaries.view_sensitive")
    assert len(captured.captured_queries) == 2  # one per user


def test_a_request_outside_the_communes_still_answers_404(clerk):
    person = make_person(make_household(OTHER_COMMUNE), national_id=NATIONAL_ID)
    client = token_client(clerk)
    assert client.get(f"/api/v1/persons/{person.pk}/").status_code == 404
    found = client.post("/api/v1/persons/search/", {"national_id": NATIONAL_ID}, format="json")
    assert found.json()["count"] == 0


def test_a_permission_taken_away_counts_from_the_next_request(clerk):
    person = make_person(make_household(OWN_COMMUNE))
    client = token_client(clerk)
    assert client.get(f"/api/v1/persons/{person.pk}/").status_code == 200
    clerk.groups.clear()
    assert client.get(f"/api/v1/persons/{person.pk}/").status_code == 403
    clerk.communes.clear()
    clerk.groups.add(*make_user("sw9", "social_worker").groups.all())
    assert client.get(f"/api/v1/persons/{person.pk}/").status_code == 404
