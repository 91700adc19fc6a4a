"""Every page: who may open it, commune scoping (404 elsewhere), Vietnamese and masked."""

from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import CaseFactory, make_household, make_person, make_user

pytestmark = pytest.mark.django_db

NID = "045160012345"


@pytest.fixture
def household():
    return make_household(OWN_COMMUNE)


@pytest.fixture
def person(household):
    return make_person(
        household, national_id=NID, sex="male", date_of_birth=date(1960, 5, 17), phone="0912345678"
    )


@pytest.fixture
def case(person):
    return CaseFactory(person=person)


def pages(household, person, case):
    return {
        "web:dashboard": [],
        "web:search": [],
        "web:households": [],
        "web:household-new": [],
        "web:household": [household.pk],
        "web:person-new": [household.pk],
        "web:assessment-new": [household.pk],
        "web:assessment-preview": [household.pk],
        "web:person": [person.pk],
        "web:person-death": [person.pk],
        "web:person-move": [person.pk],
        "web:case-new": [person.pk],
        "web:case": [case.pk],
        "web:case-adjust": [case.pk],
        "web:approvals": [],
    }


SOCIAL_WORKER_ONLY = {
    "web:dashboard", "web:household-new", "web:person-new", "web:assessment-new",
    "web:assessment-preview",
    "web:person-death", "web:person-move", "web:case-new", "web:case-adjust",
}  # fmt: skip
APPROVER_ONLY = {"web:approvals"}
PARTIALS = {"web:assessment-preview"}  # an htmx fragment of the assessment form


@pytest.mark.parametrize("role", ["social_worker", "approver", "payment_officer", "auditor"])
def test_access_by_role(role, household, person, case, web_client):
    user = make_user(f"u_{role}", role, [OWN_COMMUNE])
    client = web_client(user)
    for name, args in pages(household, person, case).items():
        response = client.get(reverse(name, args=args))
        if name in SOCIAL_WORKER_ONLY:
            allowed = role == "social_worker"
        elif name in APPROVER_ONLY:
            allowed = role == "approver"
        else:
            allowed = True
        assert response.status_code == (200 if allowed else 403), (role, name)
        if allowed:
            html = response.content.decode()
            if name not in PARTIALS:
                assert '<html lang="vi">' in html
                assert "<title>" in html
            assert NID not in html, (role, name)
            assert "0912345678" not in html, (role, name)


def test_anonymous_is_sent_to_login(client, household):
    response = client.get(reverse("web:household", args=[household.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_other_commune_is_not_found(sw_client):
    other = make_household(OTHER_COMMUNE)
    stranger = make_person(other)
    other_case = CaseFactory(person=stranger)
    for name, pk in [
        ("web:household", other.pk),
        ("web:person-new", other.pk),
        ("web:person", stranger.pk),
        ("web:person-death", stranger.pk),
        ("web:case", other_case.pk),
    ]:
        assert sw_client.get(reverse(name, args=[pk])).status_code == 404, name


def test_navigation_follows_the_role(sw_client, web_client, approver):
    html = sw_client.get(reverse("home")).content.decode()
    assert reverse("web:dashboard") in html and reverse("web:household-new") in html
    assert reverse("web:approvals") not in html
    html = web_client(approver).get(reverse("home")).content.decode()
    assert reverse("web:approvals") in html and reverse("web:dashboard") not in html
    other = web_client(make_user("pay1", "payment_officer", [OWN_COMMUNE]))
    html = other.get(reverse("home")).content.decode()
    assert reverse("web:search") in html and reverse("web:approvals") not in html
    assert reverse("web:payments-batches") in html and reverse("web:audit-trail") not in html
    auditor = web_client(make_user("kt1", "auditor", [OWN_COMMUNE]))
    html = auditor.get(reverse("home")).content.decode()
    assert reverse("web:audit-trail") in html and reverse("web:audit-certificates") in html
    assert reverse("web:household-new") not in html
    assert "đang được xây dựng" not in html


def test_person_page_links_to_the_payment_account_for_payment_roles(sw_client, web_client, person):
    link = reverse("web:payments-account", args=[person.pk])
    assert link not in sw_client.get(reverse("web:person", args=[person.pk])).content.decode()
    officer = web_client(make_user("pay2", "payment_officer", [OWN_COMMUNE]))
    assert link in officer.get(reverse("web:person", args=[person.pk])).content.decode()


def test_pages_have_a_skip_link_and_a_language_switch(sw_client):
    html = sw_client.get(reverse("web:dashboard")).content.decode()
    assert 'href="#main"' in html and 'id="main"' in html
    assert reverse("set_language") in html
    assert "/static/django_htmx/htmx" in html
    assert "style=" not in html and "<style" not in html


def test_english_switch(sw_client):
    response = sw_client.post(
        reverse("set_language"), {"language": "en", "next": reverse("web:dashboard")}
    )
    assert response.status_code == 302
    html = sw_client.get(reverse("web:dashboard")).content.decode()
    assert '<html lang="en">' in html
    assert "Dashboard" in html


def test_dashboard_counts_and_waiting(sw_client, case):
    html = sw_client.get(reverse("web:dashboard")).content.decode()
    assert "Bảng điều khiển" in html
    assert reverse("web:case", args=[case.pk]) in html  # the draft waits for the social worker


def test_unmask_is_for_the_permission_only_and_audited(person, web_client, sw_client):
    from registry.models import AuditEvent

    url = reverse("web:person", args=[person.pk]) + "?unmask=1"
    assert sw_client.get(url).status_code == 403
    auditor = make_user("aud1", "auditor", [])
    client = web_client(auditor)
    page = client.get(reverse("web:person", args=[person.pk])).content.decode()
    assert NID not in page and "?unmask=1" in page
    html = client.get(url).content.decode()
    assert NID in html
    event = AuditEvent.objects.get(action="person.unmasked_read")
    assert event.actor == auditor and event.object_id == str(person.pk)


def test_error_pages_use_the_layout(sw_client, web_client, approver):
    missing = sw_client.get(reverse("web:household", args=[999999]))
    assert missing.status_code == 404 and "Không tìm thấy" in missing.content.decode()
    assert 'lang="vi"' in missing.content.decode()
    denied = web_client(approver).get(reverse("web:household-new"))
    assert denied.status_code == 403 and "Không có quyền" in denied.content.decode()
