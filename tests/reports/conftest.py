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


@pytest.fixture(autouse=True)
def no_payment_figures(settings):
    """These tests are about the report's own figures; payments' figures are tested with
    payments (tests/payments/test_report_figures.py), and a fake provider is set where needed."""
    settings.REGISTRY_REPORT_PAYMENT_FIGURES = []
