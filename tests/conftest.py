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


# --- auditgaps: every test that uses the database leaves an audit chain that verifies ---------

# The fixtures through which a test reaches the database (pytest-django's, and the live server).
_DB_FIXTURES = ("transactional_db", "db", "live_server", "django_db_reset_sequences")


@pytest.fixture(autouse=True)
def _audit_chain_verifies(request):
    """At teardown, walk the audit chain of the test's database (as `verify_audit` does) and fail
    the test if it is broken. Tests that tamper with it on purpose carry
    `@pytest.mark.audit_chain_tampered`."""
    uses_db = request.node.get_closest_marker("django_db") is not None
    for name in _DB_FIXTURES:
        if name in request.fixturenames:
            # Set the database up before this fixture, so it is torn down after the check.
            request.getfixturevalue(name)
            uses_db = True
            break
    yield
    if not uses_db or request.node.get_closest_marker("audit_chain_tampered"):
        return
    from django.db import InternalError

    from registry.audit_chain import verify_chain

    try:
        report = verify_chain()
    except InternalError:
        return  # the test left its PostgreSQL transaction aborted: nothing more can be read
    if not report.ok:
        pytest.fail(f"the test left a broken audit chain: {report.broken}", pytrace=False)


@pytest.fixture(autouse=True)
def _language_reset():
    """Each test starts in the project's language (Vietnamese): a request with
    `Accept-Language: en` leaves English active in the thread, which made later tests that call
    services directly see English messages, depending on the order the tests ran in."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
