"""The social worker's and approver's forms, through the services: errors in Vietnamese next to
the field, the amount shown before submitting, four eyes, a death that stops the case."""

from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from beneficiaries.models import Case, CaseStatus, Household, Person
from tests.conftest import OWN_COMMUNE
from tests.factories import CaseFactory, make_household, make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def march_2026():
    with time_machine.travel(date(2026, 3, 10), tick=False):
        yield


def test_register_household_then_members(sw_client):
    response = sw_client.post(
        reverse("web:household-new"),
        {"commune_code": OWN_COMMUNE, "area": "rural", "village": "Thôn Đông", "address": ""},
    )
    assert response.status_code == 200
    assert "Trường này là bắt buộc." in response.content.decode()  # next to the address field

    response = sw_client.post(
        reverse("web:household-new"),
        {"commune_code": OWN_COMMUNE, "area": "rural", "village": "Thôn Đông", "address": "Thôn 1"},
    )
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "web:household", args=[household.pk]
    )

    url = reverse("web:person-new", args=[household.pk])
    bad = sw_client.post(
        url,
        {
            "full_name": "Trần Văn An",
            "national_id": "045160012345",
            "sex": "male",
            "date_of_birth": "1960-05-17",
            "relation_to_head": "head",
        },
    )
    assert bad.status_code == 200
    assert Person.objects.count() == 0
    assert 'class="errorlist' in bad.content.decode()

    ok = sw_client.post(
        url,
        {
            "full_name": "Trần Văn An",
            "national_id": "045060012345",
            "sex": "male",
            "date_of_birth": "1960-05-17",
            "relation_to_head": "head",
            "phone": "0912345678",
        },
    )
    assert ok.status_code == 302
    page = sw_client.get(reverse("web:household", args=[household.pk])).content.decode()
    assert "Trần Văn An" in page and "045*******45" in page and "045060012345" not in page


def test_register_household_refuses_a_commune_not_offered(sw_client):
    response = sw_client.post(
        reverse("web:household-new"), {"commune_code": "18871", "area": "rural", "address": "X"}
    )
    assert response.status_code == 200 and Household.objects.count() == 0
    assert (
        "Lựa chọn không hợp lệ" in response.content.decode()
        or "errorlist" in response.content.decode()
    )


def test_poverty_assessment_shows_the_classification(sw_client):
    household = make_household(OWN_COMMUNE)
    make_person(household)
    data = {
        "year": "2026",
        "income_per_capita": "1000000",
        "deprivations": ["nutrition", "water", "latrine"],
    }
    response = sw_client.post(reverse("web:assessment-new", args=[household.pk]), data, follow=True)
    html = response.content.decode()
    assert "Hộ nghèo" in html
    again = sw_client.post(reverse("web:assessment-new", args=[household.pk]), data)
    assert "Hộ này đã có kết quả rà soát cho năm này." in again.content.decode()


def test_open_case_shows_amount_then_submit(sw_client):
    person = make_person(make_household(OWN_COMMUNE), date_of_birth=date(1940, 1, 5))
    response = sw_client.post(
        reverse("web:case-new", args=[person.pk]),
        {"programme": "social_pension", "category": "pension"},
        follow=True,
    )
    case = Case.objects.get()
    html = response.content.decode()
    assert case.status == CaseStatus.DRAFT
    assert "Mức hưởng hằng tháng (dự kiến)" in html and "Trình hồ sơ" in html
    assert 'id="monthly-amount">—' not in html
    sw_client.post(reverse("web:case-submit", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_open_case_error_is_in_vietnamese(sw_client):
    person = make_person(make_household(OWN_COMMUNE), date_of_birth=date(1990, 1, 5))
    response = sw_client.post(
        reverse("web:case-new", args=[person.pk]),
        {"programme": "social_pension", "category": "pension"},
    )
    assert response.status_code == 200 and Case.objects.count() == 0
    assert "errors" in response.content.decode() or "errorlist" in response.content.decode()


def submitted_case(by):
    person = make_person(make_household(OWN_COMMUNE), date_of_birth=date(1940, 1, 5))
    return CaseFactory(
        person=person,
        programme="social_assistance",
        category="5.5c",
        status=CaseStatus.SUBMITTED,
        submitted_by=by,
        requested_start_month=date(2026, 1, 1),
    )


def test_approver_queue_and_approval_with_start_month(social_worker, approver, web_client):
    case = submitted_case(social_worker)
    client = web_client(approver)
    queue = client.get(reverse("web:approvals")).content.decode()
    assert reverse("web:case", args=[case.pk]) in queue and "đ" in queue

    missing = client.post(
        reverse("web:case-approve", args=[case.pk]), {"decision_date": "2026-03-05"}
    )
    assert missing.status_code == 400 and "Trường này là bắt buộc." in missing.content.decode()

    response = client.post(
        reverse("web:case-approve", args=[case.pk]),
        {"decision_number": "12/QĐ-UBND", "decision_date": "2026-03-05", "start_month": "2026-01"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED and case.start_month == date(2026, 1, 1)
    assert "Truy lĩnh 2 tháng" in response.content.decode()


def test_approval_preview_partial(social_worker, approver, web_client):
    case = submitted_case(social_worker)
    client = web_client(approver)
    html = client.get(
        reverse("web:approval-preview", args=[case.pk]),
        {"decision_date": "2026-03-05", "start_month": "2026-02"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "02/2026" in html and "<html" not in html


def test_reject_needs_a_reason(social_worker, approver, web_client):
    case = submitted_case(social_worker)
    client = web_client(approver)
    response = client.post(reverse("web:case-reject", args=[case.pk]), {"reason": ""})
    assert response.status_code == 400 and "Trường này là bắt buộc." in response.content.decode()
    client.post(reverse("web:case-reject", args=[case.pk]), {"reason": "Không đủ điều kiện"})
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED


def test_never_their_own_submission(web_client):
    both = make_user("both", "social_worker", [OWN_COMMUNE])
    both.groups.add(Group.objects.get(name="approver"))
    case = submitted_case(both)
    client = web_client(both)
    response = client.post(
        reverse("web:case-approve", args=[case.pk]),
        {"decision_number": "1/QĐ", "decision_date": "2026-03-05"},
    )
    assert (
        "Người trình hồ sơ không được tự phê duyệt hoặc từ chối hồ sơ đó."
        in response.content.decode()
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_death_stops_the_case(sw_client):
    person = make_person(make_household(OWN_COMMUNE), date_of_birth=date(1940, 1, 5))
    case = CaseFactory(
        person=person,
        programme="social_pension",
        category="pension",
        approved=True,
        start_month=date(2025, 1, 1),
    )
    future = sw_client.post(
        reverse("web:person-death", args=[person.pk]), {"date_of_death": "2027-01-01"}
    )
    assert "Ngày mất phải sau ngày sinh và không ở tương lai." in future.content.decode()
    response = sw_client.post(
        reverse("web:person-death", args=[person.pk]), {"date_of_death": "2026-02-14"}, follow=True
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED
    assert "Đã dừng hưởng" in response.content.decode()


def test_move_to_another_household(sw_client):
    person = make_person(make_household(OWN_COMMUNE), relation_to_head="head")
    target = make_household(OWN_COMMUNE)
    wrong = sw_client.post(
        reverse("web:person-move", args=[person.pk]),
        {"household_code": "000", "relation_to_head": "other"},
    )
    assert "Không tìm thấy hộ có mã này trong xã của bạn." in wrong.content.decode()
    sw_client.post(
        reverse("web:person-move", args=[person.pk]),
        {"household_code": target.code, "relation_to_head": "other"},
    )
    person.refresh_from_db()
    assert person.household_id == target.pk


def test_search_by_post_accent_insensitive(sw_client):
    person = make_person(
        make_household(OWN_COMMUNE),
        full_name="Nguyễn Thị Hồng Nhung",
        national_id="045160012345",
        sex="female",
    )
    assert (
        sw_client.get(reverse("web:search") + "?query=x").status_code == 200
    )  # a GET only shows the form
    html = sw_client.post(
        reverse("web:search"), {"kind": "name", "query": "nguyen thi hong nhung"}
    ).content.decode()
    assert reverse("web:person", args=[person.pk]) in html and "045160012345" not in html
    html = sw_client.post(
        reverse("web:search"), {"kind": "national_id", "query": "045160012345"}
    ).content.decode()
    assert reverse("web:person", args=[person.pk]) in html
    html = sw_client.post(
        reverse("web:search"), {"kind": "ss_code", "query": person.ss_code}
    ).content.decode()
    assert reverse("web:person", args=[person.pk]) in html
    html = sw_client.post(
        reverse("web:search"), {"kind": "ss_code", "query": "123"}
    ).content.decode()
    assert "errorlist" in html
    partial = sw_client.post(
        reverse("web:search"), {"kind": "name", "query": "x y"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in partial and "Không tìm thấy" in partial


def test_adjustment_proposed_then_decided(social_worker, approver, sw_client, web_client):
    person = make_person(make_household(OWN_COMMUNE), date_of_birth=date(1940, 1, 5))
    case = CaseFactory(
        person=person,
        programme="social_assistance",
        category="5.6",
        disability_level="severe",
        approved=True,
        start_month=date(2025, 1, 1),
    )
    response = sw_client.post(
        reverse("web:case-adjust", args=[case.pk]),
        {
            "from_month": "2026-04",
            "reason": "Giám định lại",
            "disability_level": "extremely_severe",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    dashboard = sw_client.get(reverse("web:dashboard")).content.decode()
    assert "Đề xuất điều chỉnh chờ quyết định" in dashboard  # the month's review list
    client = web_client(approver)
    queue = client.get(reverse("web:approvals")).content.decode()
    adjustment = case.adjustments.get()
    assert reverse("web:adjustment-approve", args=[adjustment.pk]) in queue
    client.post(
        reverse("web:adjustment-approve", args=[adjustment.pk]),
        {"decision_number": "5/QĐ", "decision_date": "2026-03-09"},
    )
    adjustment.refresh_from_db()
    assert adjustment.status == "approved"


def test_poverty_assessment_preview_shows_the_classification_before_saving(sw_client):
    from beneficiaries.models import PovertyAssessment

    household = make_household(OWN_COMMUNE)
    url = reverse("web:assessment-preview", args=[household.pk])
    query = {
        "year": "2026",
        "income_per_capita": "1000000",
        "deprivations": ["nutrition", "water", "latrine"],
    }
    html = sw_client.get(url, query, HTTP_HX_REQUEST="true").content.decode()
    assert "Hộ nghèo" in html and "<html" not in html
    assert (
        "Không nghèo"
        in sw_client.get(
            url, {**query, "income_per_capita": "9000000", "deprivations": []}
        ).content.decode()
    )
    assert PovertyAssessment.objects.count() == 0
    form = sw_client.get(reverse("web:assessment-new", args=[household.pk])).content.decode()
    assert f'hx-get="{url}"' in form
