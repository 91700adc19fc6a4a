"""Issue 9: entitlements month by month at the legal boundary months, from the texts' numbers.

Decree 20/2021 Art. 5 (age windows), Art. 6 (coefficients; only the highest, 5.4 on top),
Art. 8(2) (stop from the month after); Decree 76/2024 (base 360,000 → 500,000 in July 2024);
Decree 77/2024 (meritorious 2,055,000 → 2,789,000 in July 2024); Decree 176/2025 (pension).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from beneficiaries.entitlements import (
    MonthEntitlement,
    Reason,
    Terms,
    add_months,
    age_in_month,
    case_entitlements,
    case_month,
    entitlements_for_month,
    month_turning,
)
from beneficiaries.models import (
    SOCIAL_ASSISTANCE_CATEGORIES,
    Case,
    CaseAdjustment,
    CaseSuspension,
    MeritoriousRate,
)
from tests.beneficiaries.factories import case_row, legal_rates, make_case
from tests.factories import make_person

RATES = legal_rates()


def amounts(row, months):
    return [case_month(row, m, RATES).amount for m in months]


def paid(row, month) -> MonthEntitlement:
    return case_month(row, month, RATES)


# --- age windows at the birthday months ---------------------------------------------------------


def test_orphan_at_the_4th_birthday_month():
    # 5.1: 2.5 under 4, 1.5 from the month of the 4th birthday (Art. 6(1)(a)).
    row = case_row(born=date(2022, 3, 15), categories=("5.1",))
    assert paid(row, date(2026, 2, 1)).amount == Decimal("1250000")
    march = paid(row, date(2026, 3, 1))
    assert (march.amount, march.coefficient, march.reason) == (
        Decimal("750000"), Decimal("1.5"), Reason.BIRTHDAY,
    )  # fmt: skip


def test_orphan_ages_out_after_the_16th_birthday_month():
    # 5.1 is for children under 16: paid through the birthday month, nothing from the next.
    row = case_row(born=date(2010, 5, 20), categories=("5.1",))
    april, may, june = (paid(row, date(2026, m, 1)) for m in (4, 5, 6))
    assert (april.amount, may.amount, june.amount) == (750000, 750000, 0)
    assert june.reason == Reason.AGED_OUT


def test_a_student_moves_from_5_1_to_5_2_at_16_and_stops_after_22():
    row = case_row(born=date(2004, 9, 3), categories=("5.1", "5.2"), start=date(2020, 1, 1))
    # 5.2: 1.5 from 16 to the month of the 22nd birthday (Art. 5(2)), then nothing.
    assert paid(row, date(2026, 8, 1)).amount == Decimal("750000")
    assert paid(row, date(2026, 9, 1)).amount == Decimal("750000")
    assert paid(row, date(2026, 9, 1)).paying_category == "5.2"
    assert paid(row, date(2026, 10, 1)).amount == 0
    assert paid(row, date(2026, 10, 1)).reason == Reason.AGED_OUT


def test_poor_elderly_from_the_60th_birthday_month():
    # 5.5a: 1.5 from 60 (Art. 5(5)(a), Art. 6(1)(đ)); before 60 nothing.
    row = case_row(born=date(1966, 8, 9), categories=("5.5a",), start=date(2026, 1, 1))
    assert paid(row, date(2026, 7, 1)).reason == Reason.AGED_OUT
    august = paid(row, date(2026, 8, 1))
    assert (august.amount, august.reason) == (Decimal("750000"), Reason.BIRTHDAY)


def test_severe_disability_at_60_becomes_the_elderly_coefficient():
    row = case_row(born=date(1966, 8, 9), categories=("5.6",), disability_level="severe")
    assert amounts(row, [date(2026, 7, 1), date(2026, 8, 1)]) == [750000, 1000000]


def test_75th_and_80th_birthdays():
    born = date(1946, 5, 10)
    # 5.5b: 75 to the month of the 80th birthday; 5.5c from 80 (coefficient 1.0 each).
    row = case_row(born=born, categories=("5.5b", "5.5c"), start=date(2021, 5, 1))
    months = [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    assert [paid(row, m).paying_category for m in months] == ["5.5b", "5.5b", "5.5c"]
    assert amounts(row, months) == [500000] * 3
    only_b = case_row(born=born, categories=("5.5b",), start=date(2021, 5, 1))
    assert amounts(only_b, months) == [500000, 500000, 0]
    # 5.5a: 1.5 until 80, 2.0 from the 80th birthday month.
    a = case_row(born=born, categories=("5.5a",))
    assert amounts(a, months) == [750000, 1000000, 1000000]
    # Social pension from 75 (Decree 176/2025): 500,000; nothing before.
    pension = case_row(
        born=date(1951, 9, 1), categories=("pension",), programme="social_pension",
        start=date(2025, 7, 1),
    )  # fmt: skip
    assert amounts(pension, [date(2026, 8, 1), date(2026, 9, 1)]) == [0, 500000]
    poor = case_row(
        born=date(1956, 9, 1), categories=("pension",), programme="social_pension",
        start=date(2025, 7, 1), poor_household=True,
    )  # fmt: skip
    assert amounts(poor, [date(2026, 8, 1), date(2026, 9, 1)]) == [0, 500000]  # 70, poor


def test_child_under_3_in_an_ethnic_minority_commune():
    row = case_row(born=date(2023, 6, 1), categories=("5.7",), start=date(2023, 7, 1))
    assert amounts(row, [date(2026, 6, 1), date(2026, 7, 1)]) == [750000, 0]


# --- only the highest coefficient, 5.4 on top -----------------------------------------------


def test_orphan_with_an_extremely_severe_disability_is_paid_the_higher():
    # 5.1 pays 1.5 from 4; 5.6 for a child with an extremely severe disability 2.5.
    row = case_row(
        born=date(2015, 4, 2), categories=("5.1", "5.6"), disability_level="extremely_severe"
    )
    july = paid(row, date(2025, 7, 1))
    assert (july.coefficient, july.paying_category, july.amount) == (
        Decimal("2.5"), "5.6", Decimal("1250000"),
    )  # fmt: skip


def test_single_poor_parent_receives_5_4_per_child_on_top():
    row = case_row(
        born=date(1960, 1, 1), categories=("5.5a", "5.4"), children_count=2, disability_level=None
    )
    # 5.5a at 66: 1.5; plus 1.0 per child for 5.4: 3.5 × 500,000.
    assert paid(row, date(2026, 1, 1)).amount == Decimal("1750000")


# --- July 2024 ---------------------------------------------------------------------------------


def test_base_rise_in_july_2024():
    row = case_row(born=date(1990, 1, 1), categories=("5.6",), disability_level="severe")
    june, july = paid(row, date(2024, 6, 1)), paid(row, date(2024, 7, 1))
    assert (june.amount, july.amount, july.reason) == (540000, 750000, Reason.BASE_CHANGE)


@pytest.mark.django_db
def test_meritorious_rate_table_takes_effect_without_retyping():
    person = make_person(date_of_birth=date(1950, 1, 1))
    # Decided in 2023 at 2,055,000 (Decree 55/2023); Decree 77/2024's row applies from July 2024.
    case = make_case(
        person, "meritorious", "relative", start=date(2023, 7, 1),
        meritorious_grade="martyrs_1", decided_amount=Decimal("2055000"),
    )  # fmt: skip
    june, july = case_entitlements(case, date(2024, 6, 1), date(2024, 7, 1))
    assert (june.amount, july.amount, july.reason) == (2055000, 2789000, Reason.BASE_CHANGE)
    # Where no row applies, the decision's own amount is paid.
    other = make_case(make_person(), "meritorious", "m", decided_amount=Decimal("1394500"))
    assert entitlements_for_month(Case.objects.filter(pk=other.pk), date(2024, 7, 1))[
        other.pk
    ].amount == Decimal("1394500")
    # A new table later: every case on it is owed the new amount from that month.
    MeritoriousRate.objects.create(
        category="relative", grade="martyrs_1", valid_from=date(2026, 7, 1), amount=3000000
    )
    assert case_entitlements(case, date(2026, 7, 1), date(2026, 7, 1))[0].amount == 3000000


# --- death, suspension, adjustment --------------------------------------------------------------


def test_death_mid_month_pays_the_month_of_death_only():
    row = case_row(born=date(1950, 1, 1), categories=("5.6",), died=date(2026, 3, 20))
    march, april = paid(row, date(2026, 3, 1)), paid(row, date(2026, 4, 1))
    assert (march.amount, april.amount, april.reason) == (1000000, 0, Reason.DEATH)


def test_suspension_and_resumption_reasons():
    row = case_row(
        born=date(1990, 1, 1), categories=("5.6",),
        suspensions=((date(2026, 3, 1), date(2026, 5, 1)),),
    )  # fmt: skip
    reasons = [paid(row, date(2026, m, 1)).reason for m in (2, 3, 4, 5, 6)]
    assert reasons == ["unchanged", "suspended", "suspended", "resumed", "unchanged"]


@pytest.mark.django_db
def test_an_adjustment_in_a_month_already_paid_changes_it_from_that_month():
    person = make_person(date_of_birth=date(1990, 1, 1))
    case = make_case(person, "social_assistance", "5.6", start=date(2026, 1, 1),
                     disability_level="severe")  # fmt: skip
    before = case_entitlements(case, date(2026, 1, 1), date(2026, 5, 1))
    assert [e.amount for e in before] == [750000] * 5  # paid January to May at 1.5
    # Decided in June: extremely severe from March (the month of the new certificate).
    CaseAdjustment.objects.create(
        case=case, from_month=date(2026, 3, 1), status="approved", category="5.6",
        disability_level="extremely_severe", decision_number="30/QĐ-UBND",
        decision_date=date(2026, 6, 5),
    )  # fmt: skip
    after = case_entitlements(case, date(2026, 1, 1), date(2026, 5, 1))
    assert [e.amount for e in after] == [750000, 750000, 1000000, 1000000, 1000000]
    assert after[2].reason == Reason.ADJUSTMENT
    # What payments settles as arrears: the difference for the months already paid.
    assert sum(a.amount - b.amount for a, b in zip(after, before, strict=True)) == 750000


# --- many cases at once ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_batch_costs_five_queries_whatever_the_number_of_cases(django_assert_num_queries):
    def build(n):
        for _ in range(n):
            person = make_person(date_of_birth=date(1990, 1, 1))
            case = make_case(person, category="5.6", disability_level="severe")
            CaseSuspension.objects.create(case=case, from_month=date(2026, 1, 1))
            make_case(person, "meritorious", "m", decided_amount=Decimal("1000000"))

    build(2)
    with django_assert_num_queries(5):
        small = entitlements_for_month(Case.objects.all(), date(2025, 12, 1))
    build(20)
    with django_assert_num_queries(5):
        large = entitlements_for_month(Case.objects.all(), date(2025, 12, 1))
    assert len(small) == 4 and len(large) == 44
    assert sum(e.amount for e in large.values()) == 22 * (750000 + 1000000)


@pytest.mark.django_db
def test_only_the_higher_of_social_pension_and_assistance_in_a_batch():
    person = make_person(date_of_birth=date(1944, 1, 1))  # 82 in 2026
    assistance = make_case(person, category="5.5a", disability_level=None)
    pension = make_case(person, "social_pension", "pension", start=date(2025, 7, 1))
    result = entitlements_for_month(Case.objects.filter(pk=pension.pk), date(2026, 1, 1))
    assert set(result) == {pension.pk}  # only the cases asked for, the others still counted
    assert (result[pension.pk].amount, result[pension.pk].reason) == (0, "higher_benefit_paid")
    both = entitlements_for_month(Case.objects.all(), date(2026, 1, 1))
    assert both[assistance.pk].amount == Decimal("1000000")


# --- the property ------------------------------------------------------------------------------

# Decree 20/2021 Art. 5–6 as printed: category → (from age, until age, coefficient(age, level)).
LEGAL_TABLE = {
    "5.1": (None, 16, lambda age, lvl: Decimal("2.5") if age < 4 else Decimal("1.5")),
    "5.2": (16, 22, lambda age, lvl: Decimal("1.5")),
    "5.3": (None, 16, lambda age, lvl: Decimal("2.5") if age < 4 else Decimal("2.0")),
    "5.5a": (60, None, lambda age, lvl: Decimal("2.0") if age >= 80 else Decimal("1.5")),
    "5.5b": (75, 80, lambda age, lvl: Decimal("1.0")),
    "5.5c": (80, None, lambda age, lvl: Decimal("1.0")),
    "5.5d": (60, None, lambda age, lvl: Decimal("3.0")),
    "5.6": (None, None, lambda age, lvl: {
        ("severe", False): Decimal("1.5"), ("severe", True): Decimal("2.0"),
        ("extremely_severe", False): Decimal("2.0"), ("extremely_severe", True): Decimal("2.5"),
    }[(lvl, age < 16 or age >= 60)]),
    "5.7": (None, 3, lambda age, lvl: Decimal("1.5")),
    "5.8": (None, None, lambda age, lvl: Decimal("1.5")),
}  # fmt: skip
WITH_SINGLE_PARENT = {"5.5a", "5.5b", "5.5c", "5.5d", "5.6", "5.8"}


def expected_amount(born, categories, level, children, start, end, month) -> Decimal:
    if month < start or (end is not None and month > end):
        return Decimal(0)
    base = Decimal("360000") if month < date(2024, 7, 1) else Decimal("500000")
    age = age_in_month(born, month)
    valid = []
    for category in categories:
        if category == "5.4":
            continue
        low, high, coefficient = LEGAL_TABLE[category]
        opens = low is None or month >= month_turning(born, low)
        closes = high is not None and month > month_turning(born, high)
        if opens and not closes:
            valid.append((coefficient(age, level), category))
    best = max(valid, key=lambda v: v[0]) if valid else None
    single_parent = Decimal(max(children, 1)) if "5.4" in categories else None
    if best is None:
        total = single_parent or Decimal(0)
    elif single_parent is None:
        total = best[0]
    elif best[1] in WITH_SINGLE_PARENT:
        total = best[0] + single_parent
    else:
        total = max(best[0], single_parent)
    return total * base


@settings(max_examples=300, deadline=None)
@given(
    born=st.dates(min_value=date(1925, 1, 1), max_value=date(2026, 1, 1)),
    categories=st.lists(
        st.sampled_from(SOCIAL_ASSISTANCE_CATEGORIES), min_size=1, max_size=3, unique=True
    ),  # fmt: skip
    level=st.sampled_from(["severe", "extremely_severe"]),
    children=st.integers(1, 4),
    start_offset=st.integers(0, 60),
    length=st.one_of(st.none(), st.integers(0, 120)),
    month_offset=st.integers(-12, 180),
)
def test_amount_is_base_times_the_highest_valid_coefficient(
    born, categories, level, children, start_offset, length, month_offset
):
    start = add_months(date(2021, 7, 1), start_offset)
    end = add_months(start, length) if length is not None else None
    month = add_months(start, month_offset)
    row = case_row(
        born=born, categories=tuple(categories), disability_level=level,
        children_count=children, start=start, end=end,
    )  # fmt: skip
    result = case_month(row, month, RATES)
    assert result.amount == expected_amount(born, categories, level, children, start, end, month)
    assert (result.amount > 0) == (result.reason in Reason.PAID)


def test_terms_of_an_adjustment_apply_from_its_month():
    terms = Terms(category="5.6", disability_level="extremely_severe")
    row = case_row(born=date(1990, 1, 1), adjustments=((date(2026, 3, 1), terms),))
    assert amounts(row, [date(2026, 2, 1), date(2026, 3, 1)]) == [750000, 1000000]


@pytest.mark.django_db
def test_a_list_of_cases_gives_the_same_answer_as_a_queryset():
    person = make_person(date_of_birth=date(1944, 1, 1))
    assistance = make_case(person, category="5.5a", disability_level=None)
    pension = make_case(person, "social_pension", "pension", start=date(2025, 7, 1))
    month = date(2026, 1, 1)
    from_list = entitlements_for_month([assistance], month)
    from_queryset = entitlements_for_month(Case.objects.filter(pk=assistance.pk), month)
    assert from_list == from_queryset
    assert set(from_list) == {assistance.pk} and pension.pk not in from_list
    assert from_list[assistance.pk].amount == Decimal("1000000")  # 2.0 × 500,000 beats 500,000
