"""Issue 9 through the API: current amounts (drafts too), start months and arrears, age windows,
adjustments, the month's review list, one-off entitlements and suspension grounds."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from beneficiaries import services
from beneficiaries.models import Case, CaseStatus, CaseSuspension, OneOffEntitlement
from registry.models import AuditEvent
from tests.beneficiaries.factories import make_case
from tests.conftest import OWN_COMMUNE
from tests.factories import make_household, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november_2026():
    with time_machine.travel(date(2026, 11, 16), tick=False):
        yield


@pytest.fixture
def household(db):
    return make_household(OWN_COMMUNE)


def person(household, born, **extra):
    return make_person(household, date_of_birth=born, relation_to_head="other", **extra)


def create(client, who, **body):
    payload = {"person_id": who.pk, "programme": "social_assistance", **body}
    return client.post("/api/v1/cases/", payload, format="json")


def submitted(client, who, **body):
    response = create(client, who, **body)
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    assert client.post(f"/api/v1/cases/{case_id}/submit/").status_code == 200
    return case_id


def approve(client, case_id, decision_date="2026-11-10", **extra):
    body = {"decision_number": "15/QĐ-UBND", "decision_date": decision_date, **extra}
    return client.post(f"/api/v1/cases/{case_id}/approve/", body, format="json")


# --- 1. current amounts -------------------------------------------------------------------


def test_a_draft_shows_its_coefficient_and_amount(client_for, social_worker, household):
    adult = person(household, date(1990, 4, 1))
    body = create(
        client_for(social_worker), adult, category="5.6", disability_level="severe"
    ).json()
    assert body["status"] == "draft"
    assert (body["coefficient"], body["monthly_amount"]) == ("1.50", "750000")
    assert body["paying_category"] == "5.6"


def test_an_old_case_shows_the_current_base(client_for, approver, household):
    elder = person(household, date(1940, 2, 1))
    case = make_case(elder, category="5.5c", start=date(2024, 1, 1))  # 360,000 then
    body = client_for(approver).get(f"/api/v1/cases/{case.pk}/").json()
    assert body["monthly_amount"] == "500000"  # November 2026, Decree 76/2024


def test_entitlements_by_month_with_reasons(client_for, approver, household):
    adult = person(household, date(1990, 4, 1))
    case = make_case(adult, category="5.6", disability_level="severe", start=date(2024, 5, 1))
    url = f"/api/v1/cases/{case.pk}/entitlements/?from=2024-04&to=2024-08"
    months = client_for(approver).get(url).json()
    assert [(m["month"], m["amount"], m["reason"]) for m in months] == [
        ("2024-04", "0", "not_started"),
        ("2024-05", "540000", "start"),
        ("2024-06", "540000", "unchanged"),
        ("2024-07", "750000", "base_change"),
        ("2024-08", "750000", "unchanged"),
    ]
    assert months[3]["base"] == "500000" and months[3]["coefficient"] == "1.50"
    bad = client_for(approver).get(f"/api/v1/cases/{case.pk}/entitlements/?from=2024-13")
    assert bad.status_code == 400


# --- 2. start months and arrears ----------------------------------------------------------


def test_approval_starts_in_the_decision_month_without_silent_arrears(
    client_for, social_worker, approver, household
):
    elder = person(household, date(1935, 3, 3))  # turned 80 in March 2015
    case_id = submitted(client_for(social_worker), elder, category="5.5c")
    boss = client_for(approver)
    preview = boss.get(f"/api/v1/cases/{case_id}/approval-preview/?decision_date=2026-09-10").json()
    assert preview["default_start_month"] == "2026-09"
    assert preview["legal_start_month"] == "2015-03"
    assert preview["earliest_start_month"] == "2021-07"  # the first configured base
    assert (preview["arrears_months"], preview["arrears_amount"]) == (2, "1000000")
    body = approve(boss, case_id, "2026-09-10").json()
    assert body["start_month"] == "2026-09"
    # September and October are before this month: arrears paid with the next batch.
    assert (body["arrears_months"], body["arrears_amount"]) == (2, "1000000")


def test_an_explicit_earlier_start_means_arrears(client_for, social_worker, approver, household):
    elder = person(household, date(1935, 3, 3))
    case_id = submitted(client_for(social_worker), elder, category="5.5c")
    body = approve(client_for(approver), case_id, start_month="2024-01").json()
    assert body["start_month"] == "2024-01"
    # Jan–Jun 2024 at 360,000, Jul 2024–Oct 2026 (28 months) at 500,000.
    assert body["arrears_months"] == 34
    assert body["arrears_amount"] == str(6 * 360000 + 28 * 500000)


def test_a_start_without_base_is_refused_and_changes_nothing(
    client_for, social_worker, approver, household
):
    elder = person(household, date(1935, 3, 3))
    case_id = submitted(client_for(social_worker), elder, category="5.5c")
    response = approve(client_for(approver), case_id, start_month="2021-06")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_base_amount"
    assert Case.objects.get(pk=case_id).status == CaseStatus.SUBMITTED
    before = approve(client_for(approver), case_id, start_month="2014-01")
    assert before.json()["error"]["code"] == "start_before_legal_start"


# --- 3. age windows -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "category", "article"),
    [(date(1986, 1, 1), "5.5a", "Điều 5 khoản 5"), (date(2001, 1, 1), "5.1", "Điều 5 khoản 1")],
    ids=["5.5a at 40", "5.1 at 25"],
)
def test_no_case_outside_its_age_window(client_for, social_worker, household, born, category,
                                        article):  # fmt: skip
    response = create(client_for(social_worker), person(household, born), category=category)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "outside_age_window" and article in error["message"]


def test_review_lists_aged_out_cases(client_for, approver, household):
    orphan = person(household, date(2010, 5, 20))  # 16 in May 2026
    case = make_case(orphan, category="5.1", start=date(2024, 1, 1))
    items = client_for(approver).get("/api/v1/cases/review/?month=2026-06").json()
    assert [(i["case_id"], i["kind"]) for i in items] == [(case.pk, "aged_out")]
    assert client_for(approver).get("/api/v1/cases/review/?month=2026-05").json() == []


# --- 4. several categories ----------------------------------------------------------------


def test_every_category_is_recorded_and_the_highest_paid(client_for, social_worker, household):
    orphan = person(household, date(2015, 4, 2))
    body = create(
        client_for(social_worker), orphan, category="5.1", other_categories=["5.6"],
        disability_level="extremely_severe",
    ).json()  # fmt: skip
    assert body["other_categories"] == ["5.6"]
    assert (body["paying_category"], body["monthly_amount"]) == ("5.6", "1250000")


# --- 6. adjustments -----------------------------------------------------------------------


def test_adjustment_is_proposed_then_decided_four_eyes(
    client_for, social_worker, approver, household
):
    adult = person(household, date(1990, 4, 1))
    case = make_case(adult, category="5.6", disability_level="severe", start=date(2026, 1, 1))
    worker, boss = client_for(social_worker), client_for(approver)
    response = worker.post(
        f"/api/v1/cases/{case.pk}/adjust/",
        {
            "from_month": "2026-03",
            "reason": "Giám định lại",
            "disability_level": "extremely_severe",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    adjustment = response.json()
    assert adjustment["status"] == "proposed" and adjustment["changed_fields"] == [
        "disability_level"
    ]
    review = boss.get("/api/v1/cases/review/?month=2026-11").json()
    assert [(i["case_id"], i["kind"]) for i in review] == [(case.pk, "adjustment")]
    # Nothing changes before the decision.
    months = worker.get(f"/api/v1/cases/{case.pk}/entitlements/?from=2026-03&to=2026-03").json()
    assert months[0]["amount"] == "750000"
    decided = boss.post(
        f"/api/v1/case-adjustments/{adjustment['id']}/approve/",
        {"decision_number": "31/QĐ-UBND", "decision_date": "2026-11-12"},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    months = worker.get(f"/api/v1/cases/{case.pk}/entitlements/?from=2026-02&to=2026-03").json()
    assert [(m["amount"], m["reason"]) for m in months] == [
        ("750000", "unchanged"), ("1000000", "adjustment"),
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="case.adjustment_approved").count() == 1


def test_the_proposer_cannot_decide_the_adjustment(client_for, household):
    both = make_user("both", "social_worker", [OWN_COMMUNE])
    both.groups.add(*make_user("x", "approver", []).groups.all())
    case = make_case(person(household, date(1990, 4, 1)), disability_level="severe")
    adjustment = services.case_adjust(
        actor=both, case_id=case.pk, from_month=date(2026, 3, 1), reason="Giám định lại",
        changes={"disability_level": "extremely_severe"},
    )  # fmt: skip
    response = client_for(both).post(
        f"/api/v1/case-adjustments/{adjustment.pk}/approve/",
        {"decision_number": "31/QĐ-UBND", "decision_date": "2026-11-12"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "four_eyes_required"


# --- 7. one-off entitlements --------------------------------------------------------------


def test_funeral_allowance_on_application_decided_and_paid_once(
    client_for, social_worker, approver, household
):
    elder = person(household, date(1940, 2, 1))
    son = person(household, date(1970, 2, 1))
    make_case(elder, category="5.5c", start=date(2025, 1, 1))
    worker, boss = client_for(social_worker), client_for(approver)
    assert worker.post(f"/api/v1/persons/{elder.pk}/death/", {"date_of_death": "2026-10-14"},
                       format="json").status_code == 200  # fmt: skip
    assert OneOffEntitlement.objects.count() == 0  # never automatic on the death
    body = {"person_id": elder.pk, "kind": "social_assistance_funeral", "payee_kind": "person",
            "application_date": "2026-10-20"}  # fmt: skip
    to_deceased = worker.post("/api/v1/one-offs/", {**body, "payee_person_id": elder.pk},
                              format="json")  # fmt: skip
    assert to_deceased.status_code == 400
    response = worker.post("/api/v1/one-offs/", {**body, "payee_person_id": son.pk}, format="json")
    assert response.status_code == 201, response.content
    one_off = response.json()
    assert one_off["amount"] == "10000000"  # 20 × 500,000 (Decree 20/2021 Art. 11(2))
    again = worker.post("/api/v1/one-offs/", {**body, "payee_person_id": son.pk}, format="json")
    assert again.status_code == 409
    decided = boss.post(f"/api/v1/one-offs/{one_off['id']}/approve/",
                        {"decision_number": "40/QĐ-UBND", "decision_date": "2026-10-25"},
                        format="json")  # fmt: skip
    assert decided.json()["status"] == "approved"
    payer = make_user("pay", "payment_officer", [OWN_COMMUNE])
    services.one_off_mark_paid(actor=payer, one_off_id=one_off["id"], payment_reference="TX1")
    with pytest.raises(Exception) as exc:
        services.one_off_mark_paid(actor=payer, one_off_id=one_off["id"], payment_reference="TX2")
    assert exc.value.code == "invalid_transition"


def test_no_one_off_before_the_death_is_recorded(client_for, social_worker, household):
    elder = person(household, date(1940, 2, 1))
    make_case(elder, category="5.5c", start=date(2025, 1, 1))
    response = client_for(social_worker).post(
        "/api/v1/one-offs/",
        {"person_id": elder.pk, "kind": "social_assistance_funeral", "payee_kind": "organisation",
         "payee_name": "Hội Người cao tuổi xã", "application_date": "2026-10-20"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "person_not_deceased"


# --- 8. suspension grounds ----------------------------------------------------------------


def test_custody_and_expired_suspensions_are_proposed(client_for, approver, household):
    held = person(household, date(1980, 1, 1), custody_status="Tạm giam từ 02/10/2026")
    custody_case = make_case(held, category="5.6", disability_level="severe")
    away = person(household, date(1981, 1, 1))
    suspended = make_case(away, category="5.6", disability_level="severe", status="suspended")
    CaseSuspension.objects.create(case=suspended, from_month=date(2026, 8, 1),
                                  ground="refused_reassessment")  # fmt: skip
    items = client_for(approver).get("/api/v1/cases/review/?month=2026-11").json()
    assert [(i["case_id"], i["kind"]) for i in items] == [
        (custody_case.pk, "custody"), (suspended.pk, "suspension_expired"),
    ]  # fmt: skip
    assert "Tạm giam" not in str(items)  # no personal data in the details
    assert client_for(approver).get("/api/v1/cases/review/?month=2026-10").json() == [items[0]]


def test_suspend_records_its_ground(client_for, approver, household):
    case = make_case(person(household, date(1980, 1, 1)), disability_level="severe")
    response = client_for(approver).post(
        f"/api/v1/cases/{case.pk}/suspend/",
        {"reason": "Tạm giam", "from_month": "2026-11", "ground": "custody"},
        format="json",
    )
    assert response.status_code == 200
    assert CaseSuspension.objects.get(case=case).ground == "custody"
