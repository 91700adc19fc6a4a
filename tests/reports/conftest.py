import pytest
import time_machine

from tests.reports.population import TODAY, build


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def population(db, frozen):
    return build()
