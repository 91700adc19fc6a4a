"""A province's population of a chosen size, deterministic for a seed, written through the
project's own paths.

- Households and persons: generated template rows (Faker `vi_VN` names with diacritics, valid
  personal ID numbers, households of 1–8 persons over the 78 communes of province 44) imported by
  `beneficiaries.imports.persons_import` — the bulk-import service, file by file (CSV, 20,000 rows
  a file, the same validation, duplicate checks, codes and audit events as an upload).
- Poverty assessments, cases and payment accounts: the import does not cover them, and the
  services write one record per transaction (a few milliseconds each). `SERVICE_SAMPLE` of each
  go through the services themselves (`poverty_assessment_record`, `case_create` → `case_submit`
  → `case_approve` by a second user, `payment_account_set`); the rest through their bulk
  equivalent: the same rules (poverty.assess's standard and classification, the category age
  windows, account names from `account_name_from`, the banks' BINs), `bulk_create` and one
  audit event per record with `audit_record_many`.

    from bench.population import Population, populate
    stats = populate(Population(persons=100_000, seed=44), actor=user, approver=other)
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

PROVINCE = "44"
FILE_ROWS = 20_000
SERVICE_SAMPLE = 30
TODAY = date(2026, 12, 1)
PERIOD = date(2026, 7, 1)  # cases start here: the bench's batch is their first month
# Household sizes 1..8 (weights; mean about 3.6, as in the 2019 census for the North Central).
SIZE_WEIGHTS = (10, 17, 21, 23, 15, 8, 4, 2)
# Old 3-digit birth-registration codes: mostly Quảng Trị (045) and Quảng Bình (044).
BIRTH_PROVINCES = ("045",) * 12 + ("044",) * 7 + ("046", "001", "079", "040", "048")
ETHNICITIES = ("Kinh",) * 18 + ("Vân Kiều", "Pa Kô")
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thanh", "Ngọc")
MIDDLE_FEMALE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Kim")
BANK_BINS = ("970436", "970415", "970418", "970405", "970405", "970422")
WALLET_BINS = ("971005", "971011")


@dataclass(frozen=True)
class Population:
    persons: int
    seed: int = 44
    service_sample: int = SERVICE_SAMPLE  # assessments, cases, accounts through the services


@dataclass
class Stats:
    persons: int = 0
    households: int = 0
    import_seconds: float = 0.0
    import_cpu: float = 0.0  # this process's CPU seconds in the import (the machine is shared)
    assessments: int = 0
    cases: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, int] = field(default_factory=dict)
    extras_seconds: float = 0.0
    national_ids: list[str] = field(default_factory=list)  # a sample, for the lookups
    names: list[str] = field(default_factory=list)

    @property
    def import_rate(self) -> float:
        return self.persons / self.import_seconds if self.import_seconds else 0.0


def communes() -> list[str]:
    from registry.models import Commune

    return sorted(Commune.objects.filter(province_id=PROVINCE).values_list("code", flat=True))


class _Ids:
    """Valid, unique personal ID numbers: province of birth, century+sex, year, 6 digits."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.next = rng, {}

    def issue(self, sex: str, born: date) -> str:
        century_sex = (born.year // 100 - 19) * 2 + (1 if sex == "female" else 0)
        prefix = f"{self.rng.choice(BIRTH_PROVINCES)}{century_sex}{born.year % 100:02d}"
        n = self.next.get(prefix, 0)
        self.next[prefix] = n + 1
        return f"{prefix}{(n * 7919 + 104729) % 10**6:06d}"  # a permutation of 0..999999


def _born(rng: random.Random, low: int, high: int) -> date:
    born = date(TODAY.year - rng.randint(low, high), rng.randint(1, 12), rng.randint(1, 28))
    return born if born < TODAY else born.replace(year=born.year - 1)


def _members(rng: random.Random, size: int) -> list[tuple[str, str, date]]:
    """(relation, sex, born) of a household: a head, maybe a spouse, children, elders."""
    head_sex = "male" if rng.random() < 0.72 else "female"
    head_age = rng.randint(22, 88) if size > 1 else rng.randint(25, 95)
    out = [("Chủ hộ", head_sex, _born(rng, head_age, head_age))]
    if size > 1 and rng.random() < 0.85:
        age = max(18, min(95, head_age + rng.randint(-6, 4)))
        out.append(("Vợ/chồng", "female" if head_sex == "male" else "male", _born(rng, age, age)))
    while len(out) < size:
        draw, sex = rng.random(), rng.choice(("male", "female"))
        if draw < 0.15 and head_age < 60:
            out.append(("Bố/mẹ", sex, _born(rng, head_age + 20, min(100, head_age + 38))))
        elif draw < 0.8 or head_age < 45:
            out.append(("Con", sex, _born(rng, max(0, head_age - 45), max(0, head_age - 18))))
        else:
            out.append(("Cháu", sex, _born(rng, 0, 15)))
    return out


def rows(population: Population, commune_codes: list[str]) -> Iterator[list[dict]]:
    """Template rows (the import's column keys), one list per file; a household never spans two."""
    from faker import Faker

    fake = Faker("vi_VN")
    fake.seed_instance(population.seed)
    rng = random.Random(population.seed)
    ids = _Ids(rng)
    out: list[dict] = []
    made, household = 0, 0
    while made < population.persons:
        size = min(rng.choices(range(1, 9), SIZE_WEIGHTS)[0], population.persons - made)
        household += 1
        commune = commune_codes[household % len(commune_codes)]
        family = fake.last_name()
        area = "Thành thị" if rng.random() < 0.3 else "Nông thôn"
        village = (
            f"Thôn {fake.first_name()}"
            if area == "Nông thôn"
            else f"Tổ dân phố {household % 40 + 1}"
        )
        address = fake.street_address()
        for relation, sex, born in _members(rng, size):
            age = (TODAY - born).days // 365
            if sex == "male":
                name = f"{family} {rng.choice(MIDDLE_MALE)} {fake.first_name_male()}"
            else:
                name = f"{fake.last_name()} {rng.choice(MIDDLE_FEMALE)} {fake.first_name_female()}"
            with_id = age >= 14 or rng.random() < 0.5
            out.append(
                {
                    "household_code": f"G{household}",
                    "commune_code": commune,
                    "village": village,
                    "address": address,
                    "area": area,
                    "full_name": name
                    if relation != "Chủ hộ"
                    else f"{family} {name.split(' ', 1)[1]}",
                    "sex": "Nam" if sex == "male" else "Nữ",
                    "date_of_birth": born.strftime("%d/%m/%Y"),
                    "national_id": ids.issue(sex, born) if with_id else "",
                    "ethnicity": rng.choice(ETHNICITIES),
                    "relation_to_head": relation,
                    "phone": f"0{rng.choice('389')}{rng.randrange(10**8):08d}"
                    if age >= 16 and rng.random() < 0.7
                    else "",
                }
            )
        made += size
        if len(out) >= FILE_ROWS:
            yield out
            out = []
    if out:
        yield out


def import_rows(population: Population, actor, stats: Stats, progress=print) -> None:
    """Every file through `persons_import`, timed (file writing excluded)."""
    from bench.bench_import import csv_bytes, upload
    from beneficiaries.imports import persons_import

    rng = random.Random(population.seed + 1)
    for number, chunk in enumerate(rows(population, communes()), start=1):
        content = csv_bytes(chunk)
        started, started_cpu = time.perf_counter(), time.process_time()
        result = persons_import(actor=actor, file=upload(f"dan-so-{number}.csv", content))
        stats.import_seconds += time.perf_counter() - started
        stats.import_cpu += time.process_time() - started_cpu
        stats.persons += result.created
        stats.households += result.households_created
        for row in rng.sample(chunk, min(len(chunk), 100)):
            if row["national_id"]:
                stats.national_ids.append(row["national_id"])
            stats.names.append(row["full_name"])
        progress(f"# imported {stats.persons:,} persons ({stats.import_rate:,.0f}/s)")


def _plan_case(rng: random.Random, age: int, poor: bool) -> tuple[str, str, dict] | None:
    """(programme, category, extra fields) in about the province's proportions, or None."""
    draw = rng.random()
    if age >= 80 and draw < 0.45:
        return "social_assistance", "5.5c", {}
    if 75 <= age < 80 and draw < 0.35 or 70 <= age < 75 and poor and draw < 0.5:
        return "social_pension", "pension", {}
    if 60 <= age < 80 and poor and draw < 0.3:
        return "social_assistance", "5.5a", {}
    if age < 16 and draw > 0.996:  # orphans: before 5.6, which takes the same draws
        return "social_assistance", "5.1", {}
    if draw > 0.985:  # about 1.5 % severely disabled
        level = "extremely_severe" if rng.random() < 0.3 else "severe"
        return "social_assistance", "5.6", {"disability_level": level}
    if age >= 18 and 0.98 < draw <= 0.9805:
        return "social_assistance", "5.8", {}
    if age >= 45 and 0.95 < draw <= 0.975:  # relatives of martyrs, invalids
        if rng.random() < 0.8:
            return (
                "meritorious",
                "relative",
                {"meritorious_grade": rng.choice(("martyrs_1",) * 6 + ("martyrs_2",))},
            )
        return "meritorious", "g", {"meritorious_grade": rng.choice(("81", "100"))}
    return None


def add_records(population: Population, *, actor, approver, stats: Stats) -> None:
    """Assessments for 2025 and 2026, cases, payment accounts (see the module's docstring)."""
    from django.db import transaction

    from beneficiaries import poverty
    from beneficiaries.models import Case, Household, Person, PovertyAssessment
    from beneficiaries.models.poverty import Deprivation
    from beneficiaries.services import poverty_assessment_record
    from payments.models import PaymentAccount
    from payments.services.accounts import account_name_from
    from registry.audit import AuditAction, audit_record_many

    rng = random.Random(population.seed + 2)
    started = time.perf_counter()
    standards = {
        (year, area): poverty.poverty_standard_for(year=year, area=area)
        for year in (2025, 2026) for area in ("rural", "urban")
    }  # fmt: skip
    indicators = list(Deprivation.values)
    poor_households: set[int] = set()
    households = list(Household.objects.order_by("pk").values_list("pk", "area", "commune_id"))
    assessments = []
    for index, (pk, area, _commune) in enumerate(households):
        for year in (2025, 2026):
            standard = standards[(year, area)]
            low = rng.random() < 0.14
            income = standard.income_threshold * Decimal(
                rng.uniform(0.5, 1.0) if low else rng.uniform(1.05, 4)
            )
            income = income.quantize(Decimal(1000))
            lacking = rng.sample(
                indicators, rng.choice((0, 1, 2, 3, 4, 5)) if low else rng.randint(0, 2)
            )
            if index < population.service_sample:
                poverty_assessment_record(
                    actor=actor,
                    household_id=pk,
                    year=year,
                    income_per_capita=income,
                    deprivations=lacking,
                )
                classification = PovertyAssessment.objects.get(
                    household_id=pk, year=year
                ).classification
            else:
                classification = poverty.classify_household(
                    income_per_capita=income, deprivation_count=len(lacking),
                    threshold=standard.income_threshold, poor_min_deprivations=standard.poor_min_deprivations,
                )  # fmt: skip
                assessments.append(
                    PovertyAssessment(
                        household_id=pk,
                        year=year,
                        income_per_capita=income,
                        classification=classification,
                        threshold=standard.income_threshold,
                        created_by=actor,
                        **{f"lacks_{code}": code in lacking for code in indicators},
                    )  # fmt: skip
                )
            if year == 2026 and classification == "poor":
                poor_households.add(pk)
    with transaction.atomic():
        PovertyAssessment.objects.bulk_create(assessments, batch_size=2000)
        audit_record_many(
            actor=actor, action=AuditAction.POVERTY_ASSESSMENT_RECORDED, objects=assessments
        )
    stats.assessments = len(assessments) + 2 * min(population.service_sample, len(households))

    persons = Person.objects.order_by("pk").only(
        "pk", "date_of_birth", "household_id", "commune_id", "full_name"
    )
    cases, accounts, sampled = [], [], 0
    for person in persons.iterator(chunk_size=5000):
        born = person.date_of_birth  # age in the cases' first month: the age windows' reference
        age = PERIOD.year - born.year - ((PERIOD.month, PERIOD.day) < (born.month, born.day))
        plan = _plan_case(rng, age, person.household_id in poor_households)
        if plan is None:
            continue
        programme, category, extra = plan
        stats.cases[programme] = stats.cases.get(programme, 0) + 1
        draw = rng.random()
        channel = "bank" if draw < 0.55 else "ewallet" if draw < 0.7 else "cash"
        stats.accounts[channel] = stats.accounts.get(channel, 0) + 1
        account = {"channel": channel}
        if channel == "bank":
            account.update(
                bank_bin=rng.choice(BANK_BINS), account_number=f"{rng.randrange(10**12, 10**13)}"
            )
        elif channel == "ewallet":
            account.update(
                bank_bin=rng.choice(WALLET_BINS), account_number=f"09{rng.randrange(10**8):08d}"
            )
        if channel != "cash":
            account["account_name"] = account_name_from(person.full_name)
        if sampled < population.service_sample:
            sampled += 1
            _through_services(
                person.pk, programme, category, extra, account, actor=actor, approver=approver
            )
            continue
        cases.append(
            Case(
                person_id=person.pk,
                commune_id=person.commune_id,
                programme=programme,
                category=category,
                poor_household=person.household_id in poor_households,
                status="approved",
                decision_number=f"{len(cases) + 1}/QĐ-UBND",
                decision_date=date(2026, 6, 25),
                requested_start_month=PERIOD,
                start_month=PERIOD,
                created_by=actor,
                submitted_by=actor,
                approved_by=approver,
                **extra,
            )  # fmt: skip
        )
        accounts.append(PaymentAccount(person_id=person.pk, updated_by=actor, **account))
    with transaction.atomic():
        Case.objects.bulk_create(cases, batch_size=2000)
        audit_record_many(actor=approver, action=AuditAction.CASE_APPROVED, objects=cases)
        PaymentAccount.objects.bulk_create(accounts, batch_size=2000)
        audit_record_many(actor=actor, action=AuditAction.PAYMENT_ACCOUNT_SET, objects=accounts)
    stats.extras_seconds = time.perf_counter() - started


def _through_services(
    person_id: int, programme, category, extra, account, *, actor, approver
) -> None:
    from beneficiaries.services import case_approve, case_create, case_submit
    from payments.services.accounts import payment_account_set

    case = case_create(
        actor=actor, person_id=person_id, programme=programme, category=category,
        requested_start_month=PERIOD, **extra,
    )  # fmt: skip
    case_submit(actor=actor, case_id=case.pk)
    case_approve(
        actor=approver, case_id=case.pk, decision_number=f"S{case.pk}/QĐ-UBND",
        decision_date=date(2026, 6, 25), start_month=PERIOD,
    )  # fmt: skip
    payment_account_set(actor=actor, person_id=person_id, **account)


def populate(population: Population, *, actor, approver, progress=print) -> Stats:
    stats = Stats()
    import_rows(population, actor, stats, progress)
    add_records(population, actor=actor, approver=approver, stats=stats)
    progress(
        f"# population: {stats.persons:,} persons, {stats.households:,} households, "
        f"{stats.assessments:,} assessments, cases {stats.cases}, accounts {stats.accounts} "
        f"(records in {stats.extras_seconds:.0f} s)"
    )
    return stats
