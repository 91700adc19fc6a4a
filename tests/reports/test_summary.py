"""Every figure of the summary for a known population (tests/reports/population.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reports.period import period_for
from reports.summary import percentage, report_summary_build
from tests.factories import UserFactory
from tests.reports.population import A, B

pytestmark = pytest.mark.django_db

D = Decimal


def _summary(user, **kwargs):
    return report_summary_build(user=user, period=period_for(**kwargs))


def _category(row, category):
    return next(item for item in row["persons_by_category"] if item["category"] == category)


@pytest.fixture
def auditor(population):
    return UserFactory(role="auditor")


def test_rates_are_percentages_with_two_decimals_rounded_half_up():
    assert percentage(1, 800) == D("0.13")  # 0.125: half up (half-even would give 0.12)
    assert percentage(1, 32) == D("3.13")  # 3.125
    assert percentage(1, 3) == D("33.33")
    assert percentage(2, 3) == D("66.67")
    assert percentage(0, 7) == D("0.00")
    assert percentage(1, 0) is None


def test_every_figure_of_each_commune_for_2026(auditor):
    report = _summary(auditor, year=2026)
    assert report["month"] == date(2026, 12, 1) and report["previous_year"] == 2025
    rows = {row["code"]: row for row in report["communes"]}
    assert list(rows) == [A, B]
    a, b = rows[A], rows[B]
    assert {k: a[k] for k in ("households", "persons", "poor", "near_poor", "assessed")} == {
        "households": 9, "persons": 13, "poor": 3, "near_poor": 2, "assessed": 6,
    }  # fmt: skip
    assert (a["poverty_rate"], a["near_poverty_rate"]) == (D("33.33"), D("22.22"))
    assert (a["poor_persons"], a["near_poor_persons"]) == (5, 3)
    assert (a["poor_persons_rate"], a["near_poor_persons_rate"]) == (D("38.46"), D("23.08"))
    assert (a["entering_poverty"], a["leaving_poverty"], a["poor_not_reassessed"]) == (2, 1, 1)
    assert a["persons_by_programme"] == {
        "meritorious": 2, "social_assistance": 4, "social_pension": 1,
    }  # fmt: skip
    counts = {i["category"]: i["persons"] for i in a["persons_by_category"] if i["persons"]}
    assert counts == {"g": 1, "relative": 1, "5.8": 2, "5.5c": 1, "5.6": 1, "pension": 1}
    assert a["health_insurance_entitled"] == 4
    assert (a["meritorious_persons"], a["meritorious_households"]) == (2, 2)
    assert a["meritorious_households_poor"] == 1
    assert a["amount_due_by_programme"] == {
        "meritorious": D("10029000"),  # 7,240,000 (invalid at 81 %) + 2,789,000 (one martyr)
        "social_assistance": D("2000000"),  # 2 × 1.5 × 500,000 (5.8) + 500,000 (5.5c)
        "social_pension": D("500000"),
    }
    assert a["amount_due"] == D("12529000")

    assert (b["households"], b["persons"], b["poor"], b["near_poor"]) == (6, 11, 0, 1)
    assert (b["poverty_rate"], b["near_poverty_rate"]) == (D("0.00"), D("16.67"))
    assert (b["poor_persons_rate"], b["near_poor_persons_rate"]) == (D("0.00"), D("54.55"))
    assert (b["entering_poverty"], b["leaving_poverty"], b["poor_not_reassessed"]) == (0, 1, 0)
    assert b["persons_by_programme"] == {
        "meritorious": 1, "social_assistance": 5, "social_pension": 0,
    }  # fmt: skip
    assert _category(b, "5.3")["persons"] == 5
    assert b["health_insurance_entitled"] == 5
    assert (b["meritorious_households"], b["meritorious_households_poor"]) == (1, 0)
    assert b["amount_due_by_programme"]["social_assistance"] == D("5000000")  # 5 × 2.0 × 500,000


def test_province_total_and_targets(auditor):
    report = _summary(auditor, year=2026)
    [province] = report["provinces"]
    assert (province["code"], province["communes"]) == ("44", 2)
    assert (province["households"], province["persons"], province["poor"]) == (15, 24, 3)
    assert province["poverty_rate"] == D("20.00")
    assert province["poor_persons_rate"] == D("20.83")  # 5 / 24
    assert province["near_poor_persons_rate"] == D("37.50")  # 9 / 24
    assert (province["entering_poverty"], province["leaving_poverty"]) == (2, 2)
    assert province["meritorious_households_poor"] == 1
    assert province["amount_due"] == D("20318000")
    targets = {t["code"]: t for t in province["targets"]}
    assert targets["poverty_rate_below_1"] == {
        "code": "poverty_rate_below_1", "current": D("20.00"), "previous": D("28.57"),
        "trend": "down", "met": False,
    }  # fmt: skip
    assert targets["no_poor_meritorious_household"] == {
        "code": "no_poor_meritorious_household", "current": 1, "previous": 1, "trend": "same",
        "met": False,
    }  # fmt: skip
    for code in ("all_eligible_paid", "cashless_share_rising"):
        assert targets[code] == {"code": code, "current": None, "previous": None, "trend": None,
                                 "met": None}  # fmt: skip
    commune_b = {t["code"]: t for t in report["communes"][1]["targets"]}
    assert commune_b["poverty_rate_below_1"]["met"] is True  # 0.00 %, from 16.67 %
    assert commune_b["poverty_rate_below_1"]["previous"] == D("16.67")


def test_the_previous_year_counts_its_own_households_deaths_and_rolls(auditor):
    report = _summary(auditor, year=2025)
    a = report["communes"][0]
    assert report["month"] == date(2025, 12, 1)
    assert (a["households"], a["persons"], a["poor"], a["near_poor"]) == (8, 13, 3, 1)
    assert (a["poverty_rate"], a["poor_persons_rate"]) == (D("37.50"), D("46.15"))
    assert a["entering_poverty"] == 3  # nothing was assessed for 2024
    # The case terminated after June 2026 was still on the rolls in December 2025.
    assert a["persons_by_programme"]["social_assistance"] == 5


def test_paid_figures_are_null_until_payments_provides_them(auditor):
    report = _summary(auditor, year=2026)
    assert report["payments_available"] is False
    for row in report["communes"] + report["provinces"]:
        assert row["amount_paid"] is None and row["cashless_share"] is None
        assert row["amount_paid_by_channel"] is None and row["eligible_paid_share"] is None


def fake_payment_figures(*, communes, period):
    if period.year == 2025:
        return {A: {"amount_paid": D("1000"), "cashless_amount": D("500"), "eligible": 4,
                    "eligible_paid": 4}}  # fmt: skip
    return {
        A: {"amount_paid": D("3000"), "cashless_amount": D("2000"), "eligible": 4,
            "eligible_paid": 3, "amount_paid_by_channel": {"bank": D("2000"), "cash": D("1000")}},
        B: {"amount_paid": D("1000"), "cashless_amount": D("1000"), "eligible": 5,
            "eligible_paid": 5},
    }  # fmt: skip


def test_a_configured_provider_fills_the_paid_figures(auditor, settings):
    settings.REGISTRY_REPORT_PAYMENT_FIGURES = [
        ("payment_figures", "tests.reports.test_summary.fake_payment_figures")
    ]
    report = _summary(auditor, year=2026)
    assert report["payments_available"] is True
    a, b = report["communes"]
    assert (a["amount_paid"], a["cashless_share"], a["eligible_paid_share"]) == (
        D("3000"), D("66.67"), D("75.00"),
    )  # fmt: skip
    assert a["amount_paid_by_channel"] == {"bank": D("2000"), "cash": D("1000")}
    [province] = report["provinces"]
    assert (province["amount_paid"], province["cashless_share"]) == (D("4000"), D("75.00"))
    targets = {t["code"]: t for t in province["targets"]}
    assert targets["cashless_share_rising"]["previous"] == D("50.00")
    assert targets["cashless_share_rising"]["trend"] == "up"
    assert targets["all_eligible_paid"]["current"] == D("88.89")  # 8 / 9
    assert targets["all_eligible_paid"]["met"] is False
    assert b["targets"][2]["met"] is True  # 5 of 5 paid


def test_a_household_entered_late_counts_in_the_year_it_was_assessed(auditor):
    from tests.factories import HouseholdFactory, PersonFactory
    from tests.reports.population import Population, _assess

    pop = Population()
    household = HouseholdFactory(commune_id=A)  # entered now, in December 2026
    pop.households["late"] = household
    PersonFactory(household=household)
    PersonFactory(household=household, date_of_birth=date(2026, 1, 5))  # born after 2025
    _assess(pop, "late", 2025, "poor")
    a = _summary(auditor, year=2025)["communes"][0]
    assert (a["households"], a["poor"], a["persons"], a["poor_persons"]) == (9, 4, 14, 7)
    assert a["poverty_rate"] == D("44.44")
