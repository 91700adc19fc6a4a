"""Demo data for `make demo`: households, persons, cases and poverty assessments in five communes of
Quảng Trị, generated deterministically with Faker's vi_VN locale and written in bulk, once."""

from __future__ import annotations

import json
import os
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from faker import Faker

from beneficiaries import entitlements, poverty
from beneficiaries.entitlements import age_on
from beneficiaries.identifiers import household_codes_issue, ss_codes_issue, validate_national_id
from beneficiaries.models import (
    Area,
    Case,
    CaseStatus,
    Deprivation,
    DisabilityLevel,
    Household,
    Person,
    PovertyAssessment,
    Programme,
    Relation,
    Sex,
)
from registry.audit import AuditAction, audit_record
from registry.counters import Counter
from registry.exceptions import ValidationFailed
from registry.models import User
from registry.roles import APPROVER, AUDITOR, PAYMENT_OFFICER, SOCIAL_WORKER, sync_roles

SEED = 2026
HOUSEHOLDS = 300
PROVINCE_CODE = "44"
# Personal ID numbers carry the pre-2025 province of birth registration: 045 is Quảng Trị.
BIRTH_PLACE_CODE = "045"
# A row in the serial-number table marks the seed as done; its value is the household count.
MARKER_SCOPE = "demo:seeded"
PASSWORD_FILE_NAME = "demo_passwords.json"
MERITORIOUS_RELATIVE_AMOUNT = Decimal("2789000")  # one martyr's relative, Decree 77/2024
SOCIAL_PENSION_FROM = date(2025, 7, 1)  # Decree 176/2025


@dataclass(frozen=True)
class DemoCommune:
    code: str
    name: str
    area: str
    minority_share: float
    minorities: tuple[str, ...]
    villages: tuple[str, ...]


# All in the part of today's Quảng Trị that was Quảng Trị before 2025 (births registered as 045).
DEMO_COMMUNES = (
    DemoCommune("19333", "Phường Đông Hà", Area.URBAN, 0.0, (),
                ("Khu phố 1", "Khu phố 2", "Khu phố 3", "Khu phố 4", "Khu phố 5", "Khu phố 6")),
    DemoCommune("19363", "Xã Vĩnh Linh", Area.RURAL, 0.0, (),
                ("Thôn Tân Hòa", "Thôn Hòa Bình", "Thôn Đông Sơn", "Thôn Lai Bình", "Thôn Tiên Mỹ")),
    DemoCommune("19495", "Xã Gio Linh", Area.RURAL, 0.0, (),
                ("Thôn Hà Thượng", "Thôn Hà Trung", "Thôn Lan Đình", "Thôn Long Sơn", "Thôn Phan Xá")),
    DemoCommune("19429", "Xã Khe Sanh", Area.RURAL, 0.35, ("Vân Kiều",),
                ("Khóm 1", "Khóm 2", "Khóm 3", "Thôn Khe Sanh", "Thôn Ruộng", "Thôn Xa Re")),
    DemoCommune("19564", "Xã Đakrông", Area.RURAL, 0.7, ("Vân Kiều", "Pa Kô"),
                ("Thôn Tà Lang", "Thôn Ba Ngào", "Thôn Khe Ngài", "Thôn Chân Rò", "Thôn Pa Lọc")),
)  # fmt: skip
DEMO_COMMUNE_CODES = tuple(c.code for c in DEMO_COMMUNES)

# (username, role, assigned to the demo communes)
DEMO_USERS = (
    ("demo_social_worker", SOCIAL_WORKER, True),
    ("demo_approver", APPROVER, True),
    ("demo_payment_officer", PAYMENT_OFFICER, True),
    ("demo_auditor", AUDITOR, False),  # auditors read every commune
)

# Faker's vi_VN person formats put the given name first and mix in courtesy titles, so a name is
# assembled here in Vietnamese order from Faker's family and given names and a sex-consistent
# middle name.
MALE_MIDDLE = ("Văn", "Văn", "Văn", "Đức", "Hữu", "Quang", "Minh", "Thế", "Xuân", "Công")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ")
MINORITY_FAMILY = ("Hồ", "Hồ", "Hồ", "Lê", "Nguyễn", "Trần")
# Vietnamese mobile prefixes (Viettel, VinaPhone, MobiFone …): 10 digits in all.
MOBILE_PREFIXES = (
    "032", "033", "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079",
    "081", "082", "083", "084", "085", "086", "088", "089", "090", "091", "093", "094", "096",
    "097", "098",
)  # fmt: skip


# --- planning: pure, deterministic --------------------------------------------------------------


@dataclass
class PersonPlan:
    full_name: str
    sex: str
    date_of_birth: date
    relation: str
    national_id: str | None
    phone: str | None


@dataclass
class HouseholdPlan:
    commune: DemoCommune
    kind: str
    village: str
    house_number: int
    ethnicity: str
    members: list[PersonPlan] = field(default_factory=list)


class _Generator:
    def __init__(self, today: date, seed: int):
        self.today = today
        self.fake = Faker("vi_VN")
        self.fake.seed_instance(seed)
        self.rng = self.fake.random
        self.used_ids: set[str] = set()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def birth_date(self, age: int) -> date:
        # A date on which the person is exactly `age` today.
        latest = date(self.today.year - age, self.today.month, min(self.today.day, 28))
        return latest - timedelta(days=self.rng.randrange(365))

    def name(self, sex: str, family: str) -> str:
        middles, given_names = (
            (MALE_MIDDLE, self.fake.first_name_male)
            if sex == Sex.MALE
            else (FEMALE_MIDDLE, self.fake.first_name_female)
        )
        middle, given = self.rng.choice(middles), given_names()
        while given == middle:  # "Minh Minh"
            given = given_names()
        return unicodedata.normalize("NFC", f"{family} {middle} {given}")

    def national_id(self, sex: str, born: date) -> str | None:
        if age_on(born, self.today) < 6 and self.chance(0.15):
            return None  # not yet known for some young children (domain.md §1)
        digit = (born.year // 100 - 19) * 2 + (1 if sex == Sex.FEMALE else 0)
        while True:
            value = f"{BIRTH_PLACE_CODE}{digit}{born.year % 100:02d}{self.fake.numerify('######')}"
            if value not in self.used_ids:
                self.used_ids.add(value)
                return validate_national_id(value, sex=sex, date_of_birth=born)

    def phone(self, age: int) -> str | None:
        if age < 16 or not self.chance(0.45 if age >= 75 else 0.85):
            return None
        return self.fake.numerify(self.rng.choice(MOBILE_PREFIXES) + "#######")

    def person(self, relation: str, sex: str, age: int, family: str) -> PersonPlan:
        born = self.birth_date(age)
        return PersonPlan(
            full_name=self.name(sex, family),
            sex=sex,
            date_of_birth=born,
            relation=relation,
            national_id=self.national_id(sex, born),
            phone=self.phone(age),
        )

    def family_name(self, minority: bool) -> str:
        return self.rng.choice(MINORITY_FAMILY) if minority else self.fake.last_name()

    def household(self, commune: DemoCommune) -> HouseholdPlan:
        minority = self.chance(commune.minority_share)
        kind = self.rng.choices(
            ["family", "three_generations", "elderly_alone", "orphans", "young_couple"],
            weights=[48, 22, 10, 8, 12],
        )[0]
        plan = HouseholdPlan(
            commune=commune,
            kind=kind,
            village=self.rng.choice(commune.villages),
            house_number=self.rng.randint(1, 250),
            ethnicity=self.rng.choice(commune.minorities) if minority else "Kinh",
        )
        rand = self.rng.randint

        def add(relation: str, sex: str, age: int, family: str) -> None:
            plan.members.append(self.person(relation, sex, age, family))

        def any_sex() -> str:
            return self.rng.choice(Sex.values)

        head_sex = Sex.MALE if self.chance(0.75) else Sex.FEMALE
        other_sex = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
        head_family = self.family_name(minority)
        spouse_family = self.family_name(minority)
        # Children take the father's family name; a wife keeps her own.
        father_family = head_family if head_sex == Sex.MALE else spouse_family
        if kind == "family":
            head_age = rand(28, 62)
            add(Relation.HEAD, head_sex, head_age, head_family)
            add(Relation.SPOUSE, other_sex, max(20, head_age + rand(-6, 4)), spouse_family)
            for _ in range(rand(0, 3)):
                add(Relation.CHILD, any_sex(), rand(0, min(head_age - 20, 24)), father_family)
        elif kind == "three_generations":
            head_age = rand(66, 94)
            add(Relation.HEAD, head_sex, head_age, head_family)
            if self.chance(0.5):
                add(Relation.SPOUSE, other_sex, max(60, head_age + rand(-6, 3)), spouse_family)
            son_age = rand(max(30, head_age - 45), head_age - 22)
            add(Relation.CHILD, Sex.MALE, son_age, father_family)
            if self.chance(0.7):
                add(Relation.GRANDCHILD, any_sex(), rand(0, min(son_age - 20, 20)), father_family)
        elif kind == "elderly_alone":
            add(Relation.HEAD, any_sex(), rand(72, 97), head_family)
        elif kind == "orphans":
            # A grandparent raising grandchildren whose parents died or left (category 5.1).
            add(Relation.HEAD, head_sex, rand(58, 82), head_family)
            for _ in range(rand(1, 3)):
                add(Relation.GRANDCHILD, any_sex(), rand(1, 15), father_family)
        else:  # young_couple
            head_age = rand(21, 34)
            add(Relation.HEAD, Sex.MALE, head_age, head_family)
            add(Relation.SPOUSE, Sex.FEMALE, max(19, head_age + rand(-5, 1)), spouse_family)
            if self.chance(0.5):
                add(Relation.CHILD, any_sex(), rand(0, 3), head_family)
        return plan


def demo_plan(
    *, households: int = HOUSEHOLDS, today: date, seed: int = SEED
) -> list[HouseholdPlan]:
    """The households to create, spread evenly over the demo communes; same seed, same plan."""
    generator = _Generator(today, seed)
    return [generator.household(DEMO_COMMUNES[i % len(DEMO_COMMUNES)]) for i in range(households)]


# --- writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    password: str
    communes: tuple[str, ...]


@dataclass
class DemoResult:
    seeded: bool  # False when the demo data was already there
    households: int
    persons: int
    cases: int
    assessments: int
    users: list[DemoUser]
    password_file: Path


def _demo_passwords(path: Path) -> tuple[dict[str, str], bool]:
    """Passwords generated once and kept in var/ (git-ignored, mode 0600); True when new."""
    if path.exists():
        stored = json.loads(path.read_text())
        if all(username in stored for username, _, _ in DEMO_USERS):
            return stored, False
    passwords = {username: secrets.token_urlsafe(9) for username, _, _ in DEMO_USERS}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(passwords, handle, indent=2)
    return passwords, True


def _demo_users_ensure(passwords: dict[str, str], reset_passwords: bool) -> dict[str, User]:
    """The demo user of each role, by role; passwords are (re)set only when new."""
    sync_roles()
    users = {}
    for username, role, scoped in DEMO_USERS:
        communes = DEMO_COMMUNE_CODES if scoped else ()
        user, created = User.objects.get_or_create(username=username)
        if created or reset_passwords:
            user.set_password(passwords[username])
            user.save()
        user.groups.set([Group.objects.get(name=role)])
        user.communes.set(communes)
        users[role] = user
    return users


def _moment(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(9, 30)))


def _plan_cases(gen: _Generator, persons: list[tuple[Person, str]], today: date) -> list[tuple]:
    """(person, programme, category, disability level) for the people a commune would enrol."""
    chosen = []
    for person, kind in persons:
        age = age_on(person.date_of_birth, today)
        assisted = False
        if kind == "orphans" and person.relation_to_head == Relation.GRANDCHILD and age < 16:
            chosen.append((person, Programme.SOCIAL_ASSISTANCE, "5.1", None))
            assisted = True
        elif age >= 80 and gen.chance(0.55):
            chosen.append((person, Programme.SOCIAL_ASSISTANCE, "5.5c", None))
            assisted = True
        elif 75 <= age < 80 and gen.chance(0.45):
            # Pension and a Decree 20 allowance are not paid together: only one of them here.
            chosen.append((person, Programme.SOCIAL_PENSION, "pension", None))
            assisted = True
        elif gen.chance(0.035):
            level = DisabilityLevel.EXTREMELY_SEVERE if gen.chance(0.35) else DisabilityLevel.SEVERE
            chosen.append((person, Programme.SOCIAL_ASSISTANCE, "5.6", level))
            assisted = True
        if 55 <= age <= 95 and not assisted and gen.chance(0.12):
            chosen.append((person, Programme.MERITORIOUS, "relative", None))
    return chosen


def _build_cases(gen: _Generator, planned: list[tuple], users: dict, today: date) -> list[Case]:
    """Unsaved cases; the coefficient and amount of the approved ones follow the insert."""
    worker, approver = users[SOCIAL_WORKER], users[APPROVER]
    decision_serials = {code: 0 for code in DEMO_COMMUNE_CODES}
    cases = []
    for person, programme, category, level in planned:
        case = Case(
            person=person,
            commune_id=person.commune_id,
            programme=programme,
            category=category,
            disability_level=level,
            # Only a meritorious amount is entered (from the decision); the others are computed.
            monthly_amount=(
                MERITORIOUS_RELATIVE_AMOUNT if programme == Programme.MERITORIOUS else None
            ),
            created_by=worker,
        )
        roll = gen.rng.random()
        if roll < 0.7:
            decision_date = today - timedelta(days=gen.rng.randint(20, 330))
            if programme == Programme.SOCIAL_PENSION:
                decision_date = max(decision_date, SOCIAL_PENSION_FROM + timedelta(days=20))
            # For 5.6 the requested month stands for the month of the disability certificate.
            requested = entitlements.month_start(
                decision_date - timedelta(days=gen.rng.randint(10, 40))
            )
            decision_serials[person.commune_id] += 1
            case.status = CaseStatus.APPROVED
            case.requested_start_month = requested
            case.start_month = entitlements.start_month_for(
                category=category,
                decision_date=decision_date,
                date_of_birth=person.date_of_birth,
                requested_start_month=requested,
            )
            case.decision_number = f"{decision_serials[person.commune_id]:03d}/QĐ-UBND"
            case.decision_date = decision_date
            case.submitted_by, case.submitted_at = (
                worker,
                _moment(decision_date - timedelta(days=7)),
            )
            case.approved_by, case.approved_at = approver, _moment(decision_date)
        elif roll < 0.9:
            submitted = today - timedelta(days=gen.rng.randint(1, 25))
            case.status = CaseStatus.SUBMITTED
            case.requested_start_month = entitlements.month_start(submitted)
            case.submitted_by, case.submitted_at = worker, _moment(submitted)
        else:
            case.status = CaseStatus.DRAFT
            case.requested_start_month = entitlements.month_start(today)
        cases.append(case)
    return cases


def _approved_amounts_set(cases: list[Case]) -> None:
    """Coefficient and monthly amount of the saved approved cases, as `case_approve` sets them.

    Runs after the insert because the entitlement rules read a case's suspensions.
    """
    approved = [case for case in cases if case.status == CaseStatus.APPROVED]
    prefetch_related_objects(approved, "commune", "suspensions")
    for case in approved:
        case.coefficient = entitlements.case_coefficient(case, case.start_month)
        if case.programme != Programme.MERITORIOUS:
            case.monthly_amount = entitlements.case_monthly_amount(case, case.start_month) or None
    Case.objects.bulk_update(approved, ["coefficient", "monthly_amount"], batch_size=500)


def _build_assessments(
    gen: _Generator, households: list[Household], kinds: list[str], users: dict, today: date
) -> list[PovertyAssessment]:
    """This year's review for about three households in five (Decree 07/2021 rule)."""
    standards = {}
    for area in Area.values:
        try:
            standards[area] = poverty.poverty_standard_for(year=today.year, area=area)
        except ValidationFailed:
            pass  # no standard in force this year: no review in that area
    assessments = []
    indicators = list(Deprivation.values)
    for household, kind in zip(households, kinds, strict=True):
        if not gen.chance(0.6) or household.area not in standards:
            continue
        standard = standards[household.area]
        threshold = standard.income_threshold
        poor_odds = 0.45 if kind in ("elderly_alone", "orphans") else 0.15
        roll = gen.rng.random()
        if roll < poor_odds:
            income, lacking = gen.rng.uniform(0.4, 1.0) * float(threshold), gen.rng.randint(3, 6)
        elif roll < poor_odds + 0.12:
            income, lacking = gen.rng.uniform(0.6, 1.0) * float(threshold), gen.rng.randint(0, 2)
        else:
            income, lacking = gen.rng.uniform(1.05, 4.0) * float(threshold), gen.rng.randint(0, 2)
        income_per_capita = Decimal(int(income) // 10_000 * 10_000)
        lacks = set(gen.rng.sample(indicators, lacking))
        assessments.append(
            PovertyAssessment(
                household=household,
                year=today.year,
                income_per_capita=income_per_capita,
                classification=poverty.classify_household(
                    income_per_capita=income_per_capita,
                    deprivation_count=len(lacks),
                    threshold=threshold,
                    poor_min_deprivations=standard.poor_min_deprivations,
                ),
                threshold=threshold,
                created_by=users[SOCIAL_WORKER],
                **{f"lacks_{code}": code in lacks for code in indicators},
            )
        )
    return assessments


def _write(plans: list[HouseholdPlan], users: dict, today: date) -> tuple[int, int, int, int]:
    gen = _Generator(today, SEED + 1)  # a second stream, so case choices do not shift names
    household_codes: dict[str, list[str]] = {}
    for commune in DEMO_COMMUNES:
        count = sum(1 for plan in plans if plan.commune is commune)
        # Reserve each commune's block of codes at once.
        household_codes[commune.code] = household_codes_issue(commune.code, count) if count else []
    households = []
    for plan in plans:
        households.append(
            Household(
                code=household_codes[plan.commune.code].pop(0),
                commune_id=plan.commune.code,
                village=plan.village,
                address=f"Số {plan.house_number}, {plan.village}, {plan.commune.name}, tỉnh Quảng Trị",
                area=plan.commune.area,
            )
        )
    Household.objects.bulk_create(households, batch_size=500)

    ss_codes = iter(ss_codes_issue(PROVINCE_CODE, sum(len(plan.members) for plan in plans)))
    persons: list[tuple[Person, str]] = []
    for plan, household in zip(plans, households, strict=True):
        for member in plan.members:
            person = Person(
                ss_code=next(ss_codes),
                national_id=member.national_id,
                full_name=member.full_name,
                sex=member.sex,
                date_of_birth=member.date_of_birth,
                ethnicity=plan.ethnicity,
                household=household,
                relation_to_head=member.relation,
                commune_id=household.commune_id,
                phone=member.phone,
                street_address=household.address,
            )
            persons.append((person, plan.kind))
    # Encryption and blind indexes are computed per row by the fields, in bulk as well.
    Person.objects.bulk_create([person for person, _ in persons], batch_size=500)

    heads = {p.household_id: p.pk for p, _ in persons if p.relation_to_head == Relation.HEAD}
    for household in households:
        household.head_id = heads[household.pk]
    Household.objects.bulk_update(households, ["head"], batch_size=500)

    cases = _build_cases(gen, _plan_cases(gen, persons, today), users, today)
    Case.objects.bulk_create(cases, batch_size=500)
    _approved_amounts_set(cases)
    assessments = _build_assessments(gen, households, [p.kind for p in plans], users, today)
    PovertyAssessment.objects.bulk_create(assessments, batch_size=500)
    return len(households), len(persons), len(cases), len(assessments)


def demo_seed(
    *, households: int = HOUSEHOLDS, password_file: Path | None = None, today: date | None = None
) -> DemoResult:
    """Create the demo users and, the first time only, the demo data; all in one transaction."""
    today = today or timezone.localdate()
    password_file = password_file or Path(settings.VAR_DIR) / PASSWORD_FILE_NAME
    passwords, new_passwords = _demo_passwords(password_file)
    with transaction.atomic(durable=True):
        users = _demo_users_ensure(passwords, reset_passwords=new_passwords)
        Counter.objects.get_or_create(scope=MARKER_SCOPE)
        marker = Counter.objects.select_for_update().get(scope=MARKER_SCOPE)
        seeded = marker.value == 0
        if seeded:
            counts = _write(demo_plan(households=households, today=today), users, today)
            marker.value = counts[0]
            marker.save(update_fields=["value"])
            audit_record(
                actor=None,
                action=AuditAction.DEMO_SEEDED,
                object_type="province",
                object_id=PROVINCE_CODE,
                data=dict(
                    zip(("households", "persons", "cases", "assessments"), counts, strict=True)
                ),
            )
        else:
            in_demo = {"commune__in": DEMO_COMMUNE_CODES}
            counts = (
                Household.objects.filter(**in_demo).count(),
                Person.objects.filter(**in_demo).count(),
                Case.objects.filter(**in_demo).count(),
                PovertyAssessment.objects.filter(household__commune__in=DEMO_COMMUNE_CODES).count(),
            )
    demo_users = [
        DemoUser(username, role, passwords[username], DEMO_COMMUNE_CODES if scoped else ())
        for username, role, scoped in DEMO_USERS
    ]
    return DemoResult(seeded, *counts, users=demo_users, password_file=password_file)
