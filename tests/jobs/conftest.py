"""Fixtures of the jobs tests: a user who may start the test operation, and a queue that keeps
jobs waiting (the database backend, as in production) instead of running them at once."""

import pytest

from tests.conftest import OWN_COMMUNE
from tests.factories import UserFactory

NAMES = "Nguyễn Thị Hồng Nhung\nTrần Văn Ơn\nLê Thị Thuỷ\n".encode()


@pytest.fixture
def worker_user(db):
    return UserFactory(username="sw_jobs", role="social_worker", communes=[OWN_COMMUNE])


@pytest.fixture
def database_queue(settings):
    """Jobs wait in the database queue, as in production; the test runs them itself."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
