"""The consistency report: each kind found when seeded and gone when fixed; scoping; no personal data."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beneficiaries.consistency import (
    FindingKind,
    checks_run,
    configured_checks,
    consistency_scope,
    finding,
)
from beneficiaries.models import Case, Person, PovertyAssessment
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_household, make_person, make_user

# Served here under the real path until beneficiaries/urls.py includes beneficiaries.urls_reports.
pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/consistency/"

_NAMES = itertools.cycle(
    ["Trần Thị Lan", "Lê Văn Bình", "Phạm Thị Hoa", "Hoàng Văn Nam", "Võ Thị Mai", "Đặng Văn Tú"]
)
_SERIAL = itertools.count(1)


def person(commune: str = OWN_COMMUNE, *, household=None, **values) -> Person:
    """A person whose name and date of birth differ from every other one (no accidental duplicate)."""
    serial = next(_SERIAL)
    values.setdefault("full_name", f"{next(_NAMES)} {serial}")
    values.setdefault(
        "date_of_birth", date(1950, 1, 1).replace(year=1950 + serial % 40, day=1 + serial % 28)
    )
    return make_person(household or make_household(commune), **values)


def case(
    person: Person,
    *,
    programme="social_assistance",
    category="5.6",
    status="approved",
    commune=None,
) -> Case:
    decided = status in {"approved", "suspended", "terminated"}
    return Case.objects.create(
        person=person,
        commune_id=commune or person.commune_id,
        programme=programme,
        category=category,
        status=status,
        decision_number="12/QĐ-UBND" if decided else "",
        decision_date=date(2025, 3, 1) if decided else None,
        start_month=date(2025, 3, 1) if decided else None,
    )


def die(p: Person, on: date = date(2026, 5, 10)) -> None:
    p.vital_status = "deceased"
    p.date_of_death = on
    p.save()


def assess(household, year: int, classification: str) -> PovertyAssessment:
    return PovertyAssessment.objects.create(
        household=household,
        year=year,
        income_per_capita=1_200_000,
        classification=classification,
        threshold=1_500_000,
    )


def findings_of(kind: str, user) -> list[dict]:
    scope = consistency_scope(actor=user)
    return [f for f in checks_run(scope) if f["kind"] == kind]


# --- deceased_with_open_case ------------------------------------------------------------------


def test_deceased_person_with_open_case_is_found_until_the_case_is_terminated(auditor):
    dead = person()
    approved = case(dead)
    draft = case(dead, programme="social_pension", category="pension", status="draft")
    die(dead)
    alive = person()
    case(alive)

    [found] = findings_of(FindingKind.DECEASED_WITH_OPEN_CASE, auditor)
    assert found["person_ids"] == [dead.pk]
    assert found["case_ids"] == sorted([approved.pk, draft.pk])
    assert dead.ss_code in found["detail"]

    Case.objects.filter(pk__in=[approved.pk, draft.pk]).update(
        status="terminated", end_month=date(2026, 5, 1)
    )
    assert findings_of(FindingKind.DECEASED_WITH_OPEN_CASE, auditor) == []


def test_suspended_case_of_deceased_person_is_still_open(auditor):
    dead = person()
    suspended = case(dead, status="suspended")
    die(dead)
    [found] = findings_of(FindingKind.DECEASED_WITH_OPEN_CASE, auditor)
    assert found["case_ids"] == [suspended.pk]


# --- open_cases_in_two_communes -----------------------------------------------------------------


def test_open_cases_in_two_communes_found_until_one_is_closed(auditor):
    mover = person(OWN_COMMUNE)
    here = case(mover, programme="social_assistance", category="5.6")
    there = case(mover, programme="social_pension", category="pension", commune=OTHER_COMMUNE)
    settled = person(OWN_COMMUNE)
    case(settled, programme="social_assistance", category="5.6")
    case(settled, programme="social_pension", category="pension")

    [found] = findings_of(FindingKind.OPEN_CASES_IN_TWO_COMMUNES, auditor)
    assert found["person_ids"] == [mover.pk]
    assert found["case_ids"] == sorted([here.pk, there.pk])
    assert OWN_COMMUNE in found["detail"] and OTHER_COMMUNE in found["detail"]

    Case.objects.filter(pk=there.pk).update(status="terminated", end_month=date(2026, 1, 1))
    assert findings_of(FindingKind.OPEN_CASES_IN_TWO_COMMUNES, auditor) == []


# --- meritorious_household_poor -----------------------------------------------------------------


def test_meritorious_person_in_poor_household_found_until_latest_assessment_is_not_poor(auditor):
    household = make_household(OWN_COMMUNE)
    veteran = person(household=household)
    merit = case(veteran, programme="meritorious", category="g")
    assess(household, 2025, "poor")
    # A poor household with social assistance only is not this finding.
    other_household = make_household(OWN_COMMUNE)
    case(person(household=other_household), programme="social_assistance", category="5.6")
    assess(other_household, 2025, "poor")

    [found] = findings_of(FindingKind.MERITORIOUS_HOUSEHOLD_POOR, auditor)
    assert found["person_ids"] == [veteran.pk]
    assert found["case_ids"] == [merit.pk]
    assert household.code in found["detail"] and "2025" in found["detail"]

    assess(household, 2026, "near_poor")
    assert findings_of(FindingKind.MERITORIOUS_HOUSEHOLD_POOR, auditor) == []


def test_terminated_meritorious_case_is_not_reported(auditor):
    household = make_household(OWN_COMMUNE)
    case(
        person(household=household),
        programme="meritorious",
        category="relative",
        status="terminated",
    )
    assess(household, 2026, "poor")
    assert findings_of(FindingKind.MERITORIOUS_HOUSEHOLD_POOR, auditor) == []


# --- possible_duplicate -------------------------------------------------------------------------


def test_same_normalised_name_and_birth_date_is_a_possible_duplicate(auditor):
    born = date(1958, 3, 9)
    first = person(full_name="Nguyễn Văn Hùng", date_of_birth=born)
    second = person(OTHER_COMMUNE, full_name="  NGUYỄN   văn hùng ", date_of_birth=born)
    open_case = case(second)
    person(full_name="Nguyễn Văn Hùng", date_of_birth=date(1958, 3, 10))  # another day: not him

    [found] = findings_of(FindingKind.POSSIBLE_DUPLICATE, auditor)
    assert found["person_ids"] == sorted([first.pk, second.pk])
    assert found["case_ids"] == [open_case.pk]
    assert first.ss_code in found["detail"] and second.ss_code in found["detail"]

    second.date_of_birth = date(1958, 3, 19)  # the typo fixed
    second.save()
    assert findings_of(FindingKind.POSSIBLE_DUPLICATE, auditor) == []


def test_a_blind_index_collision_with_different_names_is_not_a_duplicate(auditor):
    born = date(1971, 8, 2)
    first = person(full_name="Bùi Thị Thu", date_of_birth=born)
    second = person(full_name="Bùi Thị Thư", date_of_birth=born)
    third = person(full_name="Đỗ Minh Khoa", date_of_birth=born)
    # The 20-bit index is truncated on purpose; force a collision as a large registry would have.
    Person.objects.filter(pk=third.pk).update(full_name_index=first.full_name_index)

    [found] = findings_of(FindingKind.POSSIBLE_DUPLICATE, auditor)
    # "Thư" and "Thu" normalise alike (diacritics are ignored); "Đỗ Minh Khoa" does not.
    assert found["person_ids"] == sorted([first.pk, second.pk])


def test_same_national_id_is_a_possible_duplicate_confirmed_by_decryption(auditor):
    first = person(national_id="045060012345", sex="male", date_of_birth=date(1960, 4, 4))
    second = person(OTHER_COMMUNE, national_id="045 060 012 345", full_name="Lý Văn Tâm")
    third = person(national_id="045060099999", sex="male", date_of_birth=date(1960, 6, 6))
    Person.objects.filter(pk=third.pk).update(national_id_index=first.national_id_index)

    [found] = findings_of(FindingKind.POSSIBLE_DUPLICATE, auditor)
    assert found["person_ids"] == sorted([first.pk, second.pk])
    assert "định danh" in found["detail"]

    second.national_id = "045060054321"
    second.save()
    assert findings_of(FindingKind.POSSIBLE_DUPLICATE, auditor) == []


def test_a_pair_matched_by_name_and_national_id_is_one_finding(auditor):
    born = date(1965, 2, 2)
    first = person(full_name="Mai Văn Sơn", date_of_birth=born, national_id="045065000111")
    second = person(full_name="Mai Văn Sơn", date_of_birth=born, national_id="045065000111")
    [found] = findings_of(FindingKind.POSSIBLE_DUPLICATE, auditor)
    assert found["person_ids"] == sorted([first.pk, second.pk])
    assert "họ tên" in found["detail"] and "định danh" in found["detail"]


# --- aged_out ----------------------------------------------------------------------------------


def test_a_case_past_every_age_window_is_found_until_it_is_adjusted(auditor):
    # 5.1 is for children under 16 (Decree 20/2021 Art. 5(1)); born 2008, 18 in 2026.
    orphan = person(date_of_birth=date(2008, 1, 1))
    found = case(orphan, category="5.1")
    assert [f["case_ids"] for f in findings_of("aged_out", auditor)] == [[found.pk]]
    found.category, found.other_categories = "5.2", []  # a student 16–22 (Art. 5(2))
    found.save()
    assert findings_of("aged_out", auditor) == []


# --- The endpoint: permissions, scoping, no personal data -------------------------------------


@pytest.fixture
def seeded():
    """One finding of each kind in the own commune, a deceased case in the other commune."""
    own_dead = person(OWN_COMMUNE)
    case(own_dead)
    die(own_dead)
    other_dead = person(OTHER_COMMUNE)
    other_case = case(other_dead)
    die(other_dead)
    mover = person(OWN_COMMUNE, date_of_birth=date(1945, 2, 1))  # old enough for the pension
    case(mover)
    case(mover, programme="social_pension", category="pension", commune=OTHER_COMMUNE)
    household = make_household(OWN_COMMUNE)
    case(person(household=household), programme="meritorious", category="c")
    assess(household, 2026, "poor")
    born = date(1948, 12, 1)
    twin_a = person(full_name="Nguyễn Văn Hùng", date_of_birth=born, national_id="045048777001")
    twin_b = person(full_name="nguyen van hung", date_of_birth=born, national_id="045048777002")
    return {
        "own_dead": own_dead,
        "other_dead": other_dead,
        "other_case": other_case,
        "mover": mover,
        "twins": (twin_a, twin_b),
    }


def test_approver_sees_the_findings_of_their_commune_only(client_for, approver, seeded):
    response = client_for(approver).get(URL)
    assert response.status_code == 200
    body = response.json()
    kinds = {f["kind"] for f in body["findings"]}
    assert kinds == {
        "deceased_with_open_case",
        "open_cases_in_two_communes",
        "meritorious_household_poor",
        "possible_duplicate",
    }
    dead_persons = [
        f["person_ids"] for f in body["findings"] if f["kind"] == "deceased_with_open_case"
    ]
    assert dead_persons == [[seeded["own_dead"].pk]]
    assert all(seeded["other_case"].pk not in f["case_ids"] for f in body["findings"])
    assert body["counts"] == {
        "deceased_with_open_case": 1,
        "open_cases_in_two_communes": 1,
        "meritorious_household_poor": 1,
        "possible_duplicate": 1,
        "aged_out": 0,
        "shared_payment_account": 0,  # payments (payments/checks.py)
    }
    assert body["commune"] is None and body["generated_at"]


def test_other_commune_is_404_for_an_approver(client_for, approver, seeded):
    response = client_for(approver).get(URL, {"commune": OTHER_COMMUNE})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_approver_of_the_other_commune_sees_its_own_and_the_shared_findings(client_for, seeded):
    other_approver = make_user("appr_b", "approver", [OTHER_COMMUNE])
    body = client_for(other_approver).get(URL, {"commune": OTHER_COMMUNE}).json()
    by_kind = {f["kind"]: f for f in body["findings"]}
    assert set(by_kind) == {"deceased_with_open_case", "open_cases_in_two_communes"}
    assert by_kind["deceased_with_open_case"]["person_ids"] == [seeded["other_dead"].pk]
    # The mover lives in the own commune but is paid by this one too: a finding for both.
    assert by_kind["open_cases_in_two_communes"]["person_ids"] == [seeded["mover"].pk]


def test_auditor_sees_every_commune_and_may_narrow_to_one(client_for, auditor, seeded):
    client = client_for(auditor)
    everything = client.get(URL).json()
    dead = {
        f["person_ids"][0] for f in everything["findings"] if f["kind"] == "deceased_with_open_case"
    }
    assert dead == {seeded["own_dead"].pk, seeded["other_dead"].pk}

    narrowed = client.get(URL, {"commune": OWN_COMMUNE}).json()
    dead = {
        f["person_ids"][0] for f in narrowed["findings"] if f["kind"] == "deceased_with_open_case"
    }
    assert dead == {seeded["own_dead"].pk}
    assert narrowed["commune"] == OWN_COMMUNE


def test_unknown_or_malformed_commune(client_for, auditor):
    client = client_for(auditor)
    assert client.get(URL, {"commune": "99999"}).status_code == 404
    response = client.get(URL, {"commune": "18x59"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("role", ["social_worker", "payment_officer"])
def test_other_roles_get_403_envelope(client_for, role, seeded):
    user = make_user(f"u_{role}", role, [OWN_COMMUNE])
    response = client_for(user).get(URL)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_anonymous_gets_401(api_client):
    response = api_client.get(URL)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_response_holds_no_name_national_id_or_birth_date(client_for, auditor, seeded):
    content = client_for(auditor).get(URL).content
    twin_a, twin_b = seeded["twins"]
    secrets = [
        "Nguyễn Văn Hùng",
        "nguyen van hung",
        "Nguy\\u1ec5n",
        "045048777001",
        "045048777002",
        twin_a.date_of_birth.isoformat(),
        "1948",
    ]
    for p in Person.objects.all():
        secrets += [p.full_name, p.date_of_birth.isoformat()]
        if p.national_id:
            secrets.append(p.national_id)
    for secret in secrets:
        assert secret.encode() not in content, secret
    assert twin_a.ss_code.encode() in content and twin_b.ss_code.encode() in content


# --- Set-based: the query count does not grow with the data ------------------------------------


def _count_queries(scope) -> int:
    with CaptureQueriesContext(connection) as ctx:
        checks_run(scope)
    return len(ctx.captured_queries)


def test_query_count_is_constant(auditor, seeded):
    scope = consistency_scope(actor=auditor)
    found_before = len(checks_run(scope))
    before = _count_queries(scope)
    for _ in range(5):
        dead = person()
        case(dead)
        die(dead)
        household = make_household(OWN_COMMUNE)
        case(person(household=household), programme="meritorious", category="g")
        assess(household, 2026, "poor")
        person(full_name="Phan Văn Đức", date_of_birth=date(1955, 5, 5))
    assert len(checks_run(scope)) == found_before + 11
    # 6 + 5 for aged_out (the entitlement rows) + 1 for shared_payment_account (payments)
    assert _count_queries(scope) == before == 12


def test_endpoint_query_count(client_for, approver, seeded, django_assert_num_queries):
    client = client_for(approver)
    # 1 for the approver's permissions and communes (registry.access.access_load) + 12 for the
    # checks (1: payments).
    with django_assert_num_queries(13):
        assert client.get(URL).status_code == 200


# --- The plug-in point --------------------------------------------------------------------------


def shared_payment_account_stub(scope):
    yield finding(
        FindingKind.SHARED_PAYMENT_ACCOUNT,
        "Một tài khoản nhận tiền cho 2 người không cùng hộ.",
        person_ids=[2, 1],
        case_ids=[],
    )


def test_a_check_listed_in_the_settings_runs_and_is_counted(settings, client_for, auditor):
    settings.REGISTRY_CONSISTENCY_CHECKS = [
        *[c for c in settings.REGISTRY_CONSISTENCY_CHECKS if c[0] != "shared_payment_account"],
        (
            FindingKind.SHARED_PAYMENT_ACCOUNT,
            "tests.beneficiaries.test_consistency.shared_payment_account_stub",
        ),
    ]
    body = client_for(auditor).get(URL).json()
    assert body["counts"]["shared_payment_account"] == 1
    assert body["findings"][-1]["person_ids"] == [1, 2]


def test_the_check_list_refuses_unknown_and_repeated_kinds(settings):
    listed = list(settings.REGISTRY_CONSISTENCY_CHECKS)
    settings.REGISTRY_CONSISTENCY_CHECKS = [*listed, ("cash_in_a_sock", listed[0][1])]
    with pytest.raises(ImproperlyConfigured):
        configured_checks()
    settings.REGISTRY_CONSISTENCY_CHECKS = [*listed, listed[-1]]
    with pytest.raises(ImproperlyConfigured):
        configured_checks()


# --- OpenAPI ------------------------------------------------------------------------------------


def test_schema_documents_the_report():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"][URL]["get"]
    assert operation["tags"] == ["reports"]
    assert [p["name"] for p in operation["parameters"]] == ["commune"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    report = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(report["required"]) == {"generated_at", "commune", "counts", "findings"}
    finding_schema = schema["components"]["schemas"]["ConsistencyFindingOutput"]
    assert set(finding_schema["properties"]) == {"kind", "detail", "person_ids", "case_ids"}
    kind_ref = finding_schema["properties"]["kind"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][kind_ref]["enum"] == list(FindingKind.values)
    assert {"403", "404"} <= set(operation["responses"])
