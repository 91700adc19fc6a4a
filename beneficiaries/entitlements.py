"""Monthly entitlement rules: social-assistance coefficients, base amounts in force, and what one
person is paid in one month (Decree 20/2021 Art. 5–8, Decree 76/2024, 77/2024, 176/2025).

Every function here works on whole months (a `date` on the 1st) and returns money as `Decimal`
in whole đồng; nothing here writes to the database.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import (
    CATEGORIES_BY_PROGRAMME,
    BaseAmount,
    BaseAmountKind,
    CaseStatus,
    DisabilityLevel,
    Programme,
)
from registry.exceptions import ValidationFailed

# The ages at which a Decree 20/2021 Art. 6 coefficient (or the category itself) changes:
# 4 (5.1/5.3), 16 (child → adult, 5.1 → 5.2, 5.6), 22 (end of 5.2), 60 (elderly, 5.5a/5.6),
# 75 (5.5b) and 80 (5.5a/5.5c).
AGE_THRESHOLDS = (4, 16, 22, 60, 75, 80)

# Law on Children 2016 Art. 1: a child is under 16. Law on the Elderly 2009 Art. 2: elderly is 60+.
CHILD_UNDER = 16
ELDERLY_FROM = 60

WHOLE_DONG = Decimal("1")
ZERO = Decimal("0")

# Decree 20/2021 Art. 6(1): coefficients that do not depend on age, disability or children.
_FLAT_COEFFICIENTS = {
    "5.2": Decimal("1.5"),
    "5.5b": Decimal("1.0"),
    "5.5c": Decimal("1.0"),
    "5.5d": Decimal("3.0"),
    "5.7": Decimal("1.5"),
    "5.8": Decimal("1.5"),
}

# Decree 20/2021 Art. 6: only the highest coefficient is paid, except that a single poor parent
# (Art. 5(4)) also receives the allowance as an elderly person (5(5)), a person with a disability
# (5(6)) or a person with HIV (5(8)).
SINGLE_PARENT_CATEGORY = "5.4"
COMBINABLE_WITH_SINGLE_PARENT = frozenset({"5.5a", "5.5b", "5.5c", "5.5d", "5.6", "5.8"})

# Statuses whose months may be paid; a terminated case is paid only up to its recorded end_month.
_PAYABLE_STATUSES = frozenset({CaseStatus.APPROVED, CaseStatus.SUSPENDED})


# --- months and ages ---------------------------------------------------------------------------


def month_start(d: date) -> date:
    """The first day of d's month: entitlements are counted in whole months."""
    return d.replace(day=1)


def add_months(month: date, n: int) -> date:
    """The first day of the month n months after (or before, for negative n) month's month."""
    index = month.year * 12 + (month.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def age_on(date_of_birth: date, day: date) -> int:
    """Completed years on a given day."""
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


def age_in_month(date_of_birth: date, month: date) -> int:
    """The age the person reaches by the end of `month`.

    Decree 20/2021 recomputes the allowance from the month a person reaches an age threshold, so
    the birthday month already counts at the new age (29 February counts in February).
    """
    return month.year - date_of_birth.year - (1 if date_of_birth.month > month.month else 0)


def _month_turning(date_of_birth: date, age: int) -> date:
    return date(date_of_birth.year + age, date_of_birth.month, 1)


# --- coefficients and categories ---------------------------------------------------------------


def _invalid_category(category: str) -> ValidationFailed:
    message = _("Diện đối tượng không hợp lệ.")
    return ValidationFailed(message, code="invalid_category", fields={"category": [message]})


def social_assistance_coefficient(
    category: str,
    *,
    age: int,
    disability_level: str | None = None,
    children_count: int = 0,
) -> Decimal:
    """The Decree 20/2021 Art. 6(1) coefficient for one Art. 5 category at the given age.

    Age eligibility (e.g. 5.1 ending at 16) is not checked here: it ends the case (end_month),
    it does not change the coefficient.
    """
    if category == "5.1":
        return Decimal("2.5") if age < 4 else Decimal("1.5")
    if category == "5.3":
        return Decimal("2.5") if age < 4 else Decimal("2.0")
    if category == "5.4":
        # Art. 6(1)(d): coefficient 1.0 for each child being raised.
        return Decimal("1.0") * max(children_count, 1)
    if category == "5.5a":
        return Decimal("2.0") if age >= 80 else Decimal("1.5")
    if category == "5.6":
        return _disability_coefficient(age=age, disability_level=disability_level)
    if category in _FLAT_COEFFICIENTS:
        return _FLAT_COEFFICIENTS[category]
    raise _invalid_category(category)


def _disability_coefficient(*, age: int, disability_level: str | None) -> Decimal:
    # Art. 6(1)(e): a child (under 16) or an elderly person (60+) gets 0.5 more at either level.
    if not disability_level:
        message = _("Diện người khuyết tật phải có mức độ khuyết tật (nặng hoặc đặc biệt nặng).")
        raise ValidationFailed(
            message, code="disability_level_required", fields={"disability_level": [message]}
        )
    child_or_elderly = age < CHILD_UNDER or age >= ELDERLY_FROM
    if disability_level == DisabilityLevel.EXTREMELY_SEVERE:
        return Decimal("2.5") if child_or_elderly else Decimal("2.0")
    if disability_level == DisabilityLevel.SEVERE:
        return Decimal("2.0") if child_or_elderly else Decimal("1.5")
    message = _("Mức độ khuyết tật không hợp lệ.")
    raise ValidationFailed(
        message, code="invalid_disability_level", fields={"disability_level": [message]}
    )


def validate_category_combination(
    programme: str, category: str, additional_category: str = ""
) -> None:
    """Check the category belongs to the programme and that an additional category is lawful.

    Decree 20/2021 Art. 6: a person in several categories receives only the highest coefficient,
    so a second category is recorded only for a single poor parent (5.4) who is also elderly
    (5.5a–d), has a disability (5.6) or has HIV (5.8).
    """
    allowed = CATEGORIES_BY_PROGRAMME.get(programme)
    if allowed is None or category not in allowed:
        raise _invalid_category(category)
    if not additional_category:
        return
    if programme == Programme.SOCIAL_ASSISTANCE and additional_category not in allowed:
        raise _invalid_category(additional_category)
    pair = {category, additional_category}
    if (
        programme == Programme.SOCIAL_ASSISTANCE
        and SINGLE_PARENT_CATEGORY in pair
        and len(pair) == 2
        and (pair - {SINGLE_PARENT_CATEGORY}) <= COMBINABLE_WITH_SINGLE_PARENT
    ):
        return
    message = _(
        "Không được hưởng đồng thời hai diện: chỉ hưởng một mức cao nhất, trừ người đơn thân "
        "nghèo nuôi con (diện 5.4) đồng thời là người cao tuổi, người khuyết tật hoặc người "
        "nhiễm HIV."
    )
    raise ValidationFailed(
        message,
        code="category_combination_not_allowed",
        fields={"additional_category": [message]},
    )


# --- base amounts ------------------------------------------------------------------------------


def base_amount(kind: str, month: date, province_code: str | None = None) -> Decimal:
    """The base level in force for `month` (whole đồng).

    Rule: a row applies from the month that contains its valid_from, for the whole month, because
    allowances are paid by whole months and the decrees count every change from a month (so
    Decree 76/2024, in force 1/7/2024, makes July 2024 the first 500,000 month). A province row
    is used when it is higher than the national one: Decree 20/2021 Art. 4 lets a province set a
    higher base but never a lower one, so the national level is also the floor.
    """
    rows = (
        BaseAmount.objects.filter(kind=kind, valid_from__lte=_month_end(month))
        .filter(Q(province__isnull=True) | Q(province_id=province_code or ""))
        .order_by("-valid_from")
        .values_list("province_id", "amount")
    )
    national = provincial = None
    for row_province, amount in rows:
        if row_province is None and national is None:
            national = amount
        elif row_province is not None and provincial is None:
            provincial = amount
        if national is not None and provincial is not None:
            break
    candidates = [a for a in (national, provincial) if a is not None]
    if not candidates:
        message = _("Chưa có mức chuẩn áp dụng cho tháng này.")
        raise ValidationFailed(message, code="no_base_amount")
    return max(candidates)


# --- cases -------------------------------------------------------------------------------------


def case_coefficient(case, month: date) -> Decimal | None:
    """The social-assistance coefficient of a case in `month`; None for the other programmes.

    The additional category (5.4 exception, Decree 20/2021 Art. 6) is added to the main one.
    """
    if case.programme != Programme.SOCIAL_ASSISTANCE:
        return None
    age = age_in_month(case.person.date_of_birth, month_start(month))
    total = ZERO
    for category in filter(None, (case.category, case.additional_category)):
        total += social_assistance_coefficient(
            category,
            age=age,
            disability_level=case.disability_level or None,
            children_count=case.children_count,
        )
    return total


def _is_suspended(case, month: date) -> bool:
    # `.all()` so a caller's prefetch_related("suspensions") is used for a whole batch.
    return any(
        s.from_month <= month and (s.to_month is None or month < s.to_month)
        for s in case.suspensions.all()
    )


def _in_payable_period(case, month: date) -> bool:
    if case.status not in _PAYABLE_STATUSES and not (
        case.status == CaseStatus.TERMINATED and case.end_month is not None
    ):
        return False
    if case.start_month is None or month < month_start(case.start_month):
        return False
    if case.end_month is not None and month > month_start(case.end_month):
        return False
    # Decree 20/2021 Art. 8 and Decree 131/2021: nothing is paid after the month of death, even
    # if the case's end_month has not been recorded yet.
    date_of_death = getattr(case.person, "date_of_death", None)
    if date_of_death is not None and month > stop_month_after_death(date_of_death):
        return False
    return not _is_suspended(case, month)


def case_monthly_amount(case, month: date) -> Decimal:
    """What the case pays for `month` on its own, in whole đồng (0 when nothing is due)."""
    month = month_start(month)
    if not _in_payable_period(case, month):
        return ZERO
    if case.programme == Programme.SOCIAL_ASSISTANCE:
        base = base_amount(BaseAmountKind.SOCIAL_ASSISTANCE, month, case.commune.province_id)
        amount = case_coefficient(case, month) * base
    elif case.programme == Programme.SOCIAL_PENSION:
        # Decree 176/2025: a flat amount; a province may add to it, so its row is honoured too.
        amount = base_amount(BaseAmountKind.SOCIAL_PENSION, month, case.commune.province_id)
    else:
        # Ordinance 02/2020: a meritorious person's amount is fixed in the decision.
        amount = case.monthly_amount or ZERO
    return Decimal(amount).quantize(WHOLE_DONG, rounding=ROUND_HALF_UP)


def person_month_entitlements(cases: Iterable, month: date) -> dict[int, Decimal]:
    """Case id → amount payable in `month`, for all the cases of one person.

    - Social pension and social assistance for the same person: only the higher is paid (Decree
      176/2025; Law on Social Insurance 2024). On a tie the social pension is paid, being the
      regime the law now gives to old age.
    - Within one programme at most one case is paid in a month (the higher, then the older case),
      so a move that left two cases overlapping never pays twice.
    - Meritorious allowances are independent of both.
    """
    cases = list(cases)
    amounts = {case.id: case_monthly_amount(case, month) for case in cases}
    paid_by_programme: dict[str, tuple[int, Decimal]] = {}
    for case in sorted(cases, key=lambda c: (-amounts[c.id], c.id)):
        if amounts[case.id] <= 0:
            continue
        if case.programme in paid_by_programme:
            amounts[case.id] = ZERO
        else:
            paid_by_programme[case.programme] = (case.id, amounts[case.id])
    assistance = paid_by_programme.get(Programme.SOCIAL_ASSISTANCE)
    pension = paid_by_programme.get(Programme.SOCIAL_PENSION)
    if assistance and pension:
        loser = assistance if assistance[1] <= pension[1] else pension
        amounts[loser[0]] = ZERO
    return amounts


# --- start and stop months ---------------------------------------------------------------------


def start_month_for(
    *,
    category: str,
    decision_date: date,
    date_of_birth: date,
    requested_start_month: date | None,
    transfer: bool = False,
) -> date:
    """The first month paid (Decree 20/2021 Art. 8, as amended by Decree 76/2024).

    - In general: the month the decision is signed, or the requested month when that is later.
    - 5.5b / 5.5c: the month the person turns 75 / 80, even if the decision is signed later;
      a requested month (the month the application was filed) bounds those arrears from below.
    - 5.6: the month of the disability certificate, passed as `requested_start_month`; without
      it, the decision month.
    - transfer=True (a new decision after a move to another paying authority): the month after
      the stop at the old place, passed as `requested_start_month`, so no month is lost or paid
      twice (domain.md §3 "Moving").
    """
    decision_month = month_start(decision_date)
    requested = month_start(requested_start_month) if requested_start_month else None
    if transfer and requested:
        return requested
    if category in ("5.5b", "5.5c"):
        turning = _month_turning(date_of_birth, 75 if category == "5.5b" else 80)
        return max(turning, requested) if requested else turning
    if category == "5.6":
        return requested or decision_month
    return max(decision_month, requested) if requested else decision_month


def stop_month_after_death(date_of_death: date) -> date:
    """The last month paid: the month of death (payment stops from the month after)."""
    return month_start(date_of_death)
