"""Fixtures: two payment officers, one generates and the other approves."""

from __future__ import annotations

import pytest

from tests.conftest import OWN_COMMUNE
from tests.factories import make_user


@pytest.fixture
def officer(db):
    return make_user("pay_a", "payment_officer", [OWN_COMMUNE])


@pytest.fixture
def second_officer(db):
    return make_user("pay_b", "payment_officer", [OWN_COMMUNE])
