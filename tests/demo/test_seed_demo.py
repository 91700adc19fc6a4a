"""`seed_demo`: realistic, deterministic demo data, created once, with one user per role."""

import json
import stat
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from beneficiaries import poverty
from beneficiaries.entitlements import age_on, case_entitlements, entitlements_for_month
from beneficiaries.identifiers import ss_code_is_valid, validate_national_id
from beneficiaries.models import (
    Case,
    CaseStatus,
    Household,
    Person,
    PovertyAssessment,
    Relation,
    Sex,
)
from demo.plan import BIRTH_PLACE_CODE, DEMO_COMMUNE_CODES, demo_plan
from demo.seed import demo_seed
from demo.users import DEMO_USERS
from registry.models import AuditEvent, Commune
from registry.roles import ROLES

TODAY = date(2026, 11, 28)
User = get_user_model()


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password_file(tmp_path):
    return tmp_path / "demo_passwords.json"


@pytest.fixture
def seeded(db, password_file):
    return demo_seed(households=60, password_file=password_file, today=TODAY)


def counts():
    return (
        Household.objects.count(),
        Person.objects.count(),
        Case.objects.count(),
        PovertyAssessment.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


def test_plan_is_deterministic():
    first = demo_plan(households=40, today=TODAY)
    second = demo_plan(households=40, today=TODAY)
    assert [[m.full_name for m in h.members] for h in first] == [
        [m.full_name for m in h.members] for h in second
    ]
    assert [m.national_id for h in first for m in h.members] == [
        m.national_id for h in second for m in h.members
    ]


def test_names_are_vietnamese_order_and_agree_with_sex():
    members = [m for h in demo_plan(households=200, today=TODAY) for m in h.members]
    for member in members:
        family, middle, *given = member.full_name.split()
        assert given, member.full_name
        if member.sex == Sex.FEMALE:
            assert middle not in {"Văn", "Hữu", "Công"}, member.full_name
        else:
            assert middle != "Thị", member.full_name
    assert Counter(m.sex for m in members).keys() == {Sex.MALE, Sex.FEMALE}


def test_seed_creates_a_few_households_with_about_three_persons(seeded):
    assert seeded.seeded
    assert seeded.households == Household.objects.count() == 60
    assert 2.3 <= Person.objects.count() / 60 <= 3.8
    assert set(Household.objects.values_list("commune_id", flat=True)) == set(DEMO_COMMUNE_CODES)
    assert set(Commune.objects.filter(code__in=DEMO_COMMUNE_CODES).values_list(
        "province_id", flat=True)) == {"44"}  # fmt: skip


def test_seeding_twice_leaves_the_same_counts(seeded, password_file):
    before = counts()
    again = demo_seed(households=60, password_file=password_file, today=TODAY)
    assert not again.seeded
    assert counts() == before
    assert (again.households, again.persons, again.cases, again.assessments) == (
        seeded.households, seeded.persons, seeded.cases, seeded.assessments,
    )  # fmt: skip


def test_every_national_id_validates_against_sex_and_birth_year(seeded):
    persons = list(Person.objects.all())
    with_id = [p for p in persons if p.national_id]
    assert len(with_id) >= 0.9 * len(persons)
    for person in with_id:
        validate_national_id(person.national_id, sex=person.sex, date_of_birth=person.date_of_birth)
        assert person.national_id.startswith(BIRTH_PLACE_CODE)
    assert len({p.national_id for p in with_id}) == len(with_id)
    # A missing number only for young children, whose number may not be known yet.
    assert all(age_on(p.date_of_birth, TODAY) < 6 for p in persons if not p.national_id)


def test_codes_are_issued_through_the_counters(seeded):
    persons = Person.objects.all()
    assert all(ss_code_is_valid(p.ss_code) and p.ss_code.startswith("44") for p in persons)
    for household in Household.objects.all():
        assert household.code.startswith(household.commune_id) and len(household.code) == 12


def test_every_household_has_its_head(seeded):
    for household in Household.objects.select_related("head"):
        assert household.head is not None
        assert household.head.household_id == household.pk
        assert household.head.relation_to_head == Relation.HEAD
        assert household.address and household.village
        members = list(household.members.all())
        assert {m.commune_id for m in members} == {household.commune_id}
        assert len({m.ethnicity for m in members}) == 1


def test_persons_look_real(seeded):
    persons = list(Person.objects.all())
    ethnicities = Counter(p.ethnicity for p in persons)
    assert ethnicities.most_common(1)[0][0] == "Kinh"
    assert set(ethnicities) <= {"Kinh", "Vân Kiều", "Pa Kô"}
    assert len(ethnicities) > 1
    phones = [p.phone for p in persons if p.phone]
    assert phones and all(len(ph) == 10 and ph.startswith("0") and ph.isdigit() for ph in phones)
    assert all(p.street_address for p in persons)


def test_cases_cover_programmes_statuses_and_legal_amounts(seeded):
    cases = list(Case.objects.select_related("person"))
    kinds = {(c.programme, c.category) for c in cases}
    assert ("meritorious", "relative") in kinds
    assert ("social_pension", "pension") in kinds
    assert {("social_assistance", cat) for cat in ("5.1", "5.5c", "5.6")} <= kinds
    assert {c.status for c in cases} == {
        CaseStatus.DRAFT,
        CaseStatus.SUBMITTED,
        CaseStatus.APPROVED,
    }
    month = date(TODAY.year, TODAY.month, 1)
    paid = entitlements_for_month(Case.objects.all(), month)
    for case in cases:
        assert case.commune_id == case.person.commune_id
        age = age_on(case.person.date_of_birth, TODAY)
        approved = case.status == CaseStatus.APPROVED
        amount = paid[case.pk].amount
        if approved:
            assert case.decision_number and case.decision_date and case.start_month
            assert case.start_month.day == 1 and case.approved_by_id and case.submitted_by_id
        else:
            assert amount == 0  # nothing is paid before the decision
        # Nothing is typed in: every amount comes from the rate tables and the base levels.
        assert case.decided_amount is None
        if case.programme == "meritorious":
            # A martyr's relative: the rate table's row, 2,789,000 (Decree 77/2024).
            assert case.meritorious_grade == "martyrs_1"
            assert not approved or amount in {Decimal("2789000"), Decimal("0")}
        elif case.category == "5.5c":
            assert age >= 80
            assert not approved or amount in {Decimal("500000"), Decimal("0")}
        elif case.category == "5.1":
            assert age < 16
            assert not approved or amount in {Decimal("750000"), Decimal("1250000")}
        elif case.category == "5.6":
            assert case.disability_level in {"severe", "extremely_severe"}
        elif case.programme == "social_pension":
            assert age >= 75
            assert not approved or amount in {Decimal("500000"), Decimal("0")}


# Decree 20/2021 Art. 6(1) coefficients as the decree prints them, and the base of Decree 76/2024
# (500,000 from 1/7/2024); the social pension of Decree 176/2025 is a flat 500,000.
BASE_FROM_JULY_2024 = Decimal("500000")
DISABILITY_COEFFICIENTS = {
    # (level, child under 16 or elderly 60+) → coefficient
    ("severe", False): Decimal("1.5"),
    ("severe", True): Decimal("2.0"),
    ("extremely_severe", False): Decimal("2.0"),
    ("extremely_severe", True): Decimal("2.5"),
}


def legal_coefficient(case, age: int) -> Decimal:
    if case.category == "5.1":
        return Decimal("2.5") if age < 4 else Decimal("1.5")
    if case.category == "5.5c":
        return Decimal("1.0")
    if case.category == "5.6":
        return DISABILITY_COEFFICIENTS[(case.disability_level, age < 16 or age >= 60)]
    raise AssertionError(f"the demo seeds no approved {case.category} case")


def test_approved_cases_carry_the_legal_amounts(seeded):
    approved = list(
        Case.objects.filter(status=CaseStatus.APPROVED)
        .exclude(programme="meritorious")
        .select_related("person")
    )
    assert {c.programme for c in approved} == {"social_assistance", "social_pension"}
    for case in approved:
        assert case.start_month >= date(2024, 7, 1)  # every demo decision is under the 2024 base
        born = case.person.date_of_birth
        # The age reached by the end of the start month (the decree counts birthday months).
        age = case.start_month.year - born.year - (born.month > case.start_month.month)
        first = case_entitlements(case, case.start_month, case.start_month)[0]
        if case.programme == "social_pension":
            assert first.amount in {BASE_FROM_JULY_2024, Decimal("0")}  # 0: assistance pays more
            continue
        coefficient = legal_coefficient(case, age)
        assert first.coefficient == coefficient
        assert first.amount in {coefficient * BASE_FROM_JULY_2024, Decimal("0")}


def test_poverty_assessments_follow_the_rule(seeded):
    assessments = list(PovertyAssessment.objects.select_related("household"))
    assert assessments
    assert {a.classification for a in assessments} == {"poor", "near_poor", "not_poor"}
    assert {a.year for a in assessments} == {TODAY.year}
    for a in assessments:
        if a.income_per_capita > a.threshold:
            assert a.classification == "not_poor"
        elif len(a.deprivations) >= 3:
            assert a.classification == "poor"
        else:
            assert a.classification == "near_poor"
        # … and it is the registry's own classification of the stored values.
        assert (a.classification, a.threshold) == poverty.assess(
            year=a.year,
            area=a.household.area,
            income_per_capita=a.income_per_capita,
            deprivations=a.deprivations,
        )


def test_one_demo_user_per_role_with_a_stored_private_password(seeded, password_file):
    stored = json.loads(password_file.read_text())
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert {role for _, role, _ in DEMO_USERS} == set(ROLES)
    for username, role, scoped in DEMO_USERS:
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password(stored[username])
        communes = set(user.communes.values_list("code", flat=True))
        assert communes == (set(DEMO_COMMUNE_CODES) if scoped else set())
    assert [u.password for u in seeded.users] == [stored[u.username] for u in seeded.users]


def test_passwords_are_kept_across_runs(seeded, password_file):
    again = demo_seed(households=60, password_file=password_file, today=TODAY)
    assert [u.password for u in again.users] == [u.password for u in seeded.users]


def test_command_prints_the_table_and_the_url(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("seed_demo", households=10, stdout=out)
    call_command("seed_demo", households=10, stdout=out)
    text = out.getvalue()
    assert Household.objects.count() == 10
    passwords = json.loads((tmp_path / "demo_passwords.json").read_text())
    for username, role, _ in DEMO_USERS:
        assert f"| {username}" in text and role in text and passwords[username] in text
    assert "http://127.0.0.1:8000/" in text
    assert "không tạo thêm" in text


def test_demo_data_in_the_admin_shows_codes_never_personal_values(seeded, client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    person = Person.objects.select_related("household").first()
    case = Case.objects.select_related("person").first()
    personal = [person.full_name, person.national_id, person.phone, person.street_address]
    pages = {
        "/admin/beneficiaries/person/": person.ss_code,
        f"/admin/beneficiaries/person/{person.pk}/change/": person.ss_code,
        f"/admin/beneficiaries/person/?q={person.ss_code}": person.ss_code,
        f"/admin/beneficiaries/household/{person.household_id}/change/": person.household.code,
        "/admin/beneficiaries/case/": case.person.ss_code,
        f"/admin/beneficiaries/case/{case.pk}/change/": case.status,
        "/admin/beneficiaries/povertyassessment/": person.household.code[:5],
    }
    for url, expected in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert expected in html, url
        assert not [value for value in personal if value and value in html], url


def test_the_demo_has_payments_for_every_payment_screen(seeded):
    from payments.models import BatchStatus, LineStatus, PaymentAccount, PaymentBatch

    batches = list(PaymentBatch.objects.order_by("period"))
    assert [(b.period, b.status) for b in batches] == [
        (date(2026, 10, 1), BatchStatus.EXPORTED),  # one bank transfer was rejected: not closed
        (date(2026, 11, 1), BatchStatus.DRAFT),
    ]
    last = batches[0]
    assert last.approved_by != last.created_by  # four eyes
    statuses = Counter(last.lines.values_list("status", flat=True))
    assert statuses[LineStatus.FAILED] == 1 and statuses[LineStatus.PAID] >= 1
    assert statuses[LineStatus.PENDING] >= 1  # the cash lines wait for the paying agent
    assert PaymentAccount.objects.count() >= statuses[LineStatus.PAID] + 1
    # The failed transfer is owed again: next month's draft carries it as arrears.
    failed = last.lines.get(status=LineStatus.FAILED)
    carried = batches[1].lines.get(case=failed.case)
    assert carried.arrears >= failed.amount


def test_the_demo_has_certificates_for_every_certificate_screen(seeded):
    from certificates.models import Certificate, CertificateKind
    from certificates.online import certificate_verify

    certificates = list(Certificate.objects.order_by("pk"))
    kinds = Counter(c.kind for c in certificates)
    assert kinds[CertificateKind.BENEFICIARY_STATUS] >= 2
    assert kinds[CertificateKind.HOUSEHOLD_POVERTY] >= 1
    revoked = [c for c in certificates if c.revoked_at]
    assert len(revoked) == 1 and revoked[0].revocation_reason
    # The verification page tells the revoked one from the ones still valid.
    assert certificate_verify(revoked[0].token).status == "revoked"
    assert certificate_verify(certificates[-1].token).status == "valid"
