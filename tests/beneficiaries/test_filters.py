"""Id filters beyond a 64-bit integer are bad input (400 invalid_filter), never a 500."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/?person=-348494379757118691490909292331008",
        "/api/v1/cases/?person=0",
        "/api/v1/persons/?household=99999999999999999999999",
    ],
)
def test_out_of_range_ids_are_refused(url):
    client = APIClient()
    client.force_authenticate(UserFactory(role="approver", communes=["18859"]))
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_filter"
