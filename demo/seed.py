"""Writing the demo data for `make demo`, once, in one transaction: households, persons, cases and
poverty assessments in bulk, and the demo users."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from beneficiaries import builders, entitlements, poverty
from beneficiaries.entitlements import age_on
from beneficiaries.identifiers import household_codes_issue, ss_codes_issue
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
)
from demo.certificates import demo_certificates_seed
from demo.payments import demo_payments_seed
from demo.plan import (
    DEMO_COMMUNE_CODES,
    DEMO_COMMUNES,
    HOUSEHOLDS,
    MARKER_SCOPE,
    MERITORIOUS_RELATIVE_GRADE,
    PASSWORD_FILE_NAME,
    PROVINCE_CODE,
    SEED,
    SOCIAL_PENSION_FROM,
    DemoGenerator,
    HouseholdPlan,
    demo_plan,
)
from demo.users import DEMO_USERS, DemoUser, demo_passwords, demo_users_ensure, users_by_name
from registry.audit import AuditAction, audit_record
from registry.counters import Counter
from registry.exceptions import ValidationFailed
from registry.roles import APPROVER, SOCIAL_WORKER


@dataclass
class DemoResult:
    seeded: bool  # False when the demo data was already there
    households: int
    persons: int
    cases: int
    assessments: int
    users: list[DemoUser]
    password_file: Path


def _moment(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(9, 30)))


def _plan_cases(gen: DemoGenerator, persons: list[tuple[Person, str]], today: date) -> list[tuple]:
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


def _build_cases(gen: DemoGenerator, planned: list[tuple], users: dict, today: date) -> list[Case]:
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
            # A martyr's relative is paid by the rate table's row (Decree 77/2024); the other
            # programmes by coefficient and base: no amount is typed in.
            meritorious_grade=(
                MERITORIOUS_RELATIVE_GRADE if programme == Programme.MERITORIOUS else ""
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


def _build_assessments(
    gen: DemoGenerator, households: list[Household], kinds: list[str], users: dict, today: date
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


def _refuse_problems(problems: list[builders.Problem]) -> None:
    # The generator must only produce what a clerk could register; a problem is a bug here.
    if problems:
        raise RuntimeError(f"demo generated an invalid record: {problems[0].field}")


def _write(plans: list[HouseholdPlan], users: dict, today: date) -> tuple[int, int, int, int]:
    gen = DemoGenerator(today, SEED + 1)  # a second stream, so case choices do not shift names
    household_codes: dict[str, list[str]] = {}
    for commune in DEMO_COMMUNES:
        count = sum(1 for plan in plans if plan.commune is commune)
        # Reserve each commune's block of codes at once.
        household_codes[commune.code] = household_codes_issue(commune.code, count) if count else []
    households = []
    for plan in plans:
        values = builders.household_clean(
            {
                "village": plan.village,
                "address": f"Số {plan.house_number}, {plan.village}, {plan.commune.name}, "
                "tỉnh Quảng Trị",
                "area": plan.commune.area,
            }
        )
        _refuse_problems(builders.household_problems(values))
        households.append(
            builders.household_build(
                code=household_codes[plan.commune.code].pop(0),
                commune_code=plan.commune.code,
                values=values,
            )
        )
    Household.objects.bulk_create(households, batch_size=500)

    ss_codes = iter(ss_codes_issue(PROVINCE_CODE, sum(len(plan.members) for plan in plans)))
    persons: list[tuple[Person, str]] = []
    for plan, household in zip(plans, households, strict=True):
        for member in plan.members:
            values = builders.person_clean(
                {
                    "national_id": member.national_id,
                    "full_name": member.full_name,
                    "sex": member.sex,
                    "date_of_birth": member.date_of_birth,
                    "ethnicity": plan.ethnicity,
                    "relation_to_head": member.relation,
                    "phone": member.phone,
                    "street_address": household.address,
                }
            )
            _refuse_problems(builders.person_problems(values, today=today))
            person = builders.person_build(
                ss_code=next(ss_codes), household=household, values=values
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
    assessments = _build_assessments(gen, households, [p.kind for p in plans], users, today)
    PovertyAssessment.objects.bulk_create(assessments, batch_size=500)
    return len(households), len(persons), len(cases), len(assessments)


def demo_seed(
    *, households: int = HOUSEHOLDS, password_file: Path | None = None, today: date | None = None
) -> DemoResult:
    """Create the demo users and, the first time only, the demo data; all in one transaction."""
    today = today or timezone.localdate()
    password_file = password_file or Path(settings.VAR_DIR) / PASSWORD_FILE_NAME
    passwords, new_passwords = demo_passwords(password_file)
    with transaction.atomic(durable=True):
        users = demo_users_ensure(passwords, reset_passwords=new_passwords)
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
    # Payments run through their own services, each in its own transaction, after the registry's.
    officers = {user.username: user for user in users_by_name(["demo_payment_officer",
                                                               "demo_payment_officer_2"])}  # fmt: skip
    demo_payments_seed(
        maker=officers["demo_payment_officer"], checker=officers["demo_payment_officer_2"],
        communes=list(DEMO_COMMUNE_CODES), today=today, seed=SEED + 2,
    )  # fmt: skip
    # Certificates likewise, issued by the demo auditor (every commune), one of them revoked.
    demo_certificates_seed(
        actor=users_by_name(["demo_auditor"])[0], communes=list(DEMO_COMMUNE_CODES), today=today
    )
    demo_users = [
        DemoUser(username, role, passwords[username], DEMO_COMMUNE_CODES if scoped else ())
        for username, role, scoped in DEMO_USERS
    ]
    return DemoResult(seeded, *counts, users=demo_users, password_file=password_file)
