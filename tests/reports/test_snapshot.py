"""The incremental summary (stored per-commune figures, reports/snapshot.py) is always the one a
fresh computation gives, and a write in one commune recomputes that commune only."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from beneficiaries import services
from beneficiaries.models import Deprivation, Household, Person, VitalStatus
from registry.audit import AuditAction, audit_record
from registry.exceptions import RegistryError
from registry.models import Commune
from reports import figures, snapshot
from reports.models import CommuneFigures
from reports.period import Period, period_for
from reports.summary import report_summary_build
from tests.factories import UserFactory
from tests.reports.population import A, B

pytestmark = pytest.mark.django_db
DECEMBER = Period(2026, date(2026, 12, 1))
JUNE = Period(2026, date(2026, 6, 1))
OPERATIONS = ["household", "person", "assessment", "case", "case", "death", "move", "move", "login"]
POOR = list(Deprivation.values)[:3]  # with an income under the line: poor, not near-poor
INCOMES = [Decimal("900000"), Decimal("1700000"), Decimal("4000000")]  # poor, near-poor, not


@pytest.fixture(autouse=True)
def stored(settings):
    settings.REGISTRY_REPORT_CACHE_SECONDS = 600
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def third(db) -> str:
    return Commune.objects.filter(province_id="44").exclude(code__in=[A, B]).first().code


@pytest.fixture
def recomputed(monkeypatch) -> list[set]:
    """The communes each incremental computation recomputed."""
    calls: list[set] = []
    original = figures.commune_rows

    def spy(codes, period, **kwargs):
        calls.append(set(codes))
        return original(codes, period, **kwargs)

    monkeypatch.setattr(snapshot, "commune_rows", spy)
    return calls


def _figures(report: dict) -> tuple:
    return report["provinces"], report["communes"], report["payments_available"]


def _fresh(settings, **kwargs) -> dict:
    saved, settings.REGISTRY_REPORT_CACHE_SECONDS = settings.REGISTRY_REPORT_CACHE_SECONDS, 0
    try:
        return report_summary_build(**kwargs)
    finally:
        settings.REGISTRY_REPORT_CACHE_SECONDS = saved


def _check(settings, auditor) -> None:
    for period in (DECEMBER, JUNE):
        for scope in ({"province": "44"}, {}):
            for exact in (True, False):
                kwargs = dict(user=auditor, period=period, exact_small_numbers=exact, **scope)
                assert _figures(report_summary_build(**kwargs)) == _figures(
                    _fresh(settings, **kwargs)
                ), (period, scope, exact)


class Writer:
    """Random service calls over a few communes, each refused call simply skipped."""

    def __init__(self, rng: random.Random, communes: list[str]) -> None:
        self.rng, self.communes = rng, communes
        self.worker = UserFactory(role="social_worker", communes=communes)
        self.boss = UserFactory(role="approver", communes=communes)
        self.done: list[str] = []

    def _household(self) -> Household:
        households = Household.objects.filter(commune_id__in=self.communes).order_by("pk")
        return self.rng.choice(list(households))

    def _alive(self) -> Person:
        alive = Person.objects.filter(
            commune_id__in=self.communes, vital_status=VitalStatus.ALIVE
        ).order_by("pk")
        return self.rng.choice(list(alive))

    def household(self):
        services.household_register(
            actor=self.worker, commune_code=self.rng.choice(self.communes), area="rural",
            address="Thôn 3",
        )  # fmt: skip

    def person(self):
        born = self.rng.choice([date(1938, 5, 1), date(1975, 5, 1), date(2019, 5, 1)])
        services.person_register(
            actor=self.worker, household_id=self._household().pk, full_name="Lê Văn Tám",
            sex="male", date_of_birth=born, relation_to_head="other",
        )  # fmt: skip

    def assessment(self):
        year = self.rng.choice([2025, 2026])
        unassessed = Household.objects.filter(commune_id__in=self.communes).exclude(
            poverty_assessments__year=year
        )
        services.poverty_assessment_record(
            actor=self.worker, household_id=self.rng.choice(list(unassessed.order_by("pk"))).pk,
            year=year, income_per_capita=self.rng.choice(INCOMES),
            deprivations=self.rng.choice([[], POOR]),
        )  # fmt: skip

    def case(self):
        person = self._alive()
        if person.date_of_birth <= date(1946, 1, 1) and self.rng.random() < 0.5:
            programme, extra = "social_assistance", {"category": "5.5c"}
        else:
            programme = "meritorious"
            extra = {"category": "relative", "meritorious_grade": "martyrs_1"}
        case = services.case_create(
            actor=self.worker, person_id=person.pk, programme=programme, **extra
        )
        services.case_submit(actor=self.worker, case_id=case.pk)
        services.case_approve(
            actor=self.boss, case_id=case.pk, decision_number="5/QĐ",
            decision_date=date(2026, 12, 1),
        )  # fmt: skip

    def death(self):
        services.person_record_death(
            actor=self.worker, person_id=self._alive().pk, date_of_death=date(2026, 11, 20)
        )

    def move(self):
        person = self._alive()
        elsewhere = Household.objects.exclude(commune_id=person.commune_id).order_by("pk")
        target = self.rng.choice(list(elsewhere))
        services.person_move(actor=self.worker, person_id=person.pk, household_id=target.pk)

    def login(self):
        with transaction.atomic():
            audit_record(actor=self.worker, action=AuditAction.LOGIN_SUCCEEDED)

    def step(self, name: str | None = None) -> str:
        name = name or self.rng.choice(OPERATIONS)
        try:
            getattr(self, name)()
        except (RegistryError, IndexError):
            return name
        self.done.append(name)
        return name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_random_writes_the_incremental_summary_is_the_fresh_one(
    population, settings, third, seed
):
    auditor = UserFactory(role="auditor")
    writer = Writer(random.Random(seed), [A, B, third])
    _check(settings, auditor)  # every commune stored
    every = sorted(set(OPERATIONS))
    writer.rng.shuffle(every)
    for name in every:  # each kind once, then at random
        writer.step(name)
        _check(settings, auditor)
    for _ in range(8):
        for _ in range(writer.rng.randint(1, 3)):
            writer.step()
        _check(settings, auditor)
    assert {"household", "person", "assessment", "case", "move"} <= set(writer.done)


def test_a_write_in_one_commune_recomputes_that_commune_only(population, recomputed):
    auditor = UserFactory(role="auditor")
    worker = UserFactory(role="social_worker", communes=[A, B])

    def summary():
        return report_summary_build(user=auditor, period=period_for(year=2026), province="44")

    summary()
    assert len(recomputed[0]) == Commune.objects.filter(province_id="44").count()
    households = summary()["communes"]
    assert len(recomputed) == 1  # nothing written: nothing recomputed
    cache.clear()  # past the whole-report cache: the stored rows are checked against the chain
    summary()
    assert len(recomputed) == 1

    services.household_register(actor=worker, commune_code=A, area="rural", address="Thôn 9")
    after = summary()
    assert recomputed[-1] == {A}
    before_a = next(c for c in households if c["code"] == A)["households"]
    assert next(c for c in after["communes"] if c["code"] == A)["households"] == before_a + 1

    with transaction.atomic():
        audit_record(actor=worker, action=AuditAction.LOGIN_SUCCEEDED)
        audit_record(actor=worker, action=AuditAction.PERSON_UNMASKED_READ, commune_code=B)
    summary()
    assert len(recomputed) == 2  # reads and logins change no figure


def test_a_move_between_communes_recomputes_both(population, recomputed):
    auditor = UserFactory(role="auditor")
    worker = UserFactory(role="social_worker", communes=[A, B])
    report_summary_build(user=auditor, period=period_for(year=2026), province="44")
    person = population.persons["a5"][0]  # a 5.5c case in A
    services.person_move(
        actor=worker, person_id=person.pk, household_id=population.households["b1"].pk
    )
    report_summary_build(user=auditor, period=period_for(year=2026), province="44")
    assert recomputed[-1] == {A, B}


def test_a_change_without_a_commune_recomputes_every_commune(population, recomputed):
    """The legal amounts (edited in the admin, audited without a commune) change every
    commune's money figures."""
    auditor = UserFactory(role="auditor")
    report_summary_build(user=auditor, period=period_for(year=2026), province="44")
    with transaction.atomic():
        audit_record(actor=None, action=AuditAction.BASE_AMOUNT_CHANGED, object_type="baseamount")
    report_summary_build(user=auditor, period=period_for(year=2026), province="44")
    assert recomputed[-1] == recomputed[0]


def test_a_case_paid_elsewhere_follows_its_persons_commune(population, recomputed):
    """After a move the old case stays on the old commune's rolls this month, its person now
    in the new commune: a poverty review there changes the old commune's meritorious figures."""
    auditor = UserFactory(role="auditor")
    worker = UserFactory(role="social_worker", communes=[A, B])
    merit = population.persons["a4"][0]  # a martyr's relative in A
    services.person_move(
        actor=worker, person_id=merit.pk, household_id=population.households["b4"].pk
    )
    kwargs = dict(user=auditor, period=period_for(year=2026), province="44")
    first = report_summary_build(**kwargs)
    services.poverty_assessment_record(
        actor=worker, household_id=population.households["b4"].pk, year=2026,
        income_per_capita=INCOMES[0], deprivations=POOR,
    )  # fmt: skip
    report = report_summary_build(**kwargs)
    assert {A, B} <= recomputed[-1]
    row = next(c for c in report["communes"] if c["code"] == A)
    was = next(c for c in first["communes"] if c["code"] == A)
    assert row["meritorious_households_poor"] == was["meritorious_households_poor"] + 1


def test_figures_older_than_the_setting_are_recomputed(population, recomputed, settings):
    auditor = UserFactory(role="auditor")
    report_summary_build(user=auditor, period=period_for(year=2026), commune=A)
    CommuneFigures.objects.update(computed_at=timezone.now() - timedelta(seconds=601))
    cache.clear()
    report_summary_build(user=auditor, period=period_for(year=2026), commune=A)
    assert recomputed == [{A}, {A}]


def test_a_write_landing_during_the_computation_is_recomputed_next_time(
    population, monkeypatch, settings
):
    """The figures are stored as valid at the head read before computing: a write committed
    meanwhile has a later sequence, so its commune is computed again at the next request."""
    auditor = UserFactory(role="auditor")
    worker = UserFactory(role="social_worker", communes=[A])
    original = figures.commune_rows
    calls: list[set] = []

    def racing(codes, period, **kwargs):
        calls.append(set(codes))
        rows = original(codes, period, **kwargs)
        if len(calls) == 1:  # after the figures were read, before they are stored
            services.household_register(actor=worker, commune_code=A, area="rural", address="-")
        return rows

    monkeypatch.setattr(snapshot, "commune_rows", racing)
    kwargs = dict(user=auditor, period=period_for(year=2026), province="44")
    first = report_summary_build(**kwargs)
    second = report_summary_build(**kwargs)
    assert calls[1] == {A}
    assert _figures(second) == _figures(_fresh(settings, **kwargs))
    households = {c["code"]: c["households"] for c in first["communes"]}
    assert {c["code"]: c["households"] for c in second["communes"]}[A] == households[A] + 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_figures_come_from_one_snapshot(frozen, settings):
    """Without a caller's transaction the read is the database's own snapshot (PostgreSQL:
    REPEATABLE READ READ ONLY; SQLite: a deferred read transaction) and nothing is left open."""
    from django.db import connection

    from tests.e2e.web_pages import reload_legal_data
    from tests.reports.population import build

    reload_legal_data()
    population = build()
    auditor = UserFactory(role="auditor")
    worker = UserFactory(role="social_worker", communes=[A, B])
    kwargs = dict(user=auditor, period=period_for(year=2026), province="44")
    report_summary_build(**kwargs)
    services.person_move(
        actor=worker, person_id=population.persons["a5"][0].pk,
        household_id=population.households["b1"].pk,
    )  # fmt: skip
    cache.clear()
    assert _figures(report_summary_build(**kwargs)) == _figures(_fresh(settings, **kwargs))
    assert not connection.in_atomic_block
    if connection.vendor == "sqlite":  # the raw BEGIN was committed
        assert not connection.connection.in_transaction
    assert CommuneFigures.objects.filter(commune_id=A).count() == 1
