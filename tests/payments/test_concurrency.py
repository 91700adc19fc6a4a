"""Two officers generating the same period at the same moment (PostgreSQL: SQLite serialises
every write anyway): each case ends in exactly one line for the period."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from payments import services
from payments.models import PaidMonth, PaymentLine
from registry.exceptions import Conflict
from tests.conftest import OWN_COMMUNE
from tests.e2e.web_pages import reload_legal_data
from tests.factories import make_user
from tests.payments.factories import elder_case

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def legal_data():
    # A transactional test before this one may have flushed what the migrations loaded; a
    # serialized rollback instead re-inserted groups another test had created.
    reload_legal_data()


def test_concurrent_generation_pays_each_case_once():
    officers = [make_user(f"pay_t{i}", "payment_officer", [OWN_COMMUNE]) for i in range(2)]
    cases = [elder_case(start=date(2026, 6, 1), name=f"Lê Văn Số {i}") for i in range(20)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def generate(officer) -> None:
        barrier.wait()
        try:
            batch = services.payment_batch_generate(
                actor=officer, period="2026-07", commune_codes=[OWN_COMMUNE]
            )
            outcomes.append(f"batch:{batch.line_count}")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=generate, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["batch:20", "nothing_to_pay"]
    for case in cases:
        assert PaymentLine.objects.filter(case=case, period=date(2026, 7, 1)).count() == 1
        assert PaidMonth.objects.filter(case=case, active=True).count() == 2  # June + July
