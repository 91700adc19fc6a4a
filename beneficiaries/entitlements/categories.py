"""Decree 20/2021 Art. 5–6 (as amended by Decree 76/2024): each category's age window and
coefficient, and which coefficient a case with several categories pays in a month.

Ages count from the birthday month (`months.age_in_month`). A window opens in the month the
person reaches its lower age and closes after the month they reach its upper age: ageing out
stops the allowance from the month after the birthday month (Art. 8(2): "from the month after
the month the beneficiary no longer qualifies").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from beneficiaries.entitlements.months import age_in_month, month_turning
from beneficiaries.models import CATEGORIES_BY_PROGRAMME, DisabilityLevel, Programme
from registry.exceptions import ValidationFailed

# The ages at which a coefficient or a window changes: 3 (5.7), 4 (5.1/5.3), 16 (child → adult,
# 5.1 → 5.2, 5.6), 22 (end of 5.2), 60 (elderly: 5.5a, 5.6), 70/75 (social pension, 5.5b) and
# 80 (5.5a's higher coefficient, end of 5.5b, 5.5c).
AGE_THRESHOLDS = (3, 4, 16, 22, 60, 70, 75, 80)

# Law on Children 2016 Art. 1: a child is under 16. Law on the Elderly 2009 Art. 2: elderly is 60+.
CHILD_UNDER = 16
ELDERLY_FROM = 60

SINGLE_PARENT_CATEGORY = "5.4"
# Art. 6(2): a single poor parent (5.4) who also qualifies as elderly (5.5x), as a person with a
# disability (5.6) or with HIV (5.8) receives that allowance and the 5.4 one.
COMBINABLE_WITH_SINGLE_PARENT = frozenset({"5.5a", "5.5b", "5.5c", "5.5d", "5.6", "5.8"})
PENSION_CATEGORY = "pension"


@dataclass(frozen=True)
class AgeWindow:
    """Ages [from_age, until_age): None is unbounded. The article is named in refusals."""

    from_age: int | None
    until_age: int | None
    article: str


# Art. 5 (Decree 20/2021, as amended by Decree 76/2024) and Decree 176/2025 Art. 3 (pension).
AGE_WINDOWS: dict[str, AgeWindow] = {
    "5.1": AgeWindow(None, 16, "Nghị định 20/2021/NĐ-CP Điều 5 khoản 1"),
    "5.2": AgeWindow(16, 22, "Nghị định 20/2021/NĐ-CP Điều 5 khoản 2"),
    "5.3": AgeWindow(None, 16, "Nghị định 20/2021/NĐ-CP Điều 5 khoản 3"),
    "5.4": AgeWindow(None, None, "Nghị định 20/2021/NĐ-CP Điều 5 khoản 4"),
    "5.5a": AgeWindow(60, None, "Nghị định 20/2021/NĐ-CP Điều 5 khoản 5 điểm a"),
    "5.5b": AgeWindow(75, 80, "Nghị định 20/2021/NĐ-CP Điều 5 khoản 5 điểm b"),
    "5.5c": AgeWindow(80, None, "Nghị định 20/2021/NĐ-CP Điều 5 khoản 5 điểm c"),
    "5.5d": AgeWindow(60, None, "Nghị định 20/2021/NĐ-CP Điều 5 khoản 5 điểm d"),
    "5.6": AgeWindow(None, None, "Nghị định 20/2021/NĐ-CP Điều 5 khoản 6"),
    "5.7": AgeWindow(None, 3, "Nghị định 20/2021/NĐ-CP Điều 5 khoản 7"),
    "5.8": AgeWindow(None, None, "Nghị định 20/2021/NĐ-CP Điều 5 khoản 8"),
    PENSION_CATEGORY: AgeWindow(75, None, "Nghị định 176/2025/NĐ-CP Điều 3"),
}
# Decree 176/2025 Art. 3(2): from 70 for a person of a poor or near-poor household.
PENSION_POOR_HOUSEHOLD_FROM = 70

# Art. 6(1): coefficients that depend neither on age, disability nor children.
_FLAT_COEFFICIENTS = {
    "5.2": Decimal("1.5"),
    "5.5b": Decimal("1.0"),
    "5.5c": Decimal("1.0"),
    "5.5d": Decimal("3.0"),
    "5.7": Decimal("1.5"),
    "5.8": Decimal("1.5"),
}


def age_window(category: str, *, poor_household: bool = False) -> AgeWindow:
    window = AGE_WINDOWS.get(category)
    if window is None:  # meritorious categories have no age window here
        return AgeWindow(None, None, "")
    if category == PENSION_CATEGORY and poor_household:
        return AgeWindow(PENSION_POOR_HOUSEHOLD_FROM, None, window.article)
    return window


def window_months(
    category: str, date_of_birth: date, *, poor_household: bool = False
) -> tuple[date | None, date | None]:
    """(first month, last month) the category pays for this person; None is unbounded."""
    window = age_window(category, poor_household=poor_household)
    first = month_turning(date_of_birth, window.from_age) if window.from_age is not None else None
    last = month_turning(date_of_birth, window.until_age) if window.until_age is not None else None
    return first, last


def in_window(
    category: str, date_of_birth: date, month: date, *, poor_household: bool = False
) -> bool:
    first, last = window_months(category, date_of_birth, poor_household=poor_household)
    return (first is None or month >= first) and (last is None or month <= last)


# --- coefficients ------------------------------------------------------------------------------


def _invalid_category(category: str, field: str = "category") -> ValidationFailed:
    message = _("Diện đối tượng không hợp lệ.")
    return ValidationFailed(message, code="invalid_category", fields={field: [message]})


def social_assistance_coefficient(
    category: str,
    *,
    age: int,
    disability_level: str | None = None,
    children_count: int = 0,
) -> Decimal:
    """The Decree 20/2021 Art. 6(1) coefficient for one Art. 5 category at the given age.

    The window (`in_window`) decides whether the category pays at all; this is its coefficient.
    """
    if category == "5.1":
        return Decimal("2.5") if age < 4 else Decimal("1.5")
    if category == "5.3":
        return Decimal("2.5") if age < 4 else Decimal("2.0")
    if category == SINGLE_PARENT_CATEGORY:
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


def paying_coefficient(
    categories: Sequence[str],
    *,
    date_of_birth: date,
    month: date,
    disability_level: str | None = None,
    children_count: int = 0,
) -> tuple[Decimal | None, str | None]:
    """(coefficient, paying category) of a social-assistance case in `month`.

    Art. 6(2): of the categories whose window is open, only the highest coefficient is paid (on
    a tie the one recorded first); a single poor parent (5.4) also receives the 5.4 amount on top
    of 5.5x, 5.6 or 5.8. (None, None) when no category's window is open.
    """
    age = age_in_month(date_of_birth, month)
    best: tuple[Decimal, str] | None = None
    single_parent: Decimal | None = None
    for category in categories:
        if not in_window(category, date_of_birth, month):
            continue
        coefficient = social_assistance_coefficient(
            category, age=age, disability_level=disability_level, children_count=children_count
        )
        if category == SINGLE_PARENT_CATEGORY:
            single_parent = coefficient
        elif best is None or coefficient > best[0]:
            best = (coefficient, category)
    if best is None:
        return (
            (single_parent, SINGLE_PARENT_CATEGORY) if single_parent is not None else (None, None)
        )
    if single_parent is None:
        return best
    if best[1] in COMBINABLE_WITH_SINGLE_PARENT:
        return best[0] + single_parent, best[1]
    return best if best[0] >= single_parent else (single_parent, SINGLE_PARENT_CATEGORY)


# --- validation --------------------------------------------------------------------------------


def validate_categories(
    programme: str, category: str, other_categories: Iterable[str] = ()
) -> None:
    """The main category belongs to the programme; other categories only in social assistance,
    each an Art. 5 category, none repeated (the highest valid coefficient is paid, Art. 6(2))."""
    allowed = CATEGORIES_BY_PROGRAMME.get(programme)
    if allowed is None or category not in allowed:
        raise _invalid_category(category)
    others = list(other_categories or [])
    if not others:
        return
    if programme != Programme.SOCIAL_ASSISTANCE:
        message = _("Chỉ diện trợ giúp xã hội mới ghi nhận nhiều diện đối tượng.")
        raise ValidationFailed(
            message, code="other_categories_not_allowed", fields={"other_categories": [message]}
        )
    for other in others:
        if other not in allowed:
            raise _invalid_category(other, "other_categories")
    if len(set(others) | {category}) != len(others) + 1:
        message = _("Mỗi diện đối tượng chỉ ghi một lần.")
        raise ValidationFailed(
            message, code="duplicate_category", fields={"other_categories": [message]}
        )


def outside_window_error(category: str, *, poor_household: bool = False) -> ValidationFailed:
    """400 naming the rule: the category's ages and the article that sets them."""
    window = age_window(category, poor_household=poor_household)
    if window.from_age is not None and window.until_age is not None:
        ages = _("từ đủ %(low)d tuổi đến dưới %(high)d tuổi") % {
            "low": window.from_age,
            "high": window.until_age,
        }
    elif window.from_age is not None:
        ages = _("từ đủ %(low)d tuổi") % {"low": window.from_age}
    else:
        ages = _("dưới %(high)d tuổi") % {"high": window.until_age}
    message = _("Diện %(category)s chỉ áp dụng cho người %(ages)s (%(article)s).") % {
        "category": category,
        "ages": ages,
        "article": window.article,
    }
    return ValidationFailed(message, code="outside_age_window", fields={"category": [message]})
