"""Shared fixtures: users per role, communes, and an API client that logs in."""

import pytest
from rest_framework.test import APIClient

from tests.factories import make_user

# Two communes of Quảng Trị (province 44) used throughout the tests.
OWN_COMMUNE = "18859"
OTHER_COMMUNE = "18871"


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for(api_client):
    """client_for(user) → an APIClient authenticated as that user."""

    def build(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return build


@pytest.fixture
def social_worker(db):
    return make_user("sw", "social_worker", [OWN_COMMUNE])


@pytest.fixture
def approver(db):
    return make_user("appr", "approver", [OWN_COMMUNE])


@pytest.fixture
def payment_officer(db):
    return make_user("pay", "payment_officer", [OWN_COMMUNE])


@pytest.fixture
def auditor(db):
    return make_user("aud", "auditor", [])
