"""Poor / near-poor classification with the thresholds of Decree 07/2021 and Decree 351/2025."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beneficiaries.models import Deprivation
from beneficiaries.poverty import assess, classify_household, poverty_standard_for
from registry.exceptions import ValidationFailed

THREE = ["employment", "water", "latrine"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "area", "threshold"),
    [
        (2022, "rural", "1500000"),
        (2026, "rural", "1500000"),
        (2026, "urban", "2000000"),
        (2027, "rural", "2200000"),
        (2030, "urban", "2800000"),
    ],
)
def test_standard_in_force_for_the_year(year, area, threshold):
    assert poverty_standard_for(year=year, area=area).income_threshold == Decimal(threshold)


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2021, 2031])
def test_no_standard(year):
    with pytest.raises(ValidationFailed) as exc:
        poverty_standard_for(year=year, area="rural")
    assert exc.value.code == "no_poverty_standard"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("area", "income", "deprivations", "expected"),
    [
        ("rural", 1400000, THREE, "poor"),
        ("rural", 1400000, THREE[:2], "near_poor"),
        ("rural", 1500000, THREE, "poor"),  # "at or below" the threshold
        ("rural", 1600000, THREE, "not_poor"),
        ("rural", 1600000, [], "not_poor"),
        ("urban", 2000000, THREE, "poor"),
        ("urban", 1900000, [], "near_poor"),
        ("urban", 2000001, Deprivation.values, "not_poor"),
    ],
)
def test_assess_2026(area, income, deprivations, expected):
    threshold = {"rural": Decimal("1500000"), "urban": Decimal("2000000")}[area]
    result = assess(
        year=2026, area=area, income_per_capita=Decimal(income), deprivations=deprivations
    )
    assert result == (expected, threshold)


@pytest.mark.django_db
def test_assess_2027_uses_the_new_rural_threshold():
    assert assess(
        year=2027, area="rural", income_per_capita=Decimal("1600000"), deprivations=THREE
    ) == ("poor", Decimal("2200000"))
    assert assess(
        year=2027, area="rural", income_per_capita=Decimal("2200001"), deprivations=THREE
    ) == ("not_poor", Decimal("2200000"))


@pytest.mark.django_db
def test_repeated_indicator_counts_once():
    result = assess(
        year=2026,
        area="rural",
        income_per_capita=Decimal("1400000"),
        deprivations=["water", "water", "latrine"],
    )
    assert result[0] == "near_poor"


@pytest.mark.django_db
def test_unknown_indicator_and_area_are_refused():
    with pytest.raises(ValidationFailed) as exc:
        assess(year=2026, area="rural", income_per_capita=Decimal(1), deprivations=["wifi"])
    assert exc.value.code == "invalid_deprivation"
    with pytest.raises(ValidationFailed) as exc:
        assess(year=2026, area="mountain", income_per_capita=Decimal(1), deprivations=[])
    assert exc.value.code == "invalid_area"


def test_classify_rejects_bad_input():
    with pytest.raises(ValidationFailed) as exc:
        classify_household(income_per_capita=Decimal(-1), deprivation_count=0, threshold=Decimal(1))
    assert exc.value.code == "invalid_income"
    with pytest.raises(ValidationFailed) as exc:
        classify_household(income_per_capita=Decimal(1), deprivation_count=13, threshold=Decimal(1))
    assert exc.value.code == "invalid_deprivation"
    with pytest.raises(TypeError):
        classify_household(income_per_capita=1.5, deprivation_count=0, threshold=Decimal(1))


@given(
    income=st.integers(0, 10_000_000),
    count=st.integers(0, 12),
    threshold=st.integers(1, 5_000_000),
)
def test_classification_partitions_households(income, count, threshold):
    result = classify_household(
        income_per_capita=Decimal(income), deprivation_count=count, threshold=Decimal(threshold)
    )
    if income > threshold:
        assert result == "not_poor"
    else:
        assert result == ("poor" if count >= 3 else "near_poor")
