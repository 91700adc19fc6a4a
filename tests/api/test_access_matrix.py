"""Every endpoint × every role × own commune / another commune: the status codes of the access rules.

The rules (docs/api.md, "Scoping"): a user works in their communes; anything outside them answers
404 exactly like something that does not exist. A missing permission answers 403 before any
lookup, so it reveals nothing either. Auditors read every commune (masked) and change nothing;
a user with no commune sees empty lists and 404 on every object.

`test_every_endpoint_is_in_the_matrix` fails when an endpoint appears in the OpenAPI schema
without a row here: add one (an endpoint without access rules is not done).
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from beneficiaries import services
from certificates import services as certificate_services
from payments import services as payment_services
from registry.models import AuditEvent
from tests.conftest import OTHER_COMMUNE, OWN_COMMUNE
from tests.factories import make_household, make_person
from tests.jobs.factories import JobFactory

pytestmark = pytest.mark.django_db

OWN, OTHER = "own", "other"
# Role name → (Django group, communes). "no_commune" is a social worker not yet given a commune.
ROLES: dict[str, tuple[str, list[str]]] = {
    "social_worker": ("social_worker", [OWN_COMMUNE]),
    "approver": ("approver", [OWN_COMMUNE]),
    "payment_officer": ("payment_officer", [OWN_COMMUNE]),
    "auditor": ("auditor", [OWN_COMMUNE]),
    "no_commune": ("social_worker", []),
}
NATIONAL_IDS = {OWN: "045060012345", OTHER: "045060067890"}


def _user(username: str, group: str, communes: list[str]):
    # No password: hashing one per user would dominate the run time of this module.
    user = get_user_model().objects.create(username=username)
    user.groups.add(Group.objects.get(name=group))
    user.communes.set(communes)
    return user


@dataclass
class Place:
    """One commune's registry: households, persons and a case in every state."""

    commune: str
    household: object = None
    spare_household: object = None
    head: object = None
    child: object = None
    draft: object = None
    submitted: object = None
    approved: object = None
    suspended: object = None
    job: object = None  # started by the commune's social worker (not a matrix user)
    # entitlements: a proposed adjustment, and two deceased beneficiaries (one with a one-off)
    adjustment: object = None
    one_off: object = None
    deceased_free: object = None
    certificate: object = None  # a beneficiary-status certificate of `approved`
    # payments: the head's account, an exported July batch and a draft August batch
    payment_account: object = None
    exported_batch: object = None
    draft_batch: object = None


@dataclass
class World:
    places: dict[str, Place] = field(default_factory=dict)

    def __getitem__(self, target: str) -> Place:
        return self.places[target]

    def ids(self, attribute: str, targets=(OWN, OTHER)) -> set[int]:
        return {getattr(self.places[t], attribute).pk for t in targets}


def _place(commune: str, target: str) -> Place:
    worker = _user(f"seed_sw_{commune}", "social_worker", [commune])
    boss = _user(f"seed_appr_{commune}", "approver", [commune])
    place = Place(commune)
    place.household = make_household(commune)
    place.spare_household = make_household(commune)
    place.head = make_person(
        place.household, full_name="Phan Văn Hải", national_id=NATIONAL_IDS[target]
    )
    place.household.head = place.head
    place.household.save(update_fields=["head"])
    children = [
        make_person(
            place.household,
            full_name=f"Phan Thị Út {index}",
            sex="female",
            date_of_birth=date(2022, 3, 15),
            relation_to_head="child",
        )
        for index in range(5)
    ]
    place.child = children[0]  # no case: for POST /cases/, moves and deaths

    def new_case(person):
        return services.case_create(
            actor=worker,
            person_id=person.pk,
            programme="social_assistance",
            category="5.6",
            disability_level="extremely_severe",
        )

    place.draft = new_case(children[1])
    place.submitted = services.case_submit(actor=worker, case_id=new_case(children[2]).pk)
    approved = []
    for child in children[3:]:
        case = services.case_submit(actor=worker, case_id=new_case(child).pk)
        approved.append(
            services.case_approve(
                actor=boss,
                case_id=case.pk,
                decision_number="15/QĐ-UBND",
                decision_date=date(2026, 2, 10),
            )  # fmt: skip
        )
    place.approved = approved[0]
    place.suspended = services.case_suspend(
        actor=boss, case_id=approved[1].pk, reason="Đi vắng", from_month=date(2026, 6, 1)
    )
    place.job = JobFactory(started_by=worker, commune_code=commune)
    _entitlement_records(place, worker, boss)
    place.certificate = certificate_services.certificate_issue(
        actor=boss, kind="beneficiary_status", case_id=place.approved.pk
    )
    _payment_records(place)
    return place


def _payment_records(place: Place) -> None:
    maker = _user(f"seed_pay_{place.commune}", "payment_officer", [place.commune])
    checker = _user(f"seed_pay2_{place.commune}", "payment_officer", [place.commune])
    place.payment_account = payment_services.payment_account_set(
        actor=maker, person_id=place.head.pk, channel="bank", bank_bin="970436",
        account_number="0123456789",
    )  # fmt: skip
    batch = payment_services.payment_batch_generate(
        actor=maker, period="2026-07", commune_codes=[place.commune]
    )
    payment_services.payment_batch_approve(actor=checker, batch_id=batch.pk)
    place.exported_batch = payment_services.payment_batch_export(
        actor=maker, batch_id=batch.pk, file_format="csv"
    )
    place.draft_batch = payment_services.payment_batch_generate(
        actor=maker, period="2026-08", commune_codes=[place.commune]
    )


def _entitlement_records(place: Place, worker, boss) -> None:
    place.adjustment = services.case_adjust(
        actor=worker, case_id=place.suspended.pk, from_month=date(2026, 3, 1),
        reason="Giám định lại", changes={"disability_level": "severe"},
    )  # fmt: skip
    deceased = []
    for index in range(2):
        elder = make_person(place.household, full_name=f"Phan Văn Cụ {index}",
                            date_of_birth=date(1940, 1, 1), relation_to_head="parent")  # fmt: skip
        case = services.case_create(
            actor=worker, person_id=elder.pk, programme="social_assistance", category="5.5c"
        )
        services.case_submit(actor=worker, case_id=case.pk)
        services.case_approve(actor=boss, case_id=case.pk, decision_number="16/QĐ-UBND",
                              decision_date=date(2026, 2, 10))  # fmt: skip
        services.person_record_death(actor=worker, person_id=elder.pk,
                                     date_of_death=date(2026, 4, 10))  # fmt: skip
        deceased.append(elder)
    place.one_off = services.one_off_apply(
        actor=worker, person_id=deceased[0].pk, kind="social_assistance_funeral",
        payee_kind="organisation", payee_name="Hội Người cao tuổi xã",
        application_date=date(2026, 4, 12),
    )  # fmt: skip
    place.deceased_free = deceased[1]


@pytest.fixture
def world(db) -> World:
    return World({OWN: _place(OWN_COMMUNE, OWN), OTHER: _place(OTHER_COMMUNE, OTHER)})


@pytest.fixture
def client_as(db):
    def build(role: str) -> APIClient:
        group, communes = ROLES[role]
        client = APIClient()
        client.force_authenticate(_user(f"matrix_{role}", group, communes))
        return client

    return build


# --- expectations ------------------------------------------------------------------------

# role → (status on its own commune's object, status on another commune's object)
Expect = dict[str, tuple[int, int]]


def reads() -> Expect:
    return {
        "social_worker": (200, 404),
        "approver": (200, 404),
        "payment_officer": (200, 404),
        "auditor": (200, 200),
        "no_commune": (404, 404),
    }


def worker_writes(ok: int = 200) -> Expect:
    return {
        "social_worker": (ok, 404),
        "approver": (403, 403),
        "payment_officer": (403, 403),
        "auditor": (403, 403),
        "no_commune": (404, 404),
    }


def decisions() -> Expect:
    # no_commune is a social worker: it lacks the permission, which is checked first.
    return {
        "social_worker": (403, 403),
        "approver": (200, 404),
        "payment_officer": (403, 403),
        "auditor": (403, 403),
        "no_commune": (403, 403),
    }


def certificate_access(ok: int = 200) -> Expect:
    # Missing permissions answer 403 before any lookup; a commune not one's own is 404.
    return {
        "social_worker": (403, 403),
        "approver": (ok, 404),
        "payment_officer": (403, 403),
        "auditor": (ok, ok),
        "no_commune": (403, 403),
    }


def payments_access(ok: int = 200, *, auditor: int | None = None) -> Expect:
    # Payment officers in their communes; auditors read everything; nobody else.
    return {
        "social_worker": (403, 403),
        "approver": (403, 403),
        "payment_officer": (ok, 404),
        "auditor": (auditor, auditor) if auditor else (403, 403),
        "no_commune": (403, 403),
    }


def everyone(status: int = 200) -> Expect:
    return {role: (status, status) for role in ROLES}


# Which commune's rows each role sees in a list.
VISIBLE = {
    "social_worker": {OWN},
    "approver": {OWN},
    "payment_officer": {OWN},
    "auditor": {OWN, OTHER},
    "no_commune": set(),
}


Request = Callable[[World, str], tuple]  # (world, target) → (url, body[, format])


@dataclass
class Row:
    request: Request
    expect: Expect
    # For lists: world → {target: ids}; the answer holds a target's ids iff the role sees it.
    listed: Callable[[World], dict[str, set[int]]] | None = None


def _bank_answer() -> SimpleUploadedFile:
    text = "end_to_end_id,status,reason,paid_at\nNOT-IN-THIS-BATCH,paid,,2026-07-25\n"
    return SimpleUploadedFile("answer.csv", text.encode(), content_type="text/csv")


def _csv(commune: str) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Mã hộ", "Mã xã", "Thôn/xóm", "Địa chỉ", "Khu vực", "Họ và tên", "Giới tính",
                     "Ngày sinh", "Số định danh cá nhân", "Dân tộc", "Quan hệ với chủ hộ",
                     "Số điện thoại"])  # fmt: skip
    writer.writerow(["H001", commune, "Thôn Tây", "3 Hùng Vương", "Nông thôn", "Võ Thị Mai", "Nữ",
                     "02/09/1975", "045175001122", "Kinh", "Chủ hộ", ""])  # fmt: skip
    return SimpleUploadedFile("persons.csv", buffer.getvalue().encode(), content_type="text/csv")


V1 = "/api/v1"
MATRIX: dict[tuple[str, str], Row] = {
    # Not commune-scoped: any logged-in user.
    ("GET", "/api/v1/admin-units/provinces/"): Row(
        lambda w, t: (f"{V1}/admin-units/provinces/", None), everyone()
    ),
    ("GET", "/api/v1/admin-units/communes/"): Row(
        lambda w, t: (f"{V1}/admin-units/communes/?province=44", None), everyone()
    ),
    ("POST", "/api/v1/auth/token/"): Row(
        lambda w, t: (f"{V1}/auth/token/", {"username": "nobody", "password": "x"}), everyone(400)
    ),
    ("GET", "/api/v1/imports/persons/template/"): Row(
        lambda w, t: (f"{V1}/imports/persons/template/", None), everyone()
    ),
    # Households.
    ("GET", "/api/v1/households/"): Row(
        lambda w, t: (f"{V1}/households/", None),
        everyone(),
        listed=lambda w: {t: {w[t].household.pk, w[t].spare_household.pk} for t in (OWN, OTHER)},
    ),
    ("POST", "/api/v1/households/"): Row(
        lambda w, t: (
            f"{V1}/households/",
            {
                "commune_code": w[t].commune,
                "village": "Thôn Bắc",
                "address": "5 Trần Phú",
                "area": "rural",
            },  # fmt: skip
        ),
        worker_writes(201),
    ),
    ("GET", "/api/v1/households/{id}/"): Row(
        lambda w, t: (f"{V1}/households/{w[t].household.pk}/", None), reads()
    ),
    ("PATCH", "/api/v1/households/{id}/"): Row(
        lambda w, t: (f"{V1}/households/{w[t].household.pk}/", {"village": "Thôn Mới"}),
        worker_writes(),
    ),
    ("GET", "/api/v1/households/{id}/history/"): Row(
        lambda w, t: (f"{V1}/households/{w[t].household.pk}/history/", None), reads()
    ),
    ("GET", "/api/v1/households/{id}/poverty-assessments/"): Row(
        lambda w, t: (f"{V1}/households/{w[t].household.pk}/poverty-assessments/", None), reads()
    ),
    ("POST", "/api/v1/households/{id}/poverty-assessments/"): Row(
        lambda w, t: (
            f"{V1}/households/{w[t].household.pk}/poverty-assessments/",
            {"year": 2026, "income_per_capita": "1200000", "deprivations": ["water", "latrine"]},
        ),
        # The household is looked up (404 outside) before the write permission (403) is checked.
        {
            **worker_writes(201),
            "approver": (403, 404),
            "payment_officer": (403, 404),
            "auditor": (403, 403),
        },  # fmt: skip
    ),
    # Persons.
    ("GET", "/api/v1/persons/"): Row(
        lambda w, t: (f"{V1}/persons/?household={w[t].household.pk}", None),
        everyone(),
        listed=lambda w: {t: {p.pk for p in w[t].household.members.all()} for t in (OWN, OTHER)},
    ),
    ("POST", "/api/v1/persons/"): Row(
        lambda w, t: (
            f"{V1}/persons/",
            {
                "household_id": w[t].household.pk,
                "full_name": "Phan Thị Lan",
                "sex": "female",
                "date_of_birth": "1990-04-01",
                "relation_to_head": "spouse",
            },  # fmt: skip
        ),
        worker_writes(201),
    ),
    ("GET", "/api/v1/persons/{id}/"): Row(
        lambda w, t: (f"{V1}/persons/{w[t].head.pk}/", None), reads()
    ),
    ("PATCH", "/api/v1/persons/{id}/"): Row(
        lambda w, t: (f"{V1}/persons/{w[t].head.pk}/", {"ethnicity": "Vân Kiều"}), worker_writes()
    ),
    ("POST", "/api/v1/persons/search/"): Row(
        lambda w, t: (f"{V1}/persons/search/", {"national_id": NATIONAL_IDS[t]}),
        everyone(),
        listed=lambda w: {t: {w[t].head.pk} for t in (OWN, OTHER)},
    ),
    ("POST", "/api/v1/persons/{id}/death/"): Row(
        lambda w, t: (f"{V1}/persons/{w[t].child.pk}/death/", {"date_of_death": "2026-05-01"}),
        worker_writes(),
    ),
    ("POST", "/api/v1/persons/{id}/move/"): Row(
        lambda w, t: (
            f"{V1}/persons/{w[t].child.pk}/move/",
            {"household_id": w[t].spare_household.pk, "relation_to_head": "head"},
        ),
        worker_writes(),
    ),
    ("GET", "/api/v1/persons/{id}/history/"): Row(
        lambda w, t: (f"{V1}/persons/{w[t].head.pk}/history/", None), reads()
    ),
    # Cases.
    ("GET", "/api/v1/cases/"): Row(
        lambda w, t: (f"{V1}/cases/", None),
        everyone(),
        listed=lambda w: {
            t: {w[t].draft.pk, w[t].submitted.pk, w[t].approved.pk, w[t].suspended.pk}
            for t in (OWN, OTHER)
        },
    ),
    ("POST", "/api/v1/cases/"): Row(
        lambda w, t: (
            f"{V1}/cases/",
            {
                "person_id": w[t].child.pk,
                "programme": "social_assistance",
                "category": "5.6",
                "disability_level": "severe",
            },  # fmt: skip
        ),
        worker_writes(201),
    ),
    ("GET", "/api/v1/cases/{id}/"): Row(
        lambda w, t: (f"{V1}/cases/{w[t].approved.pk}/", None), reads()
    ),
    ("PATCH", "/api/v1/cases/{id}/"): Row(
        lambda w, t: (f"{V1}/cases/{w[t].draft.pk}/", {"disability_level": "severe"}),
        worker_writes(),
    ),
    ("GET", "/api/v1/cases/{id}/history/"): Row(
        lambda w, t: (f"{V1}/cases/{w[t].approved.pk}/history/", None), reads()
    ),
    ("POST", "/api/v1/cases/{id}/submit/"): Row(
        lambda w, t: (f"{V1}/cases/{w[t].draft.pk}/submit/", {}), worker_writes()
    ),
    ("POST", "/api/v1/cases/{id}/approve/"): Row(
        lambda w, t: (
            f"{V1}/cases/{w[t].submitted.pk}/approve/",
            {"decision_number": "21/QĐ-UBND", "decision_date": "2026-03-02"},
        ),
        decisions(),
    ),
    ("POST", "/api/v1/cases/{id}/reject/"): Row(
        lambda w, t: (f"{V1}/cases/{w[t].submitted.pk}/reject/", {"reason": "Chưa đủ hồ sơ"}),
        decisions(),
    ),
    ("POST", "/api/v1/cases/{id}/suspend/"): Row(
        lambda w, t: (
            f"{V1}/cases/{w[t].approved.pk}/suspend/",
            {"reason": "Đi vắng", "from_month": "2026-07"},
        ),
        decisions(),
    ),
    ("POST", "/api/v1/cases/{id}/resume/"): Row(
        lambda w, t: (f"{V1}/cases/{w[t].suspended.pk}/resume/", {"from_month": "2026-09"}),
        decisions(),
    ),
    ("POST", "/api/v1/cases/{id}/terminate/"): Row(
        lambda w, t: (
            f"{V1}/cases/{w[t].approved.pk}/terminate/",
            {"reason": "Chuyển đi", "from_month": "2026-08"},
        ),
        decisions(),
    ),
    # Entitlements: months, approval preview, adjustments, the review list, one-offs.
    ("GET", "/api/v1/cases/{id}/entitlements/"): Row(
        lambda w, t: (f"{V1}/cases/{w[t].approved.pk}/entitlements/?from=2026-01&to=2026-06", None),
        reads(),
    ),
    ("GET", "/api/v1/cases/{id}/approval-preview/"): Row(
        lambda w, t: (
            f"{V1}/cases/{w[t].submitted.pk}/approval-preview/?decision_date=2026-03-02",
            None,
        ),
        reads(),
    ),
    ("GET", "/api/v1/cases/{id}/adjustments/"): Row(
        lambda w, t: (f"{V1}/cases/{w[t].suspended.pk}/adjustments/", None),
        reads(),
        listed=lambda w: {t: {w[t].adjustment.pk} for t in (OWN, OTHER)},
    ),
    ("POST", "/api/v1/cases/{id}/adjust/"): Row(
        lambda w, t: (
            f"{V1}/cases/{w[t].approved.pk}/adjust/",
            {"from_month": "2026-04", "reason": "Giám định lại", "disability_level": "severe"},
        ),
        worker_writes(201),
    ),
    ("GET", "/api/v1/cases/review/"): Row(
        lambda w, t: (f"{V1}/cases/review/?month=2026-11", None), everyone()
    ),
    ("GET", "/api/v1/case-adjustments/{id}/"): Row(
        lambda w, t: (f"{V1}/case-adjustments/{w[t].adjustment.pk}/", None), reads()
    ),
    ("POST", "/api/v1/case-adjustments/{id}/approve/"): Row(
        lambda w, t: (
            f"{V1}/case-adjustments/{w[t].adjustment.pk}/approve/",
            {"decision_number": "22/QĐ-UBND", "decision_date": "2026-03-05"},
        ),
        decisions(),
    ),
    ("POST", "/api/v1/case-adjustments/{id}/reject/"): Row(
        lambda w, t: (f"{V1}/case-adjustments/{w[t].adjustment.pk}/reject/", {"reason": "Sai"}),
        decisions(),
    ),
    ("GET", "/api/v1/one-offs/"): Row(
        lambda w, t: (f"{V1}/one-offs/", None),
        everyone(),
        listed=lambda w: {t: {w[t].one_off.pk} for t in (OWN, OTHER)},
    ),
    ("POST", "/api/v1/one-offs/"): Row(
        lambda w, t: (
            f"{V1}/one-offs/",
            {
                "person_id": w[t].deceased_free.pk,
                "kind": "social_assistance_funeral",
                "payee_kind": "organisation",
                "payee_name": "Hội Chữ thập đỏ xã",
                "application_date": "2026-04-15",
            },  # fmt: skip
        ),
        worker_writes(201),
    ),
    ("GET", "/api/v1/one-offs/{id}/"): Row(
        lambda w, t: (f"{V1}/one-offs/{w[t].one_off.pk}/", None), reads()
    ),
    ("POST", "/api/v1/one-offs/{id}/approve/"): Row(
        lambda w, t: (
            f"{V1}/one-offs/{w[t].one_off.pk}/approve/",
            {"decision_number": "41/QĐ-UBND", "decision_date": "2026-04-20"},
        ),
        decisions(),
    ),
    ("POST", "/api/v1/one-offs/{id}/reject/"): Row(
        lambda w, t: (f"{V1}/one-offs/{w[t].one_off.pk}/reject/", {"reason": "Không đủ hồ sơ"}),
        decisions(),
    ),
    # Imports: a row in another commune is refused row by row, saying nothing about that commune.
    ("POST", "/api/v1/imports/persons/"): Row(
        lambda w, t: (
            f"{V1}/imports/persons/",
            {"file": _csv(w[t].commune), "dry_run": "1"},
            "multipart",
        ),
        {
            "social_worker": (200, 400),
            "approver": (403, 403),
            "payment_officer": (403, 403),
            "auditor": (403, 403),
            "no_commune": (400, 400),
        },  # fmt: skip
    ),
    # Certificates: approvers in their communes, auditors everywhere; nobody else.
    ("GET", "/api/v1/certificates/"): Row(
        lambda w, t: (f"{V1}/certificates/", None),
        {**certificate_access(), "approver": (200, 200)},
        listed=lambda w: {t: {w[t].certificate.pk} for t in (OWN, OTHER)},
    ),
    ("POST", "/api/v1/certificates/"): Row(
        lambda w, t: (
            f"{V1}/certificates/",
            {"kind": "beneficiary_status", "case_id": w[t].approved.pk},
        ),
        certificate_access(201),
    ),
    ("GET", "/api/v1/certificates/{id}/"): Row(
        lambda w, t: (f"{V1}/certificates/{w[t].certificate.pk}/", None), certificate_access()
    ),
    ("GET", "/api/v1/certificates/{id}/pdf/"): Row(
        lambda w, t: (f"{V1}/certificates/{w[t].certificate.pk}/pdf/", None),
        certificate_access(),
    ),
    ("POST", "/api/v1/certificates/{id}/revoke/"): Row(
        lambda w, t: (f"{V1}/certificates/{w[t].certificate.pk}/revoke/", {"reason": "Cấp nhầm"}),
        certificate_access(),
    ),
    # Verification is public: the same answer for everyone, logged in or not.
    ("GET", "/api/v1/verify/"): Row(
        lambda w, t: (f"{V1}/verify/?token={w[t].certificate.token}", None), everyone()
    ),
    ("GET", "/api/v1/verify/keys/"): Row(lambda w, t: (f"{V1}/verify/keys/", None), everyone()),
    ("GET", "/api/v1/verify/status-list/"): Row(
        lambda w, t: (f"{V1}/verify/status-list/", None), everyone()
    ),
    # Jobs: only the user who started one, and auditors, see it (no matrix user started these).
    ("GET", "/api/v1/jobs/"): Row(lambda w, t: (f"{V1}/jobs/", None), everyone()),
    ("GET", "/api/v1/jobs/{id}/"): Row(
        lambda w, t: (f"{V1}/jobs/{w[t].job.pk}/", None), {**everyone(404), "auditor": (200, 200)}
    ),
    # Reports.
    ("GET", "/api/v1/reports/consistency/"): Row(
        lambda w, t: (f"{V1}/reports/consistency/?commune={w[t].commune}", None),
        {
            "social_worker": (403, 403),
            "approver": (200, 404),
            "payment_officer": (403, 403),
            "auditor": (200, 200),
            "no_commune": (403, 403),
        },  # fmt: skip
    ),
    # reports: the summary, for everyone who reads the registry, in their communes.
    ("GET", "/api/v1/reports/summary/"): Row(
        lambda w, t: (f"{V1}/reports/summary/?commune={w[t].commune}", None), reads()
    ),
    # Payments (payments/): accounts and batches.
    ("GET", "/api/v1/persons/{person_id}/payment-account/"): Row(
        lambda w, t: (f"{V1}/persons/{w[t].head.pk}/payment-account/", None),
        payments_access(auditor=200),
    ),
    ("PUT", "/api/v1/persons/{person_id}/payment-account/"): Row(
        lambda w, t: (f"{V1}/persons/{w[t].head.pk}/payment-account/", {"channel": "cash"}),
        payments_access(),
    ),
    ("GET", "/api/v1/payment-batches/"): Row(
        lambda w, t: (f"{V1}/payment-batches/", None),
        {**payments_access(auditor=200), "payment_officer": (200, 200)},
        listed=lambda w: {t: {w[t].exported_batch.pk, w[t].draft_batch.pk} for t in (OWN, OTHER)},
    ),
    ("POST", "/api/v1/payment-batches/"): Row(
        lambda w, t: (
            f"{V1}/payment-batches/",
            {"period": "2026-09", "commune_codes": [w[t].commune]},
        ),
        payments_access(201),
    ),
    ("GET", "/api/v1/payment-batches/{id}/"): Row(
        lambda w, t: (f"{V1}/payment-batches/{w[t].draft_batch.pk}/", None),
        payments_access(auditor=200),
    ),
    ("GET", "/api/v1/payment-batches/{id}/lines/"): Row(
        lambda w, t: (f"{V1}/payment-batches/{w[t].exported_batch.pk}/lines/", None),
        payments_access(auditor=200),
    ),
    ("POST", "/api/v1/payment-batches/{id}/approve/"): Row(
        lambda w, t: (f"{V1}/payment-batches/{w[t].draft_batch.pk}/approve/", {}),
        payments_access(),
    ),
    ("POST", "/api/v1/payment-batches/{id}/regenerate/"): Row(
        lambda w, t: (f"{V1}/payment-batches/{w[t].draft_batch.pk}/regenerate/", {}),
        payments_access(),
    ),
    ("POST", "/api/v1/payment-batches/{id}/cancel/"): Row(
        lambda w, t: (f"{V1}/payment-batches/{w[t].draft_batch.pk}/cancel/", {}),
        payments_access(),
    ),
    ("GET", "/api/v1/payment-batches/{id}/export/"): Row(
        lambda w, t: (f"{V1}/payment-batches/{w[t].exported_batch.pk}/export/?format=csv", None),
        payments_access(),
    ),
    ("POST", "/api/v1/payment-batches/{id}/reconcile/"): Row(
        lambda w, t: (
            f"{V1}/payment-batches/{w[t].exported_batch.pk}/reconcile/",
            {"file": _bank_answer()},
            "multipart",
        ),
        payments_access(),
    ),
    # audit: the audit trail, auditors only (every commune).
    ("GET", "/api/v1/audit-events/"): Row(
        lambda w, t: (f"{V1}/audit-events/?commune={w[t].commune}&action=certificate.issued", None),
        {**everyone(403), "auditor": (200, 200)},
        listed=lambda w: {
            t: set(
                AuditEvent.objects.filter(
                    action="certificate.issued", object_id=str(w[t].certificate.pk)
                ).values_list("pk", flat=True)
            )
            for t in (OWN, OTHER)
        },
    ),
    # audit2: data-subject rights: erasure by approvers of the commune, export by auditors.
    ("POST", "/api/v1/persons/{id}/erase/"): Row(
        lambda w, t: (f"{V1}/persons/{w[t].child.pk}/erase/", {"reason": "Đơn yêu cầu xoá"}),
        decisions(),
    ),
    ("GET", "/api/v1/persons/{id}/data-export/"): Row(
        lambda w, t: (f"{V1}/persons/{w[t].head.pk}/data-export/", None),
        {**everyone(403), "auditor": (200, 200)},
    ),
    # paygaps: recoveries, listed by payment officers (auditors read) and settled by officers.
    ("GET", "/api/v1/payment-recoveries/"): Row(
        lambda w, t: (_listed_recoveries(w) and f"{V1}/payment-recoveries/", None),
        {**payments_access(auditor=200), "payment_officer": (200, 200)},
        listed=lambda w: {t: {pk} for t, pk in _listed_recoveries(w).items()},
    ),
    ("POST", "/api/v1/payment-recoveries/{id}/settle/"): Row(
        lambda w, t: (
            f"{V1}/payment-recoveries/{_open_recovery(w[t]).pk}/settle/",
            {"status": "waived", "reason": "Hoàn cảnh khó khăn", "decision_reference": "QĐ 1"},
        ),
        payments_access(),
    ),
}


@functools.cache
def schema_operations() -> frozenset[tuple[str, str]]:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = json.loads(response.content)["paths"]
    return frozenset(
        (method.upper(), path)
        for path, item in paths.items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def call(client: APIClient, method: str, request: tuple):
    url, body, *rest = request
    fmt = rest[0] if rest else "json"
    if method == "GET":
        return client.get(url)
    return getattr(client, method.lower())(url, body, format=fmt)


def test_every_endpoint_is_in_the_matrix():
    missing = schema_operations() - set(MATRIX)
    assert not missing, (
        f"endpoints without access rules in {__name__}.MATRIX: {sorted(missing)} — add a row "
        "stating what each role may do in its own and in another commune"
    )


CASES = [
    pytest.param(key, role, id=f"{key[0]} {key[1]} as {role}") for key in MATRIX for role in ROLES
]


@pytest.mark.parametrize(("key", "role"), CASES)
def test_access(key, role, world, client_as):
    if key not in schema_operations():
        pytest.skip("endpoint not routed yet")
    method, _ = key
    row = MATRIX[key]
    client = client_as(role)
    for target, expected in zip((OWN, OTHER), row.expect[role], strict=True):
        response = call(client, method, row.request(world, target))
        assert response.status_code == expected, (
            f"{method} {key[1]} as {role} on {target} commune: "
            f"{response.status_code} {response.content[:300]!r}"
        )
        if response.status_code >= 400:
            assert set(json.loads(response.content)) == {"error"}
        if row.listed is not None and response.status_code == 200:
            ids = {item["id"] for item in json.loads(response.content)["results"]}
            target_ids = row.listed(world)[target]
            if target in VISIBLE[role]:
                assert target_ids <= ids, f"{role} misses the {target} commune's rows"
            else:
                assert not target_ids & ids, f"{role} sees the {target} commune's rows"


# --- masking ------------------------------------------------------------------------------


def test_auditor_sees_other_communes_masked_and_unmasks_with_an_audit_event(world, client_as):
    client = client_as("auditor")
    head = world[OTHER].head
    masked = client.get(f"{V1}/persons/{head.pk}/").json()
    assert masked["national_id"] == "045*******90"
    assert not AuditEvent.objects.filter(action="person.unmasked_read").exists()

    unmasked = client.get(f"{V1}/persons/{head.pk}/?unmask=1").json()
    assert unmasked["national_id"] == NATIONAL_IDS[OTHER]
    event = AuditEvent.objects.get(action="person.unmasked_read")
    assert event.object_id == str(head.pk) and event.commune_code == OTHER_COMMUNE


@pytest.mark.parametrize("role", ["social_worker", "approver", "payment_officer"])
def test_unmasking_needs_the_permission(world, client_as, role):
    client = client_as(role)
    response = client.get(f"{V1}/persons/{world[OWN].head.pk}/?unmask=1")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "unmask_not_allowed"
    # Outside the commune it is still 404: the permission error reveals no existence.
    assert client.get(f"{V1}/persons/{world[OTHER].head.pk}/?unmask=1").status_code == 404
    masked = client.get(f"{V1}/persons/{world[OWN].head.pk}/").json()
    assert masked["national_id"] == "045*******45"


def test_lists_for_a_user_without_commune_are_empty(world, client_as):
    client = client_as("no_commune")
    for url in ("/households/", "/persons/", "/cases/"):
        body = client.get(f"{V1}{url}").json()
        assert body["count"] == 0 and body["results"] == [], url


def _open_recovery(place: Place):
    """An open recovery of the place's approved case (a fresh one each call: settling closes it)."""
    from payments.models import PaymentRecovery

    return PaymentRecovery.objects.create(
        case=place.approved, commune_id=place.commune, months=["2026-06"], amount=500_000
    )


def _listed_recoveries(world) -> dict[str, int]:
    """One recovery per place for the list row, made once per world."""
    if not hasattr(world, "_recoveries"):
        world._recoveries = {t: _open_recovery(world[t]).pk for t in (OWN, OTHER)}
    return world._recoveries
