"""Browser-application fixtures: Django test clients logged in per role."""

import pytest
from django.test import Client

from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE  # noqa: F401
from tests.factories import make_user


@pytest.fixture
def web_client():
    """web_client(user) → a Django test client logged in as that user, in Vietnamese."""

    def build(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="vi")
        client.force_login(user)
        return client

    return build


@pytest.fixture
def sw_client(social_worker, web_client):
    return web_client(social_worker)


@pytest.fixture
def approver2(db):
    return make_user("appr2", "approver", [OWN_COMMUNE])
