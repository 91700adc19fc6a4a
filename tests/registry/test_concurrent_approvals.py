"""Two users approving the same case, or the same payment batch, at the same moment (PostgreSQL:
each thread its own connection, released together by a barrier): one wins, the other gets 409
and nothing is written twice. SQLite serialises every write, so the race cannot happen there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection, connections
from django.utils import timezone

from beneficiaries import services
from beneficiaries.models import Case
from payments import services as payment_services
from payments.models import PaymentBatch
from registry.exceptions import RegistryError
from registry.models import AuditEvent
from tests.conftest import OWN_COMMUNE
from tests.e2e.web_pages import reload_legal_data
from tests.factories import HouseholdFactory, PersonFactory, make_user
from tests.payments.factories import bank_account, elder_case

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def legal_data():
    # A transactional test before this one may have flushed what the migrations loaded.
    reload_legal_data()


def _race(calls: list[Callable[[], object]]) -> list[int]:
    """Run the calls at the same moment, one thread and connection each; their HTTP statuses."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = []

    def run(call) -> None:
        try:
            barrier.wait(timeout=30)
            call()
            statuses.append(200)
        except RegistryError as exc:
            statuses.append(exc.status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(statuses)


def test_two_approvers_approve_the_same_case_at_once():
    worker = make_user("sw_race", "social_worker", [OWN_COMMUNE])
    approvers = [make_user(f"appr_race{i}", "approver", [OWN_COMMUNE]) for i in range(2)]
    person = PersonFactory(household=HouseholdFactory(commune_id=OWN_COMMUNE),
                           date_of_birth=date(1940, 3, 1))  # fmt: skip
    case = services.case_create(
        actor=worker, person_id=person.pk, programme="social_assistance", category="5.5c"
    )
    services.case_submit(actor=worker, case_id=case.pk)
    today = timezone.localdate()
    statuses = _race(
        [
            lambda approver=approver: services.case_approve(
                actor=approver,
                case_id=case.pk,
                decision_number=f"{approver.pk}/QĐ-UBND",
                decision_date=today,
            )  # fmt: skip
            for approver in approvers
        ]
    )
    assert statuses == [200, 409]
    case = Case.objects.get(pk=case.pk)
    assert case.status == "approved" and case.approved_by_id in {a.pk for a in approvers}
    assert case.decision_number == f"{case.approved_by_id}/QĐ-UBND"
    events = AuditEvent.objects.filter(action="case.approved", object_id=str(case.pk))
    assert [e.actor_id for e in events] == [case.approved_by_id]


def test_two_officers_approve_the_same_batch_at_once():
    generator = make_user("pay_gen", "payment_officer", [OWN_COMMUNE])
    officers = [make_user(f"pay_race{i}", "payment_officer", [OWN_COMMUNE]) for i in range(2)]
    for i in range(3):
        bank_account(elder_case(start=date(2026, 5, 1), name=f"Lê Văn Đua {i}").person,
                     number=f"012345678{i}")  # fmt: skip
    batch = payment_services.payment_batch_generate(
        actor=generator, period="2026-07", commune_codes=[OWN_COMMUNE]
    )
    statuses = _race(
        [
            lambda officer=officer: payment_services.payment_batch_approve(
                actor=officer, batch_id=batch.pk
            )
            for officer in officers
        ]
    )
    assert statuses == [200, 409]
    batch = PaymentBatch.objects.get(pk=batch.pk)
    assert batch.status == "approved" and batch.approved_by_id in {o.pk for o in officers}
    events = AuditEvent.objects.filter(object_type="paymentbatch", object_id=str(batch.pk))
    approvals = [e for e in events if e.action.endswith("approved")]
    assert [e.actor_id for e in approvals] == [batch.approved_by_id]
