"""The case workflow with four eyes, the rules of the law on amounts, deaths and moves."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from beneficiaries.models import Case, CaseStatus
from registry.models import AuditEvent
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_household, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(db):
    # Born 2022-03-15: turns 4 in March 2026.
    return make_person(
        make_household(OWN_COMMUNE),
        full_name="Hồ Văn Tí",
        date_of_birth=date(2022, 3, 15),
        relation_to_head="child",
    )


def create_case(client, person, **body):
    payload = {"person_id": person.pk, "programme": "social_assistance", "category": "5.6",
               "disability_level": "extremely_severe", **body}  # fmt: skip
    return client.post("/api/v1/cases/", payload, format="json")


def submitted_case(client, person, **body):
    response = create_case(client, person, **body)
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert client.post(f"/api/v1/cases/{case_id}/submit/").status_code == 200
    return case_id


def approve(client, case_id, decision_date="2026-02-10"):
    return client.post(
        f"/api/v1/cases/{case_id}/approve/",
        {"decision_number": "15/QĐ-UBND", "decision_date": decision_date},
        format="json",
    )


def test_full_workflow_child_extremely_severe_disability(
    client_for, social_worker, approver, child
):
    worker, boss = client_for(social_worker), client_for(approver)
    case_id = submitted_case(worker, child)
    response = approve(boss, case_id)
    assert response.status_code == 200, response.content
    case = response.json()
    assert case["status"] == "approved"
    assert case["coefficient"] == "2.50"  # a child with an extremely severe disability
    assert case["monthly_amount"] == "1250000"  # 2.5 × 500,000 (Decree 76/2024)
    assert case["start_month"] == "2026-02"
    assert case["submitted_by"] == "sw" and case["approved_by"] == "appr"
    actions = list(AuditEvent.objects.filter(object_type="case").values_list("action", flat=True))
    assert actions == ["case.created", "case.submitted", "case.approved"]


def test_submitter_cannot_approve_own_case(client_for, child):
    both = make_user("both", "social_worker", [OWN_COMMUNE])
    both.groups.add(*make_user("x", "approver", []).groups.all())
    client = client_for(both)
    case_id = submitted_case(client, child)
    response = approve(client, case_id)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "four_eyes_required"
    assert Case.objects.get(pk=case_id).status == CaseStatus.SUBMITTED


def test_approving_twice_is_invalid_transition(client_for, social_worker, approver, child):
    case_id = submitted_case(client_for(social_worker), child)
    assert approve(client_for(approver), case_id).status_code == 200
    response = approve(client_for(approver), case_id)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


def test_social_worker_cannot_approve(client_for, social_worker, child):
    client = client_for(social_worker)
    case_id = submitted_case(client, child)
    assert approve(client, case_id).status_code == 403


def test_reject_needs_reason_and_ends_the_case(client_for, social_worker, approver, child):
    case_id = submitted_case(client_for(social_worker), child)
    boss = client_for(approver)
    assert boss.post(f"/api/v1/cases/{case_id}/reject/", {}, format="json").status_code == 400
    response = boss.post(
        f"/api/v1/cases/{case_id}/reject/", {"reason": "Không đủ điều kiện"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["status_reason"] == "Không đủ điều kiện"
    # A rejected case no longer blocks a new application in the same programme.
    assert create_case(client_for(social_worker), child).status_code == 201


def test_one_open_case_per_person_and_programme(client_for, social_worker, child):
    client = client_for(social_worker)
    assert create_case(client, child).status_code == 201
    response = create_case(client, child, category="5.1", disability_level=None)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "open_case_exists"
    # And the database itself refuses it, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            person=child, commune_id=OWN_COMMUNE, programme="social_assistance", category="5.1"
        )


def test_suspend_resume_terminate(client_for, social_worker, approver, child):
    case_id = submitted_case(client_for(social_worker), child)
    boss = client_for(approver)
    approve(boss, case_id)
    response = boss.post(
        f"/api/v1/cases/{case_id}/suspend/",
        {"reason": "Không nhận 3 tháng", "from_month": "2026-05"},
        format="json",
    )
    assert response.json()["status"] == "suspended"
    assert boss.post(f"/api/v1/cases/{case_id}/suspend/", {"reason": "x", "from_month": "2026-06"},
                     format="json").status_code == 409  # fmt: skip
    assert (
        boss.post(
            f"/api/v1/cases/{case_id}/resume/", {"from_month": "2026-07"}, format="json"
        ).json()["status"]
        == "approved"
    )
    response = boss.post(
        f"/api/v1/cases/{case_id}/terminate/",
        {"reason": "Hết điều kiện", "from_month": "2026-09"},
        format="json",
    )
    assert response.json()["status"] == "terminated"
    assert response.json()["end_month"] == "2026-08"


def test_meritorious_needs_amount_from_decision(client_for, social_worker, child):
    client = client_for(social_worker)
    response = create_case(
        client, child, programme="meritorious", category="relative", disability_level=None
    )
    assert response.status_code == 400
    response = create_case(
        client,
        child,
        programme="meritorious",
        category="relative",
        disability_level=None,
        monthly_amount="2789000",
    )
    assert response.status_code == 201
    assert response.json()["monthly_amount"] == "2789000"


def test_category_must_belong_to_programme(client_for, social_worker, child):
    response = create_case(
        client_for(social_worker), child, programme="social_pension", category="5.1"
    )
    assert response.status_code == 400


def test_death_stops_every_open_case_from_the_next_month(
    client_for, social_worker, approver, child
):
    worker, boss = client_for(social_worker), client_for(approver)
    sa = submitted_case(worker, child)
    approve(boss, sa, decision_date="2025-11-03")
    merit = create_case(worker, child, programme="meritorious", category="relative",
                        disability_level=None, monthly_amount="2789000").json()["id"]  # fmt: skip
    response = worker.post(
        f"/api/v1/persons/{child.pk}/death/", {"date_of_death": "2026-03-20"}, format="json"
    )
    assert response.status_code == 200, response.content
    sa_case, merit_case = Case.objects.get(pk=sa), Case.objects.get(pk=merit)
    assert sa_case.status == merit_case.status == CaseStatus.TERMINATED
    assert sa_case.end_month == date(2026, 3, 1)  # paid through the month of death
    assert merit_case.end_month is None  # never approved: nothing to pay
    # Recording the death twice is a conflict, and nothing can be approved for a deceased person.
    again = worker.post(
        f"/api/v1/persons/{child.pk}/death/", {"date_of_death": "2026-03-20"}, format="json"
    )
    assert again.status_code == 409


def test_move_to_another_commune_never_leaves_two_active_cases(client_for, approver, child):
    mover = make_user("mover", "social_worker", [OWN_COMMUNE, OTHER_COMMUNE])
    client = client_for(mover)
    case_id = submitted_case(client, child)
    approve(client_for(approver), case_id, decision_date="2025-06-02")
    target = make_household(OTHER_COMMUNE)
    response = client.post(
        f"/api/v1/persons/{child.pk}/move/", {"household_id": target.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["commune_code"] == OTHER_COMMUNE
    cases = list(Case.objects.filter(person=child).order_by("pk"))
    assert [c.status for c in cases] == [CaseStatus.TERMINATED, CaseStatus.DRAFT]
    assert cases[0].commune_id == OWN_COMMUNE and cases[1].commune_id == OTHER_COMMUNE
    assert cases[1].requested_start_month > cases[0].end_month
    active = [c for c in cases if c.status in (CaseStatus.APPROVED, CaseStatus.SUSPENDED)]
    assert len(active) == 0
    # The new place decides months later, but pays from the month after the stop: no month lost.
    Case.objects.filter(pk=cases[1].pk).update(requested_start_month=date(2025, 9, 1))
    cases[1].refresh_from_db()
    assert client.post(f"/api/v1/cases/{cases[1].pk}/submit/").status_code == 200
    today = date.today().isoformat()
    approved = approve(
        client_for(make_user("appr2", "approver", [OTHER_COMMUNE])), cases[1].pk, today
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["transferred_from_case_id"] == cases[0].pk
    first_new_month = date.fromisoformat(approved.json()["start_month"] + "-01")
    assert first_new_month == cases[1].requested_start_month


def test_case_of_other_commune_is_404(client_for, approver):
    person = make_person(make_household(OTHER_COMMUNE))
    case = Case.objects.create(
        person=person, commune_id=OTHER_COMMUNE, programme="social_pension", category="pension"
    )
    assert client_for(approver).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert approve(client_for(approver), case.pk).status_code == 404


def test_case_list_filters(client_for, social_worker, child):
    client = client_for(social_worker)
    create_case(client, child)
    assert client.get("/api/v1/cases/?status=draft").json()["count"] == 1
    assert client.get("/api/v1/cases/?status=approved").json()["count"] == 0
    response = client.get("/api/v1/cases/?status=bogus")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_filter"


def test_poverty_assessment_classifies_from_the_dated_threshold(client_for, social_worker):
    household = make_household(OWN_COMMUNE, area="rural")
    client = client_for(social_worker)
    url = f"/api/v1/households/{household.pk}/poverty-assessments/"
    response = client.post(url, {"year": 2026, "income_per_capita": "1400000",
                                 "deprivations": ["water", "latrine", "telecom"]}, format="json")  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["classification"] == "poor" and body["threshold"] == "1500000"
    again = client.post(
        url, {"year": 2026, "income_per_capita": "1400000", "deprivations": []}, format="json"
    )
    assert again.status_code == 409
    listed = client.get(url).json()["results"]
    assert [a["year"] for a in listed] == [2026]
    assert Decimal(listed[0]["income_per_capita"]) == Decimal("1400000")


def test_history_shows_who_changed_what_without_values(client_for, social_worker, approver, child):
    case_id = submitted_case(client_for(social_worker), child)
    approve(client_for(approver), case_id)
    history = client_for(approver).get(f"/api/v1/cases/{case_id}/history/").json()["results"]
    assert [(h["action"], h["actor"]) for h in history] == [
        ("case.created", "sw"), ("case.submitted", "sw"), ("case.approved", "appr"),
    ]  # fmt: skip
    client_for(social_worker).patch(
        f"/api/v1/persons/{child.pk}/", {"full_name": "Hồ Văn Tý"}, format="json"
    )
    person_history = client_for(social_worker).get(f"/api/v1/persons/{child.pk}/history/")
    assert person_history.json()["results"][-1]["changed_fields"] == ["full_name"]
    assert "Tý" not in person_history.content.decode()
