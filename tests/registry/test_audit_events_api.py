"""GET /api/v1/audit-events/: auditors browse the chain, filtered; everyone else is refused."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from registry.audit import AuditAction, audit_chain_head, audit_record
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit-events/"
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def events(social_worker):
    def at(day: int, action, commune: str, object_id: str, actor=None):
        with time_machine.travel(datetime(2026, 3, day, 9, 0, tzinfo=HCM)), transaction.atomic():
            audit_record(actor=actor, action=action, object_type="case", object_id=object_id,
                         commune_code=commune)  # fmt: skip

    at(1, AuditAction.CASE_CREATED, OWN_COMMUNE, "1", social_worker)
    at(2, AuditAction.CASE_SUBMITTED, OWN_COMMUNE, "1", social_worker)
    at(3, AuditAction.CASE_CREATED, OTHER_COMMUNE, "2")
    at(5, AuditAction.CASE_APPROVED, OTHER_COMMUNE, "2")


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [(e["action"], e["object_id"]) for e in response.json()["results"]]


def test_an_auditor_sees_every_event_newest_first_with_its_hash(client_for, auditor, events):
    body = client_for(auditor).get(URL).json()
    assert body["count"] == 4
    newest = body["results"][0]
    assert newest["action"] == "case.approved" and newest["commune_code"] == OTHER_COMMUNE
    assert newest["hash"] == audit_chain_head().hash
    assert body["results"][1]["hash"] == newest["prev_hash"]
    assert set(newest) >= {"id", "at", "actor", "action", "object_type", "object_id",
                           "commune_code", "hash"}  # fmt: skip
    assert body["results"][-1]["actor"] == "sw"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?actor=sw", [("case.submitted", "1"), ("case.created", "1")]),
        ("?action=case.created", [("case.created", "2"), ("case.created", "1")]),
        (f"?commune={OTHER_COMMUNE}", [("case.approved", "2"), ("case.created", "2")]),
        ("?object_type=case&object_id=1", [("case.submitted", "1"), ("case.created", "1")]),
        ("?from=2026-03-02&to=2026-03-03", [("case.created", "2"), ("case.submitted", "1")]),
        ("?from=2026-03-04", [("case.approved", "2")]),
        ("?to=2026-03-01", [("case.created", "1")]),
    ],
)
def test_filters(client_for, auditor, events, query, expected):
    assert ids(client_for(auditor).get(URL + query)) == expected


def test_pages_like_every_list(client_for, auditor, events):
    body = client_for(auditor).get(URL + "?page_size=3").json()
    assert len(body["results"]) == 3 and body["next"]
    assert client_for(auditor).get(URL + "?page=9").status_code == 404


@pytest.mark.parametrize(
    "query", ["?from=2026-3-1", "?to=yesterday", "?from=2026-03-05&to=2026-03-01"]
)
def test_a_bad_date_is_an_invalid_filter(client_for, auditor, query):
    response = client_for(auditor).get(URL + query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_filter"


@pytest.mark.parametrize("role", ["social_worker", "approver", "payment_officer"])
def test_other_roles_are_refused(client_for, request, role):
    response = client_for(request.getfixturevalue(role)).get(URL)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_anonymous_is_401(api_client):
    assert api_client.get(URL).status_code == 401
