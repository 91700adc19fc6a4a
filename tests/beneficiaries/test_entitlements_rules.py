"""Entitlement rules, checked against the figures of Decree 20/2021, 76/2024, 77/2024, 176/2025.

Changed with issue 9: several categories are now lawful together (the highest coefficient is
paid), so the old "refused combinations" became allowed ones; a case outside every age window
pays nothing; the start month of a 5.5b/5.5c case is the later of the decision month and the
birthday month unless the decision states an earlier one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beneficiaries.entitlements import (
    AGE_THRESHOLDS,
    add_months,
    age_in_month,
    base_amount,
    case_coefficient,
    case_monthly_amount,
    default_start_month,
    legal_start_month,
    month_start,
    person_month_entitlements,
    social_assistance_coefficient,
    start_month_for,
    stop_month_after_death,
    validate_categories,
)
from beneficiaries.models import (
    SOCIAL_ASSISTANCE_CATEGORIES,
    BaseAmount,
    Case,
    CaseSuspension,
)
from registry.exceptions import ValidationFailed
from tests.beneficiaries.factories import make_case
from tests.factories import make_person

PROVINCE = "44"  # Quảng Trị, the province of the test commune 18859
JUL_2025 = date(2025, 7, 1)


# --- months and ages ---------------------------------------------------------------------------


def test_month_helpers():
    assert month_start(date(2026, 2, 28)) == date(2026, 2, 1)
    assert add_months(date(2025, 11, 1), 3) == date(2026, 2, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert add_months(date(2026, 1, 1), -13) == date(2024, 12, 1)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 1)), st.integers(-2400, 2400))
def test_add_months_round_trips(d, n):
    assert add_months(add_months(month_start(d), n), -n) == month_start(d)


def test_age_counts_from_the_birthday_month():
    born = date(2022, 3, 15)
    assert age_in_month(born, date(2026, 2, 1)) == 3
    assert age_in_month(born, date(2026, 3, 1)) == 4  # before the 15th, still the new age
    assert age_in_month(date(2008, 2, 29), date(2026, 2, 1)) == 18


@given(
    category=st.sampled_from(SOCIAL_ASSISTANCE_CATEGORIES),
    level=st.sampled_from(["severe", "extremely_severe"]),
    born=st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)),
    months_after=st.integers(1, 12 * 100),
)
def test_coefficient_changes_only_in_a_threshold_birthday_month(
    category, level, born, months_after
):
    month = add_months(month_start(born), months_after)
    before = social_assistance_coefficient(
        category, age=age_in_month(born, add_months(month, -1)), disability_level=level
    )
    now_age = age_in_month(born, month)
    now = social_assistance_coefficient(category, age=now_age, disability_level=level)
    if now != before:
        assert month.month == born.month
        assert now_age in AGE_THRESHOLDS


# --- coefficients (Decree 20/2021 Art. 6(1)) ---------------------------------------------------


@pytest.mark.parametrize(
    ("category", "age", "kwargs", "expected"),
    [
        ("5.1", 3, {}, "2.5"),
        ("5.1", 4, {}, "1.5"),
        ("5.2", 17, {}, "1.5"),
        ("5.3", 3, {}, "2.5"),
        ("5.3", 4, {}, "2.0"),
        ("5.4", 35, {"children_count": 0}, "1.0"),
        ("5.4", 35, {"children_count": 3}, "3.0"),
        ("5.5a", 79, {}, "1.5"),
        ("5.5a", 80, {}, "2.0"),
        ("5.5b", 76, {}, "1.0"),
        ("5.5c", 80, {}, "1.0"),
        ("5.5d", 70, {}, "3.0"),
        ("5.6", 10, {"disability_level": "extremely_severe"}, "2.5"),
        ("5.6", 16, {"disability_level": "extremely_severe"}, "2.0"),
        ("5.6", 60, {"disability_level": "extremely_severe"}, "2.5"),
        ("5.6", 15, {"disability_level": "severe"}, "2.0"),
        ("5.6", 30, {"disability_level": "severe"}, "1.5"),
        ("5.6", 59, {"disability_level": "severe"}, "1.5"),
        ("5.6", 60, {"disability_level": "severe"}, "2.0"),
        ("5.7", 2, {}, "1.5"),
        ("5.8", 40, {}, "1.5"),
    ],
)
def test_social_assistance_coefficient(category, age, kwargs, expected):
    assert social_assistance_coefficient(category, age=age, **kwargs) == Decimal(expected)


def test_disability_needs_a_level():
    with pytest.raises(ValidationFailed) as exc:
        social_assistance_coefficient("5.6", age=30)
    assert exc.value.code == "disability_level_required"
    with pytest.raises(ValidationFailed) as exc:
        social_assistance_coefficient("5.6", age=30, disability_level="mild")
    assert exc.value.code == "invalid_disability_level"


@pytest.mark.parametrize("category", ["5.9", "a", "pension", ""])
def test_unknown_category(category):
    with pytest.raises(ValidationFailed) as exc:
        social_assistance_coefficient(category, age=30)
    assert exc.value.code == "invalid_category"


# --- categories recorded together ------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "others"),
    [("5.4", ["5.6"]), ("5.6", ["5.4"]), ("5.5a", ["5.6"]), ("5.1", ["5.6"]), ("5.1", [])],
)
def test_any_social_assistance_categories_may_be_recorded_together(category, others):
    # Decree 20/2021 Art. 6(2): the case pays the highest; every category that applies is kept.
    validate_categories("social_assistance", category, others)


def test_a_category_is_recorded_once():
    with pytest.raises(ValidationFailed) as exc:
        validate_categories("social_assistance", "5.4", ["5.4"])
    assert exc.value.code == "duplicate_category"


def test_other_categories_only_in_social_assistance():
    with pytest.raises(ValidationFailed) as exc:
        validate_categories("meritorious", "g", ["relative"])
    assert exc.value.code == "other_categories_not_allowed"


@pytest.mark.parametrize(
    ("programme", "category", "others"),
    [
        ("social_assistance", "g", []),
        ("meritorious", "5.6", []),
        ("social_pension", "5.5c", []),
        ("unknown", "5.6", []),
        ("social_assistance", "5.4", ["x"]),
    ],
)
def test_category_must_belong_to_programme(programme, category, others):
    with pytest.raises(ValidationFailed) as exc:
        validate_categories(programme, category, others)
    assert exc.value.code == "invalid_category"


# --- base amounts ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_base_amount_from_the_month_a_decree_takes_effect():
    assert base_amount("social_assistance", date(2024, 6, 1)) == Decimal("360000")
    assert base_amount("social_assistance", date(2024, 7, 1)) == Decimal("500000")
    assert base_amount("meritorious", date(2024, 7, 1)) == Decimal("2789000")
    # Decree 75/2021 took effect on 15/9/2021: September is its first month.
    assert base_amount("meritorious", date(2021, 9, 1)) == Decimal("1624000")
    assert base_amount("social_pension", date(2025, 7, 1)) == Decimal("500000")
    for kind, month in [("meritorious", date(2021, 8, 1)), ("social_pension", date(2025, 6, 1))]:
        with pytest.raises(ValidationFailed) as exc:
            base_amount(kind, month)
        assert exc.value.code == "no_base_amount"


@pytest.mark.django_db
def test_a_province_base_counts_only_when_higher():
    BaseAmount.objects.create(
        kind="social_assistance", valid_from=date(2023, 1, 1), province_id=PROVINCE, amount=450000
    )
    assert base_amount("social_assistance", date(2024, 6, 1), PROVINCE) == Decimal("450000")
    # The national rise to 500,000 overtakes the province's older 450,000.
    assert base_amount("social_assistance", date(2024, 7, 1), PROVINCE) == Decimal("500000")
    assert base_amount("social_assistance", date(2024, 6, 1), "01") == Decimal("360000")
    assert base_amount("social_assistance", date(2024, 6, 1)) == Decimal("360000")


# --- monthly amounts ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_child_with_extremely_severe_disability():
    child = make_person(date_of_birth=date(2015, 4, 2))
    case = make_case(child, category="5.6", disability_level="extremely_severe")
    assert case_coefficient(case, JUL_2025) == Decimal("2.5")
    assert case_monthly_amount(case, JUL_2025) == Decimal("1250000")


@pytest.mark.django_db
def test_adult_with_severe_disability_before_and_after_decree_76():
    adult = make_person(date_of_birth=date(1990, 1, 1))
    case = make_case(adult, category="5.6", disability_level="severe")
    assert case_monthly_amount(case, date(2024, 6, 1)) == Decimal("540000")
    assert case_monthly_amount(case, date(2024, 7, 1)) == Decimal("750000")


@pytest.mark.django_db
def test_aged_80_without_pension():
    person = make_person(date_of_birth=date(1945, 7, 20))
    case = make_case(person, category="5.5c", start=date(2025, 7, 1))
    assert case_monthly_amount(case, JUL_2025) == Decimal("500000")


@pytest.mark.django_db
def test_coefficient_changes_in_the_month_a_child_turns_4():
    child = make_person(date_of_birth=date(2022, 3, 15))
    case = make_case(child, category="5.1", start=date(2022, 4, 1))
    assert case_coefficient(case, date(2026, 2, 1)) == Decimal("2.5")
    assert case_monthly_amount(case, date(2026, 2, 1)) == Decimal("1250000")
    assert case_coefficient(case, date(2026, 3, 1)) == Decimal("1.5")
    assert case_monthly_amount(case, date(2026, 3, 1)) == Decimal("750000")


@pytest.mark.django_db
def test_poor_elderly_at_79_and_80():
    person = make_person(date_of_birth=date(1946, 5, 10))
    case = make_case(person, category="5.5a")
    assert case_monthly_amount(case, date(2026, 4, 1)) == Decimal("750000")
    assert case_monthly_amount(case, date(2026, 5, 1)) == Decimal("1000000")


@pytest.mark.django_db
def test_single_poor_parent_with_a_disability_receives_both():
    parent = make_person(date_of_birth=date(1988, 6, 1))
    case = make_case(
        parent,
        category="5.4",
        other_categories=["5.6"],
        children_count=2,
        disability_level="severe",
    )
    assert case_coefficient(case, JUL_2025) == Decimal("3.5")
    assert case_monthly_amount(case, JUL_2025) == Decimal("1750000")


@pytest.mark.django_db
def test_amount_rounds_half_up_to_whole_dong():
    BaseAmount.objects.create(
        kind="social_assistance", valid_from=date(2025, 1, 1), province_id=PROVINCE, amount=533333
    )
    child = make_person(date_of_birth=date(2015, 4, 2))
    case = make_case(child, category="5.6", disability_level="extremely_severe")
    # 2.5 × 533,333 = 1,333,332.5
    assert case_monthly_amount(case, JUL_2025) == Decimal("1333333")


@pytest.mark.django_db
def test_nothing_outside_the_period_or_in_an_unapproved_case():
    person = make_person(date_of_birth=date(1990, 1, 1))
    case = make_case(
        person,
        category="5.6",
        disability_level="severe",
        start=date(2025, 3, 1),
        end=date(2025, 8, 1),
    )
    assert case_monthly_amount(case, date(2025, 2, 1)) == 0
    assert case_monthly_amount(case, date(2025, 3, 1)) == Decimal("750000")
    assert case_monthly_amount(case, date(2025, 8, 1)) == Decimal("750000")
    assert case_monthly_amount(case, date(2025, 9, 1)) == 0

    case.status = "terminated"
    assert case_monthly_amount(case, date(2025, 8, 1)) == Decimal("750000")
    case.end_month = None
    assert case_monthly_amount(case, date(2025, 8, 1)) == 0
    for status in ("draft", "submitted", "rejected"):
        case.status = status
        assert case_monthly_amount(case, date(2025, 5, 1)) == 0


@pytest.mark.django_db
def test_nothing_during_a_suspension():
    person = make_person(date_of_birth=date(1990, 1, 1))
    case = make_case(person, category="5.6", disability_level="severe")
    CaseSuspension.objects.create(case=case, from_month=date(2026, 3, 1), to_month=date(2026, 5, 1))
    CaseSuspension.objects.create(case=case, from_month=date(2026, 8, 1))
    paid = {m: case_monthly_amount(case, date(2026, m, 1)) for m in range(2, 10)}
    assert paid == {
        2: 750000, 3: 0, 4: 0, 5: 750000, 6: 750000, 7: 750000, 8: 0, 9: 0,
    }  # fmt: skip


@pytest.mark.django_db
def test_nothing_after_the_month_of_death():
    person = make_person(
        date_of_birth=date(1950, 1, 1), vital_status="deceased", date_of_death=date(2026, 3, 20)
    )
    case = make_case(person, category="5.6", disability_level="severe")
    assert case_monthly_amount(case, date(2026, 3, 1)) == Decimal("1000000")
    assert case_monthly_amount(case, date(2026, 4, 1)) == 0


@pytest.mark.django_db
def test_meritorious_amount_comes_from_the_decision_and_pension_from_the_base():
    person = make_person(date_of_birth=date(1950, 1, 1))
    meritorious = make_case(person, "meritorious", "relative", decided_amount=Decimal("2789000"))
    pension = make_case(person, "social_pension", "pension", start=JUL_2025)
    assert case_coefficient(meritorious, JUL_2025) is None
    assert case_coefficient(pension, JUL_2025) is None
    assert case_monthly_amount(meritorious, JUL_2025) == Decimal("2789000")
    assert case_monthly_amount(pension, JUL_2025) == Decimal("500000")
    assert case_monthly_amount(pension, date(2025, 6, 1)) == 0  # before its start month


# --- one person, several programmes ------------------------------------------------------------


@pytest.mark.django_db
def test_social_assistance_higher_than_social_pension():
    person = make_person(date_of_birth=date(1944, 1, 1))  # 82
    assistance = make_case(person, category="5.5a")
    pension = make_case(person, "social_pension", "pension", start=JUL_2025)
    merit = make_case(person, "meritorious", "m", decided_amount=Decimal("1394500"))
    paid = person_month_entitlements([assistance, pension, merit], JUL_2025)
    assert paid == {assistance.id: 1000000, pension.id: 0, merit.id: 1394500}


@pytest.mark.django_db
def test_social_pension_higher_than_social_assistance():
    BaseAmount.objects.create(
        kind="social_pension", valid_from=date(2026, 1, 1), province_id=PROVINCE, amount=800000
    )
    person = make_person(date_of_birth=date(1950, 1, 1))  # 76
    assistance = make_case(person, category="5.5a")
    pension = make_case(person, "social_pension", "pension", start=JUL_2025)
    assert person_month_entitlements([assistance, pension], date(2025, 12, 1)) == {
        assistance.id: 750000,
        pension.id: 0,
    }
    assert person_month_entitlements([assistance, pension], date(2026, 1, 1)) == {
        assistance.id: 0,
        pension.id: 800000,
    }


@pytest.mark.django_db
def test_equal_social_pension_and_assistance_pays_the_pension_once():
    person = make_person(date_of_birth=date(1944, 1, 1))
    assistance = make_case(person, category="5.5c")
    pension = make_case(person, "social_pension", "pension", start=JUL_2025)
    paid = person_month_entitlements([assistance, pension], JUL_2025)
    assert paid == {assistance.id: 0, pension.id: 500000}


@pytest.mark.django_db
def test_overlapping_cases_of_one_programme_pay_once():
    person = make_person(date_of_birth=date(1990, 1, 1))
    old = make_case(person, category="5.6", disability_level="severe", status="terminated",
                    end=date(2026, 3, 1))  # fmt: skip
    new = make_case(person, category="5.6", disability_level="severe", start=date(2026, 3, 1))
    assert person_month_entitlements([old, new], date(2026, 3, 1)) == {old.id: 750000, new.id: 0}
    assert person_month_entitlements([old, new], date(2026, 4, 1)) == {old.id: 0, new.id: 750000}


# --- start and stop months ---------------------------------------------------------------------


def test_start_month_is_the_decision_month():
    assert start_month_for(
        category="5.1",
        decision_date=date(2026, 3, 27),
        date_of_birth=date(2020, 1, 1),
        requested_start_month=None,
    ) == date(2026, 3, 1)
    # A decision is never paid before its own month, but may be signed ahead of a later start.
    assert start_month_for(
        category="5.8",
        decision_date=date(2026, 3, 27),
        date_of_birth=date(1980, 1, 1),
        requested_start_month=date(2026, 1, 1),
    ) == date(2026, 3, 1)
    assert start_month_for(
        category="5.8",
        decision_date=date(2026, 3, 27),
        date_of_birth=date(1980, 1, 1),
        requested_start_month=date(2026, 5, 1),
    ) == date(2026, 5, 1)


def _starts(category, decision, born, requested=None):
    legal = legal_start_month(
        categories=[category], date_of_birth=born, decision_month=decision,
        requested_start_month=requested,
    )  # fmt: skip
    return legal, default_start_month(legal_start=legal, decision_month=month_start(decision))


def test_start_month_for_the_elderly_is_the_month_they_turn_75_or_80():
    born = date(1946, 5, 10)
    # Decision signed ahead of the 80th birthday: paid from the birthday month.
    assert _starts("5.5c", date(2026, 4, 2), born) == (date(2026, 5, 1), date(2026, 5, 1))
    # Signed later: the decision's month, unless it states an earlier start — at the earliest
    # the birthday month (the legal start), or the application's month when later.
    assert _starts("5.5c", date(2026, 7, 2), born) == (date(2026, 5, 1), date(2026, 7, 1))
    assert _starts("5.5c", date(2026, 7, 2), born, date(2026, 6, 1)) == (
        date(2026, 6, 1), date(2026, 7, 1),
    )  # fmt: skip
    assert _starts("5.5b", date(2021, 1, 4), born) == (date(2021, 5, 1), date(2021, 5, 1))


def test_start_month_for_disability_is_the_certificate_month():
    born = date(1990, 1, 1)
    assert _starts("5.6", date(2026, 4, 2), born, date(2026, 2, 12)) == (
        date(2026, 2, 1), date(2026, 4, 1),
    )  # fmt: skip
    assert _starts("5.6", date(2026, 4, 2), born) == (date(2026, 4, 1), date(2026, 4, 1))
    # A certificate dated after the decision: paid from the certificate's month.
    assert _starts("5.6", date(2026, 4, 2), born, date(2026, 6, 1))[1] == date(2026, 6, 1)


def test_start_month_after_a_move_continues_from_the_old_stop():
    assert start_month_for(
        category="5.1",
        decision_date=date(2026, 6, 9),
        date_of_birth=date(2020, 1, 1),
        requested_start_month=date(2026, 4, 1),
        transfer=True,
    ) == date(2026, 4, 1)


def test_stop_month_after_death_is_the_month_of_death():
    assert stop_month_after_death(date(2026, 3, 31)) == date(2026, 3, 1)


@pytest.mark.django_db
def test_a_prefetched_case_costs_two_queries_per_month(django_assert_num_queries):
    person = make_person(date_of_birth=date(1990, 1, 1))
    make_case(person, category="5.6", disability_level="severe")
    case = (
        Case.objects.select_related("person", "commune")
        .prefetch_related("suspensions")
        .get(person=person)
    )
    with django_assert_num_queries(2):  # the base levels and the meritorious rate table
        assert case_monthly_amount(case, JUL_2025) == Decimal("750000")
