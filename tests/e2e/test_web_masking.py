"""Every page of the web application, read in a browser as each role: no unmasked national ID
or phone for a role without view_sensitive; each page passes axe-core (no serious/critical)."""

from datetime import date

import pytest

from beneficiaries.models import CaseStatus
from tests.conftest import OWN_COMMUNE
from tests.e2e.web_pages import axe_violations, log_in, reload_legal_data
from tests.factories import CaseFactory, make_household, make_person, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NID = "045040012345"
PHONE = "0912345678"


def test_no_unmasked_national_id_on_any_page(live_server, browser):
    reload_legal_data()
    household = make_household(OWN_COMMUNE)
    person = make_person(household, national_id=NID, phone=PHONE, date_of_birth=date(1940, 1, 5))
    worker = make_user("sw_mask", "social_worker", [OWN_COMMUNE])
    approved = CaseFactory(person=person, programme="social_pension", category="pension", approved=True, start_month=date(2025, 1, 1))  # fmt: skip
    other = make_person(household, national_id="045145012346", sex="female", relation_to_head="spouse", date_of_birth=date(1945, 1, 5))  # fmt: skip
    submitted = CaseFactory(person=other, category="5.5c", status=CaseStatus.SUBMITTED, submitted_by=worker)  # fmt: skip
    paths = [
        "/",
        "/app/dashboard/",
        "/app/search/",
        "/app/households/",
        "/app/households/new/",
        f"/app/households/{household.pk}/",
        f"/app/households/{household.pk}/persons/new/",
        f"/app/households/{household.pk}/assessments/new/",
        f"/app/persons/{person.pk}/",
        f"/app/persons/{person.pk}/death/",
        f"/app/persons/{person.pk}/move/",
        f"/app/persons/{person.pk}/cases/new/",
        f"/app/cases/{approved.pk}/",
        f"/app/cases/{approved.pk}/adjust/",
        f"/app/cases/{submitted.pk}/",
        "/app/approvals/",
        "/app/imports/",
    ]
    users = {
        "social_worker": worker,
        "approver": make_user("ap_mask", "approver", [OWN_COMMUNE]),
        "payment_officer": make_user("po_mask", "payment_officer", [OWN_COMMUNE]),
        "auditor": make_user("au_mask", "auditor", []),
    }
    checked_axe: set[str] = set()
    seen = 0
    for role, user in users.items():
        context = browser.new_context(locale="vi-VN")
        page = context.new_page()
        try:
            log_in(page, live_server.url, user.username)
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                text = page.inner_text("body")
                assert NID not in text and "045145012346" not in text, (role, path)
                assert PHONE not in text, (role, path)
                if response.status == 200:
                    seen += 1
                    assert page.locator("html").get_attribute("lang") == "vi"
                    if path not in checked_axe:
                        checked_axe.add(path)
                        assert not axe_violations(page), (role, path)
            # Search results too (by POST), by name.
            page.goto(f"{live_server.url}/app/search/")
            page.fill("#id_query", "Nguyễn Văn Hùng")
            page.click("main button[type=submit]")
            page.wait_for_selector("#results")
            assert NID not in page.inner_text("body"), role
        finally:
            context.close()
    assert checked_axe == set(paths)
    assert seen > len(paths) * 2
