"""The bench's population generator and runner at a tiny size (a smoke test: `make bench`
itself is far too long for the suite)."""

from collections import Counter
from datetime import date

import pytest

from bench.figures import Figure, lookup_figures
from bench.population import Population, communes, populate, rows
from beneficiaries.models import Case, Household, Person, PovertyAssessment
from payments.models import PaymentAccount
from registry.models import Commune
from tests.factories import make_user


def _flat(population, codes):
    return [row for chunk in rows(population, codes) for row in chunk]


def test_rows_are_the_same_for_a_seed_and_look_like_a_province():
    codes = [f"{19000 + n}" for n in range(78)]
    first = _flat(Population(persons=300, seed=7), codes)
    assert first == _flat(Population(persons=300, seed=7), codes)
    assert first != _flat(Population(persons=300, seed=8), codes)
    assert len(first) == 300
    sizes = Counter(row["household_code"] for row in first)
    assert set(sizes.values()) <= set(range(1, 9)) and len(set(sizes.values())) > 3
    heads = Counter(row["household_code"] for row in first if row["relation_to_head"] == "Chủ hộ")
    assert heads == Counter(dict.fromkeys(sizes, 1))
    assert any(not row["full_name"].isascii() for row in first)  # diacritics
    for row in first:
        national_id, born = (
            row["national_id"],
            date.fromisoformat("-".join(reversed(row["date_of_birth"].split("/")))),
        )
        if national_id:
            female = row["sex"] == "Nữ"
            assert len(national_id) == 12 and national_id.isdigit()
            assert int(national_id[3]) == (born.year // 100 - 19) * 2 + female
            assert national_id[4:6] == f"{born.year % 100:02d}"
    ids = [row["national_id"] for row in first if row["national_id"]]
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_populate_imports_through_the_service_and_adds_cases_assessments_accounts():
    clerk = make_user("bench_clerk", None, is_superuser=True)
    approver = make_user("bench_approver", None, is_superuser=True)
    stats = populate(
        Population(persons=120, seed=3, service_sample=1),
        actor=clerk,
        approver=approver,
        progress=lambda message: None,
    )
    assert stats.persons == Person.objects.count() == 120
    assert stats.households == Household.objects.count()
    assert set(Household.objects.values_list("commune_id", flat=True)) <= set(communes())
    assert Commune.objects.filter(code__in=communes(), province_id="44").count() == 78
    assert PovertyAssessment.objects.count() == 2 * stats.households
    assert Case.objects.filter(status="approved").count() == sum(stats.cases.values()) > 0
    assert PaymentAccount.objects.count() == sum(stats.accounts.values())
    # The sample through the services went the whole way: created, submitted, approved.
    assert Case.objects.filter(decision_number__startswith="S").count() == 1

    figures = lookup_figures(clerk, stats.national_ids[:5], stats.names[:5])
    found = {f.name: f.value for f in figures if f.name.endswith("_found")}
    assert found == {"lookup_national_id_found": 1.0, "lookup_name_found": 1.0}


def test_a_figure_line_names_its_limit_and_says_when_it_is_missed():
    assert Figure("lookup_p99", 7.5, "ms", 5.0).line().split()[1:] == [
        "7.50", "ms", "≤5.00", "1.50", "MISSED",
    ]  # fmt: skip
    assert Figure("pages", 200, "pages/s", 150, True).ok
    assert Figure("reference", 3, "s").line().split()[-2:] == ["-", "-"]
